"""Privacy: signed-in pages not kept by browsers, donors who asked not to be named, throttling
of password spraying, and the password asked again before two-step login is turned off."""

import datetime
import time
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from campaigns.models import Household
from tests import factories

LOGIN = reverse("login")
WRONG = "khong-dung-mat-khau"
SECRET_NAME = "Lê Thị Kín Tiếng"
SECRET_ADDRESS = "Số 7 đường Trần Hưng Đạo, khóm Đông Thịnh 1"
SECRET_REFERENCE = "FT26064123456"

pytestmark = pytest.mark.django_db


# --- Signed-in pages are not stored by the browser ---------------------------------------------


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("role", ["ward_officer", "party_viewer", "province_officer", "admin"])
def test_signed_in_pages_are_private_and_not_stored(world, login, role):
    Household.objects.create(
        ward=world.ward_x, head_name="Nguyễn Văn Nghèo", id_number="091234567890", category="poor"
    )
    client = login(world.users[role])
    for url in (
        reverse("home"),
        reverse("campaigns:households", args=[world.ward_x.code]),
        reverse("wards:detail", args=[world.ward_x.code]),
        # A public page seen while signed in shows the user's own navigation.
        reverse("campaigns:public_ward", args=[world.ward_x.code]),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert no_store(response), (url, response.get("Cache-Control"))


def test_the_page_showing_id_numbers_is_not_stored(world, login):
    Household.objects.create(
        ward=world.ward_x, head_name="Nguyễn Văn Nghèo", id_number="091234567890", category="poor"
    )
    response = login(world.users["ward_officer"]).get(
        reverse("campaigns:households", args=[world.ward_x.code])
    )
    assert "091234567890" in response.content.decode()
    assert no_store(response)


def test_the_answer_to_a_successful_login_is_not_stored(client, world):
    officer = world.users["ward_officer"]
    response = client.post(LOGIN, {"username": officer.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert no_store(response)


def test_anonymous_public_pages_keep_their_caching(client, world, fund):
    for url in (
        reverse("campaigns:public_ward", args=[world.ward_x.code]),
        reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
        assert "private" not in response.get("Cache-Control", "")


# --- Donors who did not agree to publication ----------------------------------------------------


@pytest.fixture
def unpublished(world, fund):
    """An individual who asked not to be named, by bank transfer, with an address."""
    return factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        amount=2_000_000,
        donor_kind="individual",
        donor_name=SECRET_NAME,
        donor_address=SECRET_ADDRESS,
        publish_name=False,
        channel="bank",
        bank_reference=SECRET_REFERENCE,
    )


@pytest.fixture
def published(world, fund):
    return factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        received_on=datetime.date(2026, 3, 6),
        amount=1_000_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )


def donor_pages(world, fund, donation):
    return [
        reverse("campaigns:detail", args=[world.ward_x.code, fund.pk]),
        reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk]),
    ]


@pytest.mark.parametrize("role", ["party_viewer", "province_officer"])
def test_an_unpublished_donor_is_masked_for_other_readers_as_on_the_public_page(
    world, login, fund, unpublished, published, role
):
    client = login(world.users[role])
    for url in donor_pages(world, fund, unpublished):
        page = client.get(url).content.decode()
        assert SECRET_NAME not in page, url
        assert "Nhà hảo tâm" in page, url
        # A donor who agreed keeps their name.
        if "van-dong" in url:
            assert "Công ty TNHH Minh Phát" in page
    detail = client.get(donor_pages(world, fund, unpublished)[1]).content.decode()
    assert SECRET_ADDRESS not in detail
    assert SECRET_REFERENCE not in detail
    public = client.get(reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk]))
    assert SECRET_NAME not in public.content.decode()


@pytest.mark.parametrize("role", ["ward_officer", "ward_chair"])
def test_the_wards_own_officers_keep_the_full_name(world, login, fund, unpublished, role):
    client = login(world.users[role])
    listing, detail = (
        client.get(url).content.decode() for url in donor_pages(world, fund, unpublished)
    )
    assert SECRET_NAME in listing
    assert "không công khai tên" in listing
    assert SECRET_NAME in detail
    assert SECRET_ADDRESS in detail
    assert SECRET_REFERENCE in detail


# --- Password spraying ------------------------------------------------------------------------


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=6)
def test_many_usernames_from_one_address_lock_that_address(client, world):
    # One wrong password each for six usernames: no username reaches its own limit of five.
    usernames = [f"khong-co-{n}" for n in range(5)] + [world.users["ward_chair"].username]
    responses = [attempt(client, name, WRONG) for name in usernames]
    assert [r.status_code for r in responses[:5]] == [200] * 5
    locked = responses[5]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page
    assert "Từ địa chỉ mạng này đã có 6 lần nhập sai mật khẩu" in page
    assert "15 phút" in page

    # Even a right password for an account never tried from here is refused meanwhile.
    officer = world.users["ward_officer"]
    refused = attempt(client, officer.username, factories.PASSWORD)
    assert refused.status_code == 429
    assert SESSION_KEY not in client.session

    # Another address is not affected.
    elsewhere = attempt(client, officer.username, factories.PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=6)
def test_the_address_lock_ends_after_the_cool_off(client, world):
    for n in range(6):
        attempt(client, f"khong-co-{n}", WRONG)
    officer = world.users["ward_officer"]
    assert attempt(client, officer.username, factories.PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt(client, officer.username, factories.PASSWORD).status_code == 302


def test_below_the_address_limit_a_shared_office_address_still_logs_in(client, world):
    # Nineteen officers of one office mistype once each: the twentieth still gets in.
    for n in range(19):
        assert attempt(client, f"can-bo-{n}", WRONG).status_code == 200
    officer = world.users["ward_officer"]
    assert attempt(client, officer.username, factories.PASSWORD).status_code == 302


# --- Turning two-step login off asks for the password -------------------------------------------


def code_for(key_hex):
    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def enrolled(client, world):
    officer = world.users["province_officer"]
    client.force_login(officer)
    client.get(reverse("otp:setup"))
    key = client.session[otp.SETUP_KEY]
    assert client.post(reverse("otp:setup"), {"code": code_for(key)}).status_code == 302
    return client


def test_turning_two_step_login_off_needs_the_password(enrolled):
    page = enrolled.get(reverse("otp:disable"))
    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()
    assert "Mật khẩu đăng nhập của bạn" in page.content.decode()

    without = enrolled.post(reverse("otp:disable"))
    assert without.status_code == 400
    assert "Hãy nhập mật khẩu để xác nhận." in without.content.decode()
    assert TOTPDevice.objects.exists()

    wrong = enrolled.post(reverse("otp:disable"), {"password": WRONG})
    assert wrong.status_code == 400
    assert "Mật khẩu không đúng. Xác thực hai bước vẫn đang bật." in wrong.content.decode()
    assert TOTPDevice.objects.exists()

    done = enrolled.post(reverse("otp:disable"), {"password": factories.PASSWORD}, follow=True)
    assert "Đã tắt xác thực hai bước" in done.content.decode()
    assert not TOTPDevice.objects.exists()


def test_wrong_passwords_on_the_off_switch_count_towards_the_login_lock(enrolled, world):
    for _ in range(5):
        response = enrolled.post(reverse("otp:disable"), {"password": WRONG})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    # Locked: not even the right password turns it off now.
    enrolled.post(reverse("otp:disable"), {"password": factories.PASSWORD})
    assert TOTPDevice.objects.exists()
