"""Smaller defects seen on the way (issue 12, point 11), each checked at the HTTP level."""

import csv
import datetime
import io
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from campaigns import receipts, services
from campaigns.models import Household
from reports.models import (
    MonthlyReport,
    ValidationRule,
)
from tests import factories
from tests.readers import xlsx_sheet

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The household list's year column ----------------------------------------------------------


@pytest.mark.parametrize("role", ["ward_officer", "party_viewer"])
def test_a_household_without_a_year_shows_a_dash_not_none(world, login, role):
    Household.objects.create(ward=world.ward_x, head_name="Nguyễn Văn Nghèo", category="poor")
    Household.objects.create(
        ward=world.ward_x, head_name="Trần Thị Khó", category="near_poor", certificate_year=2024
    )
    page = login(world.users[role]).get(reverse("campaigns:households", args=[world.ward_x.code]))
    rows = re.findall(r"<tr>(.*?)</tr>", page.content.decode(), re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    years = {text_of(row[0]): text_of(row[-1]) for row in cells if row}
    assert "None" not in page.content.decode()
    assert sorted(years.values()) == ["2024", "—"]


# --- "Người ghi" names the person ---------------------------------------------------------------


def test_the_donation_page_names_who_recorded_and_reversed_it(world, login):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    officer.last_name, officer.first_name = "Nguyễn", "Thị Lan"
    officer.save()
    chair.last_name, chair.first_name = "Phạm", "Văn Hùng"
    chair.save()
    donation = factories.donation(
        fund_obj=factories.fund(ward_obj=world.ward_x),
        user=officer,
        amount=500_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )
    services.donation_reverse(
        donation=donation, user=chair, reason="Ghi trùng", on=datetime.date(2026, 3, 6)
    )
    url = reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk])
    page = text_of(login(world.users["party_viewer"]).get(url).content.decode())
    assert "Người ghi Nguyễn Thị Lan lúc" in page
    assert "bởi Phạm Văn Hùng: Ghi trùng" in page
    assert officer.username not in page
    assert chair.username not in page


def test_without_a_full_name_the_username_is_shown(world, login):
    officer = world.users["ward_officer"]
    donation = factories.donation(
        fund_obj=factories.fund(ward_obj=world.ward_x, name="Quỹ"), user=officer, amount=500_000
    )
    url = reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk])
    page = text_of(login(officer).get(url).content.decode())
    assert f"Người ghi {officer.username} lúc" in page


# --- No line break between an amount and its unit -----------------------------------------------

# A digit, then whitespace a line may break at, then "đ", "đồng", "%" or "điểm %".
BREAKABLE_UNIT = re.compile(r"\d[ \t\r\n]+(?:đồng(?!\w)|đ(?!\w)|%|điểm)|điểm[ \t\r\n]+%")
NBSP = "\u00a0"


def breaks_before_a_unit(html: str) -> list[str]:
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return [match.group(0) for match in BREAKABLE_UNIT.finditer(text)]


@pytest.fixture
def figures_everywhere(world):
    """Money with a target, rates, a ratio indicator and a membership rate for ward X."""
    fund = factories.fund(ward_obj=world.ward_x, target_amount=3_000_000_000)
    donation = factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        amount=1_804_000_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )
    factories.report_values(world.ward_x, datetime.date(2026, 10, 1), VH_TANG_VM=(3, 4))
    return fund, donation


