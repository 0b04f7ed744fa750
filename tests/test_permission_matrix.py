"""Every URL of the project × every role: the expected status, and nobody sees another ward.

Adding a URL without classifying it here fails `test_every_url_is_classified`.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaigns.models import BankStatement, Campaign, Pledge, holder_fields
from reports.documents import tasks as document_tasks
from reports.documents.models import Block, Document, Section
from reports.documents.outline import frame_defaults
from reports.models import MonthlyReport
from reports.notices.models import Notice
from tests import factories
from wards.models import Province

ROLES = [
    "anonymous",
    "unassigned",
    "ward_officer",
    "ward_chair",
    "party_viewer",
    "province_officer",
    "province_chair",
    "province_viewer",
    # Organisation officers (wards): the head of ward X's Hội LHPN.
    "organisation_officer",
    "admin",
]
# Province roles read every page a province officer reads.
PROVINCE_ROLES = ["province_officer", "province_chair", "province_viewer"]

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
        **{role: own_province for role in PROVINCE_ROLES},
        # Organisation officers (wards): read their ward like the party.
        "organisation_officer": own_ward,
        "admin": OK,
    }


def ward_write(target):
    """Changing one ward's directory: its officer and chair, admins; readers get 403."""
    expected = ward_read(target)
    # Organisation officers (wards): 403 on the ward's writes but their organisation's part.
    for reader in ("party_viewer", *PROVINCE_ROLES, "organisation_officer"):
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
        **{role: own for role in PROVINCE_ROLES},
        "organisation_officer": FORBIDDEN,  # Organisation officers (wards)
        "admin": OK,
    }


def province_internal_read(target):
    """A province committee's own books: its province roles and admins read; communes' users
    of the province get 403, everyone else 404 (the province is not theirs to see)."""
    own = OK if target in ("x", "y") else NOT_FOUND
    ward_users = FORBIDDEN if target in ("x", "y") else NOT_FOUND
    return {
        "anonymous": REDIRECT,
        "unassigned": NOT_FOUND,
        "ward_officer": ward_users,
        "ward_chair": ward_users,
        "party_viewer": ward_users,
        "organisation_officer": ward_users,
        **{role: own for role in PROVINCE_ROLES},
        "admin": OK,
    }


def province_write(target):
    """Recording in a province committee's books: its officer and chair, admins; the
    province's viewer and its communes' users get 403."""
    expected = province_internal_read(target)
    if expected["province_viewer"] == OK:
        expected["province_viewer"] = FORBIDDEN
    return expected


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


def drive_url(name, obj="drive"):
    """A URL of the province drive (or its committee's donation) of ward `target`'s province."""

    def build(world, target):
        return reverse(
            name, args=[world.ward(target).province.code, getattr(world, f"{obj}_for")(target).pk]
        )

    return build


# Organisation officers (wards)
def organisation_write(target):
    """A ward write its organisation officer may do for its own organisation (add its
    memberships, create its drives): as ward_write, and the officer passes in its own ward.
    The records of other organisations stay 403 (membership_update/delete, donation_create
    on the world's campaigns, which belong to no organisation)."""
    expected = ward_write(target)
    if target == "x":
        expected["organisation_officer"] = OK
    return expected


def ward_read_redirects(target):
    """Readers are sent on (a PDF being rendered, an htmx fragment asked for as a page)."""
    return {
        role: REDIRECT if status == OK else status for role, status in ward_read(target).items()
    }


def ward_issue(target):
    """Issuing a document: the ward's chair and admins; everyone else who can see it gets 403."""
    expected = ward_write(target)
    if expected["ward_officer"] == OK:
        expected["ward_officer"] = FORBIDDEN
    return expected


def document_url(name, part=None):
    """A URL of ward `target`'s document; part: "section", "block" or "task" adds its id."""

    def build(world, target):
        document = world.document_for(target)
        args = [world.ward(target).code, document.pk]
        if part:
            args.append(getattr(world, f"{part}_id_for")(target))
        return reverse(name, args=args)

    return build


