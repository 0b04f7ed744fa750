"""Excel: the entry template, importing it back (preview, then confirm), and the exports."""

import datetime
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from core import uploads
from reports import excel, selectors
from reports.models import Indicator, IndicatorGroup, IndicatorValue, MonthlyReport
from tests import factories
from tests.readers import XLSX, xlsx_workbook
from tests.reports.conftest import PERIOD, entry_url

Status = MonthlyReport.Status
HEADERS = [
    "Mã chỉ tiêu",
    "Nhóm",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Tháng trước",
    "Số liệu tháng này",
    "Mẫu số (chỉ tiêu tỷ lệ)",
    "Ghi chú",
]
CODE, LAST, VALUE, DENOMINATOR, NOTE = 1, 5, 6, 7, 8  # 1-based columns of the entry sheet


def month_url(name, ward, period=PERIOD):
    return reverse(name, args=[ward.code, period.year, period.month])


def import_url(ward, period=PERIOD):
    return month_url("reports:entry_import", ward, period)


def download_template(client, ward, period=PERIOD):
    return xlsx_workbook(client.get(month_url("reports:entry_template", ward, period)))


def row_of(ws, code):
    """The row number holding this indicator code in column A."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=CODE).value == code:
            return row
    raise AssertionError(f"{code} not in sheet")


def as_bytes(workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, ward, content, name="bao-cao.xlsx", period=PERIOD):
    if isinstance(content, Workbook):
        content = as_bytes(content)
    file = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(import_url(ward, period), {"file": file, "action": "preview"})


def confirm(client, ward, token, period=PERIOD):
    return client.post(import_url(ward, period), {"action": "confirm", "token": token})


def saved(ward, period=PERIOD):
    return {
        code: (value, denominator)
        for code, value, denominator in IndicatorValue.objects.filter(
            report__ward=ward, report__period=period
        ).values_list("indicator__code", "value", "denominator")
    }


def sheet(header_row, rows):
    """A hand-made upload: two lines of title, then a header and the given rows."""
    workbook = Workbook()
    ws = workbook.active
    ws.append(["Báo cáo tự làm"])
    ws.append([])
    ws.append(header_row)
    for row in rows:
        ws.append(row)
    return workbook


@pytest.fixture
def members(world):
    """Ward X's member organisations count 30 members of 50 eligible people in October 2025."""
    return factories.membership(
        ward_obj=world.ward_x, members=30, eligible=50, as_of=datetime.date(2025, 1, 31)
    )


# --- Template download ----------------------------------------------------------------------


@pytest.mark.django_db
def test_template_lists_every_indicator_with_saved_figures(world, login, save, members):
    september = MonthlyReport.objects.create(ward=world.ward_x, period=datetime.date(2025, 9, 1))
    save(september, TT_BUOI=3, VH_TANG_VM=(2, 5))
    save(
        MonthlyReport.objects.create(ward=world.ward_x, period=PERIOD),
        TT_BUOI=5,
        THTK_TIEN=1_804_000_000,
    )
    response = login(world.users["party_viewer"]).get(
        month_url("reports:entry_template", world.ward_x)
    )
    assert 'filename="bao-cao-30301-2025-10.xlsx"' in response["Content-Disposition"]
    ws = xlsx_workbook(response).active

    assert "tháng 10/2025" in ws["A1"].value and "Phường Mỹ Thới" in ws["A1"].value
    assert [cell.value for cell in ws[excel.ENTRY_HEADER_ROW]] == HEADERS
    codes = [
        ws.cell(row=r, column=CODE).value for r in range(excel.ENTRY_HEADER_ROW + 1, ws.max_row + 1)
    ]
    assert codes == [i.code for i in selectors.active_indicators(PERIOD)]

    buoi = row_of(ws, "TT_BUOI")
    assert ws.cell(row=buoi, column=3).value.startswith("Số buổi tuyên truyền")
    assert ws.cell(row=buoi, column=4).value == "buổi"
    assert ws.cell(row=buoi, column=LAST).value == 3
    assert ws.cell(row=buoi, column=VALUE).value == 5
    money = ws.cell(row=row_of(ws, "THTK_TIEN"), column=VALUE)
    assert money.value == 1_804_000_000
    assert money.number_format == "#,##0"
    assert ws.cell(row=row_of(ws, "VH_TANG_VM"), column=LAST).value == "2 / 5"

    computed = row_of(ws, "TH_DVHV")
    assert ws.cell(row=computed, column=NOTE).value.startswith("Cổng tự tính")
    assert ws.cell(row=computed, column=VALUE).fill.fgColor.rgb.endswith("D9D9D9")
    assert ws.cell(row=computed, column=VALUE).value == 30  # from the ward's memberships
    assert ws.cell(row=buoi, column=NOTE).value is None


