"""Bank statements into donations: read, preview with duplicates flagged, confirm all or none."""

import datetime
import threading
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from campaigns import services
from campaigns.bank import statements as bank_import
from campaigns.bank import views as bank_views
from campaigns.bank.statements import BadValue, parse_amount, parse_date
from campaigns.models import Donation, DonationReversal
from tests.campaigns.builders import campaign_of, gift
from tests.once import at_once, logged_in
from tests.readers import XLSX

VI_HEADER = "Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung"
EN_HEADER = "date,amount,reference,description"


@pytest.fixture
def campaign(world):
    return campaign_of(world.ward_x)


@pytest.fixture
def officer_client(world, login):
    return login(world.users["ward_officer"])


def url(ward, campaign):
    return reverse("campaigns:bank_import", args=[ward.code, campaign.pk])


def csv_file(text, *, bom=False, name="sao-ke.csv"):
    content = text.encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + content, "text/csv")


def xlsx_file(rows, *, name="sao-ke.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), XLSX)


def upload(client, world, campaign, file):
    return client.post(url(world.ward_x, campaign), {"file": file, "action": "preview"})


def choices(preview, overrides=None):
    """What the preview form posts: its ticks, names and kinds as shown, with overrides.

    overrides: {file row number: {"include": bool, "name": str, "kind": str}}.
    """
    overrides = overrides or {}
    data = {"action": "confirm", "token": preview.context["token"]}
    for line in preview.context["lines"]:
        change = overrides.get(line.row.row, {})
        if change.get("include", line.included):
            data[f"include-{line.index}"] = "1"
        data[f"name-{line.index}"] = change.get("name", line.name)
        data[f"kind-{line.index}"] = change.get("kind", line.kind)
    return data


def confirm(client, world, campaign, data):
    return client.post(url(world.ward_x, campaign), data)


def rows_of(response):
    return [
        (line.row.row, line.row.received_on, line.row.amount, line.row.reference, line.name)
        for line in response.context["lines"]
    ]


def problems_of(response):
    return response.context["parsed"].problems


def record(world, campaign, **fields):
    return gift(world, campaign, on=datetime.date(2026, 1, 10), **fields)


# --- Values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("1000000", 1_000_000),
        ("1 000 000", 1_000_000),
        ("1.000.000 VND", 1_000_000),
        ("1,000,000 VNĐ", 1_000_000),
        ("500.000đ", 500_000),
        ("+2.500.000", 2_500_000),
        ("-200.000", -200_000),
        ("(200.000)", -200_000),
        ("1,000,000.00", 1_000_000),
        ("1.000.000,00", 1_000_000),
        (3_000_000, 3_000_000),
        (3_000_000.0, 3_000_000),
        ("", None),
        (None, None),
    ],
)
def test_amounts_as_banks_write_them_become_whole_dong(text, amount):
    result = parse_amount(text)
    assert result == amount
    assert result is None or type(result) is int


@pytest.mark.parametrize("text", ["1.000.000,50", "12,5", "abc", 1000.5, "1.00.000", True])
def test_fractions_and_text_are_not_amounts(text):
    with pytest.raises(BadValue):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("15/01/2026", datetime.date(2026, 1, 15)),
        ("5/1/2026", datetime.date(2026, 1, 5)),
        ("15/01/2026 08:30:12", datetime.date(2026, 1, 15)),
        ("2026-01-15", datetime.date(2026, 1, 15)),
        (datetime.datetime(2026, 1, 15, 9, 0), datetime.date(2026, 1, 15)),
        (datetime.date(2026, 1, 15), datetime.date(2026, 1, 15)),
        (46037, datetime.date(2026, 1, 15)),  # a date cell that lost its format
    ],
)
def test_dates_day_first_iso_or_real_spreadsheet_dates(value, day):
    assert parse_date(value) == day