def test_no_amount_or_rate_breaks_before_its_unit_on_pages(world, login, figures_everywhere):
    fund, donation = figures_everywhere
    code = world.ward_x.code
    officer = login(world.users["ward_officer"])
    pages = {
        "home": reverse("home"),
        "campaigns": reverse("campaigns:list", args=[code]),
        "campaign": reverse("campaigns:detail", args=[code, fund.pk]),
        "donation": reverse("campaigns:donation_detail", args=[code, donation.pk]),
        "ward": reverse("wards:detail", args=[code]),
        "dashboard": reverse("reports:dashboard_ward", args=[code]) + "?nam=2026",
        "entry": reverse("reports:entry", args=[code, 2026, 11]),
        "public fund": reverse("campaigns:public_fund", args=[code, fund.pk]),
    }
    shown = {}
    for name, url in pages.items():
        response = officer.get(url)
        assert response.status_code == 200, name
        shown[name] = unescape(response.content.decode())
        assert breaks_before_a_unit(response.content.decode()) == [], name
    assert f"1.804.000.000{NBSP}đ" in shown["campaign"]
    assert re.search(f"60,1[0-9]*{NBSP}%", shown["campaign"])  # 1.804.000.000 of 3.000.000.000
    # However many decimals a rate shows: October's 3 of 4, beside November's field, and
    # the world's membership, 80 of 100.
    assert re.search(f"\\(75(,0+)?{NBSP}%\\)", shown["entry"])
    assert re.search(f"80(,0+)?{NBSP}%", shown["ward"])

    province = login(world.users["province_officer"])
    for url in (
        reverse("reports:dashboard_province", args=[world.province_a.code]) + "?nam=2026",
        reverse("reports:completeness", args=[world.province_a.code, 2026]),
    ):
        response = province.get(url)
        assert response.status_code == 200
        assert breaks_before_a_unit(response.content.decode()) == [], url


def test_no_amount_or_rate_breaks_in_the_receipt_and_the_report_document(world, figures_everywhere):
    from reports.documents import docx, pdf
    from reports.documents import services as document_services

    _fund, donation = figures_everywhere
    receipt = receipts.receipt_html(donation)
    assert breaks_before_a_unit(receipt) == []
    assert f"1.804.000.000{NBSP}đồng" in unescape(receipt)

    document = document_services.document_create(
        ward=world.ward_x,
        kind="term",
        starts_on=datetime.date(2021, 10, 1),
        ends_on=datetime.date(2026, 9, 30),
        user=world.users["ward_officer"],
    )
    html = pdf.document_html(document)  # what the PDF is laid out from
    assert breaks_before_a_unit(html) == []
    assert re.search(f"80(,0+)?{NBSP}%", unescape(html))
    word = Document(io.BytesIO(docx.render_docx(document)))
    texts = [p.text for p in word.paragraphs] + [
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    ]
    assert [text for text in texts if BREAKABLE_UNIT.search(text)] == []
    assert any(re.search(f"80(,0+)?{NBSP}%", text) for text in texts)


# --- "Tải Excel cả năm" -------------------------------------------------------------------------


def year_links(page: str) -> list[str]:
    return re.findall(r'href="([^"]+\.xlsx)">Tải Excel cả năm', page)


def test_every_year_excel_link_on_the_report_list_gives_a_workbook(world, login):
    client = login(world.users["ward_officer"])
    list_url = reverse("reports:list", args=[world.ward_x.code])
    this_year = timezone.localdate().year
    # Next year (nothing to report yet), a year without any report, and this year.
    shown = {}
    for year in (this_year + 1, 2020, this_year):
        page = client.get(list_url, {"nam": year})
        assert page.status_code == 200
        shown[year] = year_links(page.content.decode())
    assert shown[this_year + 1] == []  # no link to a year that has not begun
    for year in (2020, this_year):
        [link] = shown[year]
        response = client.get(link)
        sheet = xlsx_sheet(response)
        assert f"năm {year} – Phường Mỹ Thới" in sheet["A1"].value


# --- An approved report does not ask for an explanation ---------------------------------------


