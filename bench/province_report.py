"""Province report benchmark: the PDF of a province's year report over 100+ communes.

`measure()` (after harness.configure_django()) builds, on the first run, a province of
COMMUNES communes (marked by its name) with a year of approved monthly figures of the whole
catalogue, membership records, and a drive of the province's committee with cash and goods
received and allocated to every commune (some paid out by the communes); then the province's
year report through the service (the default outline: figure blocks computed from those rows,
and a paragraph in every section). It returns one entry for bench/results.json, measured as
term_report_pdf is (bench/documents.pdf_against_floor):

- province_report_pdf: median of the full renders (print HTML + WeasyPrint), the floor (bare
  WeasyPrint on the same HTML, alternated in the same run) and `ratio_to_floor` (target
  ≤ 1.15), pages, and the number of communes.

Alone: `python bench/province_report.py [--write]` on its own database
(mttq_bench_province_report, or DATABASE_URL), built on the first run.
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COMMUNES = 110
MARKER = "(bản đo báo cáo tỉnh)"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mttq_bench_province_report"
RENDERS = 7
M = 1_000_000


def _year() -> int:
    return datetime.date.today().year - 1


def _author():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.filter(
        username="bench.baocaotinh"
    ).first() or User.objects.create_superuser("bench.baocaotinh", password="bench-" + "x" * 20)


def _province(communes: int):
    """The marked province with its communes, figures, memberships and drive (bulk_create)."""
    from django.db import connection

    from bench.province_summary import _free_code, approved_months
    from campaigns import services as campaign_services
    from campaigns.models import Allocation, Campaign, Disbursement, Donation
    from reports import periods
    from wards.models import MassOrganisation, Membership, Province, Ward

    name = f"Tỉnh Đo Báo Cáo {MARKER}"
    existing = Province.objects.filter(name=name).first()
    if existing:
        return existing
    year, author = _year(), _author()
    code = _free_code(set(Province.objects.values_list("code", flat=True)))
    province = Province.objects.create(code=code, name=name, kind=Province.Kind.PROVINCE)
    taken = set(Ward.objects.values_list("code", flat=True))
    codes = (f"{n:05d}" for n in range(99_999, 0, -1) if f"{n:05d}" not in taken)
    Ward.objects.bulk_create(
        Ward(code=next(codes), name=f"Xã Đo Số {i + 1}", kind=Ward.Kind.COMMUNE, province=province)
        for i in range(communes)
    )
    wards = list(Ward.objects.filter(province=province).order_by("pk"))
    months = [periods.month_start(year, month) for month in range(1, 13)]
    approved_months(wards, months)
    organisations = list(MassOrganisation.objects.filter(is_active=True))
    Membership.objects.bulk_create(
        Membership(
            ward=ward,
            organisation=organisation,
            members=800 + (i * 37 + k * 11) % 400,
            eligible=1300 + (i * 13) % 200,
            as_of=as_of,
        )
        for i, ward in enumerate(wards)
        for k, organisation in enumerate(organisations)
        for as_of in (datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    )

    drive = Campaign.objects.create(
        name=f"Cứu trợ đồng bào bị thiệt hại do bão lũ năm {year}",
        province=province,
        kind=Campaign.Kind.FUND,
        fund=Campaign.Fund.DISASTER,
        starts_on=datetime.date(year, 1, 1),
    )
    for month, amount in ((3, 9_000 * M), (4, 4_500 * M)):
        campaign_services.donation_record(
            campaign=drive,
            province=province,
            user=author,
            received_on=datetime.date(year, month, 5),
            donor_kind="anonymous",
            amount=amount,
        )
    campaign_services.donation_record(
        campaign=drive,
        province=province,
        user=author,
        received_on=datetime.date(year, 3, 8),
        donor_kind="anonymous",
        form=Donation.Form.IN_KIND,
        amount=600 * M,
        in_kind_description="Mì tôm",
        in_kind_quantity=20_000,
        in_kind_unit="thùng",
    )
    allocations = []
    for i, ward in enumerate(wards):
        decided = datetime.date(year, 4 + i % 6, 1 + i % 27)
        allocations.append(
            Allocation(
                campaign=drive,
                ward=ward,
                form=Allocation.Form.CASH,
                amount=(50 + i % 40) * M,
                decision_number=f"{i + 1}/QĐ-MTTQ",
                decision_date=decided,
                purpose="Hỗ trợ hộ bị thiệt hại do bão lũ",
                recorded_by=author,
                confirmed_on=decided + datetime.timedelta(days=3) if i % 5 else None,
                confirmed_by=author if i % 5 else None,
            )
        )
        if i % 3 == 0:
            allocations.append(
                Allocation(
                    campaign=drive,
                    ward=ward,
                    form=Allocation.Form.IN_KIND,
                    amount=15 * M,
                    in_kind_description="Mì tôm",
                    in_kind_quantity=500,
                    in_kind_unit="thùng",
                    decision_number=f"{i + 1}b/QĐ-MTTQ",
                    decision_date=decided,
                    purpose="Hỗ trợ hộ bị thiệt hại do bão lũ",
                    recorded_by=author,
                    confirmed_on=decided + datetime.timedelta(days=3),
                    confirmed_by=author,
                )
            )
    Allocation.objects.bulk_create(allocations)
    Disbursement.objects.bulk_create(
        Disbursement(
            campaign=drive,
            ward=ward,
            purpose=Disbursement.Purpose.DISASTER,
            description="Hỗ trợ các hộ bị thiệt hại",
            amount=20 * M,
            decision_reference=f"Số {i + 1}/QĐ-UBMTTQ",
            paid_on=datetime.date(year, 11, 10),
            recorded_by=author,
        )
        for i, ward in enumerate(wards)
        if i % 5
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics for the rows just loaded
            cursor.execute("ANALYZE")
    return province


def year_report(province):
    """The province's year report (made on first use) with a paragraph in every section."""
    from django.db import transaction

    from bench.documents import _SENTENCES
    from reports.documents import services
    from reports.documents.models import Block, Document

    year = _year()
    found = Document.objects.filter(province=province, kind=Document.Kind.YEAR).first()
    if found:
        return found
    with transaction.atomic():
        document = services.document_create(
            province=province,
            kind=Document.Kind.YEAR,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
            user=_author(),
        )
        blocks = []
        for position, section in enumerate(document.sections.all()):
            paragraphs = "".join(
                "<p>"
                + " ".join(_SENTENCES[(position + n + k) % len(_SENTENCES)] for k in range(3))
                + "</p>"
                for n in range(2)
            )
            blocks.append(
                Block(section=section, position=100, kind=Block.Kind.TEXT, text=paragraphs)
            )
        Block.objects.bulk_create(blocks)
    return document


def measure() -> list[dict]:
    from bench.documents import pdf_against_floor

    province = _province(COMMUNES)
    document = year_report(province)
    entry = pdf_against_floor("province_report_pdf", document, renders=RENDERS)
    entry["communes"] = province.wards.count()
    entry["allocations"] = document.province.campaigns.get().allocations.count()
    return [entry]


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
