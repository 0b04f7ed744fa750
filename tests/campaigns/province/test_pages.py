"""A province's own drives in the portal: its committee records donations (own receipt series),
reads its book and imports bank statements; its viewers read; communes' users are kept out."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Allocation, Campaign, Donation, DonationReversal
from tests import factories
from tests.once import form_token, post_twice
from tests.readers import pdf_text, xlsx_sheet

PROVINCE_USERS = ["province_officer", "province_chair", "province_viewer"]
RECORDERS = ["province_officer", "province_chair"]


@pytest.fixture
def drive(world):
    return factories.province_drive(province_obj=world.province_a, target_amount=1_000_000_000)


def url(name, world, *args):
    return reverse(f"campaigns:province_{name}", args=[world.province_a.code, *args])


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def notices(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def cash(amount, *, name="Công ty CP Lương thực An Giang", on="05/03/2026", **changes):
    return {
        "received_on": on,
        "donor_kind": "organisation",
        "donor_name": name,
        "form": "cash",
        "channel": "cash",
        "amount": f"{amount:,}".replace(",", "."),
        **changes,
    }


# --- Pages by role -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", PROVINCE_USERS)
def test_every_page_opens_for_the_provinces_roles(world, drive, login, role):
    gift = factories.donation(fund_obj=drive, user=world.users["province_officer"], amount=1_000)
    client = login(world.users[role])
    pages = [
        url("list", world),
        url("detail", world, drive.pk),
        url("ledger", world, drive.pk),
        url("ledger_xlsx", world, drive.pk),
        url("donation_detail", world, gift.pk),
        url("receipt_pdf", world, gift.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    writes = [url("create", world), url("donation_create", world, drive.pk)]
    writes.append(url("bank_import", world, drive.pk))
    expected = 403 if role == "province_viewer" else 200
    for page in writes:
        assert client.get(page).status_code == expected, page
    listing = text_of(client.get(url("list", world)))
    assert ("Tạo cuộc vận động" in listing) == (role in RECORDERS)
    assert "Cuộc vận động của tỉnh" in listing  # the navigation link


@pytest.mark.django_db
def test_communes_users_are_kept_out_of_the_committees_books(world, drive, login):
    gift = factories.donation(fund_obj=drive, user=world.users["province_officer"], amount=1_000)
    client = login(world.users["ward_officer"])
    for page in [
        url("list", world),
        url("detail", world, drive.pk),
        url("ledger", world, drive.pk),
        url("donation_detail", world, gift.pk),
        url("receipt_pdf", world, gift.pk),
        url("create", world),
        url("donation_create", world, drive.pk),
    ]:
        assert client.get(page).status_code == 403, page
    assert "Cuộc vận động của tỉnh" not in text_of(
        client.get(reverse("campaigns:list", args=[world.ward_x.code]))
    )
    other = login(world.users["province_officer"])
    other_drive = factories.province_drive(province_obj=world.province_b)
    assert (
        other.get(
            reverse("campaigns:province_detail", args=[world.province_b.code, other_drive.pk])
        ).status_code
        == 404
    )
    # Another province's drive under this province's code: not found either.
    assert other.get(url("detail", world, other_drive.pk)).status_code == 404


@pytest.mark.django_db
def test_the_list_shows_raised_allocated_and_held_cash_with_goods_apart(world, drive, login):
    officer = world.users["province_officer"]
    empty = login(officer).get(url("list", world))
    Campaign.objects.filter(pk=drive.pk).delete()
    assert "Tỉnh chưa có cuộc vận động nào" in text_of(login(officer).get(url("list", world)))
    assert empty.status_code == 200
    drive = factories.province_drive(province_obj=world.province_a)
    factories.donation(fund_obj=drive, user=officer, amount=30_000_000)
    factories.donation(fund_obj=drive, user=officer, amount=12_500_000)
    reversed_gift = factories.donation(fund_obj=drive, user=officer, amount=7_000_000)
    DonationReversal.objects.create(
        donation=reversed_gift,
        reason="Ghi nhầm",
        reversed_by=officer,
        reversed_on=reversed_gift.received_on,
    )
    factories.donation(
        fund_obj=drive,
        user=officer,
        amount=4_000_000,
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=200,
        in_kind_unit="kg",
    )
    # Money a commune collected for the drive is the commune's, not the committee's.
    factories.donation(fund_obj=drive, user=officer, amount=900_000, ward_obj=world.ward_x)
    factories.allocation(drive=drive, ward_obj=world.ward_x, user=officer, amount=10_000_000)
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_y,
        user=officer,
        amount=5_000_000,
        confirmed_on=datetime.date(2026, 4, 3),
    )

    donations = Donation.objects.filter(campaign=drive, ward__isnull=True, reversal__isnull=True)
    raised = sum(d.amount for d in donations if d.form == "cash")
    goods = sum(d.amount for d in donations if d.form == "in_kind")
    allocated = sum(a.amount for a in Allocation.objects.filter(campaign=drive, form="cash"))
    row = login(officer).get(url("list", world)).content.decode()
    row = row[row.index(f'id="campaign-{drive.pk}"') :]
    cells = re.findall(r'data-testid="([a-z-]+)">([^<]*)<', row)[:4]
    assert cells == [
        ("raised", f"{raised:,}\u00a0đ".replace(",", ".")),
        ("in-kind", f"{goods:,}\u00a0đ".replace(",", ".")),
        ("allocated", f"{allocated:,}\u00a0đ".replace(",", ".")),
        ("held", f"{raised - allocated:,}\u00a0đ".replace(",", ".")),
    ]
    assert (raised, goods, allocated) == (42_500_000, 4_000_000, 15_000_000)


# --- Creating a drive --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", RECORDERS)
def test_the_committee_creates_its_drive_once(world, login, role):
    client = login(world.users[role])
    data = {
        "name": "Ủng hộ đồng bào miền Trung",
        "kind": "fund",
        "fund": "thien_tai",
        "starts_on": "01/10/2026",
        "target_amount": "500.000.000",
        "status": "active",
    }
    first, second = post_twice(client, url("create", world), data)
    drive = Campaign.objects.get()
    assert (drive.province, drive.ward, drive.target_amount) == (
        world.province_a,
        None,
        500_000_000,
    )
    assert first["Location"] == url("detail", world, drive.pk)
    assert second.status_code == 302
    page = text_of(client.get(url("list", world)))
    assert "Ủng hộ đồng bào miền Trung" in page


@pytest.mark.django_db
def test_a_drive_ending_before_it_starts_is_refused_and_kept(world, login):
    client = login(world.users["province_officer"])
    page = client.get(url("create", world))
    response = client.post(
        url("create", world),
        {
            "name": "Cứu trợ",
            "kind": "fund",
            "fund": "thien_tai",
            "starts_on": "01/10/2026",
            "ends_on": "01/09/2026",
            "status": "active",
            "submission": form_token(page),
        },
    )
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in text_of(response)
    assert 'value="Cứu trợ"' in response.content.decode()
    assert not Campaign.objects.exists()


# --- Donations at the committee ----------------------------------------------------------


def record(client, world, drive, data):
    first, _second = post_twice(client, url("donation_create", world, drive.pk), data)
    return first


@pytest.mark.django_db
def test_the_committees_receipts_have_their_own_series(world, drive, login):
    ward_fund = factories.fund(ward_obj=world.ward_x)
    for _ in range(3):
        factories.donation(fund_obj=ward_fund, user=world.users["ward_officer"], amount=10_000)
    client = login(world.users["province_officer"])
    record(client, world, drive, cash(2_000_000, name="Nguyễn Hữu Phước", donor_kind="individual"))
    chair = login(world.users["province_chair"])
    record(chair, world, drive, cash(3_500_000))
    first, second = Donation.objects.filter(province=world.province_a).order_by("pk")
    assert [d.receipt_label for d in (first, second)] == ["00001/2026", "00002/2026"]
    assert (first.ward, first.province) == (None, world.province_a)
    commune = Donation.objects.filter(ward=world.ward_x).order_by("receipt_number")
    assert [d.receipt_label for d in commune] == ["00001/2026", "00002/2026", "00003/2026"]

    response = client.get(url("receipt_pdf", world, second.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Số: 00002/2026" in text
    assert "ỦY BAN MTTQ VIỆT NAM TỈNH AN GIANG" in text
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh An Giang đã nhận của" in text
    assert "An Giang, ngày 05 tháng 3 năm 2026" in text
    assert "3.500.000 đồng" in text.replace("\u00a0", " ")
    assert "Mỹ Thới" not in text
    assert "bien-nhan-91-2026-00002.pdf" in response["Content-Disposition"]

    detail = text_of(client.get(url("detail", world, drive.pk)))
    assert "00001/2026" in detail and "Nguyễn Hữu Phước" in detail


@pytest.mark.django_db
def test_the_viewer_reads_unpublished_donors_as_nha_hao_tam(world, drive, login):
    data = cash(2_000_000, name="Nguyễn Hữu Phước", donor_kind="individual")
    data.pop("publish_name", None)  # unticked: not to be published
    record(login(world.users["province_officer"]), world, drive, data)
    gift = Donation.objects.get()
    assert not gift.publish_name
    for role, seen in [("province_chair", True), ("province_viewer", False), ("admin", False)]:
        client = login(world.users[role])
        page = text_of(client.get(url("detail", world, drive.pk)))
        assert ("Nguyễn Hữu Phước" in page) == seen, role
        assert ("Nhà hảo tâm" in page) == (not seen), role
        detail = text_of(client.get(url("donation_detail", world, gift.pk)))
        assert ("Nguyễn Hữu Phước" in detail) == seen, role


@pytest.mark.django_db
def test_goods_without_a_unit_are_refused_and_kept(world, drive, login):
    client = login(world.users["province_officer"])
    page = client.get(url("donation_create", world, drive.pk))
    data = {
        "received_on": "05/03/2026",
        "donor_kind": "organisation",
        "donor_name": "Siêu thị Co.opmart Long Xuyên",
        "form": "in_kind",
        "channel": "other",
        "in_kind_description": "Mì gói",
        "in_kind_quantity": "400",
        "in_kind_unit": "",
        "in_kind_value": "",
        "submission": form_token(page),
    }
    response = client.post(url("donation_create", world, drive.pk), data)
    assert response.status_code == 400
    assert "Ghi đơn vị tính, ví dụ: kg, thùng, bao." in text_of(response)
    html = response.content.decode()
    assert 'value="Mì gói"' in html and 'value="400"' in html
    assert 'value="Siêu thị Co.opmart Long Xuyên"' in html
    assert not Donation.objects.exists()

    corrected = client.post(
        url("donation_create", world, drive.pk), {**data, "in_kind_unit": "thùng"}
    )
    goods = Donation.objects.get()
    assert corrected["Location"] == url("donation_detail", world, goods.pk)
    assert (goods.in_kind_quantity, goods.in_kind_unit, goods.province) == (
        400,
        "thùng",
        world.province_a,
    )


@pytest.mark.django_db
def test_a_double_click_records_one_donation(world, drive, login):
    client = login(world.users["province_officer"])
    first, second = post_twice(client, url("donation_create", world, drive.pk), cash(1_000_000))
    gift = Donation.objects.get()
    assert first["Location"] == url("donation_detail", world, gift.pk)
    assert second.status_code == 302
    assert gift.receipt_label == "00001/2026"


@pytest.mark.django_db
def test_the_viewer_cannot_record_or_reverse(world, drive, login):
    gift = factories.donation(fund_obj=drive, user=world.users["province_officer"], amount=1_000)
    client = login(world.users["province_viewer"])
    assert client.post(url("donation_create", world, drive.pk), cash(1_000)).status_code == 403
    response = client.post(url("donation_reverse", world, gift.pk), {"reason": "Sai"})
    assert response.status_code == 403
    assert Donation.objects.count() == 1 and not DonationReversal.objects.exists()
    assert "Điều chỉnh (hủy)" not in text_of(client.get(url("donation_detail", world, gift.pk)))


@pytest.mark.django_db
def test_a_reversal_asks_for_a_reason_and_takes_the_gift_out_of_the_committees_cash(
    world, drive, login
):
    officer = world.users["province_officer"]
    kept = factories.donation(fund_obj=drive, user=officer, amount=6_000_000)
    wrong = factories.donation(fund_obj=drive, user=officer, amount=2_000_000)
    client = login(world.users["province_chair"])
    detail = text_of(client.get(url("donation_detail", world, wrong.pk)))
    assert "Xác nhận điều chỉnh" in detail

    refused = client.post(url("donation_reverse", world, wrong.pk), {"reason": "  "})
    assert notices(refused) == ["Ghi rõ lý do điều chỉnh."]
    assert not DonationReversal.objects.exists()

    done = client.post(url("donation_reverse", world, wrong.pk), {"reason": "Ghi trùng"})
    assert done["Location"] == url("donation_detail", world, wrong.pk)
    assert DonationReversal.objects.get().donation == wrong
    page = client.get(url("detail", world, drive.pk))
    assert page.context["progress"]["raised"] == kept.amount
    assert page.context["progress"]["balance"] == kept.amount
    assert "Đã điều chỉnh" in text_of(client.get(url("donation_detail", world, wrong.pk)))
    assert "ĐÃ ĐIỀU CHỈNH" in pdf_text(client.get(url("receipt_pdf", world, wrong.pk)).content)


# --- Allocations on the detail page ------------------------------------------------------


@pytest.mark.django_db
def test_the_detail_lists_allocations_by_commune_with_their_status(world, drive, login):
    officer = world.users["province_officer"]
    factories.donation(fund_obj=drive, user=officer, amount=50_000_000)
    factories.donation(
        fund_obj=drive,
        user=officer,
        amount=None,
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=300,
        in_kind_unit="kg",
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_y,
        user=officer,
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=120,
        in_kind_unit="kg",
        decision_number="14/QĐ-MTTQ",
        decision_date=datetime.date(2026, 4, 3),
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_x,
        user=officer,
        amount=20_000_000,
        decision_number="12/QĐ-MTTQ",
        decision_date=datetime.date(2026, 4, 1),
        confirmed_on=datetime.date(2026, 4, 6),
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_y,
        user=officer,
        amount=8_000_000,
        decision_number="13/QĐ-MTTQ",
        decision_date=datetime.date(2026, 4, 2),
    )
    page = text_of(login(world.users["province_viewer"]).get(url("detail", world, drive.pk)))
    assert "Phường Mỹ Thới 12/QĐ-MTTQ ngày 01/04/2026" in page
    assert "20.000.000 đ" in page.replace("\u00a0", " ")
    assert "đã nhận 06/04/2026" in page
    assert "Phường Long Xuyên 13/QĐ-MTTQ ngày 02/04/2026" in page
    assert "chờ xã xác nhận" in page
    assert "Gạo kg 300 120 180" in page  # received, allocated, held
    assert "Phường Long Xuyên 14/QĐ-MTTQ ngày 03/04/2026 120 kg Gạo" in page


# --- The committee's book ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_committees_book_gives_allocations_and_the_communes_receives_them(world, drive, login):
    officer = world.users["province_officer"]
    gifts = [
        (datetime.date(2025, 12, 20), 9_000_000),
        (datetime.date(2026, 2, 3), 40_000_000),
        (datetime.date(2026, 4, 15), 5_000_000),
    ]
    for day, amount in gifts:
        factories.donation(fund_obj=drive, user=officer, amount=amount, received_on=day)
    factories.donation(
        fund_obj=drive,
        user=officer,
        amount=3_000_000,
        received_on=datetime.date(2026, 2, 10),
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=100,
        in_kind_unit="kg",
    )
    allocations = [
        factories.allocation(
            drive=drive,
            ward_obj=world.ward_x,
            user=officer,
            amount=12_000_000,
            decision_date=datetime.date(2026, 3, 2),
            confirmed_on=datetime.date(2026, 4, 1),
        ),
        factories.allocation(
            drive=drive,
            ward_obj=world.ward_y,
            user=officer,
            amount=7_000_000,
            decision_date=datetime.date(2026, 4, 20),
        ),
    ]
    response = login(world.users["province_viewer"]).get(
        url("ledger_xlsx", world, drive.pk), {"nam": 2026}
    )
    sheet = xlsx_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "Tháng")
    assert header == (
        "Tháng",
        "Số dư tiền mặt đầu kỳ",
        "Thu tiền mặt",
        "Chi tiền mặt",
        "Chi phân bổ",
        "Số dư tiền mặt cuối kỳ",
        "Hiện vật nhận (giá trị quy đổi)",
        "Hiện vật đã trao (giá trị quy đổi)",
    )
    months = {row[0]: row[1:] for row in rows if row and re.fullmatch(r"\d\d/2026", str(row[0]))}
    assert len(months) == 12
    balance = sum(a for d, a in gifts if d.year < 2026)
    for month in range(1, 13):
        received = sum(a for d, a in gifts if (d.year, d.month) == (2026, month))
        given = sum(
            a.amount
            for a in allocations
            if (a.decision_date.year, a.decision_date.month) == (2026, month)
        )
        goods = 3_000_000 if month == 2 else 0
        closing = balance + received - given
        assert months[f"{month:02d}/2026"] == (balance, received, 0, given, closing, goods, 0)
        balance = closing
    assert all(type(value) is int for value in months["04/2026"])

    page = login(world.users["province_officer"]).get(url("ledger", world, drive.pk), {"nam": 2026})
    assert "Chi phân bổ" in text_of(page) and "Nhận phân bổ từ tỉnh" not in text_of(page)

    # Ward X's book of the same drive receives the allocation once it confirmed it.
    commune = login(world.users["ward_officer"]).get(
        reverse("campaigns:ledger_xlsx", args=[world.ward_x.code, drive.pk]), {"nam": 2026}
    )
    commune_rows = list(xlsx_sheet(commune).iter_rows(values_only=True))
    header = next(row for row in commune_rows if row and row[0] == "Tháng")
    assert header[2:4] == ("Thu tiền mặt", "Nhận phân bổ từ tỉnh")
    assert "Chi phân bổ" not in header
    april = next(row for row in commune_rows if row[0] == "04/2026")
    assert april[3] == allocations[0].amount
    assert april[1:3] == (0, 0)

    # A ward's own fund keeps its book as it was.
    own = factories.fund(ward_obj=world.ward_x)
    own_rows = list(
        xlsx_sheet(
            login(world.users["ward_officer"]).get(
                reverse("campaigns:ledger_xlsx", args=[world.ward_x.code, own.pk]), {"nam": 2026}
            )
        ).iter_rows(values_only=True)
    )
    own_header = next(row for row in own_rows if row and row[0] == "Tháng")
    assert "Nhận phân bổ từ tỉnh" not in own_header and "Chi phân bổ" not in own_header
    assert len(own_header) == 7


# --- Bank statements at the committee ---------------------------------------------------

STATEMENT = "\n".join(
    [
        "Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung",
        "15/03/2026;1.000.000;FT26074001;UNG HO NGUYEN VAN AN",
        "16/03/2026;2.500.000;FT26075002;Công ty TNHH Thủy sản An Giang ủng hộ bão lũ",
    ]
)


def statement():
    return SimpleUploadedFile("sao-ke.csv", STATEMENT.encode(), "text/csv")


def confirm_data(preview):
    data = {"action": "confirm", "token": preview.context["token"]}
    for line in preview.context["lines"]:
        data[f"include-{line.index}"] = "1"
        data[f"name-{line.index}"] = line.name
        data[f"kind-{line.index}"] = line.kind
    return data


@pytest.mark.django_db
def test_a_statement_confirmed_twice_records_each_line_once_at_the_committee(world, drive, login):
    # A commune already has a line with the same reference: the committee's book is another.
    ward_drive_gift = factories.donation(
        fund_obj=drive,
        user=world.users["ward_officer"],
        ward_obj=world.ward_x,
        amount=1_000_000,
        received_on=datetime.date(2026, 3, 15),
        channel="bank",
        bank_reference="FT26074001",
        statement_line="FT26074001|2026-03-15|1000000#0",
    )
    client = login(world.users["province_officer"])
    preview = client.post(
        url("bank_import", world, drive.pk), {"file": statement(), "action": "preview"}
    )
    assert preview.status_code == 200
    assert all(line.included for line in preview.context["lines"])
    assert "Tỉnh An Giang" in text_of(preview)
    data = confirm_data(preview)
    first = client.post(url("bank_import", world, drive.pk), data)
    assert first["Location"] == url("detail", world, drive.pk)
    assert notices(first) == ["Đã ghi 2 khoản ủng hộ từ sao kê."]
    client.get(first["Location"])  # the drive's page shows (and clears) the notice
    second = client.post(url("bank_import", world, drive.pk), data)
    assert second["Location"] == first["Location"]
    assert notices(second)[0].startswith("Không ghi thêm khoản nào")

    held = Donation.objects.filter(campaign=drive, ward__isnull=True).order_by("receipt_number")
    assert [(d.province, d.amount, d.receipt_label) for d in held] == [
        (world.province_a, 1_000_000, "00001/2026"),
        (world.province_a, 2_500_000, "00002/2026"),
    ]
    assert Donation.objects.filter(ward=world.ward_x).get() == ward_drive_gift

    # Uploaded again: both lines are now the committee's and are flagged, unticked.
    again = client.post(
        url("bank_import", world, drive.pk), {"file": statement(), "action": "preview"}
    )
    assert [line.included for line in again.context["lines"]] == [False, False]


@pytest.mark.django_db
def test_a_preview_of_one_holder_cannot_be_confirmed_at_another(world, drive, login):
    client = login(world.users["admin"])
    preview = client.post(
        url("bank_import", world, drive.pk), {"file": statement(), "action": "preview"}
    )
    commune = client.post(
        reverse("campaigns:bank_import", args=[world.ward_x.code, drive.pk]), confirm_data(preview)
    )
    assert commune.status_code == 400
    assert not Donation.objects.exists()


# --- Demo --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_province_roles_and_a_province_drive_with_cash_and_goods(world, login):
    from django.contrib.auth import get_user_model

    from campaigns.demo import seed_campaigns
    from wards.demo import DEMO_PASSWORD, seed_demo

    ward, logins = seed_demo()
    users = get_user_model().objects
    for username, role in [("chutich.tinh", "province_chair"), ("xem.tinh", "province_viewer")]:
        user = users.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert (user.role_assignment.role, user.role_assignment.province) == (
            role,
            world.province_a,
        )
        assert username in {name for name, _ in logins}
    for _ in range(2):  # idempotent
        seed_campaigns(
            ward,
            users.get(username="canbo.mythoi"),
            first_month=datetime.date(2026, 1, 1),
            last_month=datetime.date(2026, 2, 1),
        )
    drive = Campaign.objects.get(province=world.province_a)  # one drive, with allocations
    held = Donation.objects.filter(campaign=drive, ward__isnull=True, province=world.province_a)
    assert held.filter(form="cash").exists() and held.filter(form="in_kind").exists()
    # Recorded by a province officer of the province (the world has one besides the demo's).
    assert {d.recorded_by.role_assignment.role for d in held} == {"province_officer"}
    page = login(users.get(username="xem.tinh")).get(url("list", world))
    cash_in = sum(d.amount for d in held if d.form == "cash")
    assert f"{cash_in:,}\u00a0đ".replace(",", ".") in page.content.decode()
