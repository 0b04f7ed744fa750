"""Every form of the portal under random and hostile input, through its real view.

Whatever is typed, a page never answers with a server error; every refusal explains itself in
Vietnamese; a refused request writes nothing (row counts of every table unchanged).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given

from reports.documents.forms import SectionForm
from tests import factories
from tests.fuzzing import HOSTILE_QUERY, form_data, send_checked


@dataclass
class FormPage:
    name: str
    role: str  # a key of world.users, or "anonymous"
    url: Callable
    form_key: str = "form"
    method: str = "POST"
    # POST-only endpoints have no page to read their form from: {name: field}, or a
    # callable taking the world.
    fields: dict | Callable | None = None


def ward_url(name, *extra):
    return lambda w: reverse(name, args=[w.ward_x.code, *[e(w) for e in extra]])


def province_url(name, *extra):
    return lambda w: reverse(name, args=[w.province_a.code, *[e(w) for e in extra]])


def month_url(name, year, month):
    return lambda w: reverse(name, args=[w.ward_x.code, year, month])


PAGES = [
    FormPage("login", "anonymous", lambda w: reverse("login")),
    FormPage("password_change", "ward_officer", lambda w: reverse("password_change")),
    FormPage("otp_setup", "province_officer", lambda w: reverse("otp:setup")),
    FormPage("area_create", "ward_officer", ward_url("wards:area_create")),
    FormPage("area_update", "ward_officer", ward_url("wards:area_update", lambda w: w.area_x.pk)),
    FormPage("membership_create", "ward_officer", ward_url("wards:membership_create")),
    FormPage(
        "membership_update",
        "ward_officer",
        ward_url("wards:membership_update", lambda w: w.membership_x.pk),
    ),
    FormPage("campaign_create", "ward_officer", ward_url("campaigns:create")),
    FormPage(
        "donation_create",
        "ward_officer",
        ward_url("campaigns:donation_create", lambda w: w.fund.pk),
    ),
    FormPage(
        "donation_reverse",
        "ward_officer",
        ward_url("campaigns:donation_reverse", lambda w: w.donation.pk),
        fields={"reason": forms.CharField()},
    ),
    FormPage(
        "disbursement_create",
        "ward_officer",
        ward_url("campaigns:disbursement_create", lambda w: w.fund.pk),
    ),
    # A province's own drives (campaigns/province).
    FormPage(
        "province_campaign_create", "province_officer", province_url("campaigns:province_create")
    ),
    FormPage(
        "province_donation_create",
        "province_officer",
        province_url("campaigns:province_donation_create", lambda w: w.drive.pk),
    ),
    FormPage(
        "province_donation_reverse",
        "province_chair",
        province_url("campaigns:province_donation_reverse", lambda w: w.province_donation.pk),
        fields={"reason": forms.CharField()},
    ),
    FormPage("household_create", "ward_officer", ward_url("campaigns:household_create")),
    FormPage(
        "household_update",
        "ward_officer",
        ward_url("campaigns:household_update", lambda w: w.household.pk),
    ),
    FormPage("house_create", "ward_officer", ward_url("campaigns:house_create")),
    FormPage(
        "house_update", "ward_officer", ward_url("campaigns:house_update", lambda w: w.house.pk)
    ),
    FormPage("government_support", "ward_officer", ward_url("campaigns:supports")),
    FormPage("monthly_entry", "ward_officer", month_url("reports:entry", 2025, 10)),
    FormPage(
        "report_return",
        "ward_chair",
        month_url("reports:return", 2025, 11),
        fields={"comment": forms.CharField()},
    ),
    FormPage(
        "report_reopen",
        "ward_chair",
        month_url("reports:reopen", 2025, 12),
        fields={"comment": forms.CharField()},
    ),
    # Reminders and notices (reports/notices): the kinds a person receives.
    FormPage("notice_preferences", "ward_officer", lambda w: reverse("reports:notice_preferences")),
    # The document editor (reports/documents).
    FormPage("document_new", "ward_officer", ward_url("reports:document_new")),
    FormPage(
        "document_frame",
        "ward_officer",
        ward_url("reports:document_frame", lambda w: w.document.pk),
    ),
    FormPage(
        "document_issue",
        "ward_chair",
        ward_url("reports:document_issue", lambda w: w.document.pk),
    ),
    FormPage(
        "document_section_add",
        "ward_officer",
        ward_url("reports:document_section_add", lambda w: w.document.pk),
        fields=lambda w: _prefixed(SectionForm(numbered_sections=[], prefix="new")),
    ),
    FormPage(
        "document_block_add_text",
        "ward_officer",
        ward_url(
            "reports:document_block_add_text", lambda w: w.document.pk, lambda w: w.section.pk
        ),
    ),
    FormPage(
        "document_block_add_figure",
        "ward_officer",
        ward_url(
            "reports:document_block_add_figure", lambda w: w.document.pk, lambda w: w.section.pk
        ),
    ),
    # Allocations (campaigns/allocations)
    FormPage(
        "allocation_create",
        "province_officer",
        lambda w: reverse("campaigns:allocation_create", args=[w.province_a.code, _drive(w).pk]),
    ),
    FormPage(
        "allocation_update",
        "province_officer",
        lambda w: reverse(
            "campaigns:allocation_update",
            args=[w.province_a.code, _drive(w).pk, _allocation(w).pk],
        ),
    ),
    FormPage(
        "allocation_reverse",
        "province_officer",
        lambda w: reverse(
            "campaigns:allocation_reverse",
            args=[w.province_a.code, _drive(w).pk, _allocation(w).pk],
        ),
        fields={"reason": forms.CharField(), "xac_nhan": forms.CharField()},
    ),
    FormPage(
        "allocation_confirm",
        "ward_officer",
        ward_url("campaigns:allocation_confirm", lambda w: _allocation(w).pk),
        fields=lambda w: {
            f"a{_allocation(w).pk}-confirmed_on": forms.DateField(),
            f"a{_allocation(w).pk}-version": forms.IntegerField(),
        },
    ),
    # Giving by bank transfer (campaigns/public/giving.py): a fund's account, a donor's pledge.
    FormPage(
        "receiving_account",
        "ward_officer",
        ward_url("campaigns:account", lambda w: w.fund.pk),
    ),
    FormPage(
        "pledge",
        "anonymous",
        lambda w: reverse("campaigns:public_fund_pledge", args=[w.ward_x.code, _giving(w).pk]),
    ),
    FormPage(
        "disclosure_search",
        "anonymous",
        lambda w: reverse("campaigns:public_fund", args=[w.ward_x.code, w.fund.pk]),
        method="GET",
    ),
]


def _drive(world):
    """A province A drive holding money, made once per world."""
    if not hasattr(world, "drive"):
        admin = world.users["admin"]
        world.drive = factories.province_drive(province_obj=world.province_a)
        factories.donation(fund_obj=world.drive, user=admin, amount=50_000_000)
    return world.drive


def _giving(world):
    """A fund of ward X with a receiving account, made once per world."""
    if not hasattr(world, "giving_fund"):
        world.giving_fund = factories.fund(
            ward_obj=world.ward_x,
            name="Quỹ nhận chuyển khoản",
            bank_bin="970436",
            bank_account_number="0071000123456",
            bank_account_name="UY BAN MTTQ PHUONG MY THOI",
        )
    return world.giving_fund


def _allocation(world):
    """The drive's allocation to ward X, waiting for its confirmation."""
    if not hasattr(world, "allocation"):
        world.allocation = factories.allocation(
            drive=_drive(world), ward_obj=world.ward_x, user=world.users["admin"], amount=1_000_000
        )
    return world.allocation


