"""Bad input never answers 500 (issue 12, point 8): addresses, years, dates, usernames, reasons
and amounts that no one means are refused with a Vietnamese page or message, and nothing is
written."""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import IntegrityError, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns import services as campaign_services
from campaigns.models import DonationReversal, GovernmentSupport
from reports.documents import services as document_services
from reports.models import MonthlyReport
from tests.fuzzing import is_vietnamese, row_counts

D = datetime.date
Status = MonthlyReport.Status


def text_of(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


# --- Control characters in the address --------------------------------------------------------

CONTROL_PATHS = [
    "/cong-khai/%00/",
    "/phuong-xa/%00/tong-quan/",
    "/phuong-xa/30301%00/van-dong/",
    "/phuong-xa/a%01b/",
    "/tinh/%1b/tien-do/2025/",
    "/cong-khai/30301/%0a/",
    "/%7f",
    "/cong-khai/x%c2%85/",  # U+0085, a C1 control character
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "admin", "ward_officer"])
@pytest.mark.parametrize("path", CONTROL_PATHS)
def test_a_control_character_in_the_address_is_a_vietnamese_400(client, world, role, path):
    if role != "anonymous":
        client.force_login(world.users[role])
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 400, (method, path)
        assert "Địa chỉ trang có ký tự không hợp lệ" in text_of(response)


# --- Years and months in the address ---------------------------------------------------------


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


YEAR_ROUTES = sorted(route for route, converters in _routes() if "year" in converters)


def test_the_routes_with_a_year_are_found():
    assert len(YEAR_ROUTES) >= 12  # entry, workflow, history, Excel, progress pages


def _path(route, **parts):
    values = {"code": "91" if route.startswith("tinh/") else "30301", **parts}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


BAD_YEARS = [0, 99999, 2147483648, 10**30]
BAD_MONTHS = [0, 13, 2**31]
YEAR_CASES = [(route, year, 1) for route in YEAR_ROUTES for year in BAD_YEARS] + [
    (route, 2025, month) for route in YEAR_ROUTES if "<month" in route for month in BAD_MONTHS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "year", "month"), YEAR_CASES)
def test_a_year_or_month_out_of_range_in_the_address_is_a_404(client, world, route, year, month):
    client.force_login(world.users["admin"])
    path = _path(route, year=year, month=month)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 404, (method, path)
        assert "Không tìm thấy" in text_of(response)


# --- Dates outside 1900–2100 in every form ----------------------------------------------------

OUT_OF_RANGE = "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2100."
OUTSIDE_DAYS = ["01/01/0001", "01/01/1000", "31/12/1899", "01/01/2101", "31/12/9999"]


def _donation(w, day):
    return {
        "received_on": day,
        "donor_kind": "anonymous",
        "form": "cash",
        "channel": "cash",
        "amount": "1.000.000",
    }


def _disbursement(w, day):
    return {
        "paid_on": day,
        "purpose": "other",
        "description": "Hỗ trợ",
        "amount": "1.000",
        "decision_reference": "12/QĐ",
    }


def _campaign(w, day):
    return {"name": "Quỹ mới", "kind": "fund", "fund": "vnn", "starts_on": day, "status": "active"}


def _membership(w, day):
    return {
        "organisation": w.membership_x.organisation.pk,
        "as_of": day,
        "members": "10",
        "eligible": "20",
    }


def _house(w, day):
    return {"household": w.household.pk, "kind": "new", "started_on": day}


def _support(w, day):
    return {"programme": "Nghị quyết 42/NQ-CP", "amount": "3.000.000", "paid_on": day}


def _document(w, day):
    return {"kind": "month", "starts_on": day}


def _frame(w, day):
    values = {}
    for name in document_services.FRAME_FIELDS:
        value = getattr(w.document, name)
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if value is not None:
            values[name] = value
    return {**values, "issued_on": day}


def _ward(name, *extra):
    return lambda w: reverse(name, args=[w.ward_x.code, *[e(w) for e in extra]])


DATE_FORMS = [
    ("donation", _ward("campaigns:donation_create", lambda w: w.fund.pk), _donation),
    ("disbursement", _ward("campaigns:disbursement_create", lambda w: w.fund.pk), _disbursement),
    ("campaign", _ward("campaigns:create"), _campaign),
    ("membership", _ward("wards:membership_create"), _membership),
    ("house", _ward("campaigns:house_create"), _house),
    ("government_support", _ward("campaigns:supports"), _support),
    ("document_new", _ward("reports:document_new"), _document),
    ("document_frame", _ward("reports:document_frame", lambda w: w.document.pk), _frame),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day", ["01/01/0001", "01/01/1000", "31/12/1899", "01/01/2101", "31/12/9999"]
)
@pytest.mark.parametrize(("name", "url", "data"), DATE_FORMS, ids=[f[0] for f in DATE_FORMS])
def test_a_date_outside_1900_to_2100_is_a_vietnamese_field_error(
    client, fuzz_world, name, url, data, day
):
    client.force_login(fuzz_world.users["ward_officer"])
    before = row_counts()
    response = client.post(url(fuzz_world), data(fuzz_world, day))
    assert response.status_code in (200, 400), name
    assert OUT_OF_RANGE in response.content.decode()
    assert f'value="{day}"' in response.content.decode()
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["01/01/0001", "31/12/9999"])
def test_the_disclosure_search_refuses_a_date_outside_the_years(client, fuzz_world, day):
    url = reverse("campaigns:public_fund", args=[fuzz_world.ward_x.code, fuzz_world.fund.pk])
    response = client.get(url, {"tu_ngay": day})
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("preset", ["nam", "quy", "thang", "6-thang", "tuy-chon"])
@pytest.mark.parametrize("month", ["01/0001", "12/9999", "15/01/0001"])
def test_a_dashboard_period_outside_the_years_is_explained(client, world, preset, month):
    client.force_login(world.users["ward_officer"])
    url = reverse("reports:dashboard_ward", args=[world.ward_x.code])
    for params in ({"ky": preset, "den": month}, {"ky": preset, "tu": month}):
        response = client.get(url, params)
        assert response.status_code == 200, params
        page = response.content.decode()
        if preset == "tuy-chon" or "den" in params:
            assert "phải là tháng/năm từ 1900 đến 2100" in page, params


