"""Public disclosure benchmark: the sao kê search of a ward fund with 500.000 donations.

`run()` (called from bench/run.py after harness.configure_django() and migrate) makes sure
the bench database holds at least 500.000 donations for four wards' campaigns (loaded once
with PostgreSQL COPY, receipt numbers taken from each ward's ReceiptCounter), then measures
the busiest ward's fund page searched by name and amount range, its second page, a page
halfway down the unsearched statement, and the ward's overview. It stays clear of the demo
ward, whose campaigns other benchmarks seed.
"""

import datetime
import io
import random
import time
from collections import defaultdict

MARKER = "bench.disclosure"  # in Campaign.description: the campaigns this module loads
TARGET_DONATIONS = 500_000
BUSIEST_SHARE = 0.6  # of the donations, in the busiest ward's own fund
PROVINCE_CODE = "91"
AVOID_WARD = "30301"  # the demo ward (wards.demo.DEMO_WARD_CODE)
SEARCH = {"q": "Nguyễn", "so_tien_tu": "200.000", "so_tien_den": "2.000.000"}
MIDDLE_DAY = datetime.date(2023, 6, 30)

FAMILIES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Huỳnh", 5),
    ("Hoàng", 3),
    ("Phan", 4.5),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Châu", 0.5),
    ("Lâm", 0.5),
]
MIDDLES = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Quốc", "Thu", "Hoàng", "Kim"]
GIVENS = (  # noqa: SIM905
    "An Anh Bảo Bình Cúc Cường Dũng Duy Đạt Giang Hà Hải Hạnh Hiếu Hòa Hùng Hương Khang Khoa "
    "Lan Linh Long Mai Minh Nam Nga Nhân Nhung Phúc Phương Quang Sơn Tâm Thảo Thắng Trang "
    "Trung Tú Tuấn Uyên Việt Xuân Yến"
).split()
ORGANISATIONS = [
    "Công ty TNHH Thủy sản {}",
    "Doanh nghiệp tư nhân Vật liệu xây dựng {}",
    "Hợp tác xã Nông nghiệp {}",
    "Ngân hàng Nông nghiệp chi nhánh {}",
    "Công ty Cổ phần Lương thực {}",
    "Trường THCS {}",
]
COLLECTIVES = ["Cán bộ, công chức {}", "Hội Phụ nữ {}", "Chi đoàn khóm {}", "Tập thể giáo viên {}"]
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
    (50_000_000, 1.5),
    (200_000_000, 0.5),
]
FIRST_DAY, DAYS = datetime.date(2021, 1, 1), 5 * 365

DONATION_COLUMNS = [
    "receipt_year",
    "receipt_number",
    "received_on",
    "donor_kind",
    "donor_name",
    "donor_address",
    "publish_name",
    "form",
    "channel",
    "bank_reference",
    "amount",
    "in_kind_description",
    "in_kind_quantity",
    "in_kind_unit",
    "note",
    "recorded_at",
    "campaign_id",
    "recorded_by_id",
    "ward_id",
]


def _weighted(rng, pairs, k):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


def _person(rng):
    return f"{_weighted(rng, FAMILIES, 1)[0]} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"


