"""Province summary benchmark: every indicator summed over a province's communes.

`measure()` (called from bench/run.py after harness.configure_django()) uses the national
dataset's largest province when that database is the one configured, and otherwise builds a
province of COMMUNES communes with MONTHS months × the whole catalogue of approved figures
(and a province of one commune beside it, marked by their names), then times the summary page
(`tinh/<code>/tong-hop/`, the year to last month) and its period workbook, and counts the
queries of one request with one commune and with COMMUNES. Entries for bench/results.json:

- province_summary_dashboard: p50/p95 over warm requests, queries with `communes`, and
  `queries_one_commune`;
- province_summary_xlsx: the same for the workbook of every commune and the total row.

Alone: `python bench/province_summary.py [--write]` on its own database (mttq_bench_province,
or DATABASE_URL), built on the first run.
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COMMUNES = 120
MONTHS = 24
MARKER = "(bản đo tổng hợp tỉnh)"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mttq_bench_province"


def _free_code(taken: set[str]) -> str:
    return next(f"{n:02d}" for n in range(99, 0, -1) if f"{n:02d}" not in taken)


def approved_months(wards, months):
    """Approved reports of the wards for the months, with a value of every indicator of the
    catalogue (bulk_create)."""
    from reports.models import Indicator, IndicatorValue, MonthlyReport

    reports = MonthlyReport.objects.bulk_create(
        (
            MonthlyReport(ward=ward, period=month, status=MonthlyReport.Status.APPROVED)
            for ward in wards
            for month in months
        ),
        batch_size=2000,
    )
    indicators = list(Indicator.objects.all())
    values = []
    for n, report in enumerate(reports):
        for k, indicator in enumerate(indicators):
            value = (n * 7 + k * 13) % 50 + 1
            is_ratio = indicator.kind == Indicator.Kind.RATIO
            values.append(
                IndicatorValue(
                    report=report,
                    indicator=indicator,
                    value=value * 1000 if indicator.kind == Indicator.Kind.MONEY else value,
                    denominator=value + 10 if is_ratio else None,
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)


def _province(communes: int):
    """The marked province of `communes` communes with MONTHS months of approved figures."""
    from django.db import connection

    from reports import periods
    from reports.summaries import maintain
    from wards.models import Province, Ward

    name = f"Tỉnh {communes} xã {MARKER}"
    existing = Province.objects.filter(name=name).first()
    if existing:
        return existing
    code = _free_code(set(Province.objects.values_list("code", flat=True)))
    province = Province.objects.create(code=code, name=name, kind=Province.Kind.PROVINCE)
    taken = set(Ward.objects.values_list("code", flat=True))
    codes = (f"{n:05d}" for n in range(99_999, 0, -1) if f"{n:05d}" not in taken)
    Ward.objects.bulk_create(
        Ward(code=next(codes), name=f"Xã Đo {i}", kind=Ward.Kind.COMMUNE, province=province)
        for i in range(communes)
    )
    last = periods.add_months(datetime.date.today().replace(day=1), -1)
    months = [periods.add_months(last, -k) for k in range(MONTHS)]
    approved_months(Ward.objects.filter(province=province), months)
    # Bulk writes send no signals: the summary rows the page reads, from the rows just loaded.
    maintain.rebuild(ward_ids=[ward.pk for ward in Ward.objects.filter(province=province)])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics for the rows just loaded
            cursor.execute("ANALYZE")
    return province


def measure(n=30):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench import harness
    from wards.models import Province

    national = (
        Province.objects.exclude(name__contains=MARKER)
        .annotate(n=Count("wards"))
        .filter(n__gte=100)
        .order_by("-n")
        .first()
    )
    large = national or _province(COMMUNES)
    small = _province(1)
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench.tonghop", password="bench-" + "x" * 20
    )
    client = Client()
    client.force_login(admin)
    last = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    query = f"?ky=nam&den={last:%m/%Y}"

    def get(url):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    results = []
    for name, url_name in (
        ("province_summary_dashboard", "reports:province_summary"),
        ("province_summary_xlsx", "reports:province_summary_export"),
    ):
        large_url = reverse(url_name, args=[large.code]) + query
        small_url = reverse(url_name, args=[small.code]) + query
        result = harness.measure(name, get(large_url), n=n, communes=large.wards.count())
        result["queries_one_commune"] = queries(small_url)
        result["dataset"] = "national" if national else "generated"
        # The machine is shared: the 1-minute load average when the run ended, beside it.
        result["load_average"] = round(os.getloadavg()[0], 2)
        results.append(result)
    return results


def main(argv):
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    from bench import harness

    harness.configure_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    results = measure()
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if "--write" in argv:
        harness.write_results(results, {})
        print(f"→ {harness.RESULTS_PATH}")


if __name__ == "__main__":
    main(sys.argv)