@pytest.mark.django_db
def test_template_of_another_ward_is_not_found(world, login):
    client = login(world.users["party_viewer"])
    assert client.get(month_url("reports:entry_template", world.ward_y)).status_code == 404


@pytest.mark.django_db
def test_text_that_a_spreadsheet_would_run_is_written_as_plain_text(world, login):
    group = IndicatorGroup.objects.create(name="@Nhóm thử", display_order=1)
    for code, name in [("X_EQ", '=HYPERLINK("http://x")'), ("X_PLUS", "+1+2"), ("X_MINUS", "-3")]:
        Indicator.objects.create(
            code=code, name=name, group=group, unit="lần", kind="count", rollup="sum"
        )
    ws = download_template(login(world.users["ward_officer"]), world.ward_x).active
    names = {ws.cell(row=row_of(ws, c), column=3).value for c in ("X_EQ", "X_PLUS", "X_MINUS")}
    assert names == {'\'=HYPERLINK("http://x")', "'+1+2", "'-3"}
    group_cell = ws.cell(row=row_of(ws, "X_EQ"), column=2)
    assert group_cell.value == "'@Nhóm thử"
    assert group_cell.data_type == "s"


def test_safe_text_escapes_only_formula_triggers():
    assert [excel.safe_text(v) for v in ["=1", "+1", "-1", "@A1", "Số", 5, None]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@A1",
        "Số",
        5,
        None,
    ]


# --- Import: round trip ---------------------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_previews_old_and_new_and_writes_only_on_confirm(world, login, save, members):
    save(MonthlyReport.objects.create(ward=world.ward_x, period=PERIOD), TT_BUOI=5, TT_LOP=2)
    client = login(world.users["ward_officer"])
    workbook = download_template(client, world.ward_x)
    ws = workbook.active
    ws.cell(row=row_of(ws, "TT_BUOI"), column=VALUE, value=7)
    ws.cell(row=row_of(ws, "TT_LUOT"), column=VALUE, value=120.0)
    ws.cell(row=row_of(ws, "THTK_TIEN"), column=VALUE, value="1.804.000.000")
    ws.cell(row=row_of(ws, "VH_TANG_VM"), column=VALUE, value=3)
    ws.cell(row=row_of(ws, "VH_TANG_VM"), column=DENOMINATOR, value=4)
    ws.cell(row=row_of(ws, "TH_DVHV"), column=VALUE, value=999)  # computed: ignored

    preview = upload(client, world.ward_x, workbook)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Xem trước số liệu nhập từ Excel" in page
    assert "Tệp có 5 số liệu, 4 số liệu khác với số đang lưu." in page
    rows = {row.indicator.code: row for row in preview.context["rows"]}
    assert (rows["TT_BUOI"].old_text, rows["TT_BUOI"].new_text) == ("5", "7")
    assert rows["THTK_TIEN"].new_text == "1.804.000.000 đ"
    assert rows["VH_TANG_VM"].new_text == "3 / 4 (75,0\u00a0%)"
    assert rows["TH_DVHV"].new is None
    assert "Cổng tự tính, bỏ qua số trong tệp" in page
    assert "Xác nhận nhập" in page
    assert saved(world.ward_x)["TT_BUOI"] == (5, None)  # nothing written by the preview
    assert "THTK_TIEN" not in saved(world.ward_x)

    response = confirm(client, world.ward_x, preview.context["token"])
    assert response.status_code == 302
    assert response["Location"] == entry_url(world.ward_x)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã nhập 5 số liệu từ tệp Excel."
    ]
    values = saved(world.ward_x)
    assert values["TT_BUOI"] == (7, None)
    assert values["TT_LUOT"] == (120, None)
    assert values["TT_LOP"] == (2, None)
    assert values["THTK_TIEN"] == (1_804_000_000, None)
    assert values["VH_TANG_VM"] == (3, 4)
    assert values["TH_DVHV"] == (30, None)  # the portal's own figure, not the file's 999
    events = MonthlyReport.objects.get(ward=world.ward_x).events.values_list("action", "actor")
    assert list(events) == [("import", world.users["ward_officer"].pk)]


