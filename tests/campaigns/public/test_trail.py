"""Follow the money, in public (issue 14, point 4): a province drive's trail, one commune's
step, their CSV and Excel files, and a donor following a gift. Expected figures are summed
here from the rows the tests create."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Allocation, Disbursement, Donation
from campaigns.selectors import GRAND_TOTAL_LABEL
from core.numbers import format_dong
from tests import factories
from tests.readers import xlsx_sheet

D = datetime.date
# Full names that must never reach a public page or file.
SECRETS = ["Nguyễn Văn Bình", "Trần Thị Cúc", "Trần T. C.", "Lê Văn Dũng", "Phạm Văn Đức"]


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def by_testid(response, name) -> str:
    found = re.search(rf'data-testid="{re.escape(name)}">([^<]*)<', response.content.decode())
    assert found, name
    return found[1]


def element(response, element_id) -> str:
    found = re.search(rf'id="{re.escape(element_id)}">([^<]*)<', response.content.decode())
    assert found, element_id
    return found[1]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def sheet_rows(response) -> list[list]:
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def _expected(t):
    """The drive's figures summed from the raw rows."""
    counted = Donation.objects.filter(campaign=t.drive, reversal__isnull=True)
    province_cash = sum(d.amount for d in counted.filter(ward__isnull=True, form="cash"))
    commune_cash = sum(d.amount for d in counted.filter(ward__isnull=False, form="cash"))
    goods_value = sum(d.amount or 0 for d in counted.filter(form="in_kind"))
    allocated = sum(
        a.amount
        for a in Allocation.objects.filter(campaign=t.drive, form="cash", reversal__isnull=True)
    )
    return province_cash, commune_cash, goods_value, allocated


def test_the_drive_page_shows_received_allocated_and_held(client, trail):
    province_cash, commune_cash, goods_value, allocated = _expected(trail)
    assert (province_cash, allocated) == (20_000_001, 10_000_000)  # the reversed rows left out
    response = client.get(trail.url)
    assert response.status_code == 200
    assert by_testid(response, "received-province-cash") == format_dong(province_cash)
    assert by_testid(response, "received-communes-cash") == format_dong(commune_cash)
    assert by_testid(response, "received-cash") == format_dong(province_cash + commune_cash)
    assert by_testid(response, "received-goods") == format_dong(goods_value)
    assert by_testid(response, "grand-total") == format_dong(
        province_cash + commune_cash + goods_value
    )
    assert GRAND_TOTAL_LABEL in text_of(response)
    assert by_testid(response, "allocated-total") == format_dong(allocated)
    assert by_testid(response, "held-cash") == format_dong(province_cash - allocated)
    text = text_of(response)
    # Goods by what they are: 500 kg received, 200 kg allocated, 300 kg held.
    assert "500 kg Gạo" in text and "200 kg Gạo" in text
    held = response.content.decode().split('id="held"')[1]
    assert ">300<" in held
    # Each commune row links to the commune's step; the pending one says so.
    assert f'href="{trail.ward_url}"' in response.content.decode()
    assert "chờ xã xác nhận" in text
    assert "03/QĐ-MTTQ" in text and "Đã điều chỉnh" in text
    # Reversed allocation: listed, not counted.
    assert format_dong(allocated + 5_000_000) not in text


def test_the_commune_page_shows_its_step_masked(client, trail):
    response = client.get(trail.ward_url)
    assert response.status_code == 200
    ward = trail.world.ward_x
    confirmed = sum(
        a.amount
        for a in Allocation.objects.filter(
            campaign=trail.drive, ward=ward, form="cash", confirmed_on__isnull=False
        )
    )
    paid = sum(
        p.amount for p in Disbursement.objects.filter(campaign=trail.drive, ward=ward, form="cash")
    )
    assert by_testid(response, "allocated-total") == format_dong(confirmed)
    assert by_testid(response, "paid-total") == format_dong(paid)
    assert by_testid(response, "held-cash") == format_dong(confirmed - paid)
    text = text_of(response)
    assert "Lê V. D." in text and "Phạm V. Đ." in text
    assert trail.world.area_x.name in text
    assert "15/QĐ-UBMT" in text and "50 kg Gạo" in text
    assert "Bàn giao" in text and "20/05/2026" in text
    held = response.content.decode().split('id="held"')[1]
    assert ">150<" in held  # 200 kg received, 50 handed out
    drive_link = f'href="{trail.url}"'
    assert drive_link in response.content.decode()
    for secret in SECRETS:
        assert secret not in text