def _csv_field(value):
    if value is None:
        return ""
    text = str(value)
    if not text or any(c in text for c in ',"\n'):  # unquoted empty would be NULL
        return '"' + text.replace('"', '""') + '"'
    return text


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write(",".join(_csv_field(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def _bench_wards():
    from wards.models import Ward

    wards = list(
        Ward.objects.filter(province__code=PROVINCE_CODE)
        .exclude(code=AVOID_WARD)
        .select_related("province")
        .order_by("code")[:4]
    )
    if len(wards) < 4:
        raise RuntimeError("Cần dữ liệu phường, xã: chạy `manage.py load_divisions` trước.")
    return wards


def _campaigns(wards):
    """The busiest ward's fund, each other ward's fund, and a province campaign."""
    from campaigns.models import Campaign

    def get(name, **unit):
        campaign, _ = Campaign.objects.get_or_create(
            name=name,
            description=MARKER,
            **unit,
            defaults={"starts_on": FIRST_DAY, "kind": Campaign.Kind.FUND},
        )
        return campaign

    own = [get(f"Quỹ Vì người nghèo {ward.name} 2021–2025", ward=ward) for ward in wards]
    province = get(
        f"Cứu trợ thiên tai {wards[0].province.name} 2021–2025", province=wards[0].province
    )
    return own, province


def _plan(wards, own, province, missing):
    """(ward, campaign, count) shares of the missing donations."""
    busiest = int(missing * BUSIEST_SHARE)
    rest = missing - busiest
    shares = [(wards[0], own[0], busiest)]
    slots = [(ward, campaign) for ward, campaign in zip(wards[1:], own[1:], strict=True)]
    slots += [(ward, province) for ward in wards]
    for index, (ward, campaign) in enumerate(slots):
        shares.append((ward, campaign, rest // len(slots) + (index < rest % len(slots))))
    return shares


def _load(wards, own, province, missing, user):
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from campaigns.models import Donation, Household, ReceiptCounter
    from reports.summaries import maintain
    from wards.models import ResidentialArea

    rng = random.Random(20260101)
    now = timezone.now().isoformat()
    # Draw every donation first, then number each ward's receipts by date, year by year.
    drafts = defaultdict(list)  # ward -> [(day, campaign_id, fields...)]
    for ward, campaign, count in _plan(wards, own, province, missing):
        kinds = _weighted(
            rng,
            [("individual", 82), ("organisation", 8), ("collective", 5), ("anonymous", 5)],
            count,
        )
        amounts = _weighted(rng, AMOUNTS, count)
        place = ward.short_name
        for kind, amount in zip(kinds, amounts, strict=True):
            day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
            name, publish = "", kind != "anonymous"
            if kind == "individual":
                name, publish = _person(rng), rng.random() > 0.03
            elif kind == "organisation":
                name = rng.choice(ORGANISATIONS).format(place)
            elif kind == "collective":
                name = rng.choice(COLLECTIVES).format(place)
            bank = rng.random() < 0.4
            in_kind = not bank and rng.random() < 0.05
            drafts[ward].append(
                (
                    day,
                    kind,
                    name,
                    f"Khóm {rng.randrange(1, 12)}, {ward.name}" if kind == "individual" else "",
                    publish,
                    "in_kind" if in_kind else "cash",
                    "bank" if bank else ("other" if in_kind else "cash"),
                    f"FT{rng.randrange(10**10):010d}" if bank else "",
                    amount,
                    "Gạo" if in_kind else "",
                    amount // 20_000 if in_kind else None,
                    "kg" if in_kind else "",
                    campaign.pk,
                )
            )
    with transaction.atomic(), connection.cursor() as cursor:
        for ward, rows in drafts.items():
            rows.sort(key=lambda row: row[0])
            by_year = defaultdict(list)
            for row in rows:
                by_year[row[0].year].append(row)
            copied = []
            for year, year_rows in by_year.items():
                ReceiptCounter.objects.get_or_create(ward=ward, year=year)
                counter = ReceiptCounter.objects.select_for_update().get(ward=ward, year=year)
                used = Donation.objects.filter(ward=ward, receipt_year=year).aggregate(
                    last=Max("receipt_number")
                )["last"]
                last = max(counter.last_number, used or 0)
                for number, row in enumerate(year_rows, start=last + 1):
                    day, kind, name, address, publish, form, channel, bank, amount = row[:9]
                    goods, quantity, unit, campaign_id = row[9:]
                    copied.append(
                        (year, number, day, kind, name, address, publish, form, channel, bank)
                        + (amount, goods, quantity, unit, "", now, campaign_id, user.pk, ward.pk)
                    )
                counter.last_number = last + len(year_rows)
                counter.save(update_fields=["last_number"])
            _copy(cursor, "campaigns_donation", DONATION_COLUMNS, copied)
        # About one receipt in five hundred was a mistake, reversed.
        loaded = list(
            Donation.objects.filter(campaign__description=MARKER, reversal__isnull=True)
            .order_by("?")
            .values_list("pk", "received_on")[: missing // 500]
        )
        _copy(
            cursor,
            "campaigns_donationreversal",
            ["reason", "reversed_on", "recorded_at", "donation_id", "reversed_by_id"],
            [
                ("Ghi trùng biên nhận", day + datetime.timedelta(days=3), now, pk, user.pk)
                for pk, day in loaded
            ],
        )
        # Payments: to households (masked on the public page) and to stated purposes.
        for ward, campaign in [*zip(wards, own, strict=True), *((w, province) for w in wards)]:
            areas = list(ResidentialArea.objects.filter(ward=ward)) or [None]
            households = Household.objects.bulk_create(
                Household(
                    ward=ward,
                    head_name=_person(rng),
                    id_number=f"{rng.randrange(10**12):012d}",
                    area=rng.choice(areas),
                    category=rng.choice(["poor", "near_poor", "hardship", "policy"]),
                )
                for _ in range(100)
            )
            count = 2_000 if campaign == own[0] else 200
            payments = []
            for index in range(count):
                household = rng.choice(households) if rng.random() < 0.7 else None
                payments.append(
                    (
                        rng.choice(["build", "repair", "tet_gift", "illness", "scholarship"]),
                        "" if household else "Hỗ trợ hộ khó khăn theo danh sách",
                        rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000]),
                        f"{index + 1}/QĐ-MTTQ",
                        FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS)),
                        now,
                        campaign.pk,
                        user.pk,
                        ward.pk,
                        household.pk if household else None,
                    )
                )
            _copy(
                cursor,
                "campaigns_disbursement",
                [
                    "purpose",
                    "description",
                    "amount",
                    "decision_reference",
                    "paid_on",
                    "recorded_at",
                    "campaign_id",
                    "recorded_by_id",
                    "ward_id",
                    "household_id",
                ],
                payments,
            )
    # Bulk inserts send no signals: the dashboards' summary rows are rebuilt once.
    maintain.rebuild(ward_ids=[ward.pk for ward in wards])
    with connection.cursor() as cursor:
        for table in ("campaigns_donation", "campaigns_donationreversal", "campaigns_disbursement"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _bench_user():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench.congkhai", defaults={"first_name": "Đo", "last_name": "Hiệu năng"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def ensure_data():
    """At least TARGET_DONATIONS donations in this module's campaigns; loads what is missing."""
    from django.db import connection

    from campaigns.models import Donation

    wards = _bench_wards()
    own, province = _campaigns(wards)
    present = Donation.objects.filter(campaign__description=MARKER).count()
    if present >= TARGET_DONATIONS:
        # Statistics of the search indexes' expressions, which creating an index does not take.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE campaigns_donation")
    else:
        started = time.perf_counter()
        _load(wards, own, province, TARGET_DONATIONS - present, _bench_user())
        print(
            f"disclosure: loaded {TARGET_DONATIONS - present} donations "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return wards[0], own[0]


def run():
    """Load if needed, then measure; returns result dicts for bench/results.json."""
    import dataclasses

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench import harness
    from campaigns.public import selectors as public
    from campaigns.public.views import DisclosureSearchForm

    ward, campaign = ensure_data()
    client = Client()
    url = reverse("campaigns:public_fund", args=[ward.code, campaign.pk])
    search = DisclosureSearchForm(SEARCH).search()
    totals = public.disclosure_totals(campaign, ward, search)
    first = public.disclosure_page(campaign, ward, search, totals=totals)
    second = {**SEARCH, "sau": first.older_cursor, "trang": "2"}
    # Halfway down the unfiltered statement: keyset pages cost the same at any depth.
    middle = public.disclosure_page(
        campaign, ward, dataclasses.replace(search, query="", date_to=MIDDLE_DAY, kind="")
    )
    deep = {"sau": middle.older_cursor}
    rows = campaign.donations.filter(ward=ward).count()

    def get(params, target=url):
        def request():
            response = client.get(target, params)
            assert response.status_code == 200, (target, response.status_code)

        return request

    search_result = harness.measure(
        "disclosure_search", get(SEARCH), n=40, rows=rows, matches=totals.rows
    )
    # Floor: the search's totals (its aggregate queries) alone, as PostgreSQL runs them.
    with CaptureQueriesContext(connection) as captured:
        public.disclosure_totals(campaign, ward, search)
    floor = round(sum(_time_sql(query["sql"]) for query in captured.captured_queries), 2)
    search_result["floor_ms"] = floor
    search_result["ratio_to_floor"] = round(search_result["p50_ms"] / floor, 2)
    return [
        search_result,
        harness.measure("disclosure_page", get(second), n=40, rows=rows, matches=totals.rows),
        harness.measure("disclosure_page_deep", get(deep), n=30, rows=rows),
        harness.measure(
            "disclosure_ward",
            get({}, reverse("campaigns:public_ward", args=[ward.code])),
            n=30,
            rows=rows,
        ),
    ]


def _time_sql(sql, n=15):
    """Median time of one SQL statement run directly on the connection."""
    import statistics

    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for _ in range(n):
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def dataset():
    """Counts for results.json's "dataset"."""
    from campaigns.models import Disbursement, Donation

    return {"donations": Donation.objects.count(), "disbursements": Disbursement.objects.count()}