def test_an_approved_report_shows_the_explanation_given_not_a_request_for_one(world, login):
    from reports import services as report_services

    period = datetime.date(2026, 10, 1)
    report = MonthlyReport.objects.create(ward=world.ward_x, period=period)
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    entries = {"GS_KIENNGHI": report_services.Entry(3), "GS_GIAIQUYET": report_services.Entry(5)}
    rule = ValidationRule.objects.get(left="GS_GIAIQUYET")
    report_services.report_save(
        report=report,
        user=officer,
        entries=entries,
        explanations={rule.pk: "Giải quyết thêm 2 vụ tồn từ tháng 9."},
    )
    report_services.report_submit(report=MonthlyReport.objects.get(pk=report.pk), user=officer)
    report_services.report_approve(report=MonthlyReport.objects.get(pk=report.pk), user=chair)

    url = reverse("reports:entry", args=[world.ward_x.code, 2026, 10])
    for role in ("ward_officer", "ward_chair", "province_officer"):
        page = text_of(login(world.users[role]).get(url).content.decode())
        assert "Báo cáo đã duyệt" in page
        assert "cần ghi giải trình" not in page, role
        assert "giải trình: “Giải quyết thêm 2 vụ tồn từ tháng 9.”" in page, role


# --- PDF and DOCX file names carry the period ----------------------------------------------------


def download_name(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=utf-8''(.+)$", disposition)
    return unquote(encoded[1]) if encoded else re.search(r'filename="(.+)"', disposition)[1]


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on", "title"),
    [
        ("month", (2026, 10, 1), (2026, 10, 31), "Báo cáo tháng 10 năm 2026"),
        ("quarter", (2026, 7, 1), (2026, 9, 30), "Báo cáo quý III năm 2026"),
        ("half", (2026, 1, 1), (2026, 6, 30), "Báo cáo sơ kết 6 tháng đầu năm 2026"),
        ("year", (2025, 1, 1), (2025, 12, 31), "Báo cáo tổng kết năm 2025"),
        ("term", (2021, 10, 1), (2026, 9, 30), "Báo cáo nhiệm kỳ 2021-2026"),
        ("range", (2026, 2, 1), (2026, 3, 15), "Báo cáo từ 01-02-2026 đến 15-03-2026"),
    ],
)
def test_pdf_and_docx_are_named_after_the_period_they_report_on(
    world, login, settings, kind, starts_on, ends_on, title
):
    from reports.documents import services as document_services

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    document = document_services.document_create(
        ward=world.ward_x,
        kind=kind,
        starts_on=datetime.date(*starts_on),
        ends_on=datetime.date(*ends_on),
        user=world.users["ward_officer"],
    )
    client = login(world.users["ward_officer"])
    names = []
    for name in ("reports:document_docx", "reports:document_pdf"):
        if name == "reports:document_pdf" and kind != "month":
            continue  # one PDF is enough: both go through the same name
        response = client.get(reverse(name, args=[world.ward_x.code, document.pk]))
        assert response.status_code == 200
        names.append(download_name(response))
    created = document.issued_on
    for shown in names:
        assert shown.startswith(f"{title} - Phường Mỹ Thới")
        assert f"{created:%d-%m-%Y}" not in shown  # the day it was created is not the period
    assert names[0].endswith(".docx")
    if kind == "month":
        assert names[1] == f"{title} - Phường Mỹ Thới.pdf"


# --- A returned report is on the officer's to-do list, with the chair's comment -----------------


def returned_report(world, period, comment):
    from reports import services as report_services

    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    report = MonthlyReport.objects.create(ward=world.ward_x, period=period)
    report_services.report_save(
        report=report, user=officer, entries={"TT_BUOI": report_services.Entry(4)}
    )
    report_services.report_submit(report=MonthlyReport.objects.get(pk=report.pk), user=officer)
    report_services.report_return(
        report=MonthlyReport.objects.get(pk=report.pk), user=chair, comment=comment
    )


def test_reports_returned_by_the_chair_are_on_the_officers_to_do_list(world, login):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    long_ago = this_month.replace(year=this_month.year - 2)
    returned_report(world, this_month, "Bổ sung số buổi tuyên truyền tháng này.")
    returned_report(world, last_month, "Kiểm tra lại số lượt người dự.")
    returned_report(world, long_ago, "Sửa số liệu theo biên bản kiểm tra.")

    page = text_of(login(world.users["ward_officer"]).get(reverse("home")).content.decode())
    todo = page[page.index("Việc cần làm") : page.index("Tất cả báo cáo tháng")]
    for period, comment in (
        (this_month, "Bổ sung số buổi tuyên truyền tháng này."),
        (last_month, "Kiểm tra lại số lượt người dự."),
        (long_ago, "Sửa số liệu theo biên bản kiểm tra."),
    ):
        label = f"Báo cáo tháng {period:%m/%Y}"
        assert label in todo, label
        entry = todo[todo.index(label) :]
        assert entry.index("(Bị trả lại)") < entry.index(f"Ý kiến khi trả lại: “{comment}”") < 300
    # Newest first.
    assert todo.index(f"{this_month:%m/%Y}") < todo.index(f"{last_month:%m/%Y}")
    assert todo.index(f"{last_month:%m/%Y}") < todo.index(f"{long_ago:%m/%Y}")


