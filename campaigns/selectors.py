"""Reads for money and houses: balances, ledgers, disclosure lists. Scoped through wards.

Cash and goods are read apart: a fund's balance is cash in − cash out; goods received and
handed out are counted by what they are (quantity per description and unit), and their money
equivalents, where given, are shown beside cash and added to it only in a total labelled so.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from campaigns.models import (
    Allocation,
    AllocationReversal,
    Campaign,
    Disbursement,
    Donation,
    DonationReversal,
    House,
    Household,
    holder_fields,
)
from core import numbers
from core.numbers import format_quantity
from wards.models import Province, Ward
from wards.selectors import ADMIN, Role, province_for, role_of, scope_to_user, units_visible_to

CASH, IN_KIND = Donation.Form.CASH, Donation.Form.IN_KIND
IS_CASH, IS_IN_KIND = Q(form=CASH), Q(form=IN_KIND)
# Cash and goods' equivalents are added only under this label (pages, documents, exports).
GRAND_TOTAL_LABEL = "Tổng cộng (tiền mặt và hiện vật quy đổi)"


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
        "ward", "province", "organisation"
    )


def province_campaigns(province) -> QuerySet[Campaign]:
    """A province's own drives (not its communes')."""
    return Campaign.objects.filter(province=province).select_related("province")


def campaigns_at(holder: Ward | Province) -> QuerySet[Campaign]:
    """The drives whose money this holder keeps books of: a commune's own and its province's;
    the province committee's own."""
    if isinstance(holder, Province):
        return province_campaigns(holder)
    return campaigns_of_ward(holder)


def households_visible_to(user) -> QuerySet[Household]:
    return scope_to_user(Household.objects.select_related("area", "ward"), user)


def can_see_personal_data(user, holder: Ward | Province) -> bool:
    """Personal data of beneficiaries and donors: that ward's own officers only (officer,
    chair); at a province's committee, that province's officer and chair."""
    if isinstance(holder, Province):
        return can_see_province_personal_data(user, holder)
    from wards.selectors import ward_for

    return role_of(user) in (Role.WARD_OFFICER, Role.WARD_CHAIR) and ward_for(user) == holder


def can_see_province_personal_data(user, province: Province) -> bool:
    """Donors of a province committee in full: its officer and chair (its viewers, the
    communes and admins read them as `donor_name` masks them)."""
    return (
        role_of(user) in (Role.PROVINCE_OFFICER, Role.PROVINCE_CHAIR)
        and province_for(user) == province
    )


def donations_at(campaign: Campaign, holder: Ward | Province) -> QuerySet[Donation]:
    """Every donation one holder recorded for a drive, reversed ones included, newest first."""
    return (
        Donation.objects.filter(campaign=campaign, **holder_fields(holder))
        .select_related("reversal")
        .order_by("-received_on", "-receipt_number")
    )


def _sum(queryset, field="amount"):
    return queryset.aggregate(total=Coalesce(Sum(field), 0))["total"]


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def counted_allocations() -> QuerySet[Allocation]:
    """Allocations that count on both sides: all but those reversed."""
    return Allocation.objects.filter(
        ~Exists(AllocationReversal.objects.filter(allocation=OuterRef("pk")))
    )


@dataclass
class HolderRows:
    """What one holder of a fund's money received and gave: the querysets its books read.

    A commune receives donations and the allocations it confirmed, and pays households; the
    province's committee receives donations and gives allocations. For the whole drive
    (`at=None`) allocations are transfers inside it and add nothing.
    """

    donations: QuerySet
    payments: QuerySet
    allocations_in: QuerySet
    allocations_out: QuerySet


def holder_rows(campaign: Campaign, at: Ward | Province | None) -> HolderRows:
    donations = counted_donations().filter(campaign=campaign)
    payments = Disbursement.objects.filter(campaign=campaign)
    allocations = counted_allocations().filter(campaign=campaign)
    none = Allocation.objects.none()
    if at is None:
        return HolderRows(donations, payments, none, none)
    if isinstance(at, Ward):
        return HolderRows(
            donations.filter(ward=at),
            payments.filter(ward=at),
            allocations.filter(ward=at, confirmed_on__isnull=False),
            none,
        )
    return HolderRows(
        donations.filter(ward__isnull=True, province=at),
        Disbursement.objects.none(),
        none,
        allocations if campaign.province_id == at.pk else none,
    )