def province_staff_write(target):
    """Writing a province's allocations or documents: its officer and chair, admins; its
    viewer 403 (ward roles 403, as for every province page)."""
    expected = province_read(target)
    if expected.get("province_viewer") == OK:
        expected["province_viewer"] = FORBIDDEN
    return expected


def allocation_url(name, *, allocation=False):
    """A URL of the province drive of ward `target`'s province (and of its allocation to
    `target`)."""

    def build(world, target):
        ward = world.ward(target)
        args = [ward.province.code, world.drive_for(target).pk]
        if allocation:
            args.append(world.allocation_for(target).pk)
        return reverse(name, args=args)

    return build


def province_document_url(name, part=None):
    """A URL of the document of target's province (made on first use, with a section, a block
    and a queued rendering); part as in document_url."""

    def build(world, target):
        province = world.ward(target).province
        made = world.__dict__.setdefault("province_documents", {})
        if province.pk not in made:
            made[province.pk] = _matrix_document(province, world.users["admin"])
        parts = made[province.pk]
        args = [province.code, parts["document"].pk]
        if part:
            args.append(parts[f"{part}_id"])
        return reverse(name, args=args)

    return build


def province_read_redirects(target):
    return {
        role: REDIRECT if status == OK else status for role, status in province_read(target).items()
    }


def province_issue(target):
    """Issuing a province document: its chair and admins; its officer and viewer get 403."""
    expected = province_staff_write(target)
    if expected["province_officer"] == OK:
        expected["province_officer"] = FORBIDDEN
    return expected


def post_only(target):
    return logged_in(NOT_ALLOWED)


def fixed_url(name):
    return lambda world, target: reverse(name)


def public_drive_url(name, *tail):
    """A URL of the drive of target's province (made on first use); "ward" in tail names the
    target ward, other parts go as they are."""

    def build(world, target):
        ward = world.ward(target)
        drive = Campaign.objects.filter(province=ward.province, name="Cứu trợ bão lũ").first()
        drive = drive or factories.province_drive(province_obj=ward.province, name="Cứu trợ bão lũ")
        parts = [ward.code if part == "ward" else part for part in tail]
        return reverse(name, args=[ward.province.code, drive.pk, *parts])

    return build


def short_link_url(world, target):
    return reverse("campaigns:short_link", args=[world.campaign_for(target).reference])


def pledge_url(world, target):
    """The page of a pledge of ward `target`'s fund (made on first use)."""
    campaign = world.campaign_for(target)
    pledge = campaign.pledges.first() or Pledge.objects.create(campaign=campaign, code="P1ED")
    return reverse("campaigns:public_pledge", args=[pledge.reference])


def bank_statement_url(name, *, province=False):
    """The URL of a bank statement of ward `target` (or of its province's committee), made
    on first use."""

    def build(world, target):
        ward = world.ward(target)
        holder = ward.province if province else ward
        fields = holder_fields(holder)
        statement = BankStatement.objects.filter(**fields).first()
        if statement is None:
            statement = BankStatement.objects.create(
                **fields,
                file_name="sao-ke.csv",
                file_digest=f"matrix-{holder.code}",
                first_on=datetime.date(2026, 3, 1),
                last_on=datetime.date(2026, 3, 5),
                imported_by=world.users["admin"],
            )
        return reverse(name, args=[holder.code, statement.pk])

    return build


