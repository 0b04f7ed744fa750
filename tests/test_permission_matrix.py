"""Every URL of the project × every role: the expected status, and nobody sees another ward.

Adding a URL without classifying it here fails `test_every_url_is_classified`.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaigns import services as campaign_services
from campaigns.models import Campaign, House, Household
from reports.models import MonthlyReport
from tests import factories

ROLES = [
    "anonymous",
    "unassigned",
    "ward_officer",
    "ward_chair",
    "party_viewer",
    "province_officer",
    "admin",
]

# The world's wards seen from a ward-X user / a province-A officer: own, same province, other.
TARGETS = ["x", "y", "z"]

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


def anyone(status):
    return {role: status for role in ROLES}


def logged_in(status):
    return {**anyone(status), "anonymous": REDIRECT}


def ward_read(target):
    """Reading one ward's pages: its own users, its province's officers, admins."""
    own_ward = OK if target == "x" else NOT_FOUND
    own_province = OK if target in ("x", "y") else NOT_FOUND
    return {
        "anonymous": REDIRECT,
        "unassigned": NOT_FOUND,
        "ward_officer": own_ward,
        "ward_chair": own_ward,
        "party_viewer": own_ward,
        "province_officer": own_province,
        "admin": OK,
    }


def ward_write(target):
    """Changing one ward's directory: its officer and chair, admins; readers get 403."""
    expected = ward_read(target)
    for reader in ("party_viewer", "province_officer"):
        if expected[reader] == OK:
            expected[reader] = FORBIDDEN
    return expected


def province_read(target):
    own = OK if target in ("x", "y") else NOT_FOUND
    return {
        "anonymous": REDIRECT,
        "unassigned": FORBIDDEN,
        "ward_officer": FORBIDDEN,
        "ward_chair": FORBIDDEN,
        "party_viewer": FORBIDDEN,
        "province_officer": own,
        "admin": OK,
    }


def ward_url(name, *, obj=None):
    def build(world, target):
        ward = world.ward(target)
        args = [ward.code] + ([getattr(world, f"{obj}_for")(target).pk] if obj else [])
        return reverse(name, args=args)

    return build


def report_url(name):
    def build(world, target):
        return reverse(name, args=[world.ward(target).code, 2025, 10])

    return build


def province_url(name, *args):
    def build(world, target):
        return reverse(name, args=[world.ward(target).province.code, *args])

    return build


def post_only(target):
    return logged_in(NOT_ALLOWED)


def fixed_url(name):
    return lambda world, target: reverse(name)