def fund_balance(
    *,
    campaign: Campaign,
    as_of: datetime.date | None = None,
    at: Ward | Province | None = None,
) -> int:
    """Cash received (less reversals) minus cash paid out, up to a date, held by one commune or
    the province's committee (`at`), or by the whole drive. Goods are not cash: their money
    equivalents never count here (goods are followed by goods_held())."""
    rows = holder_rows(campaign, at)
    donations = rows.donations.filter(IS_CASH)
    payments = rows.payments.filter(IS_CASH)
    allocations_in = rows.allocations_in.filter(IS_CASH)
    allocations_out = rows.allocations_out.filter(IS_CASH)
    if as_of:
        donations = donations.filter(received_on__lte=as_of)
        payments = payments.filter(paid_on__lte=as_of)
        allocations_in = allocations_in.filter(confirmed_on__lte=as_of)
        allocations_out = allocations_out.filter(decision_date__lte=as_of)
    return _sum(donations) + _sum(allocations_in) - _sum(payments) - _sum(allocations_out)


# --- Goods ------------------------------------------------------------------------------------


def goods_key(description: str, unit: str) -> tuple[str, str]:
    """Goods are the same goods when their names and units match, case and spaces aside."""
    return " ".join(description.lower().split()), " ".join(unit.lower().split())


@dataclass
class GoodsLine:
    """One kind of goods of a fund: received (counted gifts), handed out, still held."""

    description: str
    unit: str
    received: Decimal = Decimal(0)
    handed_out: Decimal = Decimal(0)
    received_value: int = 0  # money equivalents given for the goods received
    handed_out_value: int = 0

    @property
    def held(self) -> Decimal:
        return self.received - self.handed_out

    def text(self, quantity) -> str:
        return f"{format_quantity(quantity)} {self.unit}"


def goods_held(campaign: Campaign, at: Ward | Province | None = None) -> list[GoodsLine]:
    """Goods of a fund by description and unit, held by one commune or the province's
    committee (`at`), or by the whole drive. Two queries for a drive, four for a holder."""
    lines: dict[tuple, GoodsLine] = {}
    rows = holder_rows(campaign, at)

    def grouped(queryset):
        return (
            queryset.filter(IS_IN_KIND)
            .values("in_kind_description", "in_kind_unit")
            .annotate(
                quantity=Coalesce(Sum("in_kind_quantity"), Decimal(0)),
                value=Coalesce(Sum("amount"), 0),
            )
            .order_by("in_kind_description", "in_kind_unit")
        )

    def add(queryset, *, received: bool):
        if isinstance(queryset, QuerySet) and queryset.query.is_empty():
            return
        for row in grouped(queryset):
            key = goods_key(row["in_kind_description"], row["in_kind_unit"])
            line = lines.setdefault(key, GoodsLine(row["in_kind_description"], row["in_kind_unit"]))
            if received:
                line.received += row["quantity"]
                line.received_value += row["value"]
            else:
                line.handed_out += row["quantity"]
                line.handed_out_value += row["value"]

    add(rows.donations, received=True)
    add(rows.allocations_in, received=True)
    add(rows.payments, received=False)
    add(rows.allocations_out, received=False)
    return list(lines.values())


def goods_line(
    campaign: Campaign, description: str, unit: str, at: Ward | Province | None = None
) -> GoodsLine | None:
    key = goods_key(description, unit)
    return next(
        (g for g in goods_held(campaign, at) if goods_key(g.description, g.unit) == key), None
    )


# --- Ledger and progress ------------------------------------------------------------------------


@dataclass
class LedgerMonth:
    """A month of a fund's cash book; goods' equivalents beside it, outside the balance.

    A commune's book of a province drive also receives allocations ("nhận phân bổ từ tỉnh");
    the province committee's book gives them ("chi phân bổ")."""

    month: datetime.date
    opening: int
    receipts: int
    disbursements: int
    in_kind_received: int = 0  # money equivalents of goods received
    in_kind_handed_out: int = 0  # and of goods handed out
    allocations_received: int = 0  # cash
    allocations_given: int = 0  # cash

    @property
    def closing(self):
        return (
            self.opening
            + self.receipts
            + self.allocations_received
            - self.disbursements
            - self.allocations_given
        )


