"""Keeping WardMonth equal to the raw rows: refresh some ward-months, or rebuild them all.

Each figure is defined once, as a correlated subquery over the raw tables (`_figures`), and
both a refresh and a rebuild write it with one UPDATE. A refresh first locks the ward-months
it touches (an upsert), then recomputes them in a new statement: under READ COMMITTED that
statement sees every write committed before the lock was granted, and a concurrent writer of
the same ward-month waits for the lock and recomputes after this transaction commits. So the
last writer always leaves the row equal to the raw data, whatever the interleaving.

Functions take an app registry so that a migration can run them on its historical models.
"""

import datetime
from collections import defaultdict

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.sql import UpdateQuery

from reports.summaries import indicators

CASH, IN_KIND = "cash", "in_kind"  # Donation.Form, Disbursement.Form (no live-model import)
SESSIONS_CODE = "TT_BUOI"  # the indicator the province and national tables add up
APPROVED = "approved"
SUBMIT = "submit"
FIGURES = (
    "raised",
    "in_kind_raised",
    "disbursed",
    "houses_handed_over",
    "sessions",
    "sessions_all",
    "report_status",
    "first_sent_at",
    "members_change",
    "eligible_change",
)


class _Models:
    """The models the summary reads and writes, from a registry (live or a migration's)."""

    def __init__(self, registry=None):
        self.live = registry is None
        get = (registry or global_apps).get_model
        self.WardMonth = get("reports", "WardMonth")
        self.MonthlyReport = get("reports", "MonthlyReport")
        self.IndicatorValue = get("reports", "IndicatorValue")
        self.ReportEvent = get("reports", "ReportEvent")
        self.Donation = get("campaigns", "Donation")
        self.DonationReversal = get("campaigns", "DonationReversal")
        self.Disbursement = get("campaigns", "Disbursement")
        self.House = get("campaigns", "House")
        self.Membership = get("wards", "Membership")
        self.Ward = get("wards", "Ward")


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


# --- The figures of a ward-month, from the raw rows ----------------------------------------


def _total(queryset, aggregate):
    """SUM/COUNT of the rows of the outer ward-month, 0 when there are none."""
    grouped = queryset.order_by().values("ward_id").annotate(total=aggregate).values("total")
    return Coalesce(Subquery(grouped), Value(0), output_field=BigIntegerField())


def _figures(m: _Models) -> dict:
    """Every figure except memberships, as expressions over the outer WardMonth row."""
    ward, first, last = OuterRef("ward_id"), OuterRef("month"), OuterRef("month_end")
    counted = m.Donation.objects.filter(
        ~Exists(m.DonationReversal.objects.filter(donation=OuterRef("pk"))),
        ward=ward,
        received_on__gte=first,
        received_on__lte=last,
    )
    paid = m.Disbursement.objects.filter(
        ward=ward, paid_on__gte=first, paid_on__lte=last, form=CASH
    )
    handed = m.House.objects.filter(ward=ward, handed_over_on__gte=first, handed_over_on__lte=last)
    report = m.MonthlyReport.objects.filter(ward=ward, period=first).order_by()  # one at most
    first_submit = (
        m.ReportEvent.objects.filter(report=OuterRef("pk"), action=SUBMIT)
        .order_by("at")
        .values("at")[:1]
    )
    sessions = m.IndicatorValue.objects.filter(
        report__ward=ward, report__period=first, indicator__code=SESSIONS_CODE
    )

    def value_of(values):
        return Coalesce(
            Subquery(values.values("value")[:1]), Value(0), output_field=BigIntegerField()
        )

    return {
        "raised": _total(counted.filter(form=CASH), Sum("amount")),
        "in_kind_raised": _total(counted.filter(form=IN_KIND), Sum("amount")),
        "disbursed": _total(paid, Sum("amount")),
        "houses_handed_over": _total(handed, Count("pk")),
        "sessions": value_of(sessions.filter(report__status=APPROVED)),
        "sessions_all": value_of(sessions),
        "report_status": Coalesce(Subquery(report.values("status")[:1]), Value("")),
        "first_sent_at": Subquery(
            report.annotate(
                first=Coalesce(Subquery(first_submit), "submitted_at", "approved_at")
            ).values("first")[:1]
        ),
    }


def membership_changes(m: _Models, ward_ids=None) -> dict:
    """{(ward, month): (members change, eligible change)}, non-zero ones only.

    A record changes its organisation's figure by its difference from the previous record of
    the same ward and organisation; summed up to a month, the changes give each active
    organisation's latest record as of the month's end (the dashboards' membership rule).
    """
    records = m.Membership.objects.filter(organisation__is_active=True)
    if ward_ids is not None:
        records = records.filter(ward_id__in=ward_ids)
    previous = {}
    changes = defaultdict(lambda: [0, 0])
    for ward_id, organisation_id, as_of, members, eligible in records.order_by(
        "ward_id", "organisation_id", "as_of"
    ).values_list("ward_id", "organisation_id", "as_of", "members", "eligible"):
        before = previous.get((ward_id, organisation_id), (0, 0))
        change = changes[(ward_id, month_of(as_of))]
        change[0] += members - before[0]
        change[1] += eligible - before[1]
        previous[(ward_id, organisation_id)] = (members, eligible)
    return {key: tuple(pair) for key, pair in changes.items() if pair != [0, 0]}


