"""Open data (issue 15, point 6): every public table as a CSV that Excel opens on a Vietnamese
system (UTF-8 with BOM, ";", plain whole numbers, decimal comma, dd/mm/yyyy), as XLSX and as
JSON, masked as the pages are and formula-safe."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Donation
from core.spreadsheets import csv_value
from tests import factories
from tests.campaigns.builders import gift
from tests.campaigns.public.world import SECRETS, assert_nothing_personal
from tests.readers import xlsx_sheet

D = datetime.date
TRAIL_SECRETS = ["Nguyễn Văn Bình", "Trần Thị Cúc", "Trần T. C.", "Lê Văn Dũng", "Phạm Văn Đức"]


def csv_bytes(response) -> bytes:
    assert response.status_code == 200, response
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))


def sheet_rows(response) -> list[list]:
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def fund_urls(d):
    args = [d.world.ward_x.code, d.fund.pk]
    return (
        reverse("campaigns:public_fund_csv", args=args),
        reverse("campaigns:public_fund_xlsx", args=args),
        reverse("campaigns:api_fund_lines", args=args),
    )


def ward_urls(d):
    code = d.world.ward_x.code
    return (
        reverse("campaigns:public_ward_file", args=[code, "csv"]),
        reverse("campaigns:public_ward_file", args=[code, "xlsx"]),
        reverse("campaigns:api_ward_funds", args=[code]),
    )


@pytest.mark.parametrize(
    "value, text",
    [
        (1_804_000_000, "1804000000"),
        (Decimal("200.00"), "200,00"),
        (Decimal("2.50"), "2,50"),
        (Decimal("90.0"), "90,0"),
        (1.5, "1,5"),
        (D(2026, 3, 5), "05/03/2026"),
        ("=1+1", "'=1+1"),
        (None, ""),
    ],
)
def test_csv_cells_read_the_vietnamese_excel_way(value, text):
    assert csv_value(value) == text


@pytest.mark.django_db
def test_the_fund_csv_bytes_are_what_vietnamese_excel_reads(client, bank):
    d = bank.d
    body = csv_bytes(client.get(fund_urls(d)[0]))
    assert body.startswith(b"\xef\xbb\xbf" + "Ngày;Loại;".encode())
    header, *rows = csv_rows(body)
    assert header[7:] == ["Ghi chú", "Đối chiếu sao kê", "Ngày giao dịch trên sao kê"]
    assert b"\r\n" in body and b"," not in body.split(b"\r\n")[1]
    by_reference = {row[2]: row for row in rows}
    cuc = by_reference[d.counted[1].receipt_label]
    assert cuc[:6] == ["06/03/2026", "Thu", cuc[2], "Trần T. C.", "Chuyển khoản", "2500000"]
    assert cuc[7:] == ["", "Đã đối chiếu sao kê ngày 06/03/2026", "06/03/2026"]
    assert by_reference[d.counted[0].receipt_label][7:] == ["", "Ghi tay: tiền mặt", ""]
    rice = by_reference[d.counted[6].receipt_label]
    assert rice[5:7] == ["", "4000000"] and rice[8] == "Ghi tay: hiện vật"
    # Every money cell is plain digits: Excel reads numbers, sums them.
    money = [cell for row in rows for cell in row[5:7] if cell]
    assert money and all(cell.isdigit() for cell in money)
    counted = [row for row in rows if row[1] == "Thu" and not row[7]]
    assert sum(int(row[5]) for row in counted if row[5]) == sum(
        donation.amount
        for donation in Donation.objects.filter(campaign=d.fund, reversal__isnull=True)
        if donation.form == "cash"
    )
    assert_nothing_personal(body.decode("utf-8"))


@pytest.mark.django_db
def test_the_fund_xlsx_has_numbers_dates_labels_and_masked_names(client, bank):
    d = bank.d
    response = client.get(fund_urls(d)[1])
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_sheet(response)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Sao kê Quỹ Vì người nghèo 2026", *[None] * 9]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Ngày")
    body = rows[header_at + 1 :]
    by_reference = {row[2]: row for row in body}
    cuc = by_reference[d.counted[1].receipt_label]
    assert cuc[0] == datetime.datetime(2026, 3, 6)
    assert cuc[3] == "Trần T. C." and cuc[5] == 2_500_000
    assert cuc[8] == "Đã đối chiếu sao kê ngày 06/03/2026"
    assert cuc[9] == datetime.datetime(2026, 3, 6)
    first = sheet.cell(row=header_at + 2, column=1)
    assert first.number_format == "dd/mm/yyyy"
    assert sheet.cell(row=header_at + 2, column=6).number_format in ("#,##0", "General")
    cash = [row[5] for row in body if isinstance(row[5], int)]
    assert all(isinstance(value, int) for value in cash) and cash
    flat = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert_nothing_personal(flat)


@pytest.mark.django_db
def test_the_files_follow_the_search(client, bank):
    d = bank.d
    csv_url, xlsx_url, json_url = fund_urls(d)
    params = {"q": "FT26065001"}
    [_, row] = csv_rows(csv_bytes(client.get(csv_url, params)))
    assert row[3] == "Trần T. C."
    sheet = sheet_rows(client.get(xlsx_url, params))
    assert [r[3] for r in sheet if r[1] == "Thu"] == ["Trần T. C."]
    assert [r["name"] for r in client.get(json_url, params).json()["results"]] == ["Trần T. C."]
    page = client.get(
        reverse("campaigns:public_fund", args=[d.world.ward_x.code, d.fund.pk]), params
    )
    html = page.content.decode()
    for url in (csv_url, xlsx_url, json_url):
        assert f"{url}?q=FT26065001" in html


@pytest.mark.django_db
def test_the_ward_table_downloads_with_the_pages_totals(client, disclosure):
    d = disclosure
    csv_url, xlsx_url, json_url = ward_urls(d)
    page = client.get(reverse("campaigns:public_ward", args=[d.world.ward_x.code]))
    shown = {
        c.name: c for c in [*page.context["own_campaigns"], *page.context["province_campaigns"]]
    }
    html = page.content.decode()
    for url in (csv_url, xlsx_url, json_url):
        assert url in html
    header, *rows = csv_rows(csv_bytes(client.get(csv_url)))
    assert header[0] == "Quỹ, cuộc vận động" and header[-1] == "Số dư tiền mặt (đồng)"
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == set(shown)
    fund = by_name["Quỹ Vì người nghèo 2026"]
    received = sum(
        donation.amount
        for donation in Donation.objects.filter(campaign=d.fund, reversal__isnull=True)
        if donation.form == "cash"
    )
    assert fund[4] == "01/01/2026"
    assert fund[6:] == [
        str(received),
        str(d.in_kind),
        str(received + d.in_kind),
        str(d.paid),
        str(received - d.paid),
    ]
    sheet = sheet_rows(client.get(xlsx_url))
    header_at = next(i for i, row in enumerate(sheet) if row[0] == "Quỹ, cuộc vận động")
    xlsx_fund = next(row for row in sheet[header_at + 1 :] if row[0] == "Quỹ Vì người nghèo 2026")
    assert xlsx_fund[6:] == [received, d.in_kind, received + d.in_kind, d.paid, received - d.paid]
    assert xlsx_fund[4] == datetime.datetime(2026, 1, 1)
    [api_fund] = [f for f in client.get(json_url).json()["funds"] if f["id"] == d.fund.pk]
    assert api_fund["totals"] == {
        "cash_received": received,
        "goods_value_received": d.in_kind,
        "grand_total": received + d.in_kind,
        "cash_paid": d.paid,
        "cash_balance": received - d.paid,
    }
    assert client.get(xlsx_url.replace(".xlsx", ".pdf")).status_code == 404


@pytest.mark.django_db
def test_a_decimal_quantity_has_a_comma_in_the_trail_csv(client, trail):
    gift(
        trail.world,
        trail.drive,
        None,
        on=D(2026, 3, 20),
        ward=trail.world.ward_x,
        donor_kind="organisation",
        donor_name="Cửa hàng vật liệu Mỹ Thới",
        form="in_kind",
        channel="other",
        in_kind_description="Xi măng",
        in_kind_quantity=Decimal("2.5"),
        in_kind_unit="tấn",
    )
    url = reverse(
        "campaigns:public_drive_ward_file",
        args=[
            trail.world.province_a.code,
            trail.drive.pk,
            trail.world.ward_x.code,
            "tu-van-dong",
            "csv",
        ],
    )
    body = csv_bytes(client.get(url))
    [cement] = [row for row in csv_rows(body) if row[1] == "Xi măng"]
    # The sum of a two-decimal column: "2,5" (SQLite) or "2,50" (PostgreSQL), a comma either way.
    assert re.fullmatch(r"2,50?", cement[3]), cement
    assert cement == ["Hiện vật", "Xi măng", "tấn", cement[3], "", "chưa quy đổi"]


def _all_json(client, url) -> list[dict]:
    pages, following = [], url
    while following:
        answer = client.get(following).json()
        pages.append(answer)
        following = answer.get("next")
    return pages


@pytest.mark.django_db
def test_the_json_is_masked_like_the_pages(client, bank, trail):
    d = bank.d
    answers = [
        *_all_json(client, fund_urls(d)[2] + "?limit=3"),
        client.get(reverse("campaigns:api_fund", args=[d.world.ward_x.code, d.fund.pk])).json(),
        client.get(ward_urls(d)[2]).json(),
        client.get(reverse("campaigns:api_province_funds", args=[d.world.province_a.code])).json(),
    ]
    text = json.dumps(answers, ensure_ascii=False)
    assert (
        "Trần T. C." in text and "Nguyễn V. B." in text and "Võ T. H. (Khóm Đông Thịnh 1)" in text
    )
    for secret in SECRETS + ["0123456789", "NGUYEN VAN BINH", "FT26065001", "Lãi tiền gửi"]:
        assert secret not in text, secret
    code, pk, ward = trail.world.province_a.code, trail.drive.pk, trail.world.ward_x.code
    drive_answers = [
        client.get(reverse("campaigns:api_drive", args=[code, pk])).json(),
        client.get(reverse("campaigns:api_drive_ward", args=[code, pk, ward])).json(),
        *_all_json(client, reverse("campaigns:api_drive_ward_payments", args=[code, pk, ward])),
    ]
    text = json.dumps(drive_answers, ensure_ascii=False)
    assert "Lê V. D." in text
    for secret in TRAIL_SECRETS:
        assert secret not in text, secret


@pytest.mark.django_db
def test_every_public_page_links_its_files_and_the_api(client, bank, trail):
    d = bank.d
    code, pk, ward = trail.world.province_a.code, trail.drive.pk, trail.world.ward_x.code
    docs = reverse("campaigns:api_docs")
    pages = {
        reverse("campaigns:public_ward", args=[ward]): ward_urls(d),
        reverse("campaigns:public_fund", args=[ward, d.fund.pk]): fund_urls(d),
        reverse("campaigns:public_drive", args=[code, pk]): [
            reverse("campaigns:api_drive", args=[code, pk]),
            reverse("campaigns:public_drive_file", args=[code, pk, "phan-bo", "xlsx"]),
        ],
        reverse("campaigns:public_drive_ward", args=[code, pk, ward]): [
            reverse("campaigns:api_drive_ward", args=[code, pk, ward]),
            reverse("campaigns:public_drive_ward_file", args=[code, pk, ward, "chi-ho", "csv"]),
        ],
    }
    for page, links in pages.items():
        html = client.get(page).content.decode()
        assert f'href="{docs}"' in html, page
        for link in links:
            assert link in html, (page, link)
            assert client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_a_formula_typed_as_a_name_stays_text_in_every_format(client, bank):
    d = bank.d
    gift(d.world, d.fund, 100_000, on=D(2026, 6, 1), donor_kind="organisation", donor_name="=1+2")
    csv_url, xlsx_url, json_url = fund_urls(d)
    params = {"tu_ngay": "01/06/2026"}
    [_, row] = csv_rows(csv_bytes(client.get(csv_url, params)))
    assert row[3] == "'=1+2"
    sheet = xlsx_sheet(client.get(xlsx_url, params))
    cells = [cell for line in sheet.iter_rows() for cell in line if cell.value == "'=1+2"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    # JSON is data, not a spreadsheet: the name as the page shows it.
    assert client.get(json_url, params).json()["results"][0]["name"] == "=1+2"


@pytest.mark.django_db
def test_statement_builders_make_what_the_import_stores(bank):
    statement = bank.statement
    assert statement.lines.count() == 5
    assert {line.status for line in statement.lines.all()} == {
        "recorded",
        "waiting",
        "matched",
        "set_aside",
    }
    recorded = statement.lines.filter(status="recorded")
    assert all(line.donation_id and line.campaign_id for line in recorded)
    assert factories.pledge(fund_obj=bank.d.fund, code="Q7RT").reference.startswith("MT")
