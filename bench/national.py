"""National benchmark: the dashboards on a whole country's two years of data.

`python bench/national.py generate` builds a separate database (`mttq_national`, or the URL
given as NATIONAL_DATABASE_URL): the real 34 provinces and 3,321 communes, 5–15 residential
areas each, 24 months × the default catalogue (over 2 million indicator values), memberships
per ward and organisation, 500,000+ donations with gap-free receipt numbers per ward-year,
disbursements and 20,000+ houses. Everything is loaded with PostgreSQL COPY in one
transaction, so a run either loads it all or nothing, then the dashboards' summary rows are
computed from it (reports/summaries); a database that already has the data is left alone.
`python bench/national.py measure` times the ward, largest-province and national dashboards
(p50/p95 over warm requests, query count) and the floor of each page: its main aggregate
query alone in PostgreSQL (EXPLAIN ANALYZE), and for the province and national pages also the
same figures computed from the raw rows (`raw_floor_ms`), printing the JSON results.
"""

import datetime
import io
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mttq_national"
MONTHS = 24
TARGET_VALUES = 2_000_000
TARGET_DONATIONS = 500_000
DONATIONS_PER_WARD = 160  # on average, × 3,321 wards ≈ 531,000
HOUSES_PER_WARD = 7  # on average ≈ 23,000
DISBURSEMENTS_PER_WARD = 20
CHUNK = 200_000  # rows per COPY
SUPERUSER = "bench.quocgia"
MARKER = "bench.national"  # in Campaign.description
LARGEST_PROVINCE = "79"
TZ = "+07:00"

AMOUNTS = [
    (50_000, 10),
    (100_000, 20),
    (200_000, 18),
    (300_000, 10),
    (500_000, 15),
    (1_000_000, 12),
    (2_000_000, 6),
    (5_000_000, 4),
    (10_000_000, 3),
    (50_000_000, 1),
]
FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi"]
MIDDLES = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức"]
GIVENS = ["An", "Bình", "Cúc", "Dũng", "Hà", "Hải", "Lan", "Mai", "Nam", "Sơn", "Tâm", "Yến"]


# --- Django and COPY ----------------------------------------------------------------------