def test_the_commune_page_counts_a_pending_allocation_apart(client, trail):
    url = reverse(
        "campaigns:public_drive_ward",
        args=[trail.world.province_a.code, trail.drive.pk, trail.world.ward_y.code],
    )
    response = client.get(url)
    assert response.status_code == 200
    assert by_testid(response, "allocated-total") == format_dong(0)
    assert element(response, "pending-cash") == format_dong(trail.to_y.amount)
    assert by_testid(response, "collected-total") == format_dong(trail.collected.amount)
    assert element(response, "held-cash") == format_dong(trail.collected.amount)


def test_no_full_name_on_the_pages(client, trail):
    gift = client.get(trail.url, {"bien_nhan": trail.unnamed.receipt_label})
    for response in (client.get(trail.url), client.get(trail.ward_url), gift):
        text = text_of(response)
        for secret in SECRETS:
            assert secret not in text
    assert "Nhà hảo tâm" in text_of(gift)


DRIVE_TABLES = ["tiep-nhan", "phan-bo", "xa-van-dong", "con-giu"]
COMMUNE_TABLES = ["nhan-phan-bo", "tu-van-dong", "chi-ho", "nha", "con-giu"]


def _file_urls(trail):
    province, pk, ward = trail.world.province_a.code, trail.drive.pk, trail.world.ward_x.code
    for table in DRIVE_TABLES:
        yield table, reverse("campaigns:public_drive_file", args=[province, pk, table, "csv"])
    for table in COMMUNE_TABLES:
        yield (
            table,
            reverse("campaigns:public_drive_ward_file", args=[province, pk, ward, table, "csv"]),
        )


def test_every_table_downloads_as_csv_and_xlsx_masked(client, trail):
    for _table, url in _file_urls(trail):
        rows = csv_rows(client.get(url))
        sheet = sheet_rows(client.get(url.replace(".csv", ".xlsx")))
        assert rows and sheet
        flat = " ".join(";".join(row) for row in rows) + " ".join(
            str(cell) for row in sheet for cell in row if cell is not None
        )
        for secret in SECRETS:
            assert secret not in flat, url


def test_the_files_hold_the_figures_of_the_rows(client, trail):
    province_cash, commune_cash, goods_value, allocated = _expected(trail)
    province, pk = trail.world.province_a.code, trail.drive.pk
    received = csv_rows(
        client.get(reverse("campaigns:public_drive_file", args=[province, pk, "tiep-nhan", "csv"]))
    )
    by_label = {row[0]: row for row in received[1:]}
    assert by_label["Tổng tiền mặt đã nhận"][5] == str(province_cash + commune_cash)
    assert by_label["Tổng hiện vật quy đổi đã nhận"][6] == str(goods_value)
    assert by_label[GRAND_TOTAL_LABEL][7] == str(province_cash + commune_cash + goods_value)
    allocations = sheet_rows(
        client.get(reverse("campaigns:public_drive_file", args=[province, pk, "phan-bo", "xlsx"]))
    )
    header_at = next(i for i, row in enumerate(allocations) if row[0] == "Mã phường, xã")
    body = allocations[header_at + 1 :]
    counted = [row for row in body if row[0] and row[-1] != "Đã điều chỉnh, không tính"]
    assert sum(row[5] for row in counted if isinstance(row[5], int)) == allocated
    assert any(row[-1] == "Đã điều chỉnh, không tính" for row in body)
    assert any(row[-2] == "Chờ xã xác nhận" for row in body)
    assert body[-1][5] == allocated
    payments = csv_rows(
        client.get(
            reverse(
                "campaigns:public_drive_ward_file",
                args=[province, pk, trail.world.ward_x.code, "chi-ho", "csv"],
            )
        )
    )
    assert payments[1][:2] == ["10/04/2026", "Lê V. D."]
    assert sum(int(row[6]) for row in payments[1:] if row[6]) == trail.paid_dung.amount
    held = csv_rows(
        client.get(reverse("campaigns:public_drive_file", args=[province, pk, "con-giu", "csv"]))
    )
    assert held[1] == ["Tiền mặt", "", "", str(province_cash - allocated)]


