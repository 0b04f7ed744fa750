"""Reads for money and houses: balances, ledgers, disclosure lists. Scoped through wards."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from wards import numbers
from wards.selectors import ADMIN, Role, province_for, role_of, scope_to_user, units_visible_to

from .models import Campaign, Disbursement, Donation, DonationReversal, House, Household


def format_dong(amount: int) -> str:
    return numbers.format_dong(amount)


def counted_donations() -> QuerySet[Donation]:
    """Donations that count: every recorded one except those reversed."""
    # NOT EXISTS plans as an anti-join; a LEFT JOIN … IS NULL misleads PostgreSQL's estimates.
    return Donation.objects.filter(
        ~Exists(DonationReversal.objects.filter(donation=OuterRef("pk")))
    )


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """The wards' own campaigns, and their provinces' campaigns."""
    if role_of(user) == ADMIN:
        return Campaign.objects.select_related("ward", "province")
    wards = units_visible_to(user)
    province = province_for(user)
    return Campaign.objects.select_related("ward", "province").filter(
        Q(ward__in=wards.values("pk")) | Q(province=province)
    )


def campaigns_of_ward(ward) -> QuerySet[Campaign]:
    return Campaign.objects.filter(Q(ward=ward) | Q(province=ward.province_id)).select_related(
        "ward", "province"
    )


def households_visible_to(user) -> QuerySet[Household]:
    return scope_to_user(Household.objects.select_related("area", "ward"), user)


def can_see_personal_data(user, ward) -> bool:
    """Personal data of beneficiaries: that ward's own officers only (officer, chair)."""
    from wards.selectors import ward_for

    return role_of(user) in (Role.WARD_OFFICER, Role.WARD_CHAIR) and ward_for(user) == ward


def _sum(queryset, field="amount"):
    return queryset.aggregate(total=Coalesce(Sum(field), 0))["total"]


def fund_balance(*, campaign: Campaign, as_of: datetime.date | None = None) -> int:
    """Receipts (cash and in kind, less reversals) minus disbursements, up to a date."""
    donations = counted_donations().filter(campaign=campaign)
    payments = Disbursement.objects.filter(campaign=campaign)
    if as_of:
        donations = donations.filter(received_on__lte=as_of)
        payments = payments.filter(paid_on__lte=as_of)
    return _sum(donations) - _sum(payments)


@dataclass
class LedgerMonth:
    month: datetime.date
    opening: int
    receipts: int
    disbursements: int

    @property
    def closing(self):
        return self.opening + self.receipts - self.disbursements


def ledger(*, campaign: Campaign, first: datetime.date, last: datetime.date) -> list[LedgerMonth]:
    """Monthly statement: opening balance + receipts − disbursements = closing. Three queries."""
    opening = fund_balance(campaign=campaign, as_of=first - datetime.timedelta(days=1))
    receipts = dict(
        counted_donations()
        .filter(campaign=campaign, received_on__range=(first, last))
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    payments = dict(
        Disbursement.objects.filter(campaign=campaign, paid_on__range=(first, last))
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    months, current = [], first.replace(day=1)
    while current <= last:
        row = LedgerMonth(current, opening, receipts.get(current, 0), payments.get(current, 0))
        months.append(row)
        opening = row.closing
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def campaign_progress(campaign: Campaign) -> dict:
    donations = counted_donations().filter(campaign=campaign)
    raised = _sum(donations)
    houses = House.objects.filter(campaign=campaign).aggregate(
        started=Count("pk", filter=Q(started_on__isnull=False)),
        handed_over=Count("pk", filter=Q(handed_over_on__isnull=False)),
    )
    return {
        "raised": raised,
        "donation_count": donations.count(),
        "disbursed": _sum(Disbursement.objects.filter(campaign=campaign)),
        "balance": fund_balance(campaign=campaign),
        "percent": round(raised * 100 / campaign.target_amount, 1)
        if campaign.target_amount
        else None,
        "houses_started": houses["started"],
        "houses_handed_over": houses["handed_over"],
        "count_percent": round(houses["handed_over"] * 100 / campaign.target_count, 1)
        if campaign.target_count
        else None,
    }


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" → "Nguyễn V. A.": family name kept, the rest reduced to initials."""
    parts = name.split()
    if not parts:
        return ""
    if len(parts) == 1:
        return f"{parts[0][0]}."
    return " ".join([parts[0], *(f"{part[0]}." for part in parts[1:])])


def head_name(household: Household, *, personal: bool) -> str:
    """A household head's name: in full for the ward's own officers, masked for everyone else."""
    return household.head_name if personal else mask_name(household.head_name)


UNNAMED_DONOR = "Nhà hảo tâm"


def donor_name(donation: Donation, *, personal: bool) -> str:
    """The donor as a signed-in page names them: in full for the ward's own officers (as on
    the receipt); for every other reader, a donor who did not agree to publication is
    "Nhà hảo tâm", as on the public page."""
    if donation.donor_kind == Donation.DonorKind.ANONYMOUS or not donation.donor_name:
        return UNNAMED_DONOR
    if not (personal or donation.publish_name):
        return UNNAMED_DONOR
    return donation.donor_name


def public_donor_name(donation: Donation) -> str:
    """What the public sees: "Nhà hảo tâm" for the anonymous; organisations by name;
    people masked."""
    if donation.is_anonymous:
        return UNNAMED_DONOR
    if donation.donor_kind == Donation.DonorKind.INDIVIDUAL:
        return mask_name(donation.donor_name)
    return donation.donor_name


# Month sums that feed the monthly report (reports/sources.py): ward, fund, month.


def month_money(ward, first, last) -> dict:
    """Money a ward received and paid out in a month, by fund: two grouped queries.

    {"received": {(fund, form): amount}, "paid": {fund: amount}}
    """
    received = (
        counted_donations()
        .filter(ward=ward, received_on__range=(first, last))
        .values("campaign__fund", "form")
        .annotate(total=Sum("amount"))
    )
    paid = (
        Disbursement.objects.filter(ward=ward, paid_on__range=(first, last))
        .values("campaign__fund")
        .annotate(total=Sum("amount"))
    )
    return {
        "received": {(r["campaign__fund"], r["form"]): r["total"] for r in received},
        "paid": {p["campaign__fund"]: p["total"] for p in paid},
    }


def month_houses(ward, first, last) -> dict:
    return House.objects.filter(ward=ward).aggregate(
        started=Count("pk", filter=Q(started_on__range=(first, last))),
        new_handed_over=Count(
            "pk", filter=Q(kind=House.Kind.NEW, handed_over_on__range=(first, last))
        ),
        repaired_handed_over=Count(
            "pk", filter=Q(kind=House.Kind.REPAIR, handed_over_on__range=(first, last))
        ),
        funding=Coalesce(Sum("from_fund", filter=Q(handed_over_on__range=(first, last))), 0),
    )


def campaign_totals(campaigns) -> dict[int, tuple[int, int]]:
    """(raised, disbursed) per campaign id, in two grouped queries."""
    ids = [c.pk for c in campaigns]
    raised = dict(
        counted_donations()
        .filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(total=Sum("amount"))
        .values_list("campaign_id", "total")
    )
    paid = dict(
        Disbursement.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(total=Sum("amount"))
        .values_list("campaign_id", "total")
    )
    return {pk: (raised.get(pk, 0), paid.get(pk, 0)) for pk in ids}
