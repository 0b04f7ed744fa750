"""Small builders for the rows tests need; each takes only what a test cares about."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from campaigns import services as campaign_services
from campaigns.allocations import services as allocation_services
from campaigns.models import BankStatement, Campaign, House, Household, Pledge, StatementLine
from reports.documents import services as document_services
from reports.models import Indicator, IndicatorGroup, IndicatorValue, MonthlyReport
from wards.models import (
    MassOrganisation,
    Membership,
    Province,
    ResidentialArea,
    RoleAssignment,
    Ward,
)

_codes = itertools.count(1)
PASSWORD = "mat-khau-thu-nghiem-42"


def province(*, code=None, name=None):
    if code is None:
        taken = set(Province.objects.values_list("code", flat=True))
        code = next(c for c in (f"{next(_codes) % 100:02d}" for _ in range(200)) if c not in taken)
    return Province.objects.create(
        code=code, name=name or f"Tỉnh Thử {code}", kind=Province.Kind.PROVINCE
    )


def ward(*, province_obj=None, code=None, name=None):
    if code is None:
        # A counted code may be one a test gave by hand (the world's "00070"): skip those.
        code = f"{next(_codes):05d}"
        while Ward.objects.filter(code=code).exists():
            code = f"{next(_codes):05d}"
    return Ward.objects.create(
        code=code,
        name=name or f"Phường Thử {code}",
        kind=Ward.Kind.WARD,
        province=province_obj or province(),
    )


def user(
    *,
    role=None,
    ward_obj=None,
    province_obj=None,
    organisation_obj=None,
    superuser=False,
    username=None,
):
    username = username or f"user{next(_codes)}"
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username=username, password=PASSWORD)
    created = User.objects.create_user(username=username, password=PASSWORD)
    if role:
        RoleAssignment.objects.create(
            user=created,
            role=role,
            ward=ward_obj,
            province=province_obj,
            organisation=organisation_obj,
        )
    return created


def area(*, ward_obj, name=None):
    return ResidentialArea.objects.create(
        ward=ward_obj, name=name or f"Khóm {next(_codes)}", kind=ResidentialArea.Kind.NEIGHBOURHOOD
    )


def organisation(*, name=None):
    name = name or f"Hội Thử {next(_codes)}"
    return MassOrganisation.objects.create(name=name, short_name=name)


def membership(*, ward_obj, org=None, members=80, eligible=100, as_of=None):
    return Membership.objects.create(
        ward=ward_obj,
        organisation=org or organisation(),
        members=members,
        eligible=eligible,
        as_of=as_of or datetime.date(2025, 12, 31),
    )


def fund(*, ward_obj, name="Quỹ Vì người nghèo 2026", starts_on=None, **extra):
    """A campaign of one ward, open from 2026: a fund unless `kind=` says otherwise (Quỹ Vì
    người nghèo unless `fund=` names another)."""
    extra.setdefault("kind", Campaign.Kind.FUND)
    return Campaign.objects.create(
        name=name, ward=ward_obj, starts_on=starts_on or datetime.date(2026, 1, 1), **extra
    )


def province_drive(*, province_obj, name="Cứu trợ đồng bào bị thiệt hại do bão số 3", **extra):
    """A province's own drive, open from 2026 (a disaster-relief fund unless told otherwise)."""
    extra.setdefault("kind", Campaign.Kind.FUND)
    extra.setdefault("fund", Campaign.Fund.DISASTER)
    extra.setdefault("starts_on", datetime.date(2026, 1, 1))
    return Campaign.objects.create(name=name, province=province_obj, **extra)


def donation(*, fund_obj, user, amount, received_on=None, ward_obj=None, **donor):
    """A donation recorded through the service, at the fund's ward (at the province's committee
    for a province drive, unless `ward_obj` names a commune that collected it); anonymous unless
    `donor_kind` and `donor_name` say who gave."""
    donor.setdefault("donor_kind", "anonymous")
    ward_obj = ward_obj or fund_obj.ward
    return campaign_services.donation_record(
        campaign=fund_obj,
        ward=ward_obj,
        province=None if ward_obj else fund_obj.province,
        user=user,
        received_on=received_on or datetime.date(2026, 3, 5),
        amount=amount,
        **donor,
    )


def payment(*, fund_obj, user, amount, paid_on, ward_obj=None, **fields):
    """Money (or goods, with `form="in_kind"`) paid out of a campaign through the service."""
    return campaign_services.disbursement_record(
        campaign=fund_obj,
        ward=ward_obj or fund_obj.ward,
        user=user,
        paid_on=paid_on,
        amount=amount,
        **fields,
    )


def allocation(
    *,
    drive,
    ward_obj,
    user,
    amount=None,
    decision_number=None,
    decision_date=None,
    confirmed_on=None,
    confirmed_by=None,
    **fields,
):
    """Money (or goods, with `form="in_kind"`) a province drive gives a commune, through the
    service; confirmed by the commune when `confirmed_on` is given."""
    fields.setdefault("form", "cash")
    record = allocation_services.allocation_record(
        campaign=drive,
        ward=ward_obj,
        user=user,
        amount=amount,
        decision_number=decision_number or f"{next(_codes)}/QĐ-MTTQ",
        decision_date=decision_date or datetime.date(2026, 4, 1),
        purpose=fields.pop("purpose", "Hỗ trợ hộ bị thiệt hại"),
        **fields,
    )
    if confirmed_on:
        record = allocation_services.allocation_confirm(
            allocation=record, ward=ward_obj, user=confirmed_by or user, on=confirmed_on
        )
    return record