@pytest.mark.parametrize("value", ["31/02/2026", "01/15/2026", "hôm qua", "2026-13-01"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(BadValue):
        parse_date(value)


@pytest.mark.parametrize(
    ("description", "name", "kind"),
    [
        ("UNG HO NGUYEN VAN AN", "NGUYEN VAN AN", "individual"),
        ("MBVCB.123 ủng hộ - Trần Thị Bình", "Trần Thị Bình", "individual"),
        ("Lê Văn Cường ung ho quy", "quy", "individual"),
        ("Phạm Thị Dung ủng hộ", "Phạm Thị Dung", "individual"),
        ("CONG TY TNHH MY THOI UNG HO", "CONG TY TNHH MY THOI", "organisation"),
        ("  Hoàng Văn Em  ", "Hoàng Văn Em", "individual"),
        ("", "", "individual"),
    ],
)
def test_the_donor_is_guessed_from_the_description(description, name, kind):
    assert bank_import.guess_donor(description) == (name, kind)


# --- Reading files --------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_with_vietnamese_headers_bom_and_semicolons(world, campaign, officer_client):
    text = "\n".join(
        [
            "SAO KÊ TÀI KHOẢN 1234567890;;;",
            "Từ ngày 01/01/2026 đến ngày 31/01/2026;;;",
            VI_HEADER,
            "15/01/2026;1.000.000;FT26015001;UNG HO NGUYEN VAN AN",
            "16/01/2026;-250.000;FT26016002;Phi chuyen tien",
            "17/01/2026;2.500.000 VND;FT26017003;Công ty TNHH Mỹ Thới ủng hộ",
            "Tổng cộng;3.250.000;;",
        ]
    )
    response = upload(officer_client, world, campaign, csv_file(text, bom=True))
    assert response.status_code == 200, problems_of(response)
    assert rows_of(response) == [
        (4, datetime.date(2026, 1, 15), 1_000_000, "FT26015001", "NGUYEN VAN AN"),
        (6, datetime.date(2026, 1, 17), 2_500_000, "FT26017003", "Công ty TNHH Mỹ Thới"),
    ]
    assert [line.kind for line in response.context["lines"]] == ["individual", "organisation"]
    assert all(line.included for line in response.context["lines"])
    notes = response.context["parsed"].notes
    assert any(note.startswith("Dòng 5: khoản ghi nợ") for note in notes)
    assert any(note.startswith("Dòng 7: dòng tổng cộng") for note in notes)
    page = response.content.decode()
    assert "Xác nhận ghi" in page and "3.500.000\u00a0đ" in page
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_csv_with_english_headers_commas_and_no_bom(world, campaign, officer_client):
    text = "\r\n".join(
        [
            EN_HEADER,
            '2026-01-15,"1,000,000",FT26015001,ung ho Tran Thi Binh',
            "15/01/2026,500000,FT26015002,Le Van Cuong",
        ]
    )
    response = upload(officer_client, world, campaign, csv_file(text))
    assert response.status_code == 200, problems_of(response)
    assert rows_of(response) == [
        (2, datetime.date(2026, 1, 15), 1_000_000, "FT26015001", "Tran Thi Binh"),
        (3, datetime.date(2026, 1, 15), 500_000, "FT26015002", "Le Van Cuong"),
    ]


@pytest.mark.django_db
def test_xlsx_with_vietnamese_headers_real_dates_and_a_credit_column(
    world, campaign, officer_client
):
    file = xlsx_file(
        [
            ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"],
            ["Sao kê tài khoản 1234567890"],
            [],
            ["STT", "Ngày", "Số bút toán", "Diễn giải", "Số tiền ghi nợ", "Số tiền ghi có (VND)"],
            [
                1,
                datetime.datetime(2026, 2, 3, 10, 15),
                "5123.45678",
                "ỦNG HỘ Lê Thị Hoa",
                None,
                3e6,
            ],
            [2, datetime.datetime(2026, 2, 4), "5124.11111", "Rut tien mat", 1_000_000, None],
            [3, "05/02/2026", 987654321, "Nguyễn Văn Tám", None, "200.000"],
        ]
    )
    response = upload(officer_client, world, campaign, file)
    assert response.status_code == 200, problems_of(response)
    assert rows_of(response) == [
        (5, datetime.date(2026, 2, 3), 3_000_000, "5123.45678", "Lê Thị Hoa"),
        (7, datetime.date(2026, 2, 5), 200_000, "987654321", "Nguyễn Văn Tám"),
    ]
    assert response.context["parsed"].notes == [
        "Dòng 6: không có số tiền ghi có (khoản chi), bỏ qua."
    ]


@pytest.mark.django_db
def test_xlsx_with_english_headers(world, campaign, officer_client):
    file = xlsx_file(
        [
            ["Date", "Description", "Amount", "Reference"],
            [datetime.date(2026, 3, 1), "UNG HO PHAM VAN GIANG", 1_500_000, "FT1"],
            [datetime.date(2026, 3, 2), "Bank fee", -11_000, "FT2"],
        ]
    )
    response = upload(officer_client, world, campaign, file)
    assert response.status_code == 200, problems_of(response)
    assert rows_of(response) == [
        (2, datetime.date(2026, 3, 1), 1_500_000, "FT1", "PHAM VAN GIANG"),
    ]


@pytest.mark.django_db
def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_written(
    world, campaign, officer_client
):
    text = "\n".join(
        [
            VI_HEADER,
            "15/01/2026;1.000.000;FT1;UNG HO A",
            "31/02/2026;1.000.000;FT2;UNG HO B",
            "16/01/2026;mười triệu;FT3;UNG HO C",
            "17/01/2026;1.000.000,50;FT4;UNG HO D",
            "18/01/2026;1.000.000;;UNG HO E",
            ";1.000.000;FT6;UNG HO F",
            "20/01/2099;1.000.000;FT7;UNG HO G",
        ]
    )
    response = upload(officer_client, world, campaign, csv_file(text))
    assert response.status_code == 400
    assert problems_of(response) == [
        "Dòng 3: ngày “31/02/2026” không đúng dạng ngày/tháng/năm (ví dụ 15/01/2026).",
        "Dòng 4: số tiền “mười triệu” không phải số nguyên đồng.",
        "Dòng 5: số tiền “1.000.000,50” không phải số nguyên đồng.",
        "Dòng 6: thiếu số tham chiếu (mã giao dịch) của ngân hàng.",
        "Dòng 7: thiếu ngày giao dịch.",
        "Dòng 8: ngày 20/01/2099 chưa đến, kiểm tra lại sao kê.",
    ]
    assert response.context["token"] is None
    page = response.content.decode()
    assert "Tệp có 6 lỗi; chưa có khoản nào được ghi." in page
    assert "Xác nhận ghi" not in page
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_an_unquoted_comma_amount_is_caught_not_read_as_one_dong(world, campaign, officer_client):
    text = EN_HEADER + "\n15/01/2026,1,000,000,FT1,UNG HO A\n"
    response = upload(officer_client, world, campaign, csv_file(text))
    assert response.status_code == 400
    assert problems_of(response)[0].startswith("Dòng 2: có nhiều ô hơn dòng tiêu đề.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "message"),
    [
        (csv_file("Ngày;Nội dung\n15/01/2026;A"), "Không tìm thấy dòng tiêu đề"),
        (
            csv_file("Ngày;Số tiền;Nội dung\n15/01/2026;1000;A"),
            "Dòng 1: thiếu cột “Số tham chiếu”.",
        ),
        (csv_file(VI_HEADER + "\n16/01/2026;-5.000;FT1;Phi"), "không có khoản ghi có"),
    ],
)
def test_files_without_usable_rows_are_explained(world, campaign, officer_client, file, message):
    response = upload(officer_client, world, campaign, file)
    assert response.status_code == 400
    assert message in problems_of(response)[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("sao-ke.csv", VI_HEADER.encode("utf-16"), "text/csv"),
            "không ở mã UTF-8",
        ),
        (SimpleUploadedFile("sao-ke.xlsx", b"not a zip", XLSX), "Không đọc được tệp"),
        (SimpleUploadedFile("sao-ke.pdf", b"%PDF-1.4", "application/pdf"), "Chỉ nhận tệp sao kê"),
        (
            SimpleUploadedFile("sao-ke.csv", b"x" * (2 * 1024 * 1024 + 1), "text/csv"),
            "vượt quá giới hạn 2 MB",
        ),
    ],
)
def test_unusable_files_are_refused_in_vietnamese(world, campaign, officer_client, file, message):
    response = upload(officer_client, world, campaign, file)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Donation.objects.exists()


