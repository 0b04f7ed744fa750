"""Two years of monthly reports for the demo ward, so entry pages have history to compare."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from reports import deadlines, periods, selectors
from reports.models import Indicator, IndicatorValue, MonthlyReport
from reports.summaries import maintain

DEMO_MONTHS = 24
NINE_AM = datetime.time(9, 0)

# Typical monthly figures of a ward of about 26.000 people (ranges, drawn once per month).
TYPICAL = {
    "TT_BUOI": (3, 8),
    "TT_LUOT": (300, 900),
    "TT_LOP": (0, 2),
    "TT_HOITHI": (0, 1),
    "TH_MOI": (5, 30),
    "TH_CHIHOI": (42, 42),
    "VNN_THU": (15_000_000, 60_000_000),
    "VNN_CHI": (5_000_000, 40_000_000),
    "VNN_HIENVAT": (0, 8_000_000),
    "ASXH_QUA": (10, 60),
    "ASXH_QUA_TIEN": (3_000_000, 25_000_000),
    "ASXH_HOCBONG": (0, 10),
    "ASXH_THIENTAI": (0, 5_000_000),
    "ASXH_THAMHOI": (5, 25),
    "HN_NGHEO": (12, 12),
    "HN_CANNGHEO": (35, 35),
    "HN_TONGHO": (6688, 6688),
    "NDDK_KHOICONG": (0, 2),
    "NDDK_XAYMOI": (0, 1),
    "NDDK_SUACHUA": (0, 1),
    "NDDK_TIEN": (0, 60_000_000),
    "THTK_TIEN": (1_000_000, 3_000_000),
    "GS_CUOC": (0, 2),
    "GS_PHANBIEN": (0, 1),
    "GS_KIENNGHI": (0, 3),
    "GS_GIAIQUYET": (0, 2),
    "CT_TXCT": (0, 2),
    "CT_YKIEN": (0, 15),
    "CT_TIEPDAN": (2, 4),
    "HG_TIEPNHAN": (0, 4),
    "HG_THANH": (0, 3),
    "VH_KDC": (10, 10),
    "VH_KDC_TONG": (10, 10),
    "VH_GD": (6480, 6480),
    "TQ_TO": (120, 120),
    "TQ_HO": (6500, 6500),
    "TQ_ONDINH": (118, 118),
    "CB_TAPHUAN": (0, 6),
    "CB_KIENTOAN": (0, 1),
    "TN_DOI": (12, 12),
    "TN_THANHVIEN": (180, 180),
}


def _draw(rng, code):
    low, high = TYPICAL[code]
    value = rng.randint(low, high)
    return value - value % 1000 if high >= 1_000_000 else value


def computed_values(report, indicators: dict[str, Indicator]) -> list[IndicatorValue]:
    """The report's values that the portal computes from its own records (indicator.source),
    unsaved; `indicators` is keyed by code."""
    return [
        IndicatorValue(
            report=report,
            indicator=indicators[code],
            value=figure.value,
            denominator=figure.denominator,
        )
        for code, figure in selectors.computed_figures(report, indicators.values()).items()
        if figure.value is not None
    ]


@transaction.atomic
def seed_monthly_reports(ward, *, months=DEMO_MONTHS):
    """Approved reports for past months, the latest one left as a draft; idempotent."""
    if MonthlyReport.objects.filter(ward=ward).exists():
        return 0
    rng = random.Random(ward.code)
    last = periods.add_months(timezone.localdate().replace(day=1), -1)
    indicators = {i.code: i for i in Indicator.objects.all()}
    typed = {code: value for code, value in TYPICAL.items() if not indicators[code].source}
    values = []
    for period in periods.months_between(periods.add_months(last, 1 - months), last):
        is_latest = period == last
        # Sent one to four days before the deadline, approved the day after.
        due = deadlines.due_date(period.year, period.month)
        sent = timezone.make_aware(
            datetime.datetime.combine(due - datetime.timedelta(days=rng.randint(1, 4)), NINE_AM)
        )
        report = MonthlyReport.objects.create(
            ward=ward,
            period=period,
            status=MonthlyReport.Status.DRAFT if is_latest else MonthlyReport.Status.APPROVED,
            submitted_at=None if is_latest else sent,
            approved_at=None if is_latest else sent + datetime.timedelta(days=1),
        )
        for code in typed:
            values.append(
                IndicatorValue(report=report, indicator=indicators[code], value=_draw(rng, code))
            )
        # What the portal knows (funds, houses, memberships) comes from its own records.
        values += computed_values(report, indicators)
        funerals = rng.randint(2, 6)
        values.append(
            IndicatorValue(
                report=report,
                indicator=indicators["VH_TANG_VM"],
                value=rng.randint(funerals - 1, funerals),
                denominator=funerals,
            )
        )
    IndicatorValue.objects.bulk_create(values)
    # A bulk insert sends no signals: bring the dashboards' summary rows up to date.
    maintain.rebuild(ward_ids=[ward.pk])
    return months


@transaction.atomic
def seed_former_communes(ward, *, year=2024):
    """The communes the demo ward replaced on 1 July 2025 (loaded for its province from the
    official table), each with approved reports for the months of `year` the demo ward has
    none of, so its dashboard and term report show them rolled up; idempotent."""
    from wards.selectors import predecessors_of
    from wards.services import former_communes_load

    former_communes_load(province_codes=[ward.province.code])
    own = set(MonthlyReport.objects.filter(ward=ward).values_list("period", flat=True))
    months = [
        m
        for m in periods.months_between(periods.month_start(year, 1), periods.month_start(year, 12))
        if m not in own
    ]
    indicators = {i.code: i for i in Indicator.objects.all()}
    typed = [code for code in TYPICAL if not indicators[code].source]
    seeded, values = [], []
    for succession in predecessors_of(ward):
        former = succession.predecessor
        if MonthlyReport.objects.filter(ward=former).exists():
            continue
        rng = random.Random(former.code)
        seeded.append(former.pk)
        for period in months:
            sent = timezone.make_aware(
                datetime.datetime.combine(deadlines.due_date(period.year, period.month), NINE_AM)
            )
            report = MonthlyReport.objects.create(
                ward=former,
                period=period,
                status=MonthlyReport.Status.APPROVED,
                submitted_at=sent,
                approved_at=sent + datetime.timedelta(days=1),
            )
            # About half the new ward's figures each: two old wards made it.
            values += [
                IndicatorValue(
                    report=report, indicator=indicators[code], value=_draw(rng, code) // 2
                )
                for code in typed
            ]
    IndicatorValue.objects.bulk_create(values)
    if seeded:
        maintain.rebuild(ward_ids=seeded)
    return len(seeded)