# name → (URL builder, expected statuses for a target ward, or a fixed map)
MATRIX = {
    "home": (fixed_url("home"), lambda target: {**logged_in(OK), "province_officer": REDIRECT}),
    "login": (fixed_url("login"), lambda target: anyone(OK)),
    "logout": (fixed_url("logout"), lambda target: anyone(NOT_ALLOWED)),  # POST only
    "password_change": (fixed_url("password_change"), lambda target: logged_in(OK)),
    "password_change_done": (fixed_url("password_change_done"), lambda target: logged_in(OK)),
    "wards:province": (province_url("wards:province"), province_read),
    "wards:detail": (ward_url("wards:detail"), ward_read),
    "wards:memberships": (ward_url("wards:memberships"), ward_read),
    "wards:area_create": (ward_url("wards:area_create"), ward_write),
    "wards:area_update": (ward_url("wards:area_update", obj="area"), ward_write),
    "wards:area_delete": (ward_url("wards:area_delete", obj="area"), ward_write),
    "wards:membership_create": (ward_url("wards:membership_create"), ward_write),
    "wards:membership_update": (ward_url("wards:membership_update", obj="membership"), ward_write),
    "wards:membership_delete": (ward_url("wards:membership_delete", obj="membership"), ward_write),
    "reports:list": (ward_url("reports:list"), ward_read),
    "reports:dashboard_ward": (ward_url("reports:dashboard_ward"), ward_read),
    "reports:dashboard_province": (province_url("reports:dashboard_province"), province_read),
    "reports:dashboard_national": (
        fixed_url("reports:dashboard_national"),
        lambda target: {**logged_in(FORBIDDEN), "admin": OK},
    ),
    "campaigns:list": (ward_url("campaigns:list"), ward_read),
    "campaigns:create": (ward_url("campaigns:create"), ward_write),
    "campaigns:detail": (ward_url("campaigns:detail", obj="campaign"), ward_read),
    "campaigns:ledger": (ward_url("campaigns:ledger", obj="campaign"), ward_read),
    "campaigns:ledger_xlsx": (ward_url("campaigns:ledger_xlsx", obj="campaign"), ward_read),
    "campaigns:donation_create": (
        ward_url("campaigns:donation_create", obj="campaign"),
        ward_write,
    ),
    "campaigns:disbursement_create": (
        ward_url("campaigns:disbursement_create", obj="campaign"),
        ward_write,
    ),
    "campaigns:donation_detail": (ward_url("campaigns:donation_detail", obj="donation"), ward_read),
    "campaigns:donation_reverse": (
        ward_url("campaigns:donation_reverse", obj="donation"),
        post_only,
    ),
    "campaigns:households": (ward_url("campaigns:households"), ward_read),
    "campaigns:household_create": (ward_url("campaigns:household_create"), ward_write),
    "campaigns:household_update": (
        ward_url("campaigns:household_update", obj="household"),
        ward_write,
    ),
    "campaigns:houses": (ward_url("campaigns:houses"), ward_read),
    "campaigns:house_create": (ward_url("campaigns:house_create"), ward_write),
    "campaigns:house_update": (ward_url("campaigns:house_update", obj="house"), ward_write),
    "campaigns:supports": (ward_url("campaigns:supports"), ward_read),
    "campaigns:bank_import": (ward_url("campaigns:bank_import", obj="campaign"), ward_write),
    "campaigns:public_ward": (ward_url("campaigns:public_ward"), lambda target: anyone(OK)),
    "campaigns:public_fund": (
        ward_url("campaigns:public_fund", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_fund_csv": (
        ward_url("campaigns:public_fund_csv", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:receipt_pdf": (ward_url("campaigns:receipt_pdf", obj="donation"), ward_read),
    "reports:entry_template": (report_url("reports:entry_template"), ward_read),
    "reports:entry_import": (report_url("reports:entry_import"), ward_write),
    "reports:ward_year_export": (
        lambda world, target: reverse(
            "reports:ward_year_export", args=[world.ward(target).code, 2025]
        ),
        ward_read,
    ),
    "reports:province_month_export": (
        province_url("reports:province_month_export", 2025, 10),
        province_read,
    ),
    "reports:completeness": (province_url("reports:completeness", 2025), province_read),
    "reports:completeness_export": (
        province_url("reports:completeness_export", 2025),
        province_read,
    ),
    "reports:entry": (report_url("reports:entry"), ward_read),
    "reports:history": (report_url("reports:history"), ward_read),
    "reports:submit": (report_url("reports:submit"), post_only),
    "reports:approve": (report_url("reports:approve"), post_only),
    "reports:return": (report_url("reports:return"), post_only),
    "reports:reopen": (report_url("reports:reopen"), post_only),
}

# The Django admin is classified as a whole: superusers only, everyone else to its login.
ADMIN_NAMESPACE = "admin"
ADMIN_SAMPLES = [
    "admin:index",
    "admin:wards_ward_changelist",
    "admin:wards_membership_changelist",
    "admin:wards_roleassignment_changelist",
    "admin:wards_massorganisation_add",
    "admin:auth_user_changelist",
]


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"


def test_every_url_is_classified():
    names = set(_route_names(get_resolver().url_patterns))
    unclassified = {n for n in names if n not in MATRIX and not n.startswith(f"{ADMIN_NAMESPACE}:")}
    assert not unclassified, f"URLs missing from the permission matrix: {sorted(unclassified)}"


@pytest.fixture
def matrix_world(world):
    world.area_z = factories.area(ward_obj=world.ward_z)
    world.membership_z = factories.membership(ward_obj=world.ward_z)
    wards = {"x": world.ward_x, "y": world.ward_y, "z": world.ward_z}
    world.ward = wards.__getitem__
    money = {}
    for target, ward in wards.items():
        MonthlyReport.objects.create(ward=ward, period=datetime.date(2025, 10, 1))
        campaign = Campaign.objects.create(
            name="Quỹ Vì người nghèo", kind="fund", ward=ward, starts_on=datetime.date(2026, 1, 1)
        )
        household = Household.objects.create(ward=ward, head_name="Lê Văn Hộ", category="poor")
        money[target] = {
            "campaign": campaign,
            "household": household,
            "house": House.objects.create(ward=ward, household=household, kind="new"),
            "donation": campaign_services.donation_record(
                campaign=campaign,
                ward=ward,
                user=world.users["admin"],
                received_on=datetime.date(2026, 1, 5),
                donor_kind="anonymous",
                amount=100_000,
            ),
        }
    for kind in ("campaign", "household", "house", "donation"):
        setattr(world, f"{kind}_for", lambda target, kind=kind: money[target][kind])
    world.area_for = {"x": world.area_x, "y": world.area_y, "z": world.area_z}.__getitem__
    world.membership_for = {
        "x": world.membership_x,
        "y": world.membership_y,
        "z": world.membership_z,
    }.__getitem__
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_status_by_role(client, matrix_world, name, role):
    build_url, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(matrix_world.users[role])
    for target in TARGETS:
        url = build_url(matrix_world, target)
        status = client.get(url).status_code
        assert status == expected(target)[role], f"{role} GET {url} (ward {target})"


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_superusers_only(client, matrix_world, role):
    if role != "anonymous":
        client.force_login(matrix_world.users[role])
    for name in ADMIN_SAMPLES:
        response = client.get(reverse(name))
        if role == "admin":
            assert response.status_code == OK, name
        else:
            assert response.status_code == REDIRECT, name
            assert "/quan-tri/login/" in response["Location"]