# --- Duplicates -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_duplicates_are_flagged_unticked_and_explained(world, campaign, officer_client):
    other = campaign_of(world.ward_x, name="Cứu trợ bão lũ", fund="thien_tai")
    by_reference = record(
        world, other, amount=700_000, donor_name="Ai Đó", channel="bank", bank_reference="FT1"
    )
    by_name = record(world, campaign, amount=2_000_000, donor_name="Nguyễn Văn An")
    reversed_one = record(
        world, campaign, amount=900_000, donor_name="X", channel="bank", bank_reference="FT9"
    )
    DonationReversal.objects.create(
        donation=reversed_one,
        reason="Ghi nhầm",
        reversed_by=world.users["ward_officer"],
        reversed_on=datetime.date(2026, 1, 11),
    )
    text = "\n".join(
        [
            VI_HEADER,
            "10/01/2026;1.000.000;ft1;UNG HO TRAN VAN B",  # 2: reference already recorded
            "10/01/2026;2.000.000;FT2;UNG HO NGUYEN VAN AN",  # 3: date + amount + name
            "10/01/2026;3.000.000;FT3;UNG HO LE THI C",  # 4: new
            "11/01/2026;4.000.000;FT3;UNG HO LE THI D",  # 5: reference of row 4
            "12/01/2026;5.000.000;FT5;ủng hộ Phạm Văn E",  # 6: new
            "12/01/2026;5.000.000;FT6;UNG HO PHAM VAN  E",  # 7: same as row 6 but reference
            "10/01/2026;900.000;FT9;UNG HO X",  # 8: only a reversed donation has FT9
        ]
    )
    response = upload(officer_client, world, campaign, csv_file(text))
    assert response.status_code == 200, problems_of(response)
    lines = {line.row.row: line for line in response.context["lines"]}
    assert {row for row, line in lines.items() if line.included} == {4, 6, 8}
    assert lines[2].row.duplicates == [
        f"Số tham chiếu đã được ghi ở biên nhận {by_reference.receipt_label} (Cứu trợ bão lũ)."
    ]
    assert lines[3].row.duplicates == [
        "Trùng ngày, số tiền và tên người ủng hộ với biên nhận "
        f"{by_name.receipt_label} (Quỹ Vì người nghèo 2026)."
    ]
    assert lines[5].row.duplicates == ["Trùng số tham chiếu với dòng 4 của tệp."]
    assert lines[7].row.duplicates == [
        "Trùng ngày, số tiền và tên người ủng hộ với dòng 6 của tệp."
    ]
    page = response.content.decode()
    assert "Có thể trùng: Trùng số tham chiếu với dòng 4 của tệp." in page
    assert "4 khoản có thể đã được ghi nên đã bỏ chọn" in page
    assert Donation.objects.count() == 3