# --- Every CSV download opens in Excel on a Vietnamese system -----------------------------------

WARD_TABLES = ("so-lieu", "xu-huong", "quy", "tap-hop", "chi-tieu")


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body.decode("utf-8")[1:]
    # Excel with Vietnamese settings splits fields at ";" and reads "," as the decimal mark.
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def csv_data(world):
    factories.ratio_indicator()
    # Named like a formula: must stay text.
    fund = factories.fund(
        ward_obj=world.ward_x, name="=Quỹ Vì người nghèo", starts_on=datetime.date(2025, 1, 1)
    )
    factories.report_values(world.ward_x, datetime.date(2025, 1, 1), TEST_TYLE=(1, 2))
    factories.report_values(world.ward_x, datetime.date(2025, 2, 1), TEST_TYLE=(3, 4))
    factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        received_on=datetime.date(2025, 2, 5),
        amount=1_804_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )
    return fund


def test_every_csv_download_is_excel_ready_for_vietnamese_settings(world, login, csv_data):
    fund = csv_data
    period = {"tu": "01/2025", "den": "02/2025", "format": "csv"}
    officer = login(world.users["ward_officer"])
    ward_dashboard = reverse("reports:dashboard_ward", args=[world.ward_x.code])
    tables = {
        key: csv_rows(officer.get(ward_dashboard, {**period, "bang": key})) for key in WARD_TABLES
    }
    for key, rows in tables.items():
        assert len(rows[0]) > 1, key  # the header is split into its columns
        assert all(len(row) == len(rows[0]) for row in rows), key
    # 4 of 6 over the two months, one decimal as on the page: 66,7 with a decimal comma.
    (rate_row,) = [row for row in tables["chi-tieu"] if row[0] == "TEST_TYLE"]
    assert rate_row[3] == "66,7"
    # The campaign typed like a formula comes out as text.
    (fund_row,) = [row for row in tables["quy"] if row[0] == "'=Quỹ Vì người nghèo"]
    assert "1804000" in fund_row  # money as a plain whole number

    province = login(world.users["province_officer"])
    for url in (
        reverse("reports:dashboard_province", args=[world.province_a.code]),
        reverse("reports:dashboard_national"),
    ):
        if url.endswith("toan-quoc/tong-quan/"):
            province = login(world.users["admin"])
        rows = csv_rows(province.get(url, period))
        assert len(rows[0]) > 3 and all(len(row) == len(rows[0]) for row in rows)
        assert not any(re.fullmatch(r"\d+\.\d+", cell) for row in rows for cell in row)

    public = login(world.users["party_viewer"]).get(
        reverse("campaigns:public_fund_csv", args=[world.ward_x.code, fund.pk])
    )
    rows = csv_rows(public)
    assert rows[0][:3] == ["Ngày", "Loại", "Số biên nhận / số quyết định"]
    assert rows[1][0] == "05/02/2025" and rows[1][1] == "Thu" and rows[1][5] == "1804000"


def test_csv_is_written_by_the_one_helper_only():
    """Every CSV download goes through core/spreadsheets.py (csv_lines, csv_response)."""
    root = Path(__file__).resolve().parent.parent
    writers = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("tests/", ".venv/", "bench/")) or "/migrations/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(Dict)?[Ww]riter|text/csv;", source):
            writers.append(relative)
    assert writers == ["core/spreadsheets.py"]