def household(*, ward_obj, head_name="Lê Văn Hộ", category="poor", **fields):
    """A household on the ward's list (a poor one unless `category` says otherwise)."""
    return Household.objects.create(ward=ward_obj, head_name=head_name, category=category, **fields)


def house(*, ward_obj, household_obj=None, kind="new", **fields):
    """A new house (unless `kind` says a repair) for `household_obj` or a new poor household;
    `started_on`, `handed_over_on`, `campaign` and money as the test needs."""
    return House.objects.create(
        ward=ward_obj,
        household=household_obj or household(ward_obj=ward_obj),
        kind=kind,
        **fields,
    )


def report_values(ward_obj, period, status=MonthlyReport.Status.APPROVED, **figures):
    """The ward's report for `period` (made if missing) with values by indicator code; a tuple is
    (numerator, denominator)."""
    report, _ = MonthlyReport.objects.get_or_create(
        ward=ward_obj, period=period, defaults={"status": status}
    )
    for code, figure in figures.items():
        value, denominator = figure if isinstance(figure, tuple) else (figure, None)
        IndicatorValue.objects.create(
            report=report,
            indicator=Indicator.objects.get(code=code),
            value=value,
            denominator=denominator,
        )
    return report


def ratio_indicator(code="TEST_TYLE"):
    """A test-only rate (%), rolled up from summed numerators and denominators."""
    return Indicator.objects.create(
        code=code,
        name="Tỷ lệ thử nghiệm",
        group=IndicatorGroup.objects.first(),
        unit="%",
        kind=Indicator.Kind.RATIO,
        rollup=Indicator.Rollup.RATIO,
    )


def document(
    *,
    ward_obj,
    user,
    kind="year",
    starts_on=datetime.date(2025, 1, 1),
    ends_on=datetime.date(2025, 12, 31),
):
    """A draft document created through the service (outline, frame and figures as a new one
    gets them): the 2025 year report unless told."""
    return document_services.document_create(
        ward=ward_obj, kind=kind, starts_on=starts_on, ends_on=ends_on, user=user
    )


def province_document(
    *,
    province_obj,
    user,
    kind="year",
    starts_on=datetime.date(2026, 1, 1),
    ends_on=datetime.date(2026, 12, 31),
):
    """A draft document of the province's committee created through the service: the 2026
    year report unless told."""
    return document_services.document_create(
        province=province_obj, kind=kind, starts_on=starts_on, ends_on=ends_on, user=user
    )


def former_ward(*, successors, code=None, name=None, abolished_on=datetime.date(2025, 7, 1)):
    """A commune abolished on `abolished_on`, replaced by `successors` (the first one takes its
    figures; more than one: it was partly merged into each)."""
    from wards.models import LEGACY_CODE_SUFFIX, WardSuccession

    code = code or f"{next(_codes):05d}{LEGACY_CODE_SUFFIX}"
    created = Ward.all_units.create(
        code=code,
        name=name or f"Xã Cũ {code}",
        kind=Ward.Kind.COMMUNE,
        province=successors[0].province,
        abolished_on=abolished_on,
        former_location="Huyện Thử, Tỉnh Thử",
    )
    for position, successor in enumerate(successors):
        WardSuccession.objects.create(
            predecessor=created,
            successor=successor,
            is_partly_merged=len(successors) > 1,
            rolls_up=position == 0,
        )
    return created


def bank_statement(
    *,
    ward_obj,
    user,
    account_number="0071000123456",
    first_on=datetime.date(2026, 3, 1),
    last_on=datetime.date(2026, 3, 31),
    closing_balance=None,
    file_name=None,
):
    """An imported statement of a ward's account (as the bank import stores one), holding no
    lines until `statement_line` adds them."""
    number = next(_codes)
    return BankStatement.objects.create(
        ward=ward_obj,
        account_number=account_number,
        file_name=file_name or f"sao-ke-{number}.xlsx",
        file_digest=f"{number:064d}",
        first_on=first_on,
        last_on=last_on,
        closing_balance=closing_balance,
        imported_by=user,
    )


def statement_line(
    *,
    statement,
    amount,
    booked_on=None,
    bank_reference=None,
    description="",
    donation=None,
    status=None,
    campaign=None,
    pledge=None,
    **fields,
):
    """A credit line of `statement`, at its holder: recorded as `donation` when one is given
    (the one-to-one link the import makes), else waiting unless `status` says otherwise."""
    number = next(_codes)
    booked_on = booked_on or statement.first_on
    bank_reference = f"FT{number:08d}" if bank_reference is None else bank_reference
    if status is None:
        status = StatementLine.Status.RECORDED if donation else StatementLine.Status.WAITING
    return StatementLine.objects.create(
        statement=statement,
        ward=statement.ward,
        province=statement.province,
        row=number,
        booked_on=booked_on,
        amount=amount,
        bank_reference=bank_reference,
        description=description,
        key=f"{bank_reference}|{booked_on.isoformat()}|{amount}|{number}",
        status=status,
        campaign=campaign or (donation.campaign if donation else None),
        pledge=pledge,
        donation=donation,
        matched_by=StatementLine.MatchedBy.REFERENCE if donation else "",
        **fields,
    )


def pledge(*, fund_obj, code="P9XF", amount=None):
    """A donor's pledge code of a fund (what the page gives a donor for the transfer note)."""
    return Pledge.objects.create(campaign=fund_obj, code=code, amount=amount)
