"""Keeping the indicator summaries equal to the raw value rows: the province summary's reads.

- ProvinceIndicatorMonth: each indicator's month added up over a province's communes, of
  approved reports and of every report (flows: sums and ratios of sums add up over months);
- WardIndicatorMonth: each value row with its province and the next month with a value, of
  any report and of an approved one (stocks: the latest month within a period).

Both follow the same writes as WardMonth (reports/summaries/signals.py) and are rebuilt with it
(maintain.rebuild). A refresh locks the wards it touches (NO KEY UPDATE, in key order, as
the membership refresh does) and then the province-months (an upsert in key order), before
reading the raw rows in new statements: under READ COMMITTED the last writer always leaves
the rows equal to the raw data. It runs before the WardMonth refresh, so that every refresh
takes ward locks before summary rows.
"""

import datetime
from collections import defaultdict
from itertools import groupby

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery, Sum

APPROVED = "approved"
SUMS = ("value", "denominator", "value_all", "denominator_all")
BATCH = 5000


class _Models:
    def __init__(self, registry=None):
        get = (registry or global_apps).get_model
        self.Province = get("reports", "ProvinceIndicatorMonth")
        self.WardFigure = get("reports", "WardIndicatorMonth")
        self.IndicatorValue = get("reports", "IndicatorValue")
        self.Indicator = get("reports", "Indicator")
        self.Ward = get("wards", "Ward")


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _values(m: _Models):
    """The raw rows that count: a value entered (an empty field is no figure)."""
    return m.IndicatorValue.objects.filter(value__isnull=False).order_by()


