"""A fund's receiving account (VietQR on its public page), set by its officers: on the create
form and on its own page, validated in Vietnamese, never overwriting a colleague's save."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.services import account_version
from tests import factories

CREATE = {
    "name": "Quỹ cứu trợ bão lũ 2026",
    "kind": "fund",
    "fund": "thien_tai",
    "starts_on": "01/09/2026",
    "status": "active",
}


def create(client, world, **account):
    url = reverse("campaigns:create", args=[world.ward_x.code])
    return client.post(url, {**CREATE, **account})


def account_url(campaign):
    return reverse("campaigns:account", args=[campaign.ward.code, campaign.pk])


def test_the_create_form_takes_the_account_upper_cased_without_diacritics(world, login):
    client = login(world.users["ward_officer"])
    form = client.get(reverse("campaigns:create", args=[world.ward_x.code])).content.decode()
    assert "Tài khoản nhận chuyển khoản (VietQR)" in form
    assert '<option value="970436">Vietcombank – Ngân hàng TMCP Ngoại thương Việt Nam' in form
    response = create(
        client,
        world,
        bank_bin="970405",
        bank_account_number=" 7301 2051 23456 ",
        bank_account_name="Ủy ban MTTQ phường  Mỹ Thới",
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name=CREATE["name"])
    assert (campaign.bank_bin, campaign.bank_account_number, campaign.bank_account_name) == (
        "970405",
        "7301205123456",
        "UY BAN MTTQ PHUONG MY THOI",
    )
    assert campaign.has_bank_account


def test_a_fund_may_be_created_without_an_account(world, login):
    assert create(login(world.users["ward_officer"]), world).status_code == 302
    assert not Campaign.objects.get(name=CREATE["name"]).has_bank_account


@pytest.mark.parametrize(
    ("account", "field_message"),
    [
        (
            {"bank_bin": "970436", "bank_account_number": "0071000123456"},
            "Nhập tên tài khoản như ngân hàng ghi. Tài khoản nhận cần đủ ngân hàng, số và tên",
        ),
        (
            {"bank_account_number": "0071000123456", "bank_account_name": "UB MTTQ"},
            "Chọn ngân hàng của tài khoản.",
        ),
        (
            {"bank_bin": "970436", "bank_account_number": "0071-ABC", "bank_account_name": "UB"},
            "Số tài khoản chỉ gồm chữ số (0–9).",
        ),
        (
            {"bank_bin": "970436", "bank_account_number": "12345", "bank_account_name": "UB"},
            "Số tài khoản có từ 6 đến 19 chữ số (đã nhập 5 số).",
        ),
        (
            {"bank_bin": "970436", "bank_account_number": "1" * 20, "bank_account_name": "UB"},
            "Số tài khoản có từ 6 đến 19 chữ số (đã nhập 20 số).",
        ),
        (
            {"bank_bin": "970436", "bank_account_number": "123456", "bank_account_name": "A" * 51},
            "Tên tài khoản tối đa 50 ký tự (đã nhập 51).",
        ),
        (
            {"bank_bin": "999999", "bank_account_number": "123456", "bank_account_name": "UB"},
            "Hãy chọn một lựa chọn hợp lệ",
        ),
    ],
)
def test_a_wrong_account_is_refused_in_vietnamese_with_what_was_typed_kept(
    world, login, account, field_message
):
    response = create(login(world.users["ward_officer"]), world, **account)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_message in html
    assert not Campaign.objects.filter(name=CREATE["name"]).exists()
    if account.get("bank_account_number"):
        assert f'value="{account["bank_account_number"]}"' in html


def test_the_account_page_sets_changes_and_clears_the_account(world, login):
    fund = factories.fund(ward_obj=world.ward_x)
    client = login(world.users["ward_officer"])
    detail = reverse("campaigns:detail", args=[world.ward_x.code, fund.pk])
    assert "Thêm tài khoản nhận" in client.get(detail).content.decode()
    shown = account_version(fund)
    saved = client.post(
        account_url(fund),
        {
            "bank_bin": "970418",
            "bank_account_number": "31410001234567",
            "bank_account_name": "uy ban mttq phuong my thoi",
            "shown": shown,
        },
    )
    assert saved.status_code == 302 and saved["Location"] == detail
    fund.refresh_from_db()
    assert (fund.bank_bin, fund.bank_account_name) == ("970418", "UY BAN MTTQ PHUONG MY THOI")
    page = client.get(detail).content.decode()
    assert "BIDV" in page and "31410001234567" in page and fund.reference in page
    cleared = client.post(
        account_url(fund),
        {
            "bank_bin": "",
            "bank_account_number": "",
            "bank_account_name": "",
            "shown": account_version(fund),
        },
    )
    assert cleared.status_code == 302
    fund.refresh_from_db()
    assert not fund.has_bank_account


def test_a_save_from_a_stale_page_is_refused_showing_both_accounts(world, login):
    fund = factories.fund(
        ward_obj=world.ward_x,
        bank_bin="970436",
        bank_account_number="0071000123456",
        bank_account_name="UY BAN MTTQ PHUONG MY THOI",
    )
    opened = account_version(fund)
    # A colleague saves another account meanwhile.
    Campaign.objects.filter(pk=fund.pk).update(bank_account_number="0071000999999")
    client = login(world.users["ward_chair"])
    mine = {
        "bank_bin": "970405",
        "bank_account_number": "7301205123456",
        "bank_account_name": "UY BAN MTTQ PHUONG MY THOI",
        "shown": opened,
    }
    response = client.post(account_url(fund), mine)
    assert response.status_code == 400
    html = response.content.decode()
    assert "đã được người khác sửa" in html
    assert "0071000999999" in html  # what the colleague saved
    assert 'value="7301205123456"' in html  # what this officer typed
    fund.refresh_from_db()
    assert fund.bank_account_number == "0071000999999"
    # Saving again from this page replaces it knowingly.
    current = fund.bank_bin, fund.bank_account_number, fund.bank_account_name
    assert account_version(fund) != opened and all(current)
    again = client.post(account_url(fund), {**mine, "shown": account_version(fund)})
    assert again.status_code == 302
    fund.refresh_from_db()
    assert fund.bank_account_number == "7301205123456"


def test_readers_and_other_wards_cannot_change_an_account(world, login):
    fund = factories.fund(ward_obj=world.ward_x)
    payload = {
        "bank_bin": "970436",
        "bank_account_number": "0071000123456",
        "bank_account_name": "KE GIAN",
        "shown": account_version(fund),
    }
    assert login(world.users["party_viewer"]).post(account_url(fund), payload).status_code == 403
    other = reverse("campaigns:account", args=[world.ward_y.code, fund.pk])
    assert login(world.users["province_officer"]).post(other, payload).status_code in (403, 404)
    fund.refresh_from_db()
    assert not fund.has_bank_account


def test_a_commune_cannot_set_its_province_drives_account(world, login):
    drive = factories.province_drive(province_obj=world.province_a)
    url = reverse("campaigns:account", args=[world.ward_x.code, drive.pk])
    assert login(world.users["ward_officer"]).get(url).status_code == 404


def test_the_province_sets_its_drives_account(world, login):
    drive = factories.province_drive(province_obj=world.province_a)
    client = login(world.users["province_officer"])
    url = reverse("campaigns:province_account", args=[world.province_a.code, drive.pk])
    response = client.post(
        url,
        {
            "bank_bin": "970436",
            "bank_account_number": "0071001234567",
            "bank_account_name": "Ủy ban MTTQ tỉnh An Giang",
            "shown": account_version(drive),
        },
    )
    assert response.status_code == 302
    drive.refresh_from_db()
    assert drive.bank_account_name == "UY BAN MTTQ TINH AN GIANG"
    detail = reverse("campaigns:province_detail", args=[world.province_a.code, drive.pk])
    assert "0071001234567" in client.get(detail).content.decode()