def _by_month_and_form(queryset, day_field, first, last) -> dict:
    """{month: (cash, equivalents of goods)} in one grouped query."""
    if queryset.query.is_empty():
        return {}
    rows = (
        queryset.filter(**{f"{day_field}__range": (first, last)})
        .annotate(month=TruncMonth(day_field))
        .values("month")
        .annotate(cash=Sum("amount", filter=IS_CASH), goods=Sum("amount", filter=IS_IN_KIND))
        .values_list("month", "cash", "goods")
    )
    return {_month(month): (int(cash or 0), int(goods or 0)) for month, cash, goods in rows}


def ledger(
    *,
    campaign: Campaign,
    first: datetime.date,
    last: datetime.date,
    at: Ward | Province | None = None,
) -> list[LedgerMonth]:
    """Monthly cash statement of one holder (`at`) or the whole drive: opening balance +
    receipts + allocations received − disbursements − allocations given = closing, with the
    equivalents of goods received and handed out beside it. At most five queries."""
    opening = fund_balance(campaign=campaign, as_of=first - datetime.timedelta(days=1), at=at)
    rows = holder_rows(campaign, at)
    receipts = _by_month_and_form(rows.donations, "received_on", first, last)
    payments = _by_month_and_form(rows.payments, "paid_on", first, last)
    allocated_in = _by_month_and_form(rows.allocations_in, "confirmed_on", first, last)
    allocated_out = _by_month_and_form(rows.allocations_out, "decision_date", first, last)
    months, current = [], first.replace(day=1)
    while current <= last:
        received, paid = receipts.get(current, (0, 0)), payments.get(current, (0, 0))
        row = LedgerMonth(
            current,
            opening,
            received[0],
            paid[0],
            received[1],
            paid[1],
            allocated_in.get(current, (0, 0))[0],
            allocated_out.get(current, (0, 0))[0],
        )
        months.append(row)
        opening = row.closing
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def campaign_progress(campaign: Campaign) -> dict:
    """Cash raised against the target; goods and their equivalents apart."""
    donations = counted_donations().filter(campaign=campaign)
    sums = donations.aggregate(
        raised=Coalesce(Sum("amount", filter=IS_CASH), 0),
        in_kind_value=Coalesce(Sum("amount", filter=IS_IN_KIND), 0),
        donation_count=Count("pk"),
        in_kind_count=Count("pk", filter=IS_IN_KIND),
        in_kind_unvalued=Count("pk", filter=IS_IN_KIND & Q(amount__isnull=True)),
    )
    paid = Disbursement.objects.filter(campaign=campaign).aggregate(
        disbursed=Coalesce(Sum("amount", filter=IS_CASH), 0),
        in_kind_handed_out=Coalesce(Sum("amount", filter=IS_IN_KIND), 0),
    )
    houses = House.objects.filter(campaign=campaign).aggregate(
        started=Count("pk", filter=Q(started_on__isnull=False)),
        handed_over=Count("pk", filter=Q(handed_over_on__isnull=False)),
    )
    raised = sums["raised"]
    return {
        **sums,
        **paid,
        "grand_total": raised + sums["in_kind_value"],
        "balance": fund_balance(campaign=campaign),
        "goods": goods_held(campaign),
        # Unrounded: the page shows one decimal, half up (numbers.percent_text).
        "percent": numbers.percent_of(raised, campaign.target_amount),
        "houses_started": houses["started"],
        "houses_handed_over": houses["handed_over"],
        "count_percent": numbers.percent_of(houses["handed_over"], campaign.target_count),
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
    """Money and goods' equivalents a ward received and handed out in a month, by fund and
    form: two grouped queries.

    {"received": {(fund, form): amount}, "paid": {(fund, form): amount}}
    """
    received = (
        counted_donations()
        .filter(ward=ward, received_on__range=(first, last))
        .values("campaign__fund", "form")
        .annotate(total=Sum("amount"))
    )
    paid = (
        Disbursement.objects.filter(ward=ward, paid_on__range=(first, last))
        .values("campaign__fund", "form")
        .annotate(total=Sum("amount"))
    )
    return {
        "received": {(r["campaign__fund"], r["form"]): r["total"] or 0 for r in received},
        "paid": {(p["campaign__fund"], p["form"]): p["total"] or 0 for p in paid},
    }


def organisation_drive_money(ward, first, last) -> dict[int, tuple[int, int]]:
    """{organisation id: (cash, goods' money equivalents)} the ward's member organisations'
    own drives received between two days (never the two added): one grouped query."""
    rows = (
        counted_donations()
        .filter(ward=ward, campaign__organisation__isnull=False, received_on__range=(first, last))
        .values("campaign__organisation_id", "form")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    money = {}
    for row in rows:
        cash, goods = money.get(row["campaign__organisation_id"], (0, 0))
        if row["form"] == Donation.Form.CASH:
            cash += row["total"] or 0
        else:
            goods += row["total"] or 0
        money[row["campaign__organisation_id"]] = (cash, goods)
    return money


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


@dataclass
class CampaignTotals:
    raised: int = 0  # cash
    in_kind: int = 0  # equivalents of goods received
    disbursed: int = 0  # cash

    @property
    def grand_total(self) -> int:
        return self.raised + self.in_kind


def campaign_totals(campaigns) -> dict[int, CampaignTotals]:
    """Cash raised, goods' equivalents and cash paid out per campaign id: two grouped queries."""
    ids = [c.pk for c in campaigns]
    received = {
        row["campaign_id"]: row
        for row in counted_donations()
        .filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(cash=Sum("amount", filter=IS_CASH), goods=Sum("amount", filter=IS_IN_KIND))
    }
    paid = dict(
        Disbursement.objects.filter(IS_CASH, campaign_id__in=ids)
        .values("campaign_id")
        .annotate(total=Sum("amount"))
        .values_list("campaign_id", "total")
    )
    return {
        pk: CampaignTotals(
            int(received.get(pk, {}).get("cash") or 0),
            int(received.get(pk, {}).get("goods") or 0),
            int(paid.get(pk) or 0),
        )
        for pk in ids
    }


# --- A province's own drives ---------------------------------------------------------------


@dataclass
class ProvinceDriveTotals:
    """What a province's committee holds of one drive: cash raised at the committee, the
    equivalents of goods it received (apart), cash allocated to communes, cash still held."""

    raised: int = 0  # cash
    in_kind: int = 0  # equivalents of goods received
    allocated: int = 0  # cash, counted allocations (from their decision date)

    @property
    def held(self) -> int:
        # The committee's book (holder_rows): donations in, allocations out, no payments.
        return self.raised - self.allocated

    @property
    def grand_total(self) -> int:
        return self.raised + self.in_kind


def province_drive_totals(campaigns, province: Province) -> dict[int, ProvinceDriveTotals]:
    """ProvinceDriveTotals per campaign id of the province's drives: two grouped queries."""
    ids = [c.pk for c in campaigns if c.province_id == province.pk]
    received = {
        row["campaign_id"]: row
        for row in counted_donations()
        .filter(campaign_id__in=ids, ward__isnull=True, province=province)
        .values("campaign_id")
        .annotate(cash=Sum("amount", filter=IS_CASH), goods=Sum("amount", filter=IS_IN_KIND))
    }
    allocated = dict(
        counted_allocations()
        .filter(IS_CASH, campaign_id__in=ids)
        .values("campaign_id")
        .annotate(total=Sum("amount"))
        .values_list("campaign_id", "total")
    )
    return {
        pk: ProvinceDriveTotals(
            int(received.get(pk, {}).get("cash") or 0),
            int(received.get(pk, {}).get("goods") or 0),
            int(allocated.get(pk) or 0),
        )
        for pk in ids
    }


def province_progress(campaign: Campaign, province: Province) -> dict:
    """The committee's side of a province drive: cash raised against the target, goods and
    their equivalents apart, cash allocated to communes and held, goods held."""
    rows = holder_rows(campaign, province)
    sums = rows.donations.aggregate(
        raised=Coalesce(Sum("amount", filter=IS_CASH), 0),
        in_kind_value=Coalesce(Sum("amount", filter=IS_IN_KIND), 0),
        in_kind_count=Count("pk", filter=IS_IN_KIND),
        in_kind_unvalued=Count("pk", filter=IS_IN_KIND & Q(amount__isnull=True)),
    )
    return {
        **sums,
        "grand_total": sums["raised"] + sums["in_kind_value"],
        "allocated": _sum(rows.allocations_out.filter(IS_CASH)),
        "balance": fund_balance(campaign=campaign, at=province),
        "goods": goods_held(campaign, province),
        "percent": numbers.percent_of(sums["raised"], campaign.target_amount),
    }


def allocations_of(campaign: Campaign) -> QuerySet[Allocation]:
    """A drive's counted allocations, commune by commune."""
    return (
        counted_allocations()
        .filter(campaign=campaign)
        .select_related("ward")
        .order_by("ward__code", "-decision_date", "-pk")
    )
