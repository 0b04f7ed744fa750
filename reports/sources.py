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

from wards.models import Membership


@dataclass(frozen=True)
class Source:
    label: str
    compute: Callable


@dataclass
class SourceContext:
    """What a source computes for: a ward and a month; `cache` lets sources share a read."""

    ward: object
    first_day: object
    last_day: object
    cache: dict = field(default_factory=dict)


def _latest_memberships(context):
    if "memberships" not in context.cache:
        latest = {}
        records = Membership.objects.filter(ward=context.ward, as_of__lte=context.last_day)
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


SOURCES: dict[str, Source] = {
    "wards.members": Source("Số liệu tập hợp của các tổ chức thành viên", members),
    "wards.eligible": Source("Số liệu tập hợp của các tổ chức thành viên", eligible),
    "wards.membership_rate": Source("Số liệu tập hợp của các tổ chức thành viên", membership_rate),
}
