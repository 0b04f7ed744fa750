"""export_ward / import_ward: one ward's data out, into an empty database, and out again."""

import datetime
import io
import json
import shutil

import openpyxl
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from campaigns import services as campaign_services
from campaigns.allocations import services as allocation_services
from campaigns.models import Campaign, Disbursement, Donation, House, Household, HousePhoto
from portability.archive import DERIVED, NOT_WARD_DATA, TABLES
from reports.models import (
    AreaValue,
    Indicator,
    IndicatorValue,
    MonthlyReport,
    RatingCategory,
    RatingValue,
    ReportEvent,
    ValidationRule,
    WarningExplanation,
)
from reports.summaries import maintain
from tests import factories
from wards.models import Province, Ward


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def ward(world, settings, tmp_path, monkeypatch):
    """The demo ward (two years of reports, funds, houses, a term report) and what the demo
    leaves out: a house photo, state support, area figures, a warning explanation."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # The summary rows (derived, never exported) are rebuilt once from the seeded rows rather
    # than refreshed after each of the demo's thousand saves: most of this fixture's time.
    with monkeypatch.context() as paused:
        paused.setattr(maintain, "refresh", lambda *args, **kwargs: None)
        call_command("seed_demo", stdout=io.StringIO())
    maintain.rebuild()
    ward = world.ward_x
    officer = world.users["ward_officer"]
    house = House.objects.filter(ward=ward).first()
    photo = HousePhoto(house=house, caption="Lễ bàn giao")
    photo.image.save("ban-giao.png", ContentFile(png()))
    household = Household.objects.filter(ward=ward).first()
    campaign_services.government_support_record(
        ward=ward,
        user=officer,
        household=household,
        programme="Nghị quyết 42/NQ-CP",
        amount=1_500_000,
        paid_on=datetime.date(2026, 2, 3),
    )
    # What the province's drive gave the ward: one allocation confirmed, one reversed.
    drive = factories.province_drive(province_obj=ward.province, name="Cứu trợ bão (thử)")
    factories.donation(fund_obj=drive, user=world.users["admin"], amount=9_000_000)
    factories.allocation(
        drive=drive,
        ward_obj=ward,
        user=world.users["admin"],
        amount=4_000_000,
        confirmed_on=datetime.date(2026, 4, 3),
        confirmed_by=officer,
    )
    mistaken = factories.allocation(
        drive=drive, ward_obj=ward, user=world.users["admin"], amount=1_000_000
    )
    allocation_services.allocation_reverse(
        allocation=mistaken,
        user=world.users["admin"],
        reason="Nhầm phường",
        on=datetime.date(2026, 4, 4),
    )
    report = MonthlyReport.objects.filter(ward=ward).first()
    AreaValue.objects.create(
        report=report,
        indicator=Indicator.objects.first(),
        area=ward.residential_areas.first(),
        value=12,
    )
    # A rating count (xếp loại), its history kept.
    RatingValue.objects.create(report=report, category=RatingCategory.objects.first(), value=3)
    WarningExplanation.objects.create(
        report=report, rule=ValidationRule.objects.first(), text="Số liệu đã kiểm tra lại."
    )
    ReportEvent.objects.create(report=report, action="return", actor=officer, comment="Bổ sung")
    corrected = IndicatorValue.objects.filter(report=report).first()
    corrected.value += 1
    corrected.save()  # kept in the value's history
    # A donor name a spreadsheet would run as a formula.
    fund = Campaign.objects.filter(ward=ward, kind=Campaign.Kind.FUND).first()
    factories.donation(
        fund_obj=fund,
        user=officer,
        received_on=datetime.date(2026, 2, 4),
        donor_kind="individual",
        donor_name="=HYPERLINK(1)",
        amount=200_000,
    )
    # A bank statement of the fund's account: one line recorded as a donation, one waiting
    # with the pledge code a donor took from the fund's page.
    pledge = factories.pledge(fund_obj=fund, amount=300_000)
    statement = factories.bank_statement(ward_obj=ward, user=officer, closing_balance=500_000)
    by_transfer = factories.donation(
        fund_obj=fund, user=officer, received_on=datetime.date(2026, 3, 2), amount=200_000
    )
    factories.statement_line(statement=statement, amount=200_000, donation=by_transfer)
    factories.statement_line(
        statement=statement, amount=300_000, campaign=fund, pledge=pledge, problem="Chờ cán bộ"
    )
    # Another ward of the same province, which must stay out of the export.
    other = factories.fund(ward_obj=world.ward_y, name="Quỹ phường khác")
    factories.donation(
        fund_obj=other,
        user=world.users["admin"],
        received_on=datetime.date(2026, 1, 9),
        donor_kind="individual",
        donor_name="Trần Thị Phường Bên",
        amount=900_000,
    )
    return ward


def empty_database():
    """Empty every table, as in a new database (checking first the test's pending writes, which
    PostgreSQL would otherwise refuse to truncate under)."""
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)


def export(code, directory):
    call_command("export_ward", code, "-o", str(directory), stdout=io.StringIO())
    return (
        json.loads((directory / "ward.json").read_text(encoding="utf-8")),
        json.loads((directory / "manifest.json").read_text(encoding="utf-8")),
    )


def test_round_trip_through_an_empty_database_gives_the_same_export(ward, world, tmp_path):
    first, first_manifest = export(ward.code, tmp_path / "a")
    photo_name = HousePhoto.objects.get().image.name

    empty_database()
    shutil.rmtree(tmp_path / "media")
    assert not Ward.objects.exists()
    output = io.StringIO()
    call_command("import_ward", str(tmp_path / "a"), stdout=output)
    second, second_manifest = export(ward.code, tmp_path / "b")

    assert "Đã nhập Phường Mỹ Thới" in output.getvalue()
    assert second == first
    assert second_manifest["counts"] == first_manifest["counts"]
    assert second_manifest["figures"] == first_manifest["figures"]
    assert default_storage.open(photo_name).read() == png()
    # Every kind of the ward's data made the trip.
    counts = first_manifest["counts"]
    empty = [label for label, count in counts.items() if count == 0]
    assert empty == []
    assert first_manifest["figures"]["donations_amount"] > 0
    assert first_manifest["figures"]["reversed_amount"] > 0
    # Officers keep their roles; nobody arrives with a usable password.
    officer = apps.get_model("auth", "User").objects.get(username=world.users["ward_officer"])
    assert officer.role_assignment.ward.code == ward.code
    assert not officer.has_usable_password()


def test_the_export_holds_this_ward_only_and_no_password(ward, tmp_path):
    objects, manifest = export(ward.code, tmp_path / "a")
    text = (tmp_path / "a" / "ward.json").read_text(encoding="utf-8")

    assert "Trần Thị Phường Bên" not in text
    assert "Quỹ phường khác" not in text
    assert '"password"' not in text
    wards = [o["fields"]["code"] for o in objects if o["model"] == "wards.ward"]
    assert wards == [ward.code]
    assert manifest["figures"]["donations"] == Donation.objects.filter(ward=ward).count()
    # Cash and goods' money equivalents apart (the demo hands out rice, not valued).
    assert manifest["figures"]["disbursed_amount"] == sum(
        Disbursement.objects.filter(ward=ward, form="cash").values_list("amount", flat=True)
    )
    assert manifest["figures"]["donations_in_kind_value"] == sum(
        amount or 0
        for amount in Donation.objects.filter(ward=ward, form="in_kind").values_list(
            "amount", flat=True
        )
    )


def test_the_workbook_has_a_sheet_per_table_with_vietnamese_headers(ward, tmp_path):
    export(ward.code, tmp_path / "a")

    workbook = openpyxl.load_workbook(tmp_path / "a" / f"{ward.code}.xlsx")

    assert len(workbook.sheetnames) == len(TABLES) + 1  # and the users
    assert {"Người dùng", "Khoản ủng hộ", "Báo cáo tháng", "Lịch sử số liệu"} <= set(
        workbook.sheetnames
    )
    donations = list(workbook["Khoản ủng hộ"].values)
    assert {"Số biên nhận", "Tên người, đơn vị ủng hộ", "Người ghi"} <= set(donations[0])
    assert "'=HYPERLINK(1)" in {cell for row in donations for cell in row}
    for sheet in workbook:
        headers = next(sheet.values)
        assert not [h for h in headers if "_" in h or h[0].islower()], sheet.title


def test_importing_a_ward_that_already_has_data_is_refused(world, tmp_path):
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo")
    factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        received_on=datetime.date(2026, 1, 9),
        amount=100_000,
    )
    export(world.ward_x.code, tmp_path / "a")

    with pytest.raises(CommandError, match="Phường Mỹ Thới đã có dữ liệu"):
        call_command("import_ward", str(tmp_path / "a"))
    assert Donation.objects.count() == 1


def test_rows_whose_ids_are_taken_get_new_ids_and_their_references_follow(ward, tmp_path):
    _, manifest = export(ward.code, tmp_path / "a")
    households = list(Household.objects.filter(ward=ward).values_list("pk", flat=True))
    empty_database()
    # This database already has its own province, ward and households under those ids.
    elsewhere = factories.ward(province_obj=factories.province(code="01"), code="00004")
    for pk in households:
        Household.objects.create(pk=pk, ward=elsewhere, head_name="Hộ nơi khác", category="poor")

    call_command("import_ward", str(tmp_path / "a"), stdout=io.StringIO())

    imported = Ward.objects.get(code=ward.code)
    assert Province.objects.count() == 2
    assert not Household.objects.filter(pk__in=households, ward=imported).exists()
    assert Household.objects.filter(ward=imported).count() == len(households)
    assert Household.objects.filter(ward=elsewhere).count() == len(households)
    disbursed = Disbursement.objects.filter(ward=imported, household__isnull=False)
    assert disbursed.exists()
    assert not disbursed.exclude(household__ward=imported).exists()
    _, again = export(ward.code, tmp_path / "b")
    assert again["figures"] == manifest["figures"]


def test_every_table_of_the_portal_is_exported_or_derived():
    exported = {model._meta.label_lower for model, _ in TABLES}
    portal = {
        model._meta.label_lower
        for app in ("wards", "campaigns", "reports")
        for model in apps.get_app_config(app).get_models()
    }

    assert portal - exported - DERIVED - NOT_WARD_DATA == set()


def test_exporting_an_unknown_ward_or_into_a_used_directory_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="Không có phường, xã mã 99999"):
        call_command("export_ward", "99999", "-o", str(tmp_path / "x"))
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "note.txt").write_text("x")
    with pytest.raises(CommandError, match="đã có tệp"):
        call_command("export_ward", world.ward_x.code, "-o", str(tmp_path / "used"))
