"""The allocation pages through HTTP: who may do what, the flows, and bad input."""

import datetime
import re

import pytest
from django.urls import reverse

from campaigns.models import Allocation, AllocationReversal
from tests import factories
from tests.fuzzing import row_counts
from tests.once import form_token, post_twice

pytestmark = pytest.mark.django_db
D = datetime.date


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def list_url(world, drive):
    return reverse("campaigns:allocation_list", args=[world.province_a.code, drive.pk])


def create_url(world, drive):
    return reverse("campaigns:allocation_create", args=[world.province_a.code, drive.pk])


def edit_url(world, drive, allocation, name="campaigns:allocation_update"):
    return reverse(name, args=[world.province_a.code, drive.pk, allocation.pk])


def received_url(world):
    return reverse("campaigns:allocation_received", args=[world.ward_x.code])


def confirm_url(world, allocation):
    return reverse("campaigns:allocation_confirm", args=[world.ward_x.code, allocation.pk])


def cash_data(world, **changes):
    return {
        "ward": world.ward_x.pk,
        "decision_number": "15/QĐ-MTTQ",
        "decision_date": "01/04/2026",
        "purpose": "Hỗ trợ hộ bị thiệt hại do lũ",
        "form": "cash",
        "amount": "4.000.000",
        **changes,
    }


# --- Who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("province_officer", 200, 200),
        ("province_chair", 200, 200),
        ("province_viewer", 200, 403),
        ("admin", 200, 200),
        ("ward_officer", 403, 403),
        ("ward_chair", 403, 403),
        ("party_viewer", 403, 403),
        ("unassigned", 403, 403),
    ],
)
def test_the_province_pages_by_role(client, world, province_users, drive, give, role, read, write):
    given = give(1_000_000)
    client.force_login(world.users[role])
    assert client.get(list_url(world, drive)).status_code == read
    for url in (
        create_url(world, drive),
        edit_url(world, drive, given),
        edit_url(world, drive, given, "campaigns:allocation_reverse"),
    ):
        assert client.get(url).status_code == write, url
    before = Allocation.objects.count()
    response = client.post(create_url(world, drive), cash_data(world, decision_number="2/QĐ"))
    assert response.status_code == (302 if write == 200 else write)
    assert Allocation.objects.count() == before + (write == 200)