# name → (URL builder, expected statuses for a target ward, or a fixed map)
MATRIX = {
    "home": (
        fixed_url("home"),
        # The province lands on its late communes (a page of its own province only); the
        # party is sent on to its ward's dashboard.
        lambda target: {**logged_in(OK), "party_viewer": REDIRECT},
    ),
    "login": (fixed_url("login"), lambda target: anyone(OK)),
    "health": (fixed_url("health"), lambda target: anyone(OK)),  # no ward data
    "robots": (fixed_url("robots"), lambda target: anyone(OK)),  # no ward data
    "service_worker": (fixed_url("service_worker"), lambda target: anyone(OK)),  # no ward data
    "logout": (fixed_url("logout"), lambda target: anyone(NOT_ALLOWED)),  # POST only
    "password_change": (fixed_url("password_change"), lambda target: logged_in(OK)),
    "password_change_done": (fixed_url("password_change_done"), lambda target: logged_in(OK)),
    # Two-step login: the code step only serves sessions waiting for a code (none here);
    # enrolment is for admins and province officers.
    "otp:verify": (fixed_url("otp:verify"), lambda target: anyone(REDIRECT)),
    "otp:setup": (
        fixed_url("otp:setup"),
        lambda target: {
            **logged_in(FORBIDDEN),
            **{role: OK for role in PROVINCE_ROLES},
            "admin": OK,
        },
    ),
    "otp:disable": (
        fixed_url("otp:disable"),
        lambda target: {
            **logged_in(FORBIDDEN),
            **{role: REDIRECT for role in PROVINCE_ROLES},
            "admin": REDIRECT,
        },
    ),
    "wards:province": (province_url("wards:province"), province_read),
    "wards:detail": (ward_url("wards:detail"), ward_read),
    "wards:memberships": (ward_url("wards:memberships"), ward_read),
    "wards:area_create": (ward_url("wards:area_create"), ward_write),
    "wards:area_update": (ward_url("wards:area_update", obj="area"), ward_write),
    "wards:area_delete": (ward_url("wards:area_delete", obj="area"), ward_write),
    # Organisation officers (wards): adding their organisation's memberships.
    "wards:membership_create": (ward_url("wards:membership_create"), organisation_write),
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
    # Organisation officers (wards): creating their organisation's drives.
    "campaigns:create": (ward_url("campaigns:create"), organisation_write),
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
    "campaigns:account": (ward_url("campaigns:account", obj="campaign"), ward_write),
    # The public front door (campaigns/public/front_door.py)
    "campaigns:public_directory": (
        fixed_url("campaigns:public_directory"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_province": (
        province_url("campaigns:public_province"),
        lambda target: anyone(OK),
    ),
    # Bank reconciliation (campaigns/bank): the ward's whole account, as its per-fund import.
    "campaigns:bank_statements": (ward_url("campaigns:bank_statements"), ward_write),
    "campaigns:bank_statement": (bank_statement_url("campaigns:bank_statement"), ward_write),
    "campaigns:bank_queue": (ward_url("campaigns:bank_queue"), ward_write),
    "campaigns:public_ward": (ward_url("campaigns:public_ward"), lambda target: anyone(OK)),
    "campaigns:public_fund": (
        ward_url("campaigns:public_fund", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_fund_csv": (
        ward_url("campaigns:public_fund_csv", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_fund_xlsx": (
        ward_url("campaigns:public_fund_xlsx", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_ward_file": (
        lambda world, target: reverse(
            "campaigns:public_ward_file", args=[world.ward(target).code, "xlsx"]
        ),
        lambda target: anyone(OK),
    ),
    # The public read API and its page (campaigns/public/api.py): open to anyone.
    "campaigns:api_docs": (fixed_url("campaigns:api_docs"), lambda target: anyone(OK)),
    "campaigns:api_index": (fixed_url("campaigns:api_index"), lambda target: anyone(OK)),
    "campaigns:api_openapi": (fixed_url("campaigns:api_openapi"), lambda target: anyone(OK)),
    "campaigns:api_province_funds": (
        lambda world, target: reverse(
            "campaigns:api_province_funds", args=[world.ward(target).province.code]
        ),
        lambda target: anyone(OK),
    ),
    "campaigns:api_ward_funds": (ward_url("campaigns:api_ward_funds"), lambda target: anyone(OK)),
    "campaigns:api_fund": (
        ward_url("campaigns:api_fund", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:api_fund_lines": (
        ward_url("campaigns:api_fund_lines", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:api_drive": (public_drive_url("campaigns:api_drive"), lambda target: anyone(OK)),
    "campaigns:api_drive_ward": (
        public_drive_url("campaigns:api_drive_ward", "ward"),
        lambda target: anyone(OK),
    ),
    "campaigns:api_drive_ward_payments": (
        public_drive_url("campaigns:api_drive_ward_payments", "ward"),
        lambda target: anyone(OK),
    ),
    # Public trail (campaigns/public)
    "campaigns:public_drive": (
        public_drive_url("campaigns:public_drive"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_drive_file": (
        public_drive_url("campaigns:public_drive_file", "phan-bo", "xlsx"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_drive_ward": (
        public_drive_url("campaigns:public_drive_ward", "ward"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_drive_ward_file": (
        public_drive_url("campaigns:public_drive_ward_file", "ward", "chi-ho", "csv"),
        lambda target: anyone(OK),
    ),
    # Giving by bank transfer (campaigns/public/giving.py): public, no ward data beyond the
    # fund's own account.
    "campaigns:short_link": (short_link_url, lambda target: anyone(REDIRECT)),
    "campaigns:public_pledge": (pledge_url, lambda target: anyone(OK)),
    "campaigns:public_fund_pledge": (
        ward_url("campaigns:public_fund_pledge", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_fund_poster": (
        ward_url("campaigns:public_fund_poster", obj="campaign"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_drive_pledge": (
        public_drive_url("campaigns:public_drive_pledge"),
        lambda target: anyone(OK),
    ),
    "campaigns:public_drive_poster": (
        public_drive_url("campaigns:public_drive_poster"),
        lambda target: anyone(OK),
    ),
    "campaigns:receipt_pdf": (ward_url("campaigns:receipt_pdf", obj="donation"), ward_read),
    # Allocations (campaigns/allocations)
    "campaigns:allocation_list": (allocation_url("campaigns:allocation_list"), province_read),
    "campaigns:allocation_create": (
        allocation_url("campaigns:allocation_create"),
        province_staff_write,
    ),
    "campaigns:allocation_update": (
        allocation_url("campaigns:allocation_update", allocation=True),
        province_staff_write,
    ),
    "campaigns:allocation_reverse": (
        allocation_url("campaigns:allocation_reverse", allocation=True),
        province_staff_write,
    ),
    "campaigns:allocation_received": (ward_url("campaigns:allocation_received"), ward_read),
    "campaigns:allocation_confirm": (
        ward_url("campaigns:allocation_confirm", obj="allocation"),
        post_only,
    ),
    # Province drives (campaigns/province)
    "campaigns:province_list": (province_url("campaigns:province_list"), province_internal_read),
    "campaigns:province_create": (province_url("campaigns:province_create"), province_write),
    "campaigns:province_detail": (drive_url("campaigns:province_detail"), province_internal_read),
    "campaigns:province_donation_create": (
        drive_url("campaigns:province_donation_create"),
        province_write,
    ),
    "campaigns:province_ledger": (drive_url("campaigns:province_ledger"), province_internal_read),
    "campaigns:province_ledger_xlsx": (
        drive_url("campaigns:province_ledger_xlsx"),
        province_internal_read,
    ),
    "campaigns:province_bank_import": (
        drive_url("campaigns:province_bank_import"),
        province_write,
    ),
    "campaigns:province_account": (drive_url("campaigns:province_account"), province_write),
    # Bank reconciliation (campaigns/bank): the committee's whole account.
    "campaigns:province_bank_statements": (
        province_url("campaigns:province_bank_statements"),
        province_write,
    ),
    "campaigns:province_bank_statement": (
        bank_statement_url("campaigns:province_bank_statement", province=True),
        province_write,
    ),
    "campaigns:province_bank_queue": (
        province_url("campaigns:province_bank_queue"),
        province_write,
    ),
    "campaigns:province_donation_detail": (
        drive_url("campaigns:province_donation_detail", "province_donation"),
        province_internal_read,
    ),
    "campaigns:province_donation_reverse": (
        drive_url("campaigns:province_donation_reverse", "province_donation"),
        post_only,
    ),
    "campaigns:province_receipt_pdf": (
        drive_url("campaigns:province_receipt_pdf", "province_donation"),
        province_internal_read,
    ),
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
    # Province dashboard (reports/dashboards)
    "reports:province_summary": (province_url("reports:province_summary"), province_read),
    "reports:province_summary_export": (
        province_url("reports:province_summary_export"),
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
    # Reminders and notices (reports/notices): the calendar is the ward's; every signed-in
    # user has their own notices (tests/reports/notices/test_pages.py: nobody sees another's).
    "reports:calendar": (ward_url("reports:calendar"), ward_read),
    "reports:notices": (fixed_url("reports:notices"), lambda target: logged_in(OK)),
    "reports:notice_preferences": (
        fixed_url("reports:notice_preferences"),
        lambda target: logged_in(OK),
    ),
    "reports:notice_open": (
        lambda world, target: reverse("reports:notice_open", args=[world.notice_for(target).pk]),
        post_only,
    ),
    "reports:notices_read_all": (fixed_url("reports:notices_read_all"), post_only),
    "reports:documents": (ward_url("reports:documents"), ward_read),
    "reports:document_new": (ward_url("reports:document_new"), ward_write),
    "reports:document": (document_url("reports:document"), ward_read),
    "reports:document_frame": (document_url("reports:document_frame"), ward_write),
    "reports:document_pdf": (document_url("reports:document_pdf"), ward_read_redirects),
    "reports:document_pdf_progress": (
        document_url("reports:document_pdf_progress", "task"),
        ward_read,
    ),
    "reports:document_docx": (document_url("reports:document_docx"), ward_read),
    "reports:document_preview": (document_url("reports:document_preview"), ward_read),
    "reports:document_refresh": (document_url("reports:document_refresh"), post_only),
    "reports:document_issue": (document_url("reports:document_issue"), ward_issue),
    "reports:document_copy": (document_url("reports:document_copy"), post_only),
    "reports:document_delete": (document_url("reports:document_delete"), ward_write),
    "reports:document_section_add": (document_url("reports:document_section_add"), post_only),
    "reports:document_section": (
        document_url("reports:document_section", "section"),
        ward_read_redirects,
    ),
    "reports:document_section_edit": (
        document_url("reports:document_section_edit", "section"),
        ward_write,
    ),
    "reports:document_section_move": (
        document_url("reports:document_section_move", "section"),
        post_only,
    ),
    "reports:document_section_delete": (
        document_url("reports:document_section_delete", "section"),
        ward_write,
    ),
    "reports:document_block_add_text": (
        document_url("reports:document_block_add_text", "section"),
        ward_write,
    ),
    "reports:document_block_add_figure": (
        document_url("reports:document_block_add_figure", "section"),
        ward_write,
    ),
    "reports:document_block_edit": (
        document_url("reports:document_block_edit", "block"),
        ward_write,
    ),
    "reports:document_block_move": (
        document_url("reports:document_block_move", "block"),
        post_only,
    ),
    "reports:document_block_delete": (
        document_url("reports:document_block_delete", "block"),
        ward_write,
    ),
    "reports:document_block_refresh": (
        document_url("reports:document_block_refresh", "block"),
        post_only,
    ),
}

# Province documents (reports/documents): read by the province's roles, written by its officer
# and chair, issued by its chair; ward roles 403, others 404.
PROVINCE_DOCUMENT_ROWS = {
    "documents": (None, province_read),
    "document_new": (None, province_staff_write),
    "document": ("", province_read),
    "document_frame": ("", province_staff_write),
    "document_pdf": ("", province_read_redirects),
    "document_pdf_progress": ("task", province_read),
    "document_docx": ("", province_read),
    "document_preview": ("", province_read),
    "document_refresh": ("", post_only),
    "document_issue": ("", province_issue),
    "document_copy": ("", post_only),
    "document_delete": ("", province_staff_write),
    "document_section_add": ("", post_only),
    "document_section": ("section", province_read_redirects),
    "document_section_edit": ("section", province_staff_write),
    "document_section_move": ("section", post_only),
    "document_section_delete": ("section", province_staff_write),
    "document_block_add_text": ("section", province_staff_write),
    "document_block_add_figure": ("section", province_staff_write),
    "document_block_edit": ("block", province_staff_write),
    "document_block_move": ("block", post_only),
    "document_block_delete": ("block", province_staff_write),
    "document_block_refresh": ("block", post_only),
}
for _name, (_part, _expected) in PROVINCE_DOCUMENT_ROWS.items():
    _full = f"reports:province_{_name}"
    MATRIX[_full] = (
        province_url(_full) if _part is None else province_document_url(_full, _part or None),
        _expected,
    )

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
    drives = {}
    for province in (world.province_a, world.province_b):
        drive = factories.province_drive(province_obj=province)
        drives[province.pk] = {
            "drive": drive,
            "province_donation": factories.donation(
                fund_obj=drive,
                user=world.users["admin"],
                received_on=datetime.date(2026, 1, 6),
                amount=200_000,
            ),
        }
    for target, ward in wards.items():
        MonthlyReport.objects.create(ward=ward, period=datetime.date(2025, 10, 1))
        campaign = factories.fund(ward_obj=ward, name="Quỹ Vì người nghèo")
        household = factories.household(ward_obj=ward)
        money[target] = {
            "campaign": campaign,
            "household": household,
            "house": factories.house(ward_obj=ward, household_obj=household),
            "donation": factories.donation(
                fund_obj=campaign,
                user=world.users["admin"],
                received_on=datetime.date(2026, 1, 5),
                amount=100_000,
            ),
        }
        money[target].update(_matrix_document(ward, world.users["admin"]))
        money[target].update(drives[ward.province_id])
    _matrix_allocations(world, wards, money)
    for kind in (
        "campaign",
        "household",
        "house",
        "donation",
        "document",
        "drive",
        "province_donation",
        "allocation",
    ):
        setattr(world, f"{kind}_for", lambda target, kind=kind: money[target][kind])
    for part in ("section", "block", "task"):
        setattr(world, f"{part}_id_for", lambda target, part=part: money[target][f"{part}_id"])
    notices = {
        target: Notice.objects.create(
            user=world.users["ward_officer"],
            kind=Notice.Kind.APPROVED,
            event_key=f"matrix-{target}",
            ward=ward,
            period=datetime.date(2025, 10, 1),
            title="Báo cáo tháng 10/2025 đã được duyệt",
            body="",
            link=reverse("reports:entry", args=[ward.code, 2025, 10]),
        )
        for target, ward in wards.items()
    }
    world.notice_for = notices.__getitem__
    world.area_for = {"x": world.area_x, "y": world.area_y, "z": world.area_z}.__getitem__
    world.membership_for = {
        "x": world.membership_x,
        "y": world.membership_y,
        "z": world.membership_z,
    }.__getitem__
    return world


def _matrix_allocations(world, wards, money):
    """The drive of each province, given money, gives each of its communes an allocation not
    yet confirmed."""
    admin = world.users["admin"]
    funded = set()
    for target, ward in wards.items():
        drive = money[target]["drive"]
        if drive.pk not in funded:
            funded.add(drive.pk)
            factories.donation(fund_obj=drive, user=admin, amount=10_000_000)
        money[target]["allocation"] = factories.allocation(
            drive=drive, ward_obj=ward, user=admin, amount=1_000_000
        )


def _matrix_document(ward, user):
    """A draft term report with one section and a text block, and a queued PDF rendering, of
    a ward (or of a province, `ward` being a Province)."""
    is_province = isinstance(ward, Province)
    document = Document.objects.create(
        ward=None if is_province else ward,
        province=ward if is_province else None,
        kind=Document.Kind.TERM,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
        issued_on=datetime.date(2025, 10, 25),
        created_by=user,
        **frame_defaults(
            ward, Document.Kind.TERM, datetime.date(2020, 1, 1), datetime.date(2024, 12, 31)
        ),
    )
    section = Section.objects.create(document=document, position=0, heading="Tình hình chung")
    block = Block.objects.create(section=section, position=0, kind="text", text="<p>Nội dung</p>")
    task = document_tasks.enqueue_pdf(document)
    return {
        "document": document,
        "section_id": section.pk,
        "block_id": block.pk,
        "task_id": task.id,
    }


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