@pytest.mark.django_db
def test_a_new_months_report_is_created_by_the_import(world, login):
    client = login(world.users["ward_chair"])
    preview = upload(
        client, world.ward_x, sheet(["Mã chỉ tiêu", "Số liệu tháng này"], [["TT_BUOI", 4]])
    )
    assert not MonthlyReport.objects.filter(ward=world.ward_x).exists()
    assert confirm(client, world.ward_x, preview.context["token"]).status_code == 302
    assert saved(world.ward_x)["TT_BUOI"] == (4, None)
    assert MonthlyReport.objects.get(ward=world.ward_x).status == Status.DRAFT


# --- Import: problems -----------------------------------------------------------------------


@pytest.mark.django_db
def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_written(world, login):
    client = login(world.users["ward_officer"])
    workbook = sheet(
        ["Mã chỉ tiêu", "Tên chỉ tiêu", "Số liệu tháng này", "Mẫu số (chỉ tiêu tỷ lệ)"],
        [
            ["TT_BUOI", "", 5, None],  # row 4: fine
            ["XYZ", "", 1, None],  # row 5
            ["TT_LUOT", "", "12,5", None],  # row 6
            ["TT_LOP", "", -3, None],  # row 7
            ["VH_TANG_VM", "", 3, None],  # row 8
            ["TT_BUOI", "", 6, None],  # row 9
            ["TT_HOITHI", "", 2.5, None],  # row 10
            ["TN_DOI", "", 2, 3],  # row 11
            [None, "", 4, None],  # row 12
        ],
    )
    response = upload(client, world.ward_x, workbook)
    assert response.status_code == 400
    page = response.content.decode()
    expected = [
        "Dòng 5: mã chỉ tiêu XYZ không có trong danh mục.",
        "Dòng 6: “12,5” không phải số nguyên.",
        "Dòng 7: số liệu không được âm (-3).",
        "Dòng 8: chỉ tiêu tỷ lệ VH_TANG_VM cần có mẫu số.",
        "Dòng 9: mã chỉ tiêu TT_BUOI bị lặp (đã có ở dòng 4).",
        "Dòng 10: “2,5” không phải số nguyên.",
        "Dòng 11: chỉ tiêu TN_DOI không có mẫu số; hãy để trống cột “Mẫu số (chỉ tiêu tỷ lệ)”.",
        "Dòng 12: có số liệu nhưng thiếu mã chỉ tiêu.",
    ]
    assert response.context["parsed"].problems == expected
    assert "Tệp có 8 lỗi; chưa có số liệu nào được nhập." in page
    for problem in expected:
        assert problem in page
    assert "Xác nhận nhập" not in page
    assert response.context["token"] is None
    assert not IndicatorValue.objects.exists()
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_a_numerator_above_its_denominator_is_refused(world, login):
    client = login(world.users["ward_officer"])
    workbook = sheet(
        ["Mã chỉ tiêu", "Số liệu tháng này", "Mẫu số (chỉ tiêu tỷ lệ)"],
        [["VH_TANG_VM", "1.205", "1.000"], ["TT_BUOI", "abc", None]],
    )
    problems = upload(client, world.ward_x, workbook).context["parsed"].problems
    assert problems == [
        "Dòng 4: tử số (1.205) lớn hơn mẫu số (1.000).",
        "Dòng 5: “abc” không phải số nguyên.",
    ]


