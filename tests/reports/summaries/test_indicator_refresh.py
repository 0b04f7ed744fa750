"""The indicator summaries after figures cleared, value rows saved and deleted one by one,
reports moved and deleted, in communes of one province and of another: each step leaves
them equal to the raw value rows, recomputed here."""

import datetime
import random
import threading
from collections import defaultdict

import pytest
from django.db import connection

from reports import services as workflow
from reports.models import (
    IndicatorValue,
    MonthlyReport,
    ProvinceIndicatorMonth,
    WardIndicatorMonth,
)
from reports.summaries import indicators, maintain
from tests import factories
from tests.once import at_once
from wards.models import RoleAssignment

MONTHS = [datetime.date(2025, month, 1) for month in (1, 2, 3, 4, 5)]
CODES = ("TT_BUOI", "TQ_TO", "VH_TANG_VM")  # a flow, a stock and a ratio


def expected_from_raw():
    """Both tables recomputed from the value rows, in the tables' own terms."""
    rows = sorted(
        IndicatorValue.objects.filter(value__isnull=False).values_list(
            "report__ward_id",
            "report__ward__province_id",
            "indicator_id",
            "report__period",
            "report__status",
            "value",
            "denominator",
        ),
        key=lambda row: (row[0], row[2], row[3]),
    )
    wards, provinces = {}, defaultdict(lambda: [None, None, None, None])

    def add(total, figure):  # SQL's SUM: NULL until a figure comes, NULLs left out
        if figure is None:
            return total
        return figure if total is None else total + figure

    for ward, province, indicator, month, status, value, denominator in rows:
        approved = status == MonthlyReport.Status.APPROVED
        later = [r for r in rows if r[0] == ward and r[2] == indicator and r[3] > month]
        wards[(ward, indicator, month)] = (
            province,
            approved,
            value,
            denominator,
            later[0][3] if later else None,
            next((r[3] for r in later if r[4] == MonthlyReport.Status.APPROVED), None),
        )
        sums = provinces[(province, indicator, month)]
        if approved:
            sums[0], sums[1] = add(sums[0], value), add(sums[1], denominator)
        sums[2], sums[3] = add(sums[2], value), add(sums[3], denominator)
    return wards, {key: tuple(sums) for key, sums in provinces.items()}


def stored():
    wards = {
        row[:3]: row[3:]
        for row in WardIndicatorMonth.objects.values_list(
            "ward_id",
            "indicator_id",
            "month",
            "province_id",
            "approved",
            "value",
            "denominator",
            "next_month",
            "next_approved",
        )
    }
    provinces = {
        row[:3]: row[3:]
        for row in ProvinceIndicatorMonth.objects.values_list(
            "province_id",
            "indicator_id",
            "month",
            "value",
            "denominator",
            *("value_all",),
            "denominator_all",
        )
    }
    return wards, provinces


@pytest.mark.django_db
def test_cleared_deleted_and_moved_figures_leave_the_summaries_equal_to_the_raw_rows(world):
    rng = random.Random(20261202)
    wards = [world.ward_x, world.ward_y, world.ward_z]
    officers = {
        ward.pk: factories.user(role=RoleAssignment.Role.WARD_OFFICER, ward_obj=ward)
        for ward in wards
    }
    Status = MonthlyReport.Status

    def report_of(ward, month):
        return MonthlyReport.objects.filter(ward=ward, period=month).first()

    def save_step():
        ward, month = rng.choice(wards), rng.choice(MONTHS)
        report = report_of(ward, month) or MonthlyReport(ward=ward, period=month)
        if not report.is_editable:
            return
        entries = {}
        for code in CODES:
            draw = rng.random()
            if draw < 0.3:
                entries[code] = workflow.Entry(None, None)  # the field emptied
            elif draw < 0.8:
                figure = rng.randrange(12)
                entries[code] = workflow.Entry(figure, 10 if code == "VH_TANG_VM" else None)
        workflow.report_save(report=report, user=officers[ward.pk], entries=entries)

    def status_step():
        reports = list(MonthlyReport.objects.all())
        if reports:
            report = rng.choice(reports)
            report.status = rng.choice([Status.DRAFT, Status.SUBMITTED, Status.APPROVED])
            report.save()

    def value_step():
        values = list(IndicatorValue.objects.select_related("report"))
        if not values:
            return
        value = rng.choice(values)
        draw = rng.random()
        if draw < 0.4:
            value.delete()
        else:
            value.value = None if draw < 0.6 else rng.randrange(20)
            value.save()

    def move_step():
        reports = list(MonthlyReport.objects.all())
        if reports:
            report = rng.choice(reports)
            free = [m for m in MONTHS if not report_of(report.ward, m)]
            if free:
                report.period = rng.choice(free)
                report.save()

    def delete_step():
        reports = list(MonthlyReport.objects.all())
        if reports and rng.random() < 0.5:
            rng.choice(reports).delete()

    steps = [save_step] * 5 + [status_step] * 2 + [value_step] * 2 + [move_step, delete_step]
    cleared = 0
    for _ in range(80):
        step = rng.choice(steps)
        before = IndicatorValue.objects.filter(value__isnull=False).count()
        step()
        cleared += IndicatorValue.objects.filter(value__isnull=False).count() < before
        assert stored() == expected_from_raw(), step.__name__
        assert maintain.drift() == [], step.__name__
    assert cleared >= 5  # the deleting paths ran
    assert ProvinceIndicatorMonth.objects.filter(province=world.province_a).exists()
    assert ProvinceIndicatorMonth.objects.filter(province=world.province_b).exists()
    assert WardIndicatorMonth.objects.filter(ward=world.ward_y, next_month__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_two_communes_of_a_province_saved_at_the_same_moment_both_count(
    world, transactional_db, monkeypatch
):
    month = MONTHS[2]
    officers = [
        factories.user(role=RoleAssignment.Role.WARD_OFFICER, ward_obj=ward)
        for ward in (world.ward_x, world.ward_y)
    ]
    reports = [
        MonthlyReport.objects.create(ward=ward, period=month)
        for ward in (world.ward_x, world.ward_y)
    ]
    # Both saves have written their figures before either refreshes the province's sum.
    written = threading.Barrier(2, timeout=20)
    lock = indicators._lock

    def lock_once_both_wrote(*args, **kwargs):
        written.wait()
        return lock(*args, **kwargs)

    monkeypatch.setattr(indicators, "_lock", lock_once_both_wrote)
    figures = (7, 5)
    at_once(
        *(
            lambda report=report, officer=officer, figure=figure: workflow.report_save(
                report=report, user=officer, entries={"TT_BUOI": workflow.Entry(figure)}
            )
            for report, officer, figure in zip(reports, officers, figures, strict=True)
        )
    )
    sessions = ProvinceIndicatorMonth.objects.get(
        province=world.province_a, month=month, indicator__code="TT_BUOI"
    )
    assert (sessions.value, sessions.value_all) == (None, 12)
    assert maintain.drift() == []