def test_a_formula_typed_as_a_name_stays_text_in_the_files(client, trail):
    drive = trail.drive
    trail.dung.head_name = "=HYPERLINK(1)"
    trail.dung.save()
    url = reverse(
        "campaigns:public_drive_ward_file",
        args=[trail.world.province_a.code, drive.pk, trail.world.ward_x.code, "chi-ho", "csv"],
    )
    assert csv_rows(client.get(url))[1][1] == "'=."
    sheet = sheet_rows(client.get(url.replace(".csv", ".xlsx")))
    assert "'=." in [row[1] for row in sheet]


def test_a_gift_is_followed_to_each_commune_in_whole_dong(client, trail):
    province_cash, _, _, _ = _expected(trail)
    response = client.get(trail.url, {"bien_nhan": trail.company.receipt_label})
    assert response.status_code == 200
    gift = trail.company.amount
    per_commune = {}
    for a in Allocation.objects.filter(campaign=trail.drive, form="cash", reversal__isnull=True):
        per_commune[a.ward.code] = per_commune.get(a.ward.code, 0) + a.amount
    shares = {
        code: int(by_testid(response, f"share-{code}").replace(".", "").split("\xa0")[0])
        for code in per_commune
    }
    exact = {code: gift * amount / province_cash for code, amount in per_commune.items()}
    for code, share in shares.items():
        assert abs(share - exact[code]) < 1
    allocated_part = round(gift * sum(per_commune.values()) / province_cash)
    assert sum(shares.values()) == allocated_part
    assert by_testid(response, "gift-allocated") == format_dong(allocated_part)
    assert by_testid(response, "gift-held") == format_dong(gift - allocated_part)
    assert "Tiền được gộp chung trong quỹ nên mỗi khoản ủng hộ được tính theo tỷ lệ" in text_of(
        response
    )


@pytest.mark.parametrize(
    "amounts",
    [[1, 1, 1], [3_333_333, 3_333_333, 3_333_334], [7, 13, 29, 31, 97], [999_999_999, 1]],
)
def test_largest_remainder_sums_exactly(amounts):
    from campaigns.public.selectors import largest_remainder

    for gift, received in [(1_000_001, 10_000_003), (7, 11), (123_456_789, 10**10)]:
        received = max(received, sum(amounts))
        whole, parts = largest_remainder(gift, amounts, received)
        assert sum(parts) == whole
        assert whole == (2 * gift * sum(amounts) + received) // (2 * received)
        for part, amount in zip(parts, amounts, strict=True):
            assert abs(part - gift * amount / received) < 1


@pytest.mark.parametrize(
    ("typed", "status", "message"),
    [
        ("", 400, "Nhập số biên nhận"),
        ("abc", 400, "Số biên nhận gồm số và năm"),
        ("12", 400, "Số biên nhận gồm số và năm"),
        ("0/2026", 400, "Số biên nhận gồm số và năm"),
        ("9" * 40, 400, "Số biên nhận gồm số và năm"),
        ("99999/2026", 200, "Không tìm thấy biên nhận số 99999/2026"),
        ("00001/1900", 200, "Không tìm thấy"),
    ],
)
def test_a_bad_receipt_gets_a_vietnamese_message(client, trail, typed, status, message):
    response = client.get(trail.url, {"bien_nhan": typed})
    assert response.status_code == status
    assert message in text_of(response)
    if typed and len(typed) < 20:
        assert f'value="{typed}"' in response.content.decode()