def test_another_provinces_officer_finds_nothing(client, world, drive):
    other = factories.user(role="province_officer", province_obj=world.province_b)
    client.force_login(other)
    assert client.get(list_url(world, drive)).status_code == 404
    own = factories.province_drive(province_obj=world.province_b)
    url = reverse("campaigns:allocation_list", args=[world.province_b.code, drive.pk])
    assert client.get(url).status_code == 404  # province A's drive under province B's code
    url = reverse("campaigns:allocation_list", args=[world.province_b.code, own.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("role", "read", "can_confirm"),
    [
        ("ward_officer", 200, True),
        ("ward_chair", 200, True),
        ("party_viewer", 200, False),
        ("province_officer", 200, False),
        ("province_viewer", 200, False),
        ("unassigned", 404, False),
    ],
)
def test_the_communes_page_by_role(client, world, province_users, give, role, read, can_confirm):
    given = give(1_000_000)
    client.force_login(world.users[role])
    page = client.get(received_url(world))
    assert page.status_code == read
    if read == 200:
        assert ("Xác nhận đã nhận" in text_of(page)) == can_confirm
        assert "1.000.000 đ" in text_of(page)
    response = client.post(confirm_url(world, given), {f"a{given.pk}-confirmed_on": "05/04/2026"})
    assert response.status_code == (302 if can_confirm else 404 if read == 404 else 403)
    given.refresh_from_db()
    assert given.is_confirmed == can_confirm


def test_another_commune_cannot_confirm(client, world, give):
    given = give(1_000_000, ward_obj=world.ward_y)
    client.force_login(world.users["ward_officer"])  # ward X's
    url = reverse("campaigns:allocation_confirm", args=[world.ward_x.code, given.pk])
    assert client.post(url, {f"a{given.pk}-confirmed_on": "05/04/2026"}).status_code == 404
    assert not Allocation.objects.get(pk=given.pk).is_confirmed


# --- The flows --------------------------------------------------------------------------------


def test_give_confirm_pay_and_see_it_on_both_sides(client, world, drive):
    client.force_login(world.users["province_officer"])
    page = client.get(create_url(world, drive))
    assert "10.000.000 đ" in text_of(page)  # what the province holds
    assert "Phường Long Xuyên (30302)" in page.content.decode()
    assert "Phường Hoàn Kiếm" not in page.content.decode()  # another province's
    response = client.post(
        create_url(world, drive), {**cash_data(world), "submission": form_token(page)}
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert (allocation.amount, allocation.ward) == (4_000_000, world.ward_x)
    listing = text_of(client.get(list_url(world, drive)))
    assert "Chờ xã xác nhận" in listing
    assert "4.000.000 đ" in listing
    assert "6.000.000 đ" in listing  # the province still holds 10 − 4 million

    client.force_login(world.users["ward_officer"])
    response = client.post(
        confirm_url(world, allocation),
        {f"a{allocation.pk}-confirmed_on": "05/04/2026", f"a{allocation.pk}-version": "1"},
    )
    assert response.status_code == 302
    page = client.get(received_url(world))
    assert "Đã nhận 05/04/2026" in text_of(page)
    assert reverse("campaigns:disbursement_create", args=[world.ward_x.code, drive.pk]) in (
        page.content.decode()
    )
    detail = client.get(reverse("campaigns:detail", args=[world.ward_x.code, drive.pk]))
    assert re.search(r'id="ward-balance">4\.000\.000\xa0đ<', detail.content.decode()) or (
        "4.000.000 đ" in text_of(detail)
    )
    paid = client.post(
        reverse("campaigns:disbursement_create", args=[world.ward_x.code, drive.pk]),
        {
            "paid_on": "10/04/2026",
            "purpose": "disaster",
            "description": "Hỗ trợ hộ bị sập nhà",
            "form": "cash",
            "amount": "1.500.000",
            "decision_reference": "3/QĐ-UBND",
        },
    )
    assert paid.status_code == 302
    detail = text_of(client.get(reverse("campaigns:detail", args=[world.ward_x.code, drive.pk])))
    assert f"trong cuộc vận động này: {2_500_000:,} đ".replace(",", ".") in detail

    client.force_login(world.users["province_officer"])
    listing = text_of(client.get(list_url(world, drive)))
    assert "Đã nhận 05/04/2026" in listing
    assert client.get(edit_url(world, drive, allocation)).status_code == 302  # no edit now


def test_a_double_click_gives_one_allocation(client, world, drive):
    client.force_login(world.users["province_officer"])
    first, second = post_twice(client, create_url(world, drive), cash_data(world))
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Allocation.objects.count() == 1


def test_an_edit_before_confirmation_and_a_stale_one(client, world, drive, give):
    given = give(4_000_000, decision_number="15/QĐ-MTTQ", purpose="Hỗ trợ hộ bị thiệt hại do lũ")
    client.force_login(world.users["province_officer"])
    page = client.get(edit_url(world, drive, given))
    assert 'name="version" value="1"' in page.content.decode()
    saved = client.post(
        edit_url(world, drive, given), cash_data(world, amount="5.000.000", version="1")
    )
    assert saved.status_code == 302
    given.refresh_from_db()
    assert (given.amount, given.version) == (5_000_000, 2)
    # Another officer's page still shows version 1.
    before = row_counts()
    stale = client.post(
        edit_url(world, drive, given),
        cash_data(world, amount="7.000.000", purpose="Mục đích khác", version="1"),
    )
    assert stale.status_code == 409
    assert row_counts() == before
    given.refresh_from_db()
    assert given.amount == 5_000_000
    html = stale.content.decode()
    assert "Bản đang lưu" in html
    assert "5.000.000 đ" in text_of(stale)  # saved
    assert 'value="7.000.000"' in html and 'value="Mục đích khác"' in html  # typed
    assert 'name="version" value="2"' in html  # saving again is decided seeing the saved one
    again = client.post(
        edit_url(world, drive, given), cash_data(world, amount="7.000.000", version="2")
    )
    assert again.status_code == 302
    given.refresh_from_db()
    assert given.amount == 7_000_000


def test_a_reversal_asks_for_confirmation_then_takes_it_from_both_books(client, world, drive, give):
    given = give(4_000_000)
    client.force_login(world.users["province_officer"])
    url = edit_url(world, drive, given, "campaigns:allocation_reverse")
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert "Ghi rõ lý do điều chỉnh." in text_of(empty)
    step = client.post(url, {"reason": "Nhầm xã nhận"})
    assert step.status_code == 200
    assert "Xác nhận điều chỉnh" in text_of(step)
    assert not AllocationReversal.objects.exists()  # nothing written before the confirmation
    done = client.post(url, {"reason": "Nhầm xã nhận", "xac_nhan": "1"})
    assert done.status_code == 302
    assert AllocationReversal.objects.get().reason == "Nhầm xã nhận"
    listing = text_of(client.get(list_url(world, drive)))
    assert "Đã điều chỉnh" in listing
    assert "10.000.000 đ" in listing  # the province holds it again


def test_a_reversal_refused_because_the_commune_paid_says_so(client, world, drive, give, pay):
    given = give(1_000_000, confirmed_on=D(2026, 4, 5))
    pay(1)
    client.force_login(world.users["province_officer"])
    url = edit_url(world, drive, given, "campaigns:allocation_reverse")
    refused = client.post(url, {"reason": "Nhầm", "xac_nhan": "1"})
    assert refused.status_code == 400
    assert "đã chi" in text_of(refused)
    assert not AllocationReversal.objects.exists()


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "0"}, "Số tiền phải lớn hơn 0"),
        (
            {
                "form": "in_kind",
                "amount": "",
                "in_kind_description": "Gạo",
                "in_kind_quantity": "12",
            },
            "Ghi đơn vị tính",
        ),
        ({"ward": "z"}, "Chọn một phường, xã của tỉnh, thành phố này."),
        ({"amount": "10.000.001"}, "chỉ còn 9.999.000 đ"),
        (
            {
                "form": "in_kind",
                "amount": "",
                "in_kind_description": "Gạo",
                "in_kind_quantity": "600",
                "in_kind_unit": "kg",
            },
            "chỉ còn giữ 500 kg",
        ),
        ({"decision_number": "1/QĐ"}, "Quyết định này đã phân bổ khoản này"),
        ({"decision_date": "31/02/2026"}, "ngày"),
    ],
)
def test_bad_input_is_refused_on_the_form_keeping_what_was_typed(
    client, world, drive, give, changes, message
):
    give(1_000, decision_number="1/QĐ")
    client.force_login(world.users["province_officer"])
    if changes.get("ward") == "z":
        changes = {**changes, "ward": world.ward_z.pk}
    data = cash_data(world, purpose="Hỗ trợ gia đình ông Tư", **changes)
    before = row_counts()
    response = client.post(create_url(world, drive), data)
    assert response.status_code == 400
    assert message.lower() in text_of(response).lower()
    assert 'value="Hỗ trợ gia đình ông Tư"' in response.content.decode()
    assert row_counts() == before