@pytest.mark.django_db
def test_a_forged_or_altered_confirmation_writes_nothing(world, login, save):
    client = login(world.users["ward_officer"])
    bad = sheet(["Mã chỉ tiêu", "Số liệu tháng này"], [["TT_BUOI", "12,5"]])
    assert upload(client, world.ward_x, bad).status_code == 400

    forged = signing.dumps(
        {"ward": "30301", "period": "2025-10-01", "version": 0, "entries": {"TT_BUOI": [9, None]}},
        salt="another-salt",
    )
    good = upload(
        client, world.ward_x, sheet(["Mã chỉ tiêu", "Số liệu tháng này"], [["TT_BUOI", 9]])
    )
    altered = good.context["token"][:-3] + "abc"
    for token in ["", "giả mạo", forged, altered]:
        response = confirm(client, world.ward_x, token)
        assert response.status_code == 400
        assert "Phiên xem trước không hợp lệ hoặc đã hết hạn" in response.content.decode()
    # A genuine token is for its own month only.
    september = datetime.date(2025, 9, 1)
    assert confirm(client, world.ward_x, good.context["token"], september).status_code == 400
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_template_for_another_month_is_refused(world, login):
    client = login(world.users["ward_officer"])
    workbook = download_template(client, world.ward_x, datetime.date(2025, 9, 1))
    ws = workbook.active
    ws.cell(row=row_of(ws, "TT_BUOI"), column=VALUE, value=4)
    response = upload(client, world.ward_x, workbook)
    assert response.status_code == 400
    assert "Tệp này là mẫu báo cáo tháng 09/2025, không phải tháng 10/2025." in (
        response.content.decode()
    )
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.xls", b"old excel", "Chỉ nhận tệp Excel dạng .xlsx."),
        ("bao-cao.csv", b"TT_BUOI;5", "Chỉ nhận tệp Excel dạng .xlsx."),
        ("bao-cao.xlsx", b"PK\x03\x04 not really a zip", "Không đọc được tệp"),
        ("bao-cao.xlsx", b"x" * (2 * 1024 * 1024 + 1), "vượt quá giới hạn 2 MB"),
    ],
)
def test_unusable_files_are_explained_in_vietnamese(world, login, name, content, message):
    response = upload(login(world.users["ward_officer"]), world.ward_x, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_small_file_that_unpacks_into_a_huge_one_is_refused(world, login):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (uploads.MAX_UNPACKED_BYTES + 1))
    assert len(buffer.getvalue()) < excel.MAX_UPLOAD_BYTES
    response = upload(login(world.users["ward_officer"]), world.ward_x, buffer.getvalue())
    assert response.status_code == 400
    assert "Tệp chứa quá nhiều dữ liệu so với một mẫu báo cáo." in response.content.decode()


@pytest.mark.django_db
def test_a_file_without_the_header_is_explained(world, login):
    workbook = sheet(["Chỉ tiêu", "Giá trị"], [["TT_BUOI", 5]])
    response = upload(login(world.users["ward_officer"]), world.ward_x, workbook)
    assert "Không tìm thấy dòng tiêu đề có cột “Mã chỉ tiêu”" in response.content.decode()


@pytest.mark.django_db
def test_no_upload_form_for_readers_or_other_wards(world, login):
    assert login(world.users["party_viewer"]).get(import_url(world.ward_x)).status_code == 403
    officer = login(world.users["ward_officer"])
    assert officer.get(import_url(world.ward_y)).status_code == 404
    page = officer.get(import_url(world.ward_x))
    assert page.status_code == 200
    assert "Tải lên và xem trước" in page.content.decode()