@pytest.mark.django_db
def test_a_donation_dated_year_one_is_refused_by_the_service_too(fuzz_world):
    with pytest.raises(campaign_services.FundRefusal, match="01/01/1900"):
        campaign_services.donation_record(
            campaign=fuzz_world.fund,
            ward=fuzz_world.ward_x,
            user=fuzz_world.users["ward_officer"],
            received_on=D(1, 1, 1),
            donor_kind="anonymous",
            amount=1_000_000,
        )


# --- Usernames longer than the column ---------------------------------------------------------

USERNAME_COLUMN = get_user_model()._meta.get_field("username").max_length


def _refusal(response) -> list[str]:
    return response.context["form"].non_field_errors()


@pytest.mark.django_db
@pytest.mark.parametrize("login_name", ["login", "admin:login"])
@pytest.mark.parametrize("length", [USERNAME_COLUMN + 1, 256, 300, 5000])
def test_a_username_longer_than_the_column_is_refused_as_usual(client, world, login_name, length):
    url = reverse(login_name)
    wrong = client.post(url, {"username": world.users["admin"].username, "password": "sai"})
    response = client.post(url, {"username": "a" * length, "password": "sai"})
    assert response.status_code == 200
    assert _refusal(response) == _refusal(wrong)  # the same words as a wrong password
    assert is_vietnamese(" ".join(_refusal(response)))
    assert SESSION_KEY not in client.session
    # Nothing longer than its column reaches the login attempt log (PostgreSQL refuses it).
    for model in (AccessAttempt, AccessFailureLog):
        column = model._meta.get_field("username").max_length
        names = model.objects.values_list("username", flat=True)
        assert all(len(name or "") <= column for name in names), model


@pytest.mark.django_db
def test_long_input_on_the_code_and_password_forms_is_refused(client, world):
    admin = world.users["admin"]
    TOTPDevice.objects.create(user=admin, name="Điện thoại", confirmed=True)
    client.force_login(admin)
    code = client.post(reverse("otp:verify"), {"code": "1" * 5000})
    assert code.status_code == 400 and is_vietnamese(code.context["form"].errors["code"][0])
    client.force_login(world.users["ward_officer"])
    change = client.post(
        reverse("password_change"),
        {"old_password": "x" * 5000, "new_password1": "y" * 5000, "new_password2": "y" * 5000},
    )
    assert change.status_code == 200
    assert is_vietnamese(change.context["form"].errors["old_password"][0])


# --- Reasons made only of invisible characters ------------------------------------------------

INVISIBLE = ["\u200b", "\u200b \ufeff\u2060", "\u00a0\u200d\u3164", "\u2800\u180e"]


@pytest.mark.django_db
@pytest.mark.parametrize("reason", INVISIBLE)
def test_an_invisible_reversal_reason_is_no_reason(client, fuzz_world, reason):
    client.force_login(fuzz_world.users["ward_officer"])
    url = reverse(
        "campaigns:donation_reverse", args=[fuzz_world.ward_x.code, fuzz_world.donation.pk]
    )
    response = client.post(url, {"reason": reason}, follow=True)
    assert "Ghi rõ lý do điều chỉnh." in response.content.decode()
    assert not DonationReversal.objects.exists()
    with pytest.raises(campaign_services.FundRefusal):
        campaign_services.donation_reverse(
            donation=fuzz_world.donation,
            user=fuzz_world.users["ward_officer"],
            reason=reason,
            on=D(2026, 1, 6),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("reason", INVISIBLE)
@pytest.mark.parametrize(
    ("action", "month", "status"),
    [("reports:return", 11, Status.SUBMITTED), ("reports:reopen", 12, Status.APPROVED)],
)
def test_an_invisible_return_or_reopen_reason_is_no_reason(
    client, fuzz_world, reason, action, month, status
):
    client.force_login(fuzz_world.users["ward_chair"])
    url = reverse(action, args=[fuzz_world.ward_x.code, 2025, month])
    response = client.post(url, {"comment": reason}, follow=True)
    assert "Hãy ghi ý kiến hoặc lý do" in response.content.decode()
    report = MonthlyReport.objects.get(ward=fuzz_world.ward_x, period=D(2025, month, 1))
    assert report.status == status
    assert not report.events.exists()


# --- Amounts of nothing -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0", "0.000", "000"])
def test_a_zero_state_support_payment_is_refused(client, world, amount):
    client.force_login(world.users["ward_officer"])
    response = client.post(
        reverse("campaigns:supports", args=[world.ward_x.code]),
        {"programme": "Nghị quyết 42/NQ-CP", "amount": amount, "paid_on": "10/03/2026"},
    )
    assert response.status_code == 400
    assert "Số tiền phải lớn hơn 0." in response.content.decode()
    assert not GovernmentSupport.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_zero_state_support_payment(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        GovernmentSupport.objects.create(
            ward=world.ward_x,
            programme="Nghị quyết 42/NQ-CP",
            amount=0,
            paid_on=D(2026, 3, 10),
            recorded_by=world.users["ward_officer"],
        )