def test_a_confirmation_before_the_decision_date_is_refused_keeping_the_date(client, world, give):
    given = give(1_000_000, decision_date=D(2026, 4, 10))
    client.force_login(world.users["ward_officer"])
    before = row_counts()
    response = client.post(confirm_url(world, given), {f"a{given.pk}-confirmed_on": "09/04/2026"})
    assert response.status_code == 400
    assert "Ngày nhận không thể trước ngày quyết định phân bổ (10/04/2026)" in text_of(response)
    assert 'value="09/04/2026"' in response.content.decode()
    assert row_counts() == before
    nonsense = client.post(confirm_url(world, given), {f"a{given.pk}-confirmed_on": "hôm qua"})
    assert nonsense.status_code == 400
    assert not Allocation.objects.get(pk=given.pk).is_confirmed


def test_confirming_twice_says_when_it_was_confirmed(client, world, give):
    given = give(1_000_000, confirmed_on=D(2026, 4, 5))
    client.force_login(world.users["ward_officer"])
    again = client.post(confirm_url(world, given), {f"a{given.pk}-confirmed_on": "06/04/2026"})
    assert again.status_code == 400
    assert "đã được xác nhận ngày 05/04/2026" in text_of(again)
    assert Allocation.objects.get(pk=given.pk).confirmed_on == D(2026, 4, 5)