# --- Writing ---------------------------------------------------------------------------------


def _rows(m: _Models, keys) -> list:
    return [
        m.WardMonth(ward_id=ward_id, month=month, month_end=month_end(month))
        for ward_id, month in sorted(keys)
    ]


def _key_filter(keys) -> Q:
    condition = Q()
    for ward_id, month in keys:
        condition |= Q(ward_id=ward_id, month=month)
    return condition


def _take_row_locks_of_the_write_first(fixture: bool):
    """Run the transaction's deferred foreign-key checks now, before locking summary rows.

    PostgreSQL checks Django's (deferred) foreign keys at commit, taking a share lock on each
    referenced row then; a donation waiting at commit for a campaign that a payment holds
    while the payment waits for the donation's summary row would deadlock. Checked here,
    every lock a write needs comes before the summary rows, which are always taken last.
    Not while `loaddata` loads a fixture: its rows may come before the rows they reference.
    """
    if connection.vendor == "postgresql" and not fixture:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


def refresh(keys, *, registry=None, fixture=False, checked=False) -> None:
    """Recompute the (ward id, any day of the month) pairs given; None entries are skipped.
    `checked`: the caller ran the deferred foreign-key checks since its last write."""
    keys = {(ward_id, month_of(day)) for ward_id, day in keys if ward_id and day}
    if not keys:
        return
    m = _Models(registry)
    # Part of the writer's transaction (no savepoint): if this fails, the write fails.
    with transaction.atomic(savepoint=False):
        if not checked:
            _take_row_locks_of_the_write_first(fixture)
        # Insert the missing rows and lock them all, in key order (no deadlock between two
        # refreshes); the UPDATE below is a new statement, so it reads after the lock.
        m.WardMonth.objects.bulk_create(
            _rows(m, keys),
            update_conflicts=True,
            unique_fields=["ward", "month"],
            update_fields=["month_end"],
        )
        _update_figures(m, keys)


# The refresh's UPDATE, built once per process for each database and number of ward-months:
# building its eight correlated subqueries through the ORM cost more CPU than running them.
_compiled_updates: dict = {}
_COMPILED_UP_TO = 4  # ward-months in one refresh; more (rare) go through the ORM each time


def _update_figures(m: _Models, keys) -> None:
    """UPDATE the ward-months `keys` (locked) with their figures from the raw rows."""
    keys = sorted(keys)
    if not m.live or len(keys) > _COMPILED_UP_TO:
        m.WardMonth.objects.filter(_key_filter(keys)).update(**_figures(m))
        return
    signature = (connection.alias, connection.vendor, len(keys))
    compiled = _compiled_updates.get(signature)
    if compiled is None:
        compiled = _compiled_updates[signature] = _compile_update(m, len(keys))
    sql, params, slots = compiled
    params = list(params)
    for (ward_slot, month_slot), (ward_id, month) in zip(slots, keys, strict=True):
        params[ward_slot] = ward_id
        params[month_slot] = connection.ops.adapt_datefield_value(month)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _compile_update(m: _Models, count: int):
    """(SQL, parameters, the positions of each key's ward id and month among them) of the
    UPDATE that QuerySet.update() would run for `count` ward-months. Built for stand-in keys
    that no real row has; each must be found exactly once among the parameters."""
    stand_ins = [(-1_000_000_007 - i, datetime.date(1001 + i, 1, 1)) for i in range(count)]
    query = m.WardMonth.objects.filter(_key_filter(stand_ins)).query.chain(UpdateQuery)
    query.add_update_values(_figures(m))
    query.clear_select_clause()
    sql, params = query.get_compiler(connection.alias).as_sql()
    params = tuple(params)

    def slot(value):
        found = [i for i, param in enumerate(params) if param == value]
        if len(found) != 1:
            raise RuntimeError(f"stand-in {value!r} found {len(found)} times in the UPDATE")
        return found[0]

    slots = [
        (slot(ward_id), slot(connection.ops.adapt_datefield_value(month)))
        for ward_id, month in stand_ins
    ]
    return sql, params, slots


