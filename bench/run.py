"""`make bench`: measure the portal's pages on PostgreSQL and write bench/results.json.

`python bench/run.py monthly_entry_save …` measures only the results named (the demo
database's pages, not the disclosure, trail, document or national ones) and merges them."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

harness.configure_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench import disclosure, documents, phone, trail  # noqa: E402
from campaigns.models import Campaign  # noqa: E402
from reports import periods  # noqa: E402
from reports.models import IndicatorValue, MonthlyReport  # noqa: E402
from reports.summaries import maintain  # noqa: E402
from wards.demo import DEMO_WARD_CODE  # noqa: E402
from wards.models import Province, ResidentialArea, Ward  # noqa: E402


def prepare():
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)


def logged_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def main():
    prepare()
    officer = logged_in("canbo.mythoi")
    admin = logged_in("quantri")
    largest = Province.objects.annotate(n=Count("wards")).order_by("-n").first()

    def get(client, url):
        def request():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    # The entry page of the demo ward's newest month: two years of history behind it.
    draft = MonthlyReport.objects.filter(ward__code=DEMO_WARD_CODE).latest("period")
    MonthlyReport.objects.filter(pk=draft.pk).update(status=MonthlyReport.Status.DRAFT)
    maintain.refresh([(draft.ward_id, draft.period)])
    entry_url = reverse(
        "reports:entry", args=[DEMO_WARD_CODE, draft.period.year, draft.period.month]
    )
    history_months = MonthlyReport.objects.filter(
        ward__code=DEMO_WARD_CODE, period__gte=periods.add_months(draft.period, -23)
    ).count()
    saves = iter(range(10**6))
    # The page posts the version it showed (a POST without one is a conflict); each save
    # moves the report one version on.
    versions = iter(range(MonthlyReport.objects.get(pk=draft.pk).version, 10**7))

    def save_entry():
        # Each save changes two figures, so every request really writes (with history).
        n = next(saves)
        response = officer.post(
            entry_url,
            {
                "version": next(versions),
                "v_TT_BUOI": str(3 + n % 5),
                "v_TT_LUOT": str(500 + n),
                "action": "save",
            },
        )
        assert response.status_code == 302, response.status_code

    demo_fund = Campaign.objects.get(
        ward__code=DEMO_WARD_CODE, kind=Campaign.Kind.FUND, status=Campaign.Status.ACTIVE
    )
    demo_donation = demo_fund.donations.latest("pk")

    only = set(sys.argv[1:])  # names of the results to measure (default: all of them)

    def measure(name, *args, **extra):
        return harness.measure(name, *args, **extra) if not only or name in only else None

    results = [
        entry
        for entry in [
            measure("monthly_entry_open", get(officer, entry_url), months=history_months),
            measure("monthly_entry_save", save_entry, months=history_months),
            measure("home_ward_officer", get(officer, reverse("home"))),
            measure("ward_page", get(officer, reverse("wards:detail", args=[DEMO_WARD_CODE]))),
            measure(
                "province_ward_list",
                get(admin, reverse("wards:province", args=[largest.code])),
                wards=largest.wards.count(),
            ),
            measure("national_province_list", get(admin, reverse("home"))),
            measure(
                "ward_dashboard",
                get(officer, reverse("reports:dashboard_ward", args=[DEMO_WARD_CODE])),
            ),
            measure(
                "province_dashboard",
                get(admin, reverse("reports:dashboard_province", args=[largest.code])),
                wards=largest.wards.count(),
            ),
            measure("national_overview", get(admin, reverse("reports:dashboard_national"))),
            measure(
                "receipt_pdf",
                get(
                    officer,
                    reverse("campaigns:receipt_pdf", args=[DEMO_WARD_CODE, demo_donation.pk]),
                ),
            ),
            measure(
                "fund_ledger_year",
                get(officer, reverse("campaigns:ledger", args=[DEMO_WARD_CODE, demo_fund.pk])),
                donations=demo_fund.donations.count(),
            ),
            *(disclosure.run() if not only else []),
            *(trail.run() if not only else []),
            *(documents.measure() if not only else []),
            *(phone.run() if not only else []),
        ]
        if entry
    ]
    payload = harness.write_results(
        results,
        {}
        if only
        else {
            "provinces": Province.objects.count(),
            "wards": Ward.objects.count(),
            "residential_areas": ResidentialArea.objects.count(),
            "indicator_values": IndicatorValue.objects.count(),
            **disclosure.dataset(),
            **trail.dataset(),
        },
    )
    measured = {entry["name"] for entry in results}
    for entry in payload["results"]:
        if entry["name"] in measured:
            print(
                f"{entry['name']:<28} p50 {entry['p50_ms']:>8} ms  p95 {entry['p95_ms']:>8} ms"
                f"  queries {entry.get('queries', '')}"
            )
    print(f"→ {harness.RESULTS_PATH}")
    # The dashboards again on the national dataset, in its own database (replaces the
    # demo-database ward_dashboard / province_dashboard / national_overview entries).
    if only:
        return
    national = [sys.executable, str(Path(__file__).resolve().parent / "national.py")]
    subprocess.run([*national, "generate"], check=True)
    subprocess.run([*national, "measure", "--write"], check=True)


if __name__ == "__main__":
    main()
