"""`make bench`: measure the portal's pages on PostgreSQL and write bench/results.json."""

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

from wards.demo import DEMO_WARD_CODE, seed_demo  # noqa: E402
from wards.models import Province, ResidentialArea, Ward  # noqa: E402


def prepare():
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    seed_demo()


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

    results = [
        harness.measure("home_ward_officer", get(officer, reverse("home"))),
        harness.measure("ward_page", get(officer, reverse("wards:detail", args=[DEMO_WARD_CODE]))),
        harness.measure(
            "province_ward_list",
            get(admin, reverse("wards:province", args=[largest.code])),
            wards=largest.wards.count(),
        ),
        harness.measure("national_province_list", get(admin, reverse("home"))),
    ]
    payload = harness.write_results(
        results,
        {
            "provinces": Province.objects.count(),
            "wards": Ward.objects.count(),
            "residential_areas": ResidentialArea.objects.count(),
        },
    )
    for entry in payload["results"]:
        print(
            f"{entry['name']:<28} p50 {entry['p50_ms']:>8} ms  p95 {entry['p95_ms']:>8} ms"
            f"  queries {entry['queries']}"
        )
    print(f"→ {harness.RESULTS_PATH}")


if __name__ == "__main__":
    main()