def refresh_memberships(ward_ids, *, registry=None, fixture=False) -> None:
    """Recompute the membership changes of these wards (every month)."""
    ward_ids = sorted({pk for pk in ward_ids if pk})
    if not ward_ids:
        return
    m = _Models(registry)
    # Part of the writer's transaction (no savepoint): if this fails, the write fails.
    with transaction.atomic(savepoint=False):
        _take_row_locks_of_the_write_first(fixture)
        if connection.features.has_select_for_no_key_update:
            # One membership refresh per ward at a time; NO KEY UPDATE does not block rows
            # that merely reference the ward (donations, reports) from being inserted.
            list(
                m.Ward._base_manager.select_for_update(no_key=True)
                .filter(pk__in=ward_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        _write_membership_changes(m, membership_changes(m, ward_ids), ward_ids)


def _write_membership_changes(m: _Models, changes: dict, ward_ids=None) -> None:
    nonzero = m.WardMonth.objects.exclude(members_change=0, eligible_change=0)
    if ward_ids is not None:
        nonzero = nonzero.filter(ward_id__in=ward_ids)
    current = {
        (ward_id, month): (pk, (members, eligible))
        for pk, ward_id, month, members, eligible in nonzero.values_list(
            "pk", "ward_id", "month", "members_change", "eligible_change"
        )
    }
    gone = [pk for key, (pk, _change) in current.items() if key not in changes]
    if gone:
        m.WardMonth.objects.filter(pk__in=gone).update(members_change=0, eligible_change=0)
    changed = {
        key: change
        for key, change in changes.items()
        if key not in current or current[key][1] != change
    }
    if changed:
        rows = _rows(m, changed)
        for row in rows:
            row.members_change, row.eligible_change = changed[(row.ward_id, row.month)]
        m.WardMonth.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["ward", "month"],
            update_fields=["members_change", "eligible_change"],
        )


def _months_with_data(m: _Models, ward_ids=None) -> set:
    def distinct(queryset, day_field):
        if ward_ids is not None:
            queryset = queryset.filter(ward_id__in=ward_ids)
        return set(
            # A province committee's own donations (ward NULL) are no ward's month.
            queryset.filter(**{f"{day_field}__isnull": False, "ward__isnull": False})
            .annotate(month=TruncMonth(day_field))
            .order_by()
            .values_list("ward_id", "month")
            .distinct()
        )

    keys = (
        distinct(m.Donation.objects.all(), "received_on")
        | distinct(m.Disbursement.objects.all(), "paid_on")
        | distinct(m.House.objects.all(), "handed_over_on")
        | distinct(m.MonthlyReport.objects.all(), "period")
    )
    return {(ward_id, _as_date(month)) for ward_id, month in keys}


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def rebuild(*, ward_ids=None, registry=None) -> int:
    """Recompute every summary row (or those of some wards) from the raw rows.

    For operators (`manage.py rebuild_summaries`), the migration that adds the table, and
    bulk loads that bypass the models. Returns the number of ward-months with data.
    """
    m = _Models(registry)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Writers wait until the rebuild commits, then refresh on top of it.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {m.WardMonth._meta.db_table} IN EXCLUSIVE MODE")
        rows = m.WardMonth.objects.all()
        if ward_ids is not None:
            rows = rows.filter(ward_id__in=ward_ids)
        rows.delete()
        keys = _months_with_data(m, ward_ids)
        m.WardMonth.objects.bulk_create(_rows(m, keys), batch_size=5000)
        rows.update(**_figures(m))
        _write_membership_changes(m, membership_changes(m, ward_ids), ward_ids)
        indicators.rebuild(ward_ids=ward_ids, registry=registry)
    return len(keys)


# --- Checking ------------------------------------------------------------------------------


def stored(ward_ids=None) -> dict:
    """{(ward id, month): figures} of the summary rows that hold anything."""
    rows = _Models().WardMonth.objects.all()
    if ward_ids is not None:
        rows = rows.filter(ward_id__in=ward_ids)
    result = {}
    for row in rows.values_list("ward_id", "month", *FIGURES):
        figures = dict(zip(FIGURES, row[2:], strict=True))
        if any(figures.values()):
            result[row[:2]] = figures
    return result


class _Undo(Exception):
    pass


def drift(*, ward_ids=None) -> list[str]:
    """What differs between the stored summary and a recomputation from the raw rows.

    The recomputation is a rebuild inside a savepoint that is rolled back: the one
    definition of the figures is used, and nothing is written.
    """
    before = stored(ward_ids) | indicators.stored(ward_ids)
    try:
        with transaction.atomic():
            rebuild(ward_ids=ward_ids)
            expected = stored(ward_ids) | indicators.stored(ward_ids)
            raise _Undo
    except _Undo:
        pass
    differences = []
    for key in sorted(before.keys() | expected.keys(), key=str):
        if before.get(key) != expected.get(key):
            if len(key) == 2:
                place = f"ward {key[0]}, {key[1]:%m/%Y}"
            else:  # the indicator summaries': (table, ward or province, indicator, month)
                place = f"{key[0]} {key[1]}, indicator {key[2]}, {key[3]:%m/%Y}"
            differences.append(f"{place}: stored {before.get(key)}, raw {expected.get(key)}")
    return differences
