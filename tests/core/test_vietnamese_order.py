"""Lists of wards, areas, households and organisations sorted by name follow the Vietnamese
alphabet: D, then Đ, then E, … V (not Đ after V, as code points would have it). Runs on
SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns.models import Household
from tests import factories
from wards.models import MassOrganisation, ResidentialArea, Ward

pytestmark = pytest.mark.django_db

# Given in a shuffled order; the expected order is spelled out, never computed by the portal.
WARD_NAMES = ["Phường Vĩnh Mỹ", "Phường Đông Xuyên", "Phường Eakar", "Phường Dĩ An"]
WARDS_IN_ORDER = ["Phường Dĩ An", "Phường Đông Xuyên", "Phường Eakar", "Phường Vĩnh Mỹ"]
HEADS = ["Vũ Văn Tám", "Đặng Thị Hoa", "Ê Ban Y", "Dương Văn Lộc", "Đào Thị Lan"]
HEADS_IN_ORDER = ["Dương Văn Lộc", "Đào Thị Lan", "Đặng Thị Hoa", "Ê Ban Y", "Vũ Văn Tám"]


def in_page_order(page: str, names: list[str]) -> list[str]:
    found = [name for name in names if name in page]
    assert len(found) == len(names), [name for name in names if name not in page]
    return sorted(found, key=page.index)


@pytest.fixture
def province(world):
    province = factories.province(code="77", name="Tỉnh Thử Thứ Tự")
    for number, name in enumerate(WARD_NAMES, start=1):
        factories.ward(province_obj=province, code=f"7700{number}", name=name)
    factories.user(role="province_officer", province_obj=province, username="can-bo-tinh-77")
    return province


@pytest.fixture
def province_client(client, province):
    client.force_login(get_user_model().objects.get(username="can-bo-tinh-77"))
    return client


def test_the_provinces_ward_list(province, province_client):
    page = province_client.get(reverse("wards:province", args=[province.code])).content.decode()
    assert in_page_order(page, WARD_NAMES) == WARDS_IN_ORDER


def test_the_province_dashboard_sorted_by_name(province, province_client):
    url = reverse("reports:dashboard_province", args=[province.code])
    table = province_client.get(url, {"sap_xep": "ten"}).context["table"]
    assert [row[1].text for row in table.rows] == WARDS_IN_ORDER
    reverse_order = province_client.get(url, {"sap_xep": "-ten"}).context["table"]
    assert [row[1].text for row in reverse_order.rows] == WARDS_IN_ORDER[::-1]


def test_the_report_progress_table(province, province_client):
    year = datetime.date.today().year
    page = province_client.get(reverse("reports:completeness", args=[province.code, year]))
    assert in_page_order(page.content.decode(), WARD_NAMES) == WARDS_IN_ORDER


def test_the_households_of_a_ward(world, login):
    for name in HEADS:
        Household.objects.create(ward=world.ward_x, head_name=name, category="poor")
    page = login(world.users["ward_officer"]).get(
        reverse("campaigns:households", args=[world.ward_x.code])
    )
    assert in_page_order(page.content.decode(), HEADS) == HEADS_IN_ORDER


def test_the_residential_areas_of_a_ward(world, login):
    ResidentialArea.objects.filter(ward=world.ward_x).delete()
    areas = ["Ấp Vĩnh Lợi", "Ấp Đông Hòa", "Ấp Eo Lói", "Ấp Dừa"]
    for name in areas:
        factories.area(ward_obj=world.ward_x, name=name)
    page = login(world.users["ward_officer"]).get(reverse("wards:detail", args=[world.ward_x.code]))
    assert in_page_order(page.content.decode(), areas) == [
        "Ấp Dừa",
        "Ấp Đông Hòa",
        "Ấp Eo Lói",
        "Ấp Vĩnh Lợi",
    ]


def test_default_orderings_of_organisations_and_wards(world):
    for name in ["Hội Vận tải", "Hội Đông y", "Hội Doanh nhân", "Hội Ẩm thực"]:
        MassOrganisation.objects.create(name=name, display_order=999)
    same_rank = MassOrganisation.objects.filter(display_order=999)
    # Ẩ is an A with circumflex and a tone: after A, before B.
    assert list(same_rank.values_list("name", flat=True)) == [
        "Hội Ẩm thực",
        "Hội Doanh nhân",
        "Hội Đông y",
        "Hội Vận tải",
    ]
    province = factories.province(code="78")
    for number, name in enumerate(WARD_NAMES, start=1):
        factories.ward(province_obj=province, code=f"7800{number}", name=name)
    in_province = Ward.objects.filter(province=province).values_list("name", flat=True)
    assert list(in_province) == WARDS_IN_ORDER
