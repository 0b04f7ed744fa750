"""Figures the portal already knows, filled into monthly reports so nobody types them twice.

An indicator whose `source` names an entry here is computed, shown read-only with the
source's label, and recomputed on every save. Each source takes a SourceContext (the ward,
the month's first and last day) and returns an integer, a (numerator, denominator) pair for ratio
indicators, or None when there is nothing to report.
Later apps (campaigns: money received and paid out, houses started and handed over) add
their entries here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign, Donation
from wards.models import Membership


@dataclass(frozen=True)
class Source:
    label: str
    compute: Callable
    # Computed from the report's own typed figures, not from the ward's records.
    from_report: bool = False


@dataclass
class SourceContext:
    """What a source computes for: a ward and a month; `cache` lets sources share a read;
    `figures` are the report's own typed figures ({code: value}, as being saved)."""

    ward: object
    first_day: object
    last_day: object
    cache: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


def _latest_memberships(context):
    if "memberships" not in context.cache:
        latest = {}
        # Organisations no longer in use count nowhere (dashboards, summaries, documents).
        records = Membership.objects.filter(
            ward=context.ward, as_of__lte=context.last_day, organisation__is_active=True
        )
        for record in records.order_by("as_of"):
            latest[record.organisation_id] = record
        context.cache["memberships"] = list(latest.values())
    return context.cache["memberships"]


def members(context):
    records = _latest_memberships(context)
    return sum(r.members for r in records) if records else None


def eligible(context):
    records = _latest_memberships(context)
    return sum(r.eligible for r in records) if records else None


def membership_rate(context):
    records = _latest_memberships(context)
    if not records:
        return None
    return sum(r.members for r in records), sum(r.eligible for r in records)


def _houses(context):
    if "houses" not in context.cache:
        context.cache["houses"] = campaign_selectors.month_houses(
            context.ward, context.first_day, context.last_day
        )
    return context.cache["houses"]


def _money(context):
    if "money" not in context.cache:
        context.cache["money"] = campaign_selectors.month_money(
            context.ward, context.first_day, context.last_day
        )
    return context.cache["money"]


def _received(fund, form):
    """Cash received, or the money equivalents of goods received: never the two added."""
    return lambda context: _money(context)["received"].get((fund, form), 0)


def _paid(fund):
    """Cash paid out: goods handed out are not cash out."""
    return lambda context: _money(context)["paid"].get((fund, Donation.Form.CASH), 0)


def _house_count(key):
    return lambda context: _houses(context)[key]


def _share(part, whole):
    """A ratio recomputed from two counts of the same report: (part, whole), or None until
    both are typed (a share is never typed, so it always equals its counts)."""

    def compute(context):
        numerator, denominator = context.figures.get(part), context.figures.get(whole)
        if numerator is None or denominator is None:
            return None
        return numerator, denominator

    return compute


FUNDS = "Sổ quỹ của phường, xã (mục Cuộc vận động, quỹ)"
HOUSES = "Danh sách nhà Đại đoàn kết của phường, xã"
POOR, DISASTER = Campaign.Fund.POOR_RELIEF, Campaign.Fund.DISASTER

SOURCES: dict[str, Source] = {
    "campaigns.vnn_received": Source(FUNDS, _received(POOR, Donation.Form.CASH)),
    "campaigns.vnn_in_kind": Source(FUNDS, _received(POOR, Donation.Form.IN_KIND)),
    "campaigns.vnn_paid": Source(FUNDS, _paid(POOR)),
    "campaigns.disaster_received": Source(FUNDS, _received(DISASTER, Donation.Form.CASH)),
    "campaigns.houses_started": Source(HOUSES, _house_count("started")),
    "campaigns.houses_new_handed_over": Source(HOUSES, _house_count("new_handed_over")),
    "campaigns.houses_repaired_handed_over": Source(HOUSES, _house_count("repaired_handed_over")),
    "campaigns.houses_fund_money": Source(HOUSES, _house_count("funding")),
    "wards.members": Source("Số liệu tập hợp của các tổ chức thành viên", members),
    "wards.eligible": Source("Số liệu tập hợp của các tổ chức thành viên", eligible),
    "wards.membership_rate": Source("Số liệu tập hợp của các tổ chức thành viên", membership_rate),
    "reports.tq_stable_share": Source(
        "Tính từ số tổ hoạt động ổn định / số tổ tự quản",
        _share("TQ_ONDINH", "TQ_TO"),
        from_report=True,
    ),
    "reports.tq_struggling_share": Source(
        "Tính từ số tổ còn khó khăn / số tổ tự quản",
        _share("TQ_KHOKHAN", "TQ_TO"),
        from_report=True,
    ),
}