@pytest.mark.django_db
def test_goods_valued_at_a_lines_amount_are_no_duplicate_of_it(world, campaign, officer_client):
    """A statement holds money: rice worth 3.000.000 đ given by the same person that day is
    not the transfer of 3.000.000 đ."""
    record(
        world,
        campaign,
        amount=3_000_000,
        donor_name="Lê Thị C",
        form="in_kind",
        channel="other",
        in_kind_description="Gạo",
        in_kind_quantity=250,
        in_kind_unit="kg",
    )
    text = "\n".join([VI_HEADER, "10/01/2026;3.000.000;FT3;UNG HO LE THI C"])
    response = upload(officer_client, world, campaign, csv_file(text))
    assert response.status_code == 200, problems_of(response)
    [line] = response.context["lines"]
    assert line.included and line.row.duplicates == []


def test_duplicate_detection_is_pure():
    day = datetime.date(2026, 1, 10)
    rows = [
        bank_import.StatementRow(2, day, 100, "R1", "", "Đỗ Thị Mai", "individual"),
        bank_import.StatementRow(3, day, 100, "R2", "", "", "anonymous"),
    ]
    existing = [bank_import.Existing(day, 100, "", "", "biên nhận 00001/2026")]
    bank_import.flag_duplicates(rows, existing)
    assert [row.duplicates for row in rows] == [[], []]  # nameless rows never match by name
    existing = [bank_import.Existing(day, 100, "DO THI  MAI", "", "biên nhận 00001/2026")]
    bank_import.flag_duplicates(rows, existing)
    assert rows[0].duplicates == [
        "Trùng ngày, số tiền và tên người ủng hộ với biên nhận 00001/2026."
    ]