def test_a_reversed_goods_or_commune_receipt_is_explained(client, trail):
    cases = [
        (trail.wrong.receipt_label, "đã được điều chỉnh"),
        (trail.rice.receipt_label, "là hiện vật"),
    ]
    for label, message in cases:
        response = client.get(trail.url, {"bien_nhan": label})
        assert response.status_code == 200
        assert message in text_of(response)
        assert 'id="gift-shares"' not in response.content.decode()


def test_unknown_drive_commune_or_table_is_a_404(client, trail):
    province, pk = trail.world.province_a.code, trail.drive.pk
    assert client.get(reverse("campaigns:public_drive", args=["01", pk])).status_code == 404
    other = reverse("campaigns:public_drive_ward", args=[province, pk, trail.world.ward_z.code])
    assert client.get(other).status_code == 404
    for table, fmt in [("khong-co", "csv"), ("phan-bo", "pdf")]:
        url = reverse("campaigns:public_drive_file", args=[province, pk, table, fmt])
        assert client.get(url).status_code == 404


def test_the_ward_page_links_to_the_drive_trail(client, trail):
    response = client.get(reverse("campaigns:public_ward", args=[trail.world.ward_x.code]))
    assert f'href="{trail.url}"' in response.content.decode()


def test_payments_are_paged_by_a_hundred(client, trail):
    ward = trail.world.ward_x
    Allocation.objects.filter(pk=trail.to_x.pk).update(amount=100_000_000)
    Disbursement.objects.bulk_create(
        Disbursement(
            campaign=trail.drive,
            ward=ward,
            household=trail.duc,
            purpose="disaster",
            amount=1_000 + n,
            decision_reference=f"P{n}",
            paid_on=D(2026, 6, 1),
            recorded_by=trail.admin,
        )
        for n in range(150)
    )
    first = client.get(trail.ward_url)
    second = client.get(trail.ward_url, {"trang": "2"})

    def rows(response):
        table = response.content.decode().split('id="payments"')[1].split("</table>")[0]
        return table.count("<tr>") - 1  # the header

    assert rows(first) == 100 and rows(second) == 52
    assert "trang=2" in first.content.decode()
    assert client.get(trail.ward_url, {"trang": "x"}).status_code == 200
    assert client.get(trail.ward_url, {"trang": "999"}).status_code == 200


def _communes(world, admin, drive, count):
    for n in range(count):
        ward = factories.ward(province_obj=world.province_a, name=f"Xã Thử {n:03d}")
        factories.allocation(
            drive=drive,
            ward_obj=ward,
            user=admin,
            amount=10_000,
            decision_number=f"{n}/QĐ",
            confirmed_on=D(2026, 4, 2) if n % 2 else None,
        )
        factories.donation(fund_obj=drive, user=admin, amount=5_000, ward_obj=ward)


def test_the_drive_page_queries_do_not_grow_with_the_communes(client, world):
    admin = world.users["admin"]
    counts = []
    for communes in (1, 30):
        drive = factories.province_drive(province_obj=world.province_a, name=f"Vận động {communes}")
        factories.donation(fund_obj=drive, user=admin, amount=10_000_000)
        _communes(world, admin, drive, communes)
        url = reverse("campaigns:public_drive", args=[world.province_a.code, drive.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("/QĐ</td>") == communes
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_commune_page_queries_do_not_grow_with_the_payments(client, trail):
    Allocation.objects.filter(pk=trail.to_x.pk).update(amount=100_000_000)
    counts = []
    for more in (0, 120):
        Disbursement.objects.bulk_create(
            Disbursement(
                campaign=trail.drive,
                ward=trail.world.ward_x,
                household=factories.household(ward_obj=trail.world.ward_x, head_name=f"Võ Văn {n}"),
                purpose="disaster",
                amount=1_000,
                decision_reference=f"Q{n}",
                paid_on=D(2026, 6, 2),
                recorded_by=trail.admin,
            )
            for n in range(more)
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(trail.ward_url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_text_typed_by_officers_is_escaped(client, trail):
    Allocation.objects.filter(pk=trail.to_x.pk).update(
        purpose="<script>alert(1)</script>", decision_number="<b>01</b>"
    )
    for url in (trail.url, trail.ward_url):
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "<b>01</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