def _prefixed(form):
    return {form.add_prefix(name): field for name, field in form.fields.items()}


def _form_fields(client, url, form_key):
    page = client.get(url)
    assert page.status_code == 200, url
    return page.context[form_key].fields


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_hostile_input_never_breaks_a_form(client, fuzz_world, page):
    if page.role != "anonymous":
        client.force_login(fuzz_world.users[page.role])
    url = page.url(fuzz_world)
    fields = page.fields(fuzz_world) if callable(page.fields) else page.fields
    fields = fields or _form_fields(client, url, page.form_key)

    @given(data=form_data(fields))
    def send(data):
        send_checked(client, page.method, url, data)

    send()


@pytest.mark.django_db
def test_hostile_codes_never_break_the_two_step_login(client, fuzz_world):
    officer = fuzz_world.users["province_officer"]
    TOTPDevice.objects.create(user=officer, name="Điện thoại", confirmed=True)
    client.force_login(officer)
    url = reverse("otp:verify")
    fields = _form_fields(client, url, "form")

    @given(data=form_data(fields))
    def send(data):
        send_checked(client, "POST", url, data)
        # No random code opens the session.
        assert client.get(reverse("home"))["Location"].startswith(url)

    send()


SEARCHES = [
    ("households", "ward_officer", ward_url("campaigns:households"), ["q", "page"]),
    (
        "province_wards",
        "province_officer",
        lambda w: reverse("wards:province", args=["91"]),
        ["q", "page"],
    ),
    ("report_list", "ward_officer", ward_url("reports:list"), ["nam"]),
    (
        "disclosure_pages",
        "anonymous",
        lambda w: reverse("campaigns:public_fund", args=[w.ward_x.code, w.fund.pk]),
        ["sau", "truoc", "trang", "q"],
    ),
    ("ledger", "ward_officer", ward_url("campaigns:ledger", lambda w: w.fund.pk), ["nam"]),
    (
        "ledger_xlsx",
        "ward_officer",
        ward_url("campaigns:ledger_xlsx", lambda w: w.fund.pk),
        ["nam"],
    ),
    (
        "campaign_detail",
        "ward_officer",
        ward_url("campaigns:detail", lambda w: w.fund.pk),
        ["page"],
    ),
    (
        "province_ledger",
        "province_viewer",
        province_url("campaigns:province_ledger", lambda w: w.drive.pk),
        ["nam"],
    ),
    (
        "province_detail",
        "province_viewer",
        province_url("campaigns:province_detail", lambda w: w.drive.pk),
        ["page"],
    ),
    # The public front door (campaigns/public/front_door.py): the commune search and pages.
    (
        "public_directory",
        "anonymous",
        lambda w: reverse("campaigns:public_directory"),
        ["q", "trang"],
    ),
    (
        "public_province",
        "anonymous",
        lambda w: reverse("campaigns:public_province", args=[w.province_a.code]),
        ["q", "trang"],
    ),
    ("notices", "ward_officer", lambda w: reverse("reports:notices"), ["page"]),
    (
        "disclosure_csv",
        "anonymous",
        lambda w: reverse("campaigns:public_fund_csv", args=[w.ward_x.code, w.fund.pk]),
        ["q", "loai", "so_tien_tu", "so_tien_den", "tu_ngay", "den_ngay"],
    ),
    (
        "disclosure_api",
        "anonymous",
        lambda w: reverse("campaigns:api_fund_lines", args=[w.ward_x.code, w.fund.pk]),
        ["q", "trang", "page", "limit", "so_tien_tu", "tu_ngay"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("search", SEARCHES, ids=lambda search: search[0])
def test_hostile_query_parameters_never_break_a_list(client, fuzz_world, search):
    _, role, build_url, names = search
    if role != "anonymous":
        client.force_login(fuzz_world.users[role])
    url = build_url(fuzz_world)

    # Every known-hostile value in every parameter, then random combinations.
    for name in names:
        for value in HOSTILE_QUERY:
            send_checked(client, "GET", url, {name: value})

    @given(data=form_data({name: forms.CharField() for name in names}))
    def send(data):
        send_checked(client, "GET", url, data)

    send()