def _lock_wards(m: _Models, ward_ids) -> None:
    if connection.features.has_select_for_no_key_update:
        list(
            m.Ward._base_manager.select_for_update(no_key=True)
            .filter(pk__in=ward_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def refresh(keys, *, registry=None, fixture=False) -> None:
    """Recompute the (ward id, any day of the month) pairs given; None entries are skipped."""
    from reports.summaries.maintain import _take_row_locks_of_the_write_first

    keys = {(ward_id, _month_of(day)) for ward_id, day in keys if ward_id and day}
    if not keys:
        return
    m = _Models(registry)
    ward_ids = sorted({ward_id for ward_id, _month in keys})
    # Part of the writer's transaction (no savepoint): if this fails, the write fails.
    with transaction.atomic(savepoint=False):
        _take_row_locks_of_the_write_first(fixture)
        _lock_wards(m, ward_ids)
        provinces = dict(
            m.Ward._base_manager.filter(pk__in=ward_ids).values_list("pk", "province_id")
        )
        for ward_id in ward_ids:
            if ward_id in provinces:
                months = sorted(month for w, month in keys if w == ward_id)
                _refresh_ward(m, ward_id, provinces[ward_id], months)
        _refresh_provinces(
            m, sorted({(provinces[w], month) for w, month in keys if w in provinces})
        )


def _refresh_ward(m: _Models, ward_id, province_id, months) -> None:
    """The ward's rows of these months again from the raw rows, then the next-month pointers
    that may cross them: the rows of these months and earlier rows pointing at or past the
    first of them (or nowhere)."""
    m.WardFigure.objects.filter(ward_id=ward_id, month__in=months).delete()
    rows = _values(m).filter(report__ward_id=ward_id, report__period__in=months)
    m.WardFigure.objects.bulk_create(
        m.WardFigure(
            ward_id=ward_id,
            province_id=province_id,
            indicator_id=indicator_id,
            month=month,
            approved=status == APPROVED,
            value=value,
            denominator=denominator,
        )
        for indicator_id, month, status, value, denominator in rows.values_list(
            "indicator_id", "report__period", "report__status", "value", "denominator"
        )
    )
    first, last = months[0], months[-1]
    later = (
        m.WardFigure.objects.filter(
            ward_id=OuterRef("ward_id"),
            indicator_id=OuterRef("indicator_id"),
            month__gt=OuterRef("month"),
        )
        .order_by("month")
        .values("month")
    )
    crossing = Q(month__lt=last) & (
        Q(next_month__isnull=True)
        | Q(next_month__gte=first)
        | Q(next_approved__isnull=True)
        | Q(next_approved__gte=first)
    )
    m.WardFigure.objects.filter(Q(month__in=months) | crossing, ward_id=ward_id).update(
        next_month=Subquery(later[:1]), next_approved=Subquery(later.filter(approved=True)[:1])
    )


def _province_sums(m: _Models, condition: Q):
    """{(province id, month, indicator id): (value, denominator, value_all, denominator_all)}."""
    approved = Q(report__status=APPROVED)
    rows = (
        _values(m)
        .filter(condition)
        .values("report__ward__province_id", "report__period", "indicator_id")
        .annotate(
            total=Sum("value", filter=approved),
            parts=Sum("denominator", filter=approved),
            total_all=Sum("value"),
            parts_all=Sum("denominator"),
        )
        .values_list(
            "report__ward__province_id",
            "report__period",
            "indicator_id",
            "total",
            "parts",
            "total_all",
            "parts_all",
        )
    )
    return {tuple(row[:3]): row[3:] for row in rows}


def _province_rows(m: _Models, sums: dict) -> list:
    return [
        m.Province(
            province_id=province_id,
            month=month,
            indicator_id=indicator_id,
            **dict(zip(SUMS, figures, strict=True)),
        )
        for (province_id, month, indicator_id), figures in sorted(sums.items())
    ]


def _refresh_provinces(m: _Models, province_months) -> None:
    if not province_months:
        return
    indicator_ids = sorted(m.Indicator.objects.values_list("pk", flat=True))
    # Lock (insert when missing) every row of these province-months in key order first.
    empty = (None,) * len(SUMS)
    m.Province.objects.bulk_create(
        _province_rows(
            m, {(p, month, i): empty for p, month in province_months for i in indicator_ids}
        ),
        update_conflicts=True,
        unique_fields=["province", "month", "indicator"],
        update_fields=list(SUMS),
    )
    condition = Q()
    for province_id, month in province_months:
        condition |= Q(report__ward__province_id=province_id, report__period=month)
    sums = _province_sums(m, condition)
    if sums:
        m.Province.objects.bulk_create(
            _province_rows(m, sums),
            update_conflicts=True,
            unique_fields=["province", "month", "indicator"],
            update_fields=list(SUMS),
        )
    keys = Q()
    for province_id, month in province_months:
        keys |= Q(province_id=province_id, month=month)
    m.Province.objects.filter(keys, value_all__isnull=True).delete()


# --- Rebuilding ------------------------------------------------------------------------------


def _ward_rows(m: _Models, rows):
    """WardIndicatorMonth rows with their next months, from (ward, province, indicator, month,
    status, value, denominator) rows ordered by ward, indicator and month."""
    for _key, group in groupby(rows, key=lambda row: (row[0], row[2])):
        group = list(group)
        next_month = next_approved = None
        built = []
        for ward_id, province_id, indicator_id, month, status, value, denominator in reversed(
            group
        ):
            built.append(
                m.WardFigure(
                    ward_id=ward_id,
                    province_id=province_id,
                    indicator_id=indicator_id,
                    month=month,
                    approved=status == APPROVED,
                    value=value,
                    denominator=denominator,
                    next_month=next_month,
                    next_approved=next_approved,
                )
            )
            next_month = month
            if status == APPROVED:
                next_approved = month
        yield from reversed(built)


def _in_batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild(*, ward_ids=None, registry=None) -> None:
    """Recompute both tables (or the rows of some wards and of their provinces, the ones
    they are in and the ones they were in) from the raw rows."""
    try:
        m = _Models(registry)
    except LookupError:  # a migration's registry from before these tables
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (m.WardFigure, m.Province):
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
        figures = m.WardFigure.objects.all()
        values = _values(m)
        provinces = m.Province.objects.all()
        sums_of = Q()
        if ward_ids is not None:
            province_ids = set(
                m.Ward._base_manager.filter(pk__in=ward_ids).values_list("province_id", flat=True)
            ) | set(
                m.WardFigure.objects.filter(ward_id__in=ward_ids)
                .order_by()
                .values_list("province_id", flat=True)
                .distinct()
            )
            figures = figures.filter(ward_id__in=ward_ids)
            values = values.filter(report__ward_id__in=ward_ids)
            provinces = provinces.filter(province_id__in=province_ids)
            sums_of = Q(report__ward__province_id__in=province_ids)
        figures.delete()
        rows = values.order_by("report__ward_id", "indicator_id", "report__period").values_list(
            "report__ward_id",
            "report__ward__province_id",
            "indicator_id",
            "report__period",
            "report__status",
            "value",
            "denominator",
        )
        for batch in _in_batches(_ward_rows(m, rows.iterator(chunk_size=BATCH))):
            m.WardFigure.objects.bulk_create(batch)
        provinces.delete()
        sums = {key: row for key, row in _province_sums(m, sums_of).items() if row[2] is not None}
        m.Province.objects.bulk_create(_province_rows(m, sums), batch_size=BATCH)


# --- Checking ------------------------------------------------------------------------------


def stored(ward_ids=None) -> dict:
    """{(table, key...): figures} of both tables (those of the wards' provinces, with wards)."""
    m = _Models()
    figures = m.WardFigure.objects.all()
    provinces = m.Province.objects.all()
    if ward_ids is not None:
        figures = figures.filter(ward_id__in=ward_ids)
        province_ids = m.Ward._base_manager.filter(pk__in=ward_ids).values_list("province_id")
        provinces = provinces.filter(province_id__in=province_ids)
    result = defaultdict(dict)
    for row in figures.values_list(
        "ward_id",
        "indicator_id",
        "month",
        "province_id",
        "approved",
        "value",
        "denominator",
        "next_month",
        "next_approved",
    ):
        result[("ward figure", *row[:3])] = row[3:]
    for row in provinces.values_list("province_id", "indicator_id", "month", *SUMS):
        result[("province figure", *row[:3])] = row[3:]
    return dict(result)