# --- Confirming -----------------------------------------------------------------------------

STATEMENT = "\n".join(
    [
        VI_HEADER,
        "15/01/2026;1.000.000;FT1;UNG HO NGUYEN VAN AN",
        "14/01/2026;2.000.000;FT2;CONG TY TNHH AN PHU UNG HO",
        "16/01/2026;3.000.000;FT3;chuyen tien",
        "16/01/2026;4.000.000;FT1;UNG HO NGUYEN VAN AN",
    ]
)


@pytest.mark.django_db
def test_confirm_writes_exactly_the_ticked_rows_with_gap_free_receipts(
    world, campaign, officer_client
):
    earlier = record(world, campaign, amount=50_000, donor_name="Trần Văn Cũ")
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    assert not Donation.objects.exclude(pk=earlier.pk).exists()
    # Row 5 repeats row 2's reference, so it starts unticked; row 4 is made anonymous.
    data = choices(preview, {2: {"name": "Nguyễn Văn An"}, 4: {"kind": "anonymous"}})
    response = confirm(officer_client, world, campaign, data)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "campaigns:detail", args=[world.ward_x.code, campaign.pk]
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã ghi 3 khoản ủng hộ từ sao kê."
    ]
    written = list(Donation.objects.exclude(pk=earlier.pk).order_by("receipt_number"))
    assert [
        (d.receipt_number, d.received_on, d.amount, d.bank_reference, d.donor_kind, d.donor_name)
        for d in written
    ] == [
        (2, datetime.date(2026, 1, 14), 2_000_000, "FT2", "organisation", "CONG TY TNHH AN PHU"),
        (3, datetime.date(2026, 1, 15), 1_000_000, "FT1", "individual", "Nguyễn Văn An"),
        (4, datetime.date(2026, 1, 16), 3_000_000, "FT3", "anonymous", ""),
    ]
    assert all(
        (d.channel, d.form, d.campaign_id, d.ward_id, d.recorded_by)
        == ("bank", "cash", campaign.pk, world.ward_x.pk, world.users["ward_officer"])
        for d in written
    )
    assert written[0].note == "Nhập từ sao kê ngân hàng (dòng 3)"
    assert all(type(d.amount) is int for d in written)


@pytest.mark.django_db
def test_one_refused_row_rolls_back_every_row_and_keeps_receipts_gap_free(
    world, campaign, officer_client
):
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    # Row 4 is written last (latest date): without a name it cannot stay "individual".
    data = choices(preview, {4: {"name": "", "kind": "individual"}})
    response = confirm(officer_client, world, campaign, data)
    assert response.status_code == 400
    assert response.context["refusal"] == (
        "Chưa ghi khoản nào. Dòng 4: Ghi tên người, đơn vị ủng hộ hoặc chọn "
        "“Nhà hảo tâm (ẩn danh)”."
    )
    assert not Donation.objects.exists()
    # The preview is shown again with the officer's choices, ready to be corrected.
    page = response.content.decode()
    assert 'id="refusal"' in page and 'name="token"' in page
    kept = {line.row.row: (line.included, line.name) for line in response.context["lines"]}
    assert kept == {
        2: (True, "NGUYEN VAN AN"),
        3: (True, "CONG TY TNHH AN PHU"),
        4: (True, ""),
        5: (False, "NGUYEN VAN AN"),
    }

    fixed = choices(preview, {4: {"name": "Võ Thị Hạnh"}})
    assert confirm(officer_client, world, campaign, fixed).status_code == 302
    assert list(
        Donation.objects.order_by("receipt_number").values_list("receipt_number", flat=True)
    ) == [1, 2, 3]


@pytest.mark.django_db
def test_nothing_ticked_writes_nothing(world, campaign, officer_client):
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    data = choices(preview, {row: {"include": False} for row in (2, 3, 4, 5)})
    response = confirm(officer_client, world, campaign, data)
    assert response.status_code == 400
    assert "Chưa chọn khoản nào để ghi." in response.context["refusal"]
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_a_row_recorded_by_someone_else_after_the_preview_stops_the_whole_import(
    world, campaign, officer_client
):
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    record(world, campaign, amount=3_000_000, donor_name="B", channel="bank", bank_reference="FT3")
    response = confirm(officer_client, world, campaign, choices(preview))
    assert response.status_code == 409
    assert "Dòng 4: Số tham chiếu đã được ghi ở biên nhận 00001/2026" in response.context["refusal"]
    assert Donation.objects.count() == 1