# --- Import: locked reports -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_approved_report_refuses_the_import(world, login, save):
    report = MonthlyReport.objects.create(ward=world.ward_x, period=PERIOD)
    save(report, TT_BUOI=5)
    client = login(world.users["ward_officer"])
    workbook = sheet(["Mã chỉ tiêu", "Số liệu tháng này"], [["TT_BUOI", 9]])
    token = upload(client, world.ward_x, workbook).context["token"]
    MonthlyReport.objects.filter(pk=report.pk).update(status=Status.APPROVED)

    page = client.get(import_url(world.ward_x)).content.decode()
    assert "đang ở trạng thái “Đã duyệt”, không nhập số liệu từ Excel được." in page
    assert "Tải lên và xem trước" not in page
    assert upload(client, world.ward_x, workbook).status_code == 409

    response = confirm(client, world.ward_x, token)
    assert response.status_code == 409
    assert "Báo cáo tháng 10/2025 đang ở trạng thái “Đã duyệt”, không sửa được." in (
        response.content.decode()
    )
    assert saved(world.ward_x)["TT_BUOI"] == (5, None)


@pytest.mark.django_db
def test_a_save_by_someone_else_after_the_preview_wins(world, login, save):
    report = MonthlyReport.objects.create(ward=world.ward_x, period=PERIOD)
    client = login(world.users["ward_officer"])
    workbook = sheet(["Mã chỉ tiêu", "Số liệu tháng này"], [["TT_BUOI", 9]])
    token = upload(client, world.ward_x, workbook).context["token"]
    save(report, user=world.users["ward_chair"], TT_BUOI=6)
    response = confirm(client, world.ward_x, token)
    assert response.status_code == 409
    assert "Hãy tải tệp lên lại" in response.content.decode()
    assert saved(world.ward_x)["TT_BUOI"] == (6, None)


# --- Year export ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_year_export_has_months_the_year_roll_up_and_each_months_status(world, login, save):
    officer = world.users["ward_officer"]
    for month, figures in [
        (1, {"TT_BUOI": 2, "HN_NGHEO": 40, "VH_TANG_VM": (1, 2)}),
        (2, {"TT_BUOI": 3, "HN_NGHEO": 38, "VH_TANG_VM": (2, 4)}),
    ]:
        report = MonthlyReport.objects.create(
            ward=world.ward_x, period=datetime.date(2025, month, 1)
        )
        save(report, user=officer, **figures)
    MonthlyReport.objects.filter(period__month=1).update(status=Status.APPROVED)

    response = login(world.users["party_viewer"]).get(
        reverse("reports:ward_year_export", args=[world.ward_x.code, 2025])
    )
    assert 'filename="bao-cao-30301-2025.xlsx"' in response["Content-Disposition"]
    ws = xlsx_workbook(response).active
    header = [cell.value for cell in ws[4]]
    assert header[:4] == ["Mã chỉ tiêu", "Nhóm", "Tên chỉ tiêu", "Đơn vị tính"]
    assert header[4:] == [f"Tháng {m}" for m in range(1, 13)] + ["Cả năm"]
    statuses = [cell.value for cell in ws[5]]
    assert statuses[2] == "Trạng thái báo cáo"
    assert statuses[4:7] == ["Đã duyệt", "Đang nhập", "Chưa có báo cáo"]

    def line(code):
        return [ws.cell(row=row_of(ws, code), column=c).value for c in range(5, 18)]

    assert line("TT_BUOI") == [2, 3] + [None] * 10 + [5]
    assert line("HN_NGHEO") == [40, 38] + [None] * 10 + [38]
    ratio_row = row_of(ws, "VH_TANG_VM")
    assert ws.cell(row=ratio_row, column=4).value == "%"
    assert line("VH_TANG_VM")[:2] == [0.5, 0.5] and line("VH_TANG_VM")[-1] == 0.5
    assert ws.cell(row=ratio_row, column=5).number_format == "0.0%"
    assert ws.cell(row=row_of(ws, "TT_BUOI"), column=17).number_format == "#,##0"