def setup(database_url=None):
    os.environ["DATABASE_URL"] = (
        database_url or os.environ.get("NATIONAL_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    from bench import harness

    harness.configure_django()


def _field(value):
    if value is None:
        return ""
    if value is True or value is False:
        return "t" if value else "f"
    text = str(value)
    if not text or any(c in text for c in ',"\n'):  # unquoted empty would be NULL
        return '"' + text.replace('"', '""') + '"'
    return text


def _copy(cursor, table, columns, rows):
    """COPY rows (tuples) into table, CHUNK rows per statement; returns the row count."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
    buffer, pending, total = io.StringIO(), 0, 0
    for row in rows:
        buffer.write(",".join(map(_field, row)))
        buffer.write("\n")
        pending += 1
        if pending == CHUNK:
            buffer.seek(0)
            cursor.copy_expert(statement, buffer)
            total += pending
            buffer, pending = io.StringIO(), 0
    if pending:
        buffer.seek(0)
        cursor.copy_expert(statement, buffer)
        total += pending
    return total


def _next_id(cursor, table):
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _reset_sequence(cursor, table):
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


class Timer:
    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.steps = {}

    def step(self, name, rows=None):
        now = time.perf_counter()
        self.steps[name] = round(now - self.last, 1)
        suffix = f" ({rows:,} rows)" if rows is not None else ""
        print(f"  {name:<22} {now - self.last:6.1f} s{suffix}", flush=True)
        self.last = now

    def total(self):
        return round(time.perf_counter() - self.started, 1)


# --- The dataset --------------------------------------------------------------------------


def _months(today):
    from reports import periods

    last = periods.add_months(today.replace(day=1), -1)
    return [periods.add_months(last, -offset) for offset in range(MONTHS - 1, -1, -1)]


def _superuser():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=SUPERUSER).first()
    if user is None:
        user = get_user_model().objects.create_superuser(SUPERUSER, "", None)
    return user


def has_data():
    from campaigns.models import Donation, House
    from reports.models import IndicatorValue

    return (
        IndicatorValue.objects.count() >= TARGET_VALUES
        and Donation.objects.count() >= TARGET_DONATIONS
        and House.objects.count() >= 20_000
    )


def _code(number: int) -> str:
    """A reference code (campaigns/references.py's alphabet) standing for `number`."""
    from campaigns.references import ALPHABET, CODE_LENGTH

    digits = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def _stamp(day, hour):
    return f"{day.isoformat()} {hour:02d}:00:00{TZ}"


def _load(today, provinces=None):
    """Everything in one transaction; prints the time of each step. `provinces` (codes)
    limits the data to their communes (bench/spike.py: one province, in a minute)."""
    from django.db import connection, transaction

    from campaigns.models import Campaign
    from reports import deadlines
    from reports.models import Indicator
    from wards.models import MassOrganisation, Ward

    rng = random.Random(20261124)
    timer = Timer()
    user = _superuser()
    months = _months(today)
    first, last_month = months[0], months[-1]
    window_days = (today - first).days
    now = f"{today.isoformat()} 08:00:00{TZ}"
    wards = Ward.objects.select_related("province").order_by("code")
    if provinces:
        wards = wards.filter(province__code__in=provinces)
    wards = list(wards)
    indicators = list(Indicator.objects.order_by("pk"))
    organisations = list(MassOrganisation.objects.filter(is_active=True).order_by("pk"))

    with transaction.atomic(), connection.cursor() as cursor:
        # Generated rows are consistent: skip the per-row foreign-key triggers while loading.
        cursor.execute("SET LOCAL session_replication_role = replica")

        # Residential areas.
        def areas():
            for ward in wards:
                kind, label = (
                    ("to_dan_pho", "Tổ dân phố") if ward.kind == "phuong" else ("ap", "Ấp")
                )
                for number in range(1, rng.randint(5, 15) + 1):
                    households = rng.randint(80, 600)
                    yield ward.pk, f"{label} {number}", kind, households, households * 4

        count = _copy(
            cursor,
            "wards_residentialarea",
            ["ward_id", "name", "kind", "households", "population"],
            areas(),
        )
        timer.step("residential areas", count)

        # Monthly reports: most approved on time, some late, submitted, draft or missing.
        report_id = _next_id(cursor, "reports_monthlyreport")
        reports = []  # (id, ward, month, status)
        rows = []
        for ward in wards:
            for month in months:
                roll = rng.random()
                if roll < 0.02:
                    continue  # missing
                due = deadlines.due_date(month.year, month.month)
                late = rng.random() < 0.08
                sent = due + datetime.timedelta(
                    days=rng.randint(1, 12) if late else -rng.randint(0, 4)
                )
                approved = sent + datetime.timedelta(days=rng.randint(0, 3))
                if roll < 0.05 or (month == last_month and sent >= today):
                    status, sent_at, approved_at = "draft", None, None
                elif roll < 0.09 or approved >= today:
                    status, sent_at, approved_at = "submitted", _stamp(sent, 9), None
                else:
                    status, sent_at, approved_at = "approved", _stamp(sent, 9), _stamp(approved, 15)
                reports.append((report_id, ward, month))
                rows.append((report_id, ward.pk, month, status, 1, sent_at, approved_at, now))
                report_id += 1
        count = _copy(
            cursor,
            "reports_monthlyreport",
            ["id", "ward_id", "period", "status", "version", "submitted_at", "approved_at"]
            + ["updated_at"],
            rows,
        )
        _reset_sequence(cursor, "reports_monthlyreport")
        timer.step("monthly reports", count)

        # Indicator values: every active indicator of the month, figures sized per ward.
        def values():
            scale = {ward.pk: rng.uniform(0.5, 2.0) for ward in wards}
            for pk, ward, month in reports:
                size = scale[ward.pk]
                for indicator in indicators:
                    if not indicator.is_active_in(month):
                        continue
                    if indicator.kind == "ratio":
                        denominator = int(2_000 * size) + rng.randrange(500)
                        yield (
                            pk,
                            indicator.pk,
                            int(denominator * rng.uniform(0.6, 0.95)),
                            (denominator),
                        )
                    elif indicator.kind == "money":
                        yield pk, indicator.pk, rng.randrange(0, int(50_000_000 * size)), None
                    elif indicator.rollup == "last":
                        yield pk, indicator.pk, int(300 * size) + rng.randrange(50), None
                    else:
                        yield pk, indicator.pk, rng.randrange(0, int(20 * size) + 2), None

        count = _copy(
            cursor,
            "reports_indicatorvalue",
            ["report_id", "indicator_id", "value", "denominator"],
            values(),
        )
        timer.step("indicator values", count)

        # Memberships: each organisation's figures at the start and in the middle of the window.
        dates = [first, months[len(months) // 2]]

        def memberships():
            for ward in wards:
                for organisation in organisations:
                    eligible = rng.randint(300, 6_000)
                    rate = rng.uniform(0.55, 0.9)
                    for index, day in enumerate(dates):
                        members = min(eligible, int(eligible * (rate + 0.03 * index)))
                        yield ward.pk, organisation.pk, day, members, eligible

        count = _copy(
            cursor,
            "wards_membership",
            ["ward_id", "organisation_id", "as_of", "members", "eligible"],
            memberships(),
        )
        timer.step("memberships", count)

        # Campaigns: each ward's poor-relief fund; each province's disaster fund and housing.
        # bulk_create skips save(), which gives each fund its transfer reference code.
        codes = iter(random.Random(rng.random()).sample(range(32**4), len(wards)))
        funds = Campaign.objects.bulk_create(
            Campaign(
                reference_code=_code(next(codes)),
                name=f"Quỹ Vì người nghèo {ward.name}",
                kind=Campaign.Kind.FUND,
                fund=Campaign.Fund.POOR_RELIEF,
                ward=ward,
                starts_on=first,
                target_amount=rng.randint(5, 50) * 100_000_000,
                description=MARKER,
            )
            for ward in wards
        )
        fund_of = {campaign.ward_id: campaign.pk for campaign in funds}
        provinces = {ward.province_id: ward.province for ward in wards}
        disaster, housing = {}, {}
        for province in provinces.values():
            disaster[province.pk] = Campaign.objects.create(
                name=f"Cứu trợ thiên tai {province.name}",
                kind=Campaign.Kind.FUND,
                fund=Campaign.Fund.DISASTER,
                province=province,
                starts_on=first,
                description=MARKER,
            ).pk
            housing[province.pk] = Campaign.objects.create(
                name=f"Nhà Đại đoàn kết {province.name}",
                kind=Campaign.Kind.HOUSING,
                fund=Campaign.Fund.POOR_RELIEF,
                province=province,
                starts_on=first,
                target_count=1_000,
                description=MARKER,
            ).pk
        timer.step("campaigns", len(funds) + 2 * len(provinces))

        # Donations: dated, then numbered per ward and year without gaps; counters follow.
        donation_id = _next_id(cursor, "campaigns_donation")
        counters = []

        def donations():
            nonlocal donation_id
            values, weights = zip(*AMOUNTS, strict=True)
            for ward in wards:
                count = int(DONATIONS_PER_WARD * rng.uniform(0.4, 1.6))
                days = sorted(
                    first + datetime.timedelta(days=rng.randrange(window_days))
                    for _ in range(count)
                )
                amounts = rng.choices(values, weights=weights, k=count)
                numbers = defaultdict(int)
                for day, amount in zip(days, amounts, strict=True):
                    numbers[day.year] += 1
                    kind = "individual" if rng.random() < 0.85 else "anonymous"
                    name = (
                        f"{rng.choice(FAMILIES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"
                        if kind == "individual"
                        else ""
                    )
                    bank = rng.random() < 0.4
                    campaign = (
                        disaster[ward.province_id] if rng.random() < 0.1 else fund_of[ward.pk]
                    )
                    yield (
                        donation_id,
                        day.year,
                        numbers[day.year],
                        day,
                        kind,
                        name,
                        "",
                        kind == "individual",
                        "cash",
                        "bank" if bank else "cash",
                        f"FT{donation_id:010d}" if bank else "",
                        amount,
                        "",
                        None,
                        "",
                        "",
                        now,
                        campaign,
                        user.pk,
                        ward.pk,
                        "",
                    )
                    donation_id += 1
                counters.extend((ward.pk, year, n) for year, n in numbers.items())

        count = _copy(
            cursor,
            "campaigns_donation",
            ["id", "receipt_year", "receipt_number", "received_on", "donor_kind", "donor_name"]
            + ["donor_address", "publish_name", "form", "channel", "bank_reference", "amount"]
            + ["in_kind_description", "in_kind_quantity", "in_kind_unit", "note", "recorded_at"]
            + ["campaign_id", "recorded_by_id", "ward_id", "statement_line"],
            donations(),
        )
        _reset_sequence(cursor, "campaigns_donation")
        _copy(cursor, "campaigns_receiptcounter", ["ward_id", "year", "last_number"], counters)
        # About one receipt in five hundred was a mistake, reversed.
        cursor.execute(
            "INSERT INTO campaigns_donationreversal "
            "(reason, reversed_on, recorded_at, donation_id, reversed_by_id) "
            "SELECT 'Ghi trùng biên nhận', received_on + 3, %s, id, %s "
            "FROM campaigns_donation WHERE id %% 500 = 7",
            [now, user.pk],
        )
        timer.step("donations", count)

        # Households and houses (with stage dates), then payments from the funds.
        household_id = _next_id(cursor, "campaigns_household")
        households = []  # (id, ward)
        houses = []
        for ward in wards:
            for _ in range(int(HOUSES_PER_WARD * rng.uniform(0.5, 1.5)) + 1):
                households.append((household_id, ward))
                surveyed = first + datetime.timedelta(days=rng.randrange(window_days))
                started = surveyed + datetime.timedelta(days=rng.randint(10, 40))
                completed = started + datetime.timedelta(days=rng.randint(45, 120))
                handed = completed + datetime.timedelta(days=rng.randint(3, 15))
                cost = rng.randint(40, 120) * 1_000_000
                houses.append(
                    (
                        ward.pk,
                        household_id,
                        housing[ward.province_id],
                        "new" if rng.random() < 0.7 else "repair",
                        cost,
                        cost if handed <= today else None,
                        cost // 2,
                        cost // 4,
                        cost // 8,
                        cost - cost // 2 - cost // 4 - cost // 8,
                        surveyed,
                        started if started <= today else None,
                        completed if completed <= today else None,
                        handed if handed <= today else None,
                    )
                )
                household_id += 1
        _copy(
            cursor,
            "campaigns_household",
            ["id", "ward_id", "head_name", "id_number", "category", "certificate_year", "members"],
            (
                (pk, ward.pk, f"{rng.choice(FAMILIES)} Văn {rng.choice(GIVENS)}", "", "poor")
                + (None, rng.randint(1, 7))
                for pk, ward in households
            ),
        )
        _reset_sequence(cursor, "campaigns_household")
        count = _copy(
            cursor,
            "campaigns_house",
            ["ward_id", "household_id", "campaign_id", "kind", "estimated_cost", "final_cost"]
            + ["from_fund", "from_social", "from_household", "from_other", "surveyed_on"]
            + ["started_on", "completed_on", "handed_over_on"],
            houses,
        )
        timer.step("households and houses", count)

        def payments():
            for ward in wards:
                for index in range(int(DISBURSEMENTS_PER_WARD * rng.uniform(0.5, 1.5))):
                    yield (
                        rng.choice(["repair", "tet_gift", "illness", "scholarship"]),
                        "Hỗ trợ hộ khó khăn theo danh sách",
                        rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000]),
                        f"{index + 1}/QĐ-MTTQ",
                        first + datetime.timedelta(days=rng.randrange(window_days)),
                        now,
                        fund_of[ward.pk],
                        user.pk,
                        ward.pk,
                        None,
                        "cash",
                        "",
                        None,
                        "",
                    )

        count = _copy(
            cursor,
            "campaigns_disbursement",
            ["purpose", "description", "amount", "decision_reference", "paid_on", "recorded_at"]
            + ["campaign_id", "recorded_by_id", "ward_id", "household_id", "form"]
            + ["in_kind_description", "in_kind_quantity", "in_kind_unit"],
            payments(),
        )
        timer.step("disbursements", count)
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, as autovacuum would after a bulk load, so
        # index-only scans work from the first measurement (and the next step is planned
        # with statistics).
        cursor.execute("VACUUM ANALYZE")
    timer.step("vacuum analyze")
    # COPY bypasses the models' signals: compute the dashboards' summary rows from the
    # loaded rows, as `manage.py rebuild_summaries` does.
    from reports.summaries import maintain

    count = maintain.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_wardmonth")
    timer.step("summary rows", count)
    print(f"  {'total':<22} {timer.total():6.1f} s", flush=True)
    return timer.steps


def generate(database_url=None, provinces=None):
    """Create and fill the national database unless it already holds the data (only the
    communes of `provinces`, codes, when given)."""
    from django.apps import apps

    if not apps.ready:
        setup(database_url)
    from django.core.management import call_command
    from django.utils import timezone

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    print(f"  {'migrate + divisions':<22} {time.perf_counter() - started:6.1f} s", flush=True)
    if has_data():
        print("national: the database already holds the dataset; nothing to load.")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE reports_indicatorvalue")
    else:
        _load(timezone.localdate(), provinces)
    print(json.dumps(dataset(), ensure_ascii=False))


def dataset():
    """Counts for results.json's "dataset"."""
    from campaigns.models import Donation, House
    from reports.models import IndicatorValue
    from wards.models import Province, ResidentialArea, Ward

    return {
        "provinces": Province.objects.count(),
        "wards": Ward.objects.count(),
        "residential_areas": ResidentialArea.objects.count(),
        "indicator_values": IndicatorValue.objects.count(),
        "donations": Donation.objects.count(),
        "houses": House.objects.count(),
    }


# --- Measuring ----------------------------------------------------------------------------


def _explain_ms(queryset, runs=10):
    """Median PostgreSQL execution time of the queryset's SQL (EXPLAIN ANALYZE)."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    samples = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            samples.append(plan[0]["Execution Time"])
    return round(statistics.median(samples), 2)


def _main_queries(unit_filter, group, period, ward=None):
    """The dashboards' aggregate querysets (those of reports/dashboards/figures.py), by name."""
    from django.db.models import Q, Sum
    from django.utils import timezone

    from campaigns.selectors import campaigns_of_ward, counted_donations
    from reports.dashboards import figures as dashboards
    from reports.models import IndicatorValue

    if ward is not None:
        earlier = period.year_earlier
        campaigns = (
            campaigns_of_ward(ward)
            .filter(kind__in=("fund", "housing"), starts_on__lte=period.end)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.first))
            .values_list("pk", flat=True)
        )
        in_period = Q(received_on__gte=period.first, received_on__lte=period.end)
        return {
            "ward_campaign_money": counted_donations()
            .filter(campaign_id__in=list(campaigns), received_on__lte=period.end)
            .values("campaign_id")
            .annotate(
                to_date=Sum("amount", filter=Q(form="cash")),
                here=Sum("amount", filter=in_period & Q(ward=ward, form="cash")),
                in_kind=Sum("amount", filter=in_period & Q(ward=ward, form="in_kind")),
            )
            .order_by(),
            "ward_indicator_values": IndicatorValue.objects.filter(
                dashboards._report_filter(False),
                report__ward=ward,
                report__period__gte=earlier.first,
                report__period__lte=period.last,
            )
            .order_by()
            .values_list("indicator_id", "report__period", "value", "denominator"),
        }
    figures, members = dashboards.summary_querysets(
        unit_filter, group, period, timezone.localdate(), False
    )
    return {"summary_figures": figures, "summary_memberships": members}


def _raw_queries(unit_filter, group, period):
    """The same figures computed from the raw rows (how the tables were read before the
    summary rows): timed for comparison only."""
    from django.db.models import F, OuterRef, Q, Subquery, Sum

    from campaigns.selectors import counted_donations
    from reports.dashboards import figures as dashboards
    from reports.dashboards import progress
    from reports.models import IndicatorValue, MonthlyReport
    from wards.models import Membership

    newest = (
        Membership.objects.filter(
            ward=OuterRef("ward"), organisation=OuterRef("organisation"), as_of__lte=period.end
        )
        .order_by("-as_of", "-pk")
        .values("pk")[:1]
    )
    return {
        "sessions_by_unit": IndicatorValue.objects.filter(
            dashboards._report_filter(False),
            dashboards._prefixed(unit_filter, "report__"),
            indicator__code="TT_BUOI",
            report__period__gte=period.first,
            report__period__lte=period.last,
        )
        .values(f"report__{group}")
        .annotate(sessions=Sum("value"))
        .order_by(),
        "donations_by_unit": counted_donations()
        .filter(unit_filter, received_on__gte=period.first, received_on__lte=period.end)
        .values(group)
        .annotate(raised=Sum("amount", filter=Q(form="cash")))
        .order_by(),
        "memberships_by_unit": Membership.objects.filter(
            pk=Subquery(newest), organisation__is_active=True
        )
        .filter(unit_filter)
        .values(group)
        .annotate(members=Sum("members"), eligible=Sum("eligible"))
        .order_by(),
        "timeliness_reports": progress.with_first_submission(
            MonthlyReport.objects.filter(
                unit_filter, period__gte=period.first, period__lte=period.last
            )
            .only("ward_id", "period", "status", "submitted_at", "approved_at")
            .annotate(group_key=F(group))
            .order_by()
        ),
    }


def _floor(result, querysets, raw=None):
    """floor_ms: the slowest of the page's main aggregate queries alone in PostgreSQL;
    raw_floor_ms: the slowest of the same figures computed from the raw rows instead."""
    times = {name: _explain_ms(queryset) for name, queryset in querysets.items()}
    name = max(times, key=times.get)
    result["floor_ms"] = times[name]
    result["floor_query"] = name
    result["floor_queries_ms"] = times
    result["ratio_to_floor"] = round(result["p50_ms"] / times[name], 2) if times[name] else None
    if raw:
        raw_times = {name: _explain_ms(queryset) for name, queryset in raw.items()}
        result["raw_floor_ms"] = max(raw_times.values())
        result["raw_queries_ms"] = raw_times
    return result


def _prepare():
    """The schema and the static files as the code expects them (both quick when current).

    A database generated before the summary rows existed gets them from the migration that
    adds them; VACUUM ANALYZE then does what autovacuum would soon do after that backfill.
    """
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_wardmonth")


def measure(n=30):
    """Result dicts for bench/results.json: ward, largest province and national dashboards."""
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench import harness
    from campaigns.models import Donation
    from reports.dashboards import figures as dashboards
    from wards.models import Province

    _prepare()
    client = Client()
    client.force_login(_superuser())
    period = dashboards.default_period(timezone.localdate())
    largest = (
        Province.objects.filter(code=LARGEST_PROVINCE).first()
        or Province.objects.annotate(n=Count("wards")).order_by("-n").first()
    )
    # A typical ward: the median number of donations among the largest province's wards.
    counts = sorted(
        Donation.objects.filter(ward__province=largest)
        .values("ward_id", "ward__code")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("n", "ward__code")
    )
    ward_code = counts[len(counts) // 2][1]
    ward = largest.wards.get(code=ward_code)

    def get(url):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    ward_result = harness.measure(
        "ward_dashboard", get(reverse("reports:dashboard_ward", args=[ward.code])), n=n
    )
    province_result = harness.measure(
        "province_dashboard",
        get(reverse("reports:dashboard_province", args=[largest.code])),
        n=n,
        wards=largest.wards.count(),
    )
    national_result = harness.measure(
        "national_overview", get(reverse("reports:dashboard_national")), n=n
    )
    in_province = Q(ward__province=largest)
    return [
        _floor(ward_result, _main_queries(Q(ward=ward), "ward_id", period, ward=ward)),
        _floor(
            province_result,
            _main_queries(in_province, "ward_id", period),
            _raw_queries(in_province, "ward_id", period),
        ),
        _floor(
            national_result,
            _main_queries(Q(), "ward__province_id", period),
            _raw_queries(Q(), "ward__province_id", period),
        ),
    ]


def main(argv):
    """generate | measure [--write]: --write also merges the results into bench/results.json."""
    write = "--write" in argv
    args = [arg for arg in argv[1:] if arg != "--write"]
    command = args[0] if args else "measure"
    if command not in ("generate", "measure"):
        sys.exit("usage: python bench/national.py generate|measure [--write] [DATABASE_URL]")
    setup(args[1] if len(args) > 1 else None)
    if command == "generate":
        generate()
        return
    results = measure()
    print(json.dumps({"dataset": dataset(), "results": results}, ensure_ascii=False, indent=2))
    if write:
        from bench import harness

        harness.write_results(results, dataset())
        print(f"→ {harness.RESULTS_PATH}")


if __name__ == "__main__":
    main(sys.argv)
