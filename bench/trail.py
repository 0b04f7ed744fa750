"""Follow the money benchmark: a province drive's public trail (issue 14, point 4).

`run()` (called from bench/run.py after harness.configure_django() and migrate) makes sure the
bench database holds one province drive given to 100 communes of the largest province, with
10.000 household payments (100 a commune) and 500 houses, loaded once with bulk inserts, then
measures the drive page (`province_drive_trail`, target p95 ≤ 150 ms), one commune's step
(`province_drive_trail_commune`) and a donor following a gift (`province_drive_trail_gift`).

On its own, in its own database (the other benchmarks' data are not needed):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mttq_bench_trail \
        .venv/bin/python bench/trail.py [--write]
"""

import datetime
import sys
import time
from decimal import Decimal
from pathlib import Path

MARKER = "bench.trail"  # in Campaign.description: the drive this module loads
COMMUNES = 100
PAYMENTS_PER_COMMUNE = 100
HOUSES_PER_COMMUNE = 5
PROVINCE_DONATIONS = 2_000
YEAR = 2024
FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
MIDDLES = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu"]
GIVENS = ["An", "Bình", "Cúc", "Dũng", "Hà", "Hải", "Lan", "Long", "Mai", "Nam", "Sơn", "Tâm"]


def _user():
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username="bench.dongtien", defaults={"first_name": "Đo", "last_name": "Hiệu năng"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _name(n: int) -> str:
    return f"{FAMILIES[n % 8]} {MIDDLES[n // 8 % 6]} {GIVENS[n // 48 % 12]}"


def ensure_data():
    """The drive and its communes: loaded once (about 10 s), found afterwards."""
    from django.db import transaction
    from django.db.models import Count

    from campaigns.models import (
        Allocation,
        AllocationReversal,
        Campaign,
        Disbursement,
        Donation,
        House,
        Household,
        ReceiptCounter,
    )
    from wards.models import Province, ResidentialArea

    drive = Campaign.objects.filter(description=MARKER).select_related("province").first()
    if drive is not None:
        return drive
    started = time.perf_counter()
    province = Province.objects.annotate(n=Count("wards")).order_by("-n", "code").first()
    wards = list(province.wards.order_by("code")[:COMMUNES])
    assert len(wards) == COMMUNES, f"{province} has fewer than {COMMUNES} communes"
    user = _user()
    day = datetime.date
    with transaction.atomic():
        drive = Campaign.objects.create(
            name="Cứu trợ đồng bào bị thiệt hại do bão số 3 năm 2024",
            kind=Campaign.Kind.FUND,
            fund=Campaign.Fund.DISASTER,
            province=province,
            starts_on=day(YEAR, 9, 8),
            description=MARKER,
        )
        counter, _ = ReceiptCounter.objects.get_or_create(province=province, year=YEAR)
        first = counter.last_number + 1
        donations = [
            Donation(
                campaign=drive,
                province=province,
                receipt_year=YEAR,
                receipt_number=first + n,
                received_on=day(YEAR, 9, 10) + datetime.timedelta(days=n % 60),
                donor_kind=Donation.DonorKind.INDIVIDUAL,
                donor_name=_name(n),
                publish_name=n % 5 != 0,
                form=Donation.Form.CASH,
                channel=Donation.Channel.BANK,
                amount=(n % 20 + 1) * 5_000_000,
                recorded_by=user,
            )
            for n in range(PROVINCE_DONATIONS)
        ]
        donations.append(
            Donation(
                campaign=drive,
                province=province,
                receipt_year=YEAR,
                receipt_number=first + PROVINCE_DONATIONS,
                received_on=day(YEAR, 9, 12),
                donor_kind=Donation.DonorKind.ORGANISATION,
                donor_name="Công ty Cổ phần Lương thực Miền Tây",
                form=Donation.Form.IN_KIND,
                channel=Donation.Channel.OTHER,
                in_kind_description="Gạo",
                in_kind_quantity=Decimal(200_000),
                in_kind_unit="kg",
                amount=3_000_000_000,
                recorded_by=user,
            )
        )
        Donation.objects.bulk_create(donations, batch_size=2000)
        counter.last_number = first + PROVINCE_DONATIONS
        counter.save()
        received = sum(d.amount for d in donations if d.form == Donation.Form.CASH)
        per_commune = received * 8 // 10 // COMMUNES // 1000 * 1000
        allocations = []
        for index, ward in enumerate(wards):
            common = {
                "campaign": drive,
                "ward": ward,
                "decision_date": day(YEAR, 10, 1),
                "purpose": "Hỗ trợ hộ bị thiệt hại do bão số 3",
                "recorded_by": user,
            }
            confirmed = (
                {"confirmed_on": day(YEAR, 10, 5), "confirmed_by": user} if index % 10 else {}
            )
            allocations += [
                Allocation(
                    form=Allocation.Form.CASH,
                    amount=per_commune,
                    decision_number="125/QĐ-MTTQ",
                    **common,
                    **confirmed,
                ),
                Allocation(
                    form=Allocation.Form.IN_KIND,
                    in_kind_description="Gạo",
                    in_kind_quantity=Decimal(1_500),
                    in_kind_unit="kg",
                    decision_number="125/QĐ-MTTQ",
                    **common,
                    **confirmed,
                ),
            ]
            if index % 25 == 0:  # a decision corrected later
                allocations.append(
                    Allocation(
                        form=Allocation.Form.CASH,
                        amount=per_commune,
                        decision_number="131/QĐ-MTTQ",
                        **common,
                    )
                )
        Allocation.objects.bulk_create(allocations)
        AllocationReversal.objects.bulk_create(
            AllocationReversal(
                allocation=allocation,
                reason="Phân bổ trùng",
                reversed_by=user,
                reversed_on=day(YEAR, 10, 3),
            )
            for allocation in Allocation.objects.filter(
                campaign=drive, decision_number="131/QĐ-MTTQ"
            )
        )
        areas = {
            ward.pk: ResidentialArea.objects.filter(ward=ward).first() or None for ward in wards
        }
        households = [
            Household(
                ward=ward,
                head_name=_name(index * PAYMENTS_PER_COMMUNE + n),
                area=areas[ward.pk],
                category=Household.Category.POOR,
            )
            for index, ward in enumerate(wards)
            for n in range(PAYMENTS_PER_COMMUNE)
        ]
        Household.objects.bulk_create(households, batch_size=2000)
        share = per_commune // PAYMENTS_PER_COMMUNE // 1000 * 1000
        Disbursement.objects.bulk_create(
            (
                Disbursement(
                    campaign=drive,
                    ward=household.ward,
                    household=household,
                    purpose=Disbursement.Purpose.DISASTER,
                    amount=share,
                    decision_reference=f"{n % 7 + 20}/QĐ-UBMTTQ",
                    paid_on=day(YEAR, 10, 10) + datetime.timedelta(days=n % 40),
                    recorded_by=user,
                )
                for n, household in enumerate(households)
            ),
            batch_size=2000,
        )
        House.objects.bulk_create(
            House(
                ward=household.ward,
                household=household,
                campaign=drive,
                kind=House.Kind.REPAIR,
                started_on=day(YEAR, 11, 1),
                handed_over_on=day(YEAR, 12, 20) if n % 2 else None,
                from_fund=share,
            )
            for n, household in enumerate(households)
            if n % PAYMENTS_PER_COMMUNE < HOUSES_PER_COMMUNE
        )
    print(f"trail: loaded the drive in {time.perf_counter() - started:.1f} s")
    return Campaign.objects.select_related("province").get(pk=drive.pk)


def run():
    """Load if needed, then measure; returns result dicts for bench/results.json."""
    from django.test import Client
    from django.urls import reverse

    from bench import harness
    from campaigns.models import Allocation, Disbursement, Donation

    drive = ensure_data()
    province = drive.province
    commune = (
        Allocation.objects.filter(campaign=drive, confirmed_on__isnull=False)
        .select_related("ward")
        .order_by("ward__code")
        .first()
        .ward
    )
    gift = Donation.objects.filter(campaign=drive, form="cash").order_by("pk").first()
    client = Client()
    drive_url = reverse("campaigns:public_drive", args=[province.code, drive.pk])
    commune_url = reverse(
        "campaigns:public_drive_ward", args=[province.code, drive.pk, commune.code]
    )

    def get(url, params=None):
        def request():
            response = client.get(url, params or {})
            assert response.status_code == 200, (url, response.status_code)

        return request

    communes = Allocation.objects.filter(campaign=drive).values("ward").distinct().count()
    payments = Disbursement.objects.filter(campaign=drive).count()
    size = {"communes": communes, "payments": payments}
    return [
        harness.measure("province_drive_trail", get(drive_url), n=40, **size),
        harness.measure(
            "province_drive_trail_commune",
            get(commune_url),
            n=40,
            payments_at_commune=Disbursement.objects.filter(campaign=drive, ward=commune).count(),
            **size,
        ),
        harness.measure(
            "province_drive_trail_gift",
            get(drive_url, {"bien_nhan": gift.receipt_label}),
            n=40,
            **size,
        ),
    ]


def dataset():
    from campaigns.models import Allocation

    return {"allocations": Allocation.objects.count()}


def main(argv):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import harness

    harness.configure_django()
    from django.core.management import call_command

    from wards.models import Ward

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    if not Ward.objects.exists():
        call_command("load_divisions", verbosity=0)
    results = run()
    for entry in results:
        print(
            f"{entry['name']:<30} p50 {entry['p50_ms']:>8} ms  p95 {entry['p95_ms']:>8} ms"
            f"  queries {entry['queries']}"
        )
    if "--write" in argv:
        harness.write_results(results, dataset())
        print(f"→ {harness.RESULTS_PATH}")


if __name__ == "__main__":
    main(sys.argv)