@pytest.mark.django_db
def test_ratio_cells_hold_the_percent_of_summed_parts():
    indicator = Indicator(kind="ratio", rollup="ratio")
    total = selectors.aggregate(
        indicator, [1, 2], {1: selectors.Figure(1, 3), 2: selectors.Figure(1, 3)}
    )
    assert excel.cell_value(indicator, total) == Decimal(2) / Decimal(6)  # exact, not rounded
    assert excel.cell_value(indicator, selectors.Figure(1, 0)) is None


@pytest.mark.django_db
def test_year_export_of_another_ward_is_not_found(world, login):
    client = login(world.users["ward_officer"])
    url = reverse("reports:ward_year_export", args=[world.ward_y.code, 2025])
    assert client.get(url).status_code == 404


# --- Province export ------------------------------------------------------------------------


def province_url(province, period=PERIOD):
    return reverse("reports:province_month_export", args=[province.code, period.year, period.month])


@pytest.mark.django_db
def test_province_export_has_a_row_per_ward_equal_to_the_saved_figures(world, login, save, members):
    report_x = MonthlyReport.objects.create(ward=world.ward_x, period=PERIOD)
    save(report_x, TT_BUOI=5, THTK_TIEN=1_804_000_000, VH_TANG_VM=(3, 4))
    MonthlyReport.objects.filter(pk=report_x.pk).update(status=Status.SUBMITTED)
    world.ward_y.name = "=Phường Long Xuyên"
    world.ward_y.save()

    response = login(world.users["province_officer"]).get(province_url(world.province_a))
    assert 'filename="bao-cao-tinh-91-2025-10.xlsx"' in response["Content-Disposition"]
    ws = xlsx_workbook(response).active
    indicators = selectors.active_indicators(PERIOD)
    codes = [cell.value for cell in ws[4]]
    assert codes == ["Mã đơn vị", "Phường, xã", "Trạng thái", *(i.code for i in indicators)]
    assert ws.cell(row=5, column=4).value.startswith(indicators[0].name)
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert [row[:3] for row in rows] == [
        ("30301", "Phường Mỹ Thới", "Đã gửi, chờ duyệt"),
        ("30302", "'=Phường Long Xuyên", "Chưa có báo cáo"),
    ]
    by_code = dict(zip(codes, rows[0], strict=True))
    assert by_code["TT_BUOI"] == 5
    assert by_code["THTK_TIEN"] == 1_804_000_000
    assert by_code["VH_TANG_VM"] == 0.75
    assert by_code["TH_DVHV"] == 30
    assert by_code["TT_LUOT"] is None
    assert all(value is None for value in rows[1][3:])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "province", "status"),
    [
        ("ward_officer", "a", 403),
        ("ward_chair", "a", 403),
        ("party_viewer", "a", 403),
        ("unassigned", "a", 403),
        ("province_officer", "a", 200),
        ("province_officer", "b", 404),
        ("admin", "b", 200),
    ],
)
def test_province_export_is_for_its_officers_and_admins(world, login, role, province, status):
    target = world.province_a if province == "a" else world.province_b
    assert login(world.users[role]).get(province_url(target)).status_code == status


@pytest.mark.django_db
def test_province_export_queries_do_not_grow_with_wards(
    world, login, save, django_assert_max_num_queries
):
    client = login(world.users["admin"])
    small, large = factories.province(code="11"), factories.province(code="12")
    for province, count in [(small, 1), (large, 10)]:
        for _ in range(count):
            ward = factories.ward(province_obj=province)
            report = MonthlyReport.objects.create(ward=ward, period=PERIOD)
            save(report, user=world.users["admin"], TT_BUOI=1, THTK_TIEN=2)

    with CaptureQueriesContext(connection) as one_ward:
        assert client.get(province_url(small)).status_code == 200
    with django_assert_max_num_queries(len(one_ward)):
        response = client.get(province_url(large))
    rows = list(xlsx_workbook(response).active.iter_rows(min_row=6, values_only=True))
    assert len(rows) == 10
