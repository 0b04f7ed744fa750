"""Login throttling, idle sessions, and the optional two-step login (TOTP)."""

import datetime
import logging
import time
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from core.security import LAST_SEEN
from tests import factories

LOGIN = reverse("login")
WRONG = "khong-dung-mat-khau"


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    return [attempt(client, username, WRONG, **extra) for _ in range(times)]


# --- Throttling ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_on_that_address(client, world):
    officer = world.users["ward_officer"]
    responses = fail(client, officer.username, 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert "mật khẩu chính xác" in responses[0].content.decode()
    locked = responses[4]
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert "sai mật khẩu 5 lần" in locked.content.decode()
    assert "15 phút" in locked.content.decode()

    # Even the right password is refused during the lock, and nobody is logged in.
    right = attempt(client, officer.username, factories.PASSWORD)
    assert right.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_failures_are_recorded_in_the_database_and_the_log(client, world, caplog):
    officer = world.users["ward_officer"]
    with caplog.at_level(logging.WARNING, logger="axes"):
        fail(client, officer.username, 5)
    assert AccessAttempt.objects.get(username=officer.username).failures_since_start == 5
    assert AccessFailureLog.objects.filter(username=officer.username).count() == 5
    assert f'Locking out {{username: "{officer.username}", ip_address: "127.0.0.1"' in caplog.text


@pytest.mark.django_db
def test_another_address_or_username_is_not_locked(client, world):
    officer = world.users["ward_officer"]
    fail(client, officer.username, 5)
    other_address = attempt(
        client, officer.username, factories.PASSWORD, REMOTE_ADDR="198.51.100.7"
    )
    assert other_address.status_code == 302
    client.logout()
    chair = world.users["ward_chair"]
    assert attempt(client, chair.username, factories.PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client, world):
    officer = world.users["ward_officer"]
    fail(client, officer.username, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = attempt(client, officer.username, factories.PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer.pk)


@pytest.mark.django_db
def test_a_successful_login_forgets_earlier_failures(client, world):
    officer = world.users["ward_officer"]
    fail(client, officer.username, 4)
    assert attempt(client, officer.username, factories.PASSWORD).status_code == 302
    client.logout()
    assert [r.status_code for r in fail(client, officer.username, 4)] == [200] * 4


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_saw_counts_not_forged_ones(client, world):
    officer = world.users["ward_officer"]
    for forged in range(5):
        # The client controls the left part of X-Forwarded-For; nginx appends the real address.
        attempt(
            client,
            officer.username,
            WRONG,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.9",
        )
    blocked = attempt(
        client,
        officer.username,
        factories.PASSWORD,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.9",
    )
    assert blocked.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, world):
    admin = world.users["admin"]
    admin_login = reverse("admin:login")
    for _ in range(5):
        response = client.post(admin_login, {"username": admin.username, "password": WRONG})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


# --- Idle sessions ---------------------------------------------------------------------------


def _age_session(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
def test_an_idle_session_ends_on_the_login_page_with_a_message(client, world, settings):
    client.force_login(world.users["ward_officer"])
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, settings.SESSION_IDLE_SECONDS + 1)

    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn do không thao tác trong 30 phút" in page
    assert "Vui lòng đăng nhập lại." in page
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
@override_settings(SESSION_IDLE_SECONDS=300)
def test_the_idle_time_is_configurable(client, world):
    client.force_login(world.users["ward_officer"])
    client.get(reverse("home"))
    _age_session(client, 200)
    assert client.get(reverse("home")).status_code == 200  # still active, and refreshed
    _age_session(client, 301)
    response = client.get(reverse("home"), follow=True)
    assert "không thao tác trong 5 phút" in response.content.decode()


@pytest.mark.django_db
def test_the_last_seen_time_is_written_at_most_once_a_minute(client, world):
    client.force_login(world.users["ward_officer"])
    client.get(reverse("home"))
    _age_session(client, 30)
    seen = client.session[LAST_SEEN]
    client.get(reverse("home"))
    assert client.session[LAST_SEEN] == seen  # no session write for this request
    _age_session(client, 61)
    client.get(reverse("home"))
    assert client.session[LAST_SEEN] >= int(time.time()) - 2


@pytest.mark.django_db
def test_public_pages_stay_open_after_an_officer_session_expires(client, world, settings):
    client.force_login(world.users["ward_officer"])
    client.get(reverse("home"))
    _age_session(client, settings.SESSION_IDLE_SECONDS + 1)
    public = client.get(reverse("campaigns:public_ward", args=[world.ward_x.code]))
    assert public.status_code == 200
    assert "Phiên làm việc đã hết hạn" in public.content.decode()


# --- Two-step login --------------------------------------------------------------------------


def code_for(key_hex, *, steps_ahead=0):
    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(client):
    """Enrol through the page; returns the secret key the page handed out."""
    page = client.get(reverse("otp:setup"))
    key = client.session[otp.SETUP_KEY]
    response = client.post(reverse("otp:setup"), {"code": code_for(key)})
    assert response.status_code == 302
    return page, key


def password_login(client, user):
    client.logout()
    response = attempt(client, user.username, factories.PASSWORD)
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_province_officer_enrols_with_a_qr_code_and_the_secret(client, world):
    officer = world.users["province_officer"]
    client.force_login(officer)
    page = client.get(reverse("otp:setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Mã QR xác thực hai bước" in html
    key = client.session[otp.SETUP_KEY]
    assert otp.secret_for_display(key) in html

    wrong = client.post(reverse("otp:setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    done = client.post(reverse("otp:setup"), {"code": code_for(key)}, follow=True)
    assert "Đã bật xác thực hai bước" in done.content.decode()
    assert "Xác thực hai bước đang bật" in done.content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.key == key


@pytest.mark.django_db
def test_after_enrolment_the_password_alone_opens_nothing(client, world):
    officer = world.users["province_officer"]
    client.force_login(officer)
    _, key = enrol(client)

    after_password = password_login(client, officer)
    home = client.get(after_password["Location"])
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("otp:verify"))
    ward_page = reverse("wards:detail", args=[world.ward_x.code])
    assert client.get(ward_page)["Location"] == (
        f"{reverse('otp:verify')}?next=%2Fphuong-xa%2F{world.ward_x.code}%2F"
    )

    step = client.get(home["Location"])
    assert step.status_code == 200
    assert "Mã 6 chữ số trên ứng dụng xác thực" in step.content.decode()
    verified = client.post(
        reverse("otp:verify"), {"code": code_for(key, steps_ahead=1), "next": ward_page}
    )
    assert verified["Location"] == ward_page
    assert client.get(ward_page).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_further_tries_must_wait(client, world):
    officer = world.users["province_officer"]
    client.force_login(officer)
    _, key = enrol(client)
    password_login(client, officer)

    wrong = client.post(reverse("otp:verify"), {"code": "123456"})
    assert wrong.status_code == 400
    assert "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    hurried = client.post(reverse("otp:verify"), {"code": code_for(key, steps_ahead=1)})
    assert hurried.status_code == 400
    assert "Đã nhập sai nhiều lần. Hãy đợi" in hurried.content.decode()
    assert client.get(reverse("home")).status_code == 302

    TOTPDevice.objects.update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )
    assert (
        client.post(reverse("otp:verify"), {"code": code_for(key, steps_ahead=1)}).status_code
        == 302
    )
    assert client.get(reverse("wards:province", args=[world.province_a.code])).status_code == 200


@pytest.mark.django_db
def test_the_admin_site_requires_the_code_for_an_enrolled_admin(client, world):
    admin = world.users["admin"]
    client.force_login(admin)
    _, key = enrol(client)
    client.logout()
    client.post(
        reverse("admin:login"), {"username": admin.username, "password": factories.PASSWORD}
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp:verify"))
    client.post(reverse("otp:verify"), {"code": code_for(key, steps_ahead=1)})
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_disabling_asks_for_confirmation_then_logins_need_only_the_password(client, world):
    officer = world.users["province_officer"]
    client.force_login(officer)
    enrol(client)
    confirm = client.get(reverse("otp:disable"))
    assert confirm.status_code == 200
    assert "Tắt xác thực hai bước?" in confirm.content.decode()
    assert TOTPDevice.objects.exists()

    done = client.post(reverse("otp:disable"), {"password": factories.PASSWORD}, follow=True)
    assert "Đã tắt xác thực hai bước" in done.content.decode()
    assert not TOTPDevice.objects.exists()
    password_login(client, officer)
    assert client.get(reverse("wards:province", args=[world.province_a.code])).status_code == 200


@pytest.mark.django_db
def test_a_device_removed_by_an_admin_no_longer_blocks_the_session(client, world):
    officer = world.users["province_officer"]
    client.force_login(officer)
    enrol(client)
    password_login(client, officer)
    TOTPDevice.objects.all().delete()  # lost phone: the admin removed the device
    step = client.get(reverse("otp:verify"))
    assert step.status_code == 302
    assert client.get(reverse("wards:province", args=[world.province_a.code])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ward_officer", "ward_chair", "party_viewer", "unassigned"])
def test_other_roles_never_see_two_step_login(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("otp:setup"))
    assert response.status_code == 403
    assert "dành cho quản trị viên và cán bộ cấp tỉnh" in response.content.decode()
    assert client.post(reverse("otp:setup"), {"code": "123456"}).status_code == 403
    assert not TOTPDevice.objects.exists()
