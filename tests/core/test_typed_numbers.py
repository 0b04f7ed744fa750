"""One way to type a number in every form (issue 12, point 6), through the real pages.

"3.000" is three thousand and "3.500" three thousand five hundred in each form family (wards,
campaigns, monthly reports, documents); a quantity takes the Vietnamese decimal comma ("2,5");
what cannot be read is refused in Vietnamese with what was typed kept in the field.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Donation, Household
from reports.models import MonthlyReport
from tests import factories
from tests.reports.conftest import post_entry
from tests.reports.documents.conftest import frame_form
from wards.models import Membership, ResidentialArea

D = datetime.date


def ward_url(world, name, *args):
    return reverse(name, args=[world.ward_x.code, *args])


@pytest.fixture
def officer(world, login):
    return login(world.users["ward_officer"])


# --- Wards ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_membership_figures_read_thousand_dots(world, officer):
    organisation = world.membership_x.organisation
    response = officer.post(
        ward_url(world, "wards:membership_create"),
        {
            "organisation": organisation.pk,
            "as_of": "30/06/2025",
            "members": "3.000",
            "eligible": "3.500",
        },
    )
    assert response.status_code == 302
    saved = Membership.objects.get(ward=world.ward_x, as_of=D(2025, 6, 30))
    assert (saved.members, saved.eligible) == (3000, 3500)


@pytest.mark.django_db
def test_residential_area_figures_read_thousand_dots(world, officer):
    response = officer.post(
        ward_url(world, "wards:area_create"),
        {"kind": "khom", "name": "Khóm Mới", "households": "3.000", "population": "3.500"},
    )
    assert response.status_code == 302
    area = ResidentialArea.objects.get(name="Khóm Mới")
    assert (area.households, area.population) == (3000, 3500)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["3,5", "3.5", "ba nghìn", "3.00"])
def test_membership_refuses_what_is_not_a_whole_number_and_keeps_it(world, officer, typed):
    response = officer.post(
        ward_url(world, "wards:membership_create"),
        {
            "organisation": world.membership_x.organisation.pk,
            "as_of": "30/06/2025",
            "members": typed,
            "eligible": "3.500",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nhập một số nguyên, ví dụ 3.000" in page
    assert f'value="{typed}"' in page
    assert not Membership.objects.filter(as_of=D(2025, 6, 30)).exists()


# --- Campaigns --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_campaign_targets_read_thousand_dots(world, officer):
    response = officer.post(
        ward_url(world, "campaigns:create"),
        {
            "name": "Xây nhà Đại đoàn kết",
            "kind": "housing",
            "fund": "vnn",
            "starts_on": "01/01/2026",
            "target_amount": "3.500.000.000",
            "target_count": "3.000",
            "target_unit": "căn",
            "status": "active",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Xây nhà Đại đoàn kết")
    assert (campaign.target_amount, campaign.target_count) == (3_500_000_000, 3000)


def _in_kind(quantity):
    return {
        "received_on": "05/03/2026",
        "donor_kind": "anonymous",
        "form": "in_kind",
        "channel": "other",
        "in_kind_value": "3.500.000",
        "in_kind_description": "Gạo",
        "in_kind_quantity": quantity,
        "in_kind_unit": "kg",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "quantity"),
    [("3.000", Decimal(3000)), ("3.500", Decimal(3500)), ("2,5", Decimal("2.5"))],
)
def test_in_kind_quantities_read_dots_and_the_decimal_comma(world, fund, officer, typed, quantity):
    response = officer.post(ward_url(world, "campaigns:donation_create", fund.pk), _in_kind(typed))
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.in_kind_quantity == quantity
    assert donation.amount == 3_500_000


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["2.5", "2,5,0", "1e3"])
def test_an_unreadable_quantity_is_refused_in_vietnamese_and_kept(world, fund, officer, typed):
    response = officer.post(ward_url(world, "campaigns:donation_create", fund.pk), _in_kind(typed))
    page = response.content.decode()
    assert response.status_code == 400
    assert "dấu phẩy trước phần lẻ, dấu chấm ngăn cách hàng nghìn" in page
    assert f'value="{typed}"' in page
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_household_size_and_year_read_as_typed(world, officer):
    response = officer.post(
        ward_url(world, "campaigns:household_create"),
        {"head_name": "Lê Văn Hộ", "category": "poor", "certificate_year": "2025", "members": "5"},
    )
    assert response.status_code == 302
    household = Household.objects.get(head_name="Lê Văn Hộ")
    assert (household.certificate_year, household.members) == (2025, 5)
    page = officer.get(ward_url(world, "campaigns:household_update", household.pk))
    assert 'value="2025"' in page.content.decode()  # a year keeps no thousands dot


# --- Monthly reports --------------------------------------------------------------------------


@pytest.mark.django_db
def test_monthly_figures_read_thousand_dots(world, officer):
    response = post_entry(officer, world.ward_x, TT_BUOI="3.000", TT_LUOT="3.500")
    assert response.status_code == 302
    report = MonthlyReport.objects.get(ward=world.ward_x)
    saved = dict(report.values.values_list("indicator__code", "value"))
    assert (saved["TT_BUOI"], saved["TT_LUOT"]) == (3000, 3500)


# --- Documents --------------------------------------------------------------------------------


@pytest.fixture
def document(world):
    return factories.document(
        ward_obj=world.ward_x,
        user=world.users["ward_officer"],
        kind="month",
        starts_on=D(2025, 10, 1),
        ends_on=D(2025, 10, 31),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "number"), [("3.000", 3000), ("3.500", 3500)])
def test_document_numbers_read_thousand_dots(world, officer, document, typed, number):
    url = ward_url(world, "reports:document_frame", document.pk)
    response = officer.post(url, frame_form(document, number=typed))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.number == number
    page = officer.get(url).content.decode()
    assert f'value="{number}"' in page  # a document number is shown without a dot


@pytest.mark.django_db
def test_issuing_reads_a_number_with_a_thousand_dot(world, login, document):
    chair = login(world.users["ward_chair"])
    url = ward_url(world, "reports:document_issue", document.pk)
    response = chair.post(url, {"number": "3.500"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.number == 3500 and document.is_issued


@pytest.mark.django_db
def test_an_unreadable_document_number_is_refused_in_vietnamese_and_kept(world, login, document):
    chair = login(world.users["ward_chair"])
    response = chair.post(ward_url(world, "reports:document_issue", document.pk), {"number": "5,5"})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert "Nhập một số nguyên" in page and 'value="5,5"' in page
    document.refresh_from_db()
    assert document.number is None and not document.is_issued
