"""Keeping the indicator summaries equal to the raw value rows: the province summary's reads.

- ProvinceIndicatorMonth: each indicator's month added up over a province's communes, of
  approved reports and of every report (flows: sums and ratios of sums add up over months);
- WardIndicatorMonth: each value row with its province and the next month with a value, of
  any report and of an approved one (stocks: the latest month within a period).

Both follow the same writes as WardMonth (reports/summaries/signals.py) and are rebuilt with it
(maintain.rebuild). A refresh locks the wards it touches (NO KEY UPDATE, in key order, as
the membership refresh does) and then their province-months (transaction advisory locks, in
key order; the same statement), before reading the raw rows in new statements: under READ
COMMITTED the last writer always leaves the rows equal to the raw data. It runs before the
WardMonth refresh, so that every refresh takes ward locks before summary rows.

A ward-month's refresh is two statements, each computed in the database from the raw rows:
an INSERT … SELECT … ON CONFLICT of the commune's rows with their next months (a window
over the commune's rows from the earliest one that may point at the month), written only
where they differ, and one of the province-months' sums, likewise; and, unless the writer
says no figure was cleared, a DELETE of the rows whose figure is gone (and of the province
rows left with none, when it deleted any). The rebuild below is the reference it is tested
against.
"""

import datetime
from collections import defaultdict
from itertools import groupby

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Q, Sum

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


# Advisory lock keys of (province, month) pairs: this namespace, the province, the month.
_LOCK_NAMESPACE = 0x1D1 << 40


def _lock_key(ward_id, month) -> str:
    return f"({int(ward_id)}, {month.year * 12 + month.month - 1})"


def _lock(m: _Models, keys, *, check_constraints: bool) -> None:
    """PostgreSQL: the wards (NO KEY UPDATE, in key order, as the membership refresh does),
    then their province-months (transaction advisory locks, in key order), in one statement;
    the statements after it read what every earlier refresher of them committed. With
    `check_constraints`, the deferred foreign-key checks run first, in the same round trip
    (see maintain._take_row_locks_of_the_write_first)."""
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time, and its foreign keys are checked at once
    ward_ids = sorted({ward_id for ward_id, _month in keys})
    months = ", ".join(_lock_key(ward_id, month) for ward_id, month in sorted(keys))
    q = connection.ops.quote_name
    ward = m.Ward._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            ("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED; " * check_constraints)
            + f"WITH locked AS (SELECT {q('id')}, {q('province_id')} FROM {q(ward)} "
            f"WHERE {q('id')} IN ({', '.join(['%s'] * len(ward_ids))}) "
            f"ORDER BY {q('id')} FOR NO KEY UPDATE), "
            "pairs AS (SELECT DISTINCT "
            f"%s + (locked.{q('province_id')}::bigint << 20) + months.n AS k "
            f"FROM locked JOIN (VALUES {months}) AS months (ward_id, n) "
            f"ON months.ward_id = locked.{q('id')}) "
            # Evaluated above the sort (PostgreSQL 9.6 on): taken in key order.
            "SELECT pg_advisory_xact_lock(k) FROM pairs ORDER BY k",
            [*ward_ids, _LOCK_NAMESPACE],
        )


def refresh(keys, *, registry=None, fixture=False, removed=True, checked=False) -> None:
    """Recompute the (ward id, any day of the month) pairs given; None entries are skipped.

    `removed=False` is the writer's word that no value row of these months lost its figure
    since the last refresh (a row only added or changed): the deletes are left out.
    `checked`: the writer ran the deferred foreign-key checks already (maintain.refresh's
    caller, see maintain._take_row_locks_of_the_write_first)."""
    keys = {(ward_id, _month_of(day)) for ward_id, day in keys if ward_id and day}
    if not keys:
        return
    m = _Models(registry)
    # Part of the writer's transaction (no savepoint): if this fails, the write fails.
    with transaction.atomic(savepoint=False):
        _lock(m, keys, check_constraints=not (checked or fixture))
        sql = _Sql(m, keys)
        with connection.cursor() as cursor:
            cursor.execute(*sql.upsert_ward_rows())
            if removed:
                cursor.execute(*sql.delete_ward_rows())
                # A province's row can only go with a commune's row.
                removed = cursor.rowcount != 0
            cursor.execute(*sql.upsert_province_rows())
            if removed:
                cursor.execute(*sql.delete_province_rows())