def notices(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def written_rows():
    """(file line, receipt) of the donations written from statements, oldest receipt first."""
    return [
        (int(note.removeprefix("Nhập từ sao kê ngân hàng (dòng ").rstrip(")")), number)
        for note, number in Donation.objects.order_by("receipt_number").values_list(
            "note", "receipt_number"
        )
    ]


@pytest.mark.django_db
def test_confirming_the_same_preview_twice_records_each_line_once(world, campaign, officer_client):
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    data = choices(preview, {4: {"kind": "anonymous"}})
    first = confirm(officer_client, world, campaign, data)
    assert notices(first) == ["Đã ghi 3 khoản ủng hộ từ sao kê."]
    officer_client.get(first["Location"])  # the campaign page shows (and clears) the notice
    recorded = written_rows()
    assert sorted(row for row, _ in recorded) == [2, 3, 4]
    # The page sent again (a double click, the browser's "resend"): nothing written twice.
    second = confirm(officer_client, world, campaign, data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    receipts = {row: f"{number:05d}/2026" for row, number in recorded}
    skipped = "; ".join(f"dòng {row} (biên nhận {receipts[row]})" for row in (3, 2, 4))
    assert notices(second) == [
        f"Không ghi thêm khoản nào: các dòng đã chọn đều đã được ghi trước đó ({skipped})."
    ]
    assert written_rows() == recorded


@pytest.mark.django_db
def test_two_previews_of_one_statement_write_each_line_once(world, campaign, officer_client):
    # Two tabs: the same file previewed twice, then both confirmed, with different ticks.
    first_tab = upload(officer_client, world, campaign, csv_file(STATEMENT))
    second_tab = upload(officer_client, world, campaign, csv_file(STATEMENT))
    first = confirm(officer_client, world, campaign, choices(first_tab, {4: {"include": False}}))
    officer_client.get(first["Location"])
    assert sorted(row for row, _ in written_rows()) == [2, 3]
    response = confirm(
        officer_client, world, campaign, choices(second_tab, {4: {"kind": "anonymous"}})
    )
    assert response.status_code == 302
    receipts = {row: f"{number:05d}/2026" for row, number in written_rows()}
    assert notices(response) == [
        "Đã ghi 1 khoản ủng hộ từ sao kê.",
        "Bỏ qua 2 dòng đã được ghi trước đó, không ghi lần nữa: "
        f"dòng 3 (biên nhận {receipts[3]}); dòng 2 (biên nhận {receipts[2]}).",
    ]
    assert sorted(receipts) == [2, 3, 4]


@pytest.mark.django_db
def test_a_reversed_line_is_imported_again(world, campaign, officer_client):
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    first = confirm(officer_client, world, campaign, choices(preview, {4: {"kind": "anonymous"}}))
    officer_client.get(first["Location"])
    wrong = Donation.objects.get(bank_reference="FT2")
    services.donation_reverse(
        donation=wrong,
        user=world.users["ward_officer"],
        reason="Ghi nhầm cuộc vận động",
        on=datetime.date(2026, 1, 20),
    )
    again = upload(officer_client, world, campaign, csv_file(STATEMENT))
    ticked = [line.row.row for line in again.context["lines"] if line.included]
    assert ticked == [3]  # only the reversed line is new again
    response = confirm(officer_client, world, campaign, choices(again))
    assert notices(response) == ["Đã ghi 1 khoản ủng hộ từ sao kê."]
    counted = Donation.objects.filter(bank_reference="FT2", reversal__isnull=True)
    assert counted.count() == 1 and counted.get().pk != wrong.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_the_same_preview_confirmed_twice_at_the_same_moment_records_each_line_once(
    world, campaign, monkeypatch
):
    officer = world.users["ward_officer"]
    preview = upload(logged_in(officer), world, campaign, csv_file(STATEMENT))
    data = choices(preview, {4: {"kind": "anonymous"}})
    # Both requests finish their duplicate check before either writes: the race of two tabs.
    checked = threading.Barrier(2, timeout=20)
    flag_duplicates = bank_import.flag_duplicates

    def flag_then_wait(rows, existing):
        flag_duplicates(rows, existing)
        checked.wait()

    monkeypatch.setattr(bank_import, "flag_duplicates", flag_then_wait)
    clients = [logged_in(officer), logged_in(officer)]
    responses = at_once(*(lambda c=c: confirm(c, world, campaign, data) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    recorded = written_rows()
    assert sorted(row for row, _ in recorded) == [2, 3, 4]
    assert [number for _, number in recorded] == [1, 2, 3]
    first, second = sorted((notices(r) for r in responses), key=lambda n: "Đã ghi" not in n[0])
    assert first == ["Đã ghi 3 khoản ủng hộ từ sao kê."]
    assert second[0].startswith("Không ghi thêm khoản nào: các dòng đã chọn đều đã được ghi")


@pytest.mark.django_db
def test_a_forged_expired_or_borrowed_token_writes_nothing(
    world, campaign, officer_client, login, monkeypatch
):
    preview = upload(officer_client, world, campaign, csv_file(STATEMENT))
    data = choices(preview)
    token = data["token"]
    forged = signing_tamper(token)
    for bad in ("", "abc", forged):
        response = confirm(officer_client, world, campaign, {**data, "token": bad})
        assert response.status_code == 400
        assert "Phiên xem trước không hợp lệ hoặc đã hết hạn" in response.content.decode()
    other = campaign_of(world.ward_x, name="Nhà Đại đoàn kết 2026", kind="housing")
    assert confirm(officer_client, world, other, data).status_code == 400
    chair = login(world.users["ward_chair"])
    assert confirm(chair, world, campaign, data).status_code == 400
    monkeypatch.setattr(bank_views, "TOKEN_MAX_AGE", -1)
    assert confirm(login(world.users["ward_officer"]), world, campaign, data).status_code == 400
    assert not Donation.objects.exists()


def signing_tamper(token):
    """The same token with its payload changed and the signature kept."""
    payload, _, signature = token.rpartition(":")
    return payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + signature


# --- Who may import -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ward_officer", 200),
        ("ward_chair", 200),
        ("admin", 200),
        ("party_viewer", 403),
        ("province_officer", 403),
        ("unassigned", 404),
    ],
)
def test_only_the_wards_editors_see_the_upload(world, campaign, login, role, status):
    response = login(world.users[role]).get(url(world.ward_x, campaign))
    assert response.status_code == status
    if status == 200:
        assert "Nhập khoản ủng hộ từ sao kê ngân hàng" in response.content.decode()


@pytest.mark.django_db
def test_readers_cannot_post_a_statement_either(world, campaign, login):
    for role, status in (("party_viewer", 403), ("province_officer", 403)):
        response = upload(login(world.users[role]), world, campaign, csv_file(STATEMENT))
        assert response.status_code == status
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(world, campaign, client):
    response = client.get(url(world.ward_x, campaign))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_another_wards_page_or_campaign_is_not_found(world, campaign, officer_client):
    assert officer_client.get(url(world.ward_y, campaign)).status_code == 404
    theirs = campaign_of(world.ward_y, name="Quỹ của phường khác")
    assert officer_client.get(url(world.ward_x, theirs)).status_code == 404
    movement = campaign_of(
        world.ward_x, name="Toàn dân đoàn kết xây dựng đời sống văn hóa", kind="movement"
    )
    assert officer_client.get(url(world.ward_x, movement)).status_code == 404


@pytest.mark.django_db
def test_a_province_fund_takes_the_wards_statement(world, officer_client):
    province_fund = campaign_of(
        name="Quỹ cứu trợ của tỉnh", fund="thien_tai", province=world.province_a
    )
    preview = upload(officer_client, world, province_fund, csv_file(STATEMENT))
    assert preview.status_code == 200
    assert confirm(officer_client, world, province_fund, choices(preview)).status_code == 302
    assert set(Donation.objects.values_list("ward", "campaign").distinct()) == {
        (world.ward_x.pk, province_fund.pk)
    }