class _Sql:
    """The refresh's statements for some ward-months, each one INSERT … SELECT or DELETE
    computed in the database from the raw rows (PostgreSQL and SQLite alike)."""

    def __init__(self, m: _Models, keys):
        self.q = q = connection.ops.quote_name
        self.postgres = connection.vendor == "postgresql"
        self.figure = q(m.WardFigure._meta.db_table)
        self.province = q(m.Province._meta.db_table)
        self.value = q(m.IndicatorValue._meta.db_table)
        self.report = q(m.IndicatorValue._meta.get_field("report").related_model._meta.db_table)
        self.ward = q(m.Ward._meta.db_table)
        self.months = defaultdict(list)  # ward id: its months, in order
        for ward_id, month in sorted(keys):
            self.months[ward_id].append(month)

    def distinct(self, a, b) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.postgres else f"{a} IS NOT {b}"

    def _in(self, column, months, params) -> str:
        params.extend(connection.ops.adapt_datefield_value(month) for month in months)
        return f"{column} IN ({', '.join(['%s'] * len(months))})"

    def _raw_rows(self) -> str:
        """FROM and the joins of the raw rows that count: a value entered, with its report
        and the report's commune."""
        q = self.q
        return (
            f"FROM {self.value} v JOIN {self.report} r ON r.{q('id')} = v.{q('report_id')} "
            f"JOIN {self.ward} w ON w.{q('id')} = r.{q('ward_id')} "
            f"WHERE v.{q('value')} IS NOT NULL"
        )

    def upsert_ward_rows(self):
        """Each commune's rows from the first month refreshed back to the earliest row whose
        next months may cross it, with the next months of any and of an approved report
        (LEAD, and the first approved month of the rows after), written where they differ
        from the stored row: the rows of these months and the earlier rows pointing at or
        past the first of them (or nowhere)."""
        q = self.q
        params = []
        scope, last_of = [], []
        for ward_id, months in self.months.items():
            first, last = (connection.ops.adapt_datefield_value(d) for d in (months[0], months[-1]))
            # Rows before the first month whose next month may change: no earlier ones.
            scope.append(
                f"(r.{q('ward_id')} = %s AND r.{q('period')} >= COALESCE(("
                f"SELECT MIN(c.{q('month')}) FROM {self.figure} c WHERE c.{q('ward_id')} = %s "
                f"AND c.{q('month')} < %s AND (c.{q('next_month')} IS NULL "
                f"OR c.{q('next_month')} >= %s OR c.{q('next_approved')} IS NULL "
                f"OR c.{q('next_approved')} >= %s)), %s))"
            )
            params.extend([ward_id, ward_id, first, first, first, first])
            last_of.append((ward_id, last))
        approved = f"r.{q('status')} = '{APPROVED}'"
        window = f"PARTITION BY r.{q('ward_id')}, v.{q('indicator_id')} ORDER BY r.{q('period')}"
        source = (
            f"SELECT r.{q('ward_id')} AS ward_id, w.{q('province_id')} AS province_id, "
            f"v.{q('indicator_id')} AS indicator_id, r.{q('period')} AS month, "
            f"{approved} AS approved, v.{q('value')} AS value, "
            f"v.{q('denominator')} AS denominator, "
            f"LEAD(r.{q('period')}) OVER ({window}) AS next_month, "
            f"MIN(CASE WHEN {approved} THEN r.{q('period')} END) OVER ({window} "
            "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_approved "
            f"{self._raw_rows()} AND ({' OR '.join(scope)})"
        )
        until = []
        for ward_id, last in last_of:
            until.append("(f.ward_id = %s AND f.month <= %s)")
            params.extend([ward_id, last])
        columns = ("province_id", "approved", "value", "denominator", "next_month", "next_approved")
        differs = " OR ".join(self.distinct(f"s.{q(c)}", f"f.{c}") for c in columns)
        names = ("ward_id", "indicator_id", "month", *columns)
        return (
            f"INSERT INTO {self.figure} ({', '.join(q(c) for c in names)}) "
            f"SELECT {', '.join(f'f.{c}' for c in names)} FROM ({source}) f "
            f"LEFT JOIN {self.figure} s ON s.{q('ward_id')} = f.ward_id "
            f"AND s.{q('indicator_id')} = f.indicator_id AND s.{q('month')} = f.month "
            f"WHERE ({' OR '.join(until)}) AND (s.{q('id')} IS NULL OR {differs}) "
            f"ON CONFLICT ({q('ward_id')}, {q('indicator_id')}, {q('month')}) DO UPDATE SET "
            + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in columns),
            params,
        )

    def delete_ward_rows(self):
        """The rows of these months whose value row is gone or has no figure any more."""
        q = self.q
        params = []
        keys = []
        for ward_id, months in self.months.items():
            params.append(ward_id)
            keys.append(f"({q('ward_id')} = %s AND {self._in(q('month'), months, params)})")
        t = self.figure
        return (
            f"DELETE FROM {t} WHERE ({' OR '.join(keys)}) AND NOT EXISTS (SELECT 1 "
            f"{self._raw_rows()} AND r.{q('ward_id')} = {t}.{q('ward_id')} "
            f"AND r.{q('period')} = {t}.{q('month')} "
            f"AND v.{q('indicator_id')} = {t}.{q('indicator_id')})",
            params,
        )

    def _province_months(self, province_column, month_column, params) -> str:
        """These communes' province-months (the province each is in now)."""
        q = self.q
        keys = []
        for ward_id, months in self.months.items():
            params.append(ward_id)
            keys.append(
                f"({province_column} = (SELECT {q('province_id')} FROM {self.ward} "
                f"WHERE {q('id')} = %s) AND {self._in(month_column, months, params)})"
            )
        return " OR ".join(keys)

    def upsert_province_rows(self):
        """Each indicator's month summed over the province's communes, written where it
        differs from the stored row."""
        q = self.q
        params = []
        approved = f"r.{q('status')} = '{APPROVED}'"
        keys = self._province_months(f"w.{q('province_id')}", f"r.{q('period')}", params)
        source = (
            f"SELECT w.{q('province_id')} AS province_id, v.{q('indicator_id')} AS indicator_id, "
            f"r.{q('period')} AS month, "
            f"SUM(CASE WHEN {approved} THEN v.{q('value')} END) AS value, "
            f"SUM(CASE WHEN {approved} THEN v.{q('denominator')} END) AS denominator, "
            f"SUM(v.{q('value')}) AS value_all, SUM(v.{q('denominator')}) AS denominator_all "
            f"{self._raw_rows()} AND ({keys}) "
            f"GROUP BY w.{q('province_id')}, v.{q('indicator_id')}, r.{q('period')}"
        )
        differs = " OR ".join(self.distinct(f"s.{q(c)}", f"f.{c}") for c in SUMS)
        names = ("province_id", "indicator_id", "month", *SUMS)
        return (
            f"INSERT INTO {self.province} ({', '.join(q(c) for c in names)}) "
            f"SELECT {', '.join(f'f.{c}' for c in names)} FROM ({source}) f "
            f"LEFT JOIN {self.province} s ON s.{q('province_id')} = f.province_id "
            f"AND s.{q('month')} = f.month AND s.{q('indicator_id')} = f.indicator_id "
            f"WHERE s.{q('id')} IS NULL OR {differs} "
            f"ON CONFLICT ({q('province_id')}, {q('month')}, {q('indicator_id')}) DO UPDATE SET "
            + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in SUMS),
            params,
        )

    def delete_province_rows(self):
        """The rows of these province-months no commune has a value for any more."""
        q = self.q
        params = []
        t = self.province
        keys = self._province_months(f"{t}.{q('province_id')}", f"{t}.{q('month')}", params)
        return (
            f"DELETE FROM {t} WHERE ({keys}) AND NOT EXISTS (SELECT 1 FROM {self.figure} c "
            f"WHERE c.{q('province_id')} = {t}.{q('province_id')} "
            f"AND c.{q('indicator_id')} = {t}.{q('indicator_id')} "
            f"AND c.{q('month')} = {t}.{q('month')})",
            params,
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
