"""Smaller defects seen on the way (issue 12, point 11), each checked at the HTTP level."""

import datetime
import re

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign, Household

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The household list's year column ----------------------------------------------------------


@pytest.mark.parametrize("role", ["ward_officer", "party_viewer"])
def test_a_household_without_a_year_shows_a_dash_not_none(world, login, role):
    Household.objects.create(ward=world.ward_x, head_name="Nguyễn Văn Nghèo", category="poor")
    Household.objects.create(
        ward=world.ward_x, head_name="Trần Thị Khó", category="near_poor", certificate_year=2024
    )
    page = login(world.users[role]).get(reverse("campaigns:households", args=[world.ward_x.code]))
    rows = re.findall(r"<tr>(.*?)</tr>", page.content.decode(), re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    years = {text_of(row[0]): text_of(row[-1]) for row in cells if row}
    assert "None" not in page.content.decode()
    assert sorted(years.values()) == ["2024", "—"]


# --- "Người ghi" names the person ---------------------------------------------------------------


def test_the_donation_page_names_who_recorded_and_reversed_it(world, login):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    officer.last_name, officer.first_name = "Nguyễn", "Thị Lan"
    officer.save()
    chair.last_name, chair.first_name = "Phạm", "Văn Hùng"
    chair.save()
    fund = Campaign.objects.create(
        name="Quỹ Vì người nghèo 2026",
        kind="fund",
        ward=world.ward_x,
        starts_on=datetime.date(2026, 1, 1),
    )
    donation = services.donation_record(
        campaign=fund,
        ward=world.ward_x,
        user=officer,
        received_on=datetime.date(2026, 3, 5),
        amount=500_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )
    services.donation_reverse(
        donation=donation, user=chair, reason="Ghi trùng", on=datetime.date(2026, 3, 6)
    )
    url = reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk])
    page = text_of(login(world.users["party_viewer"]).get(url).content.decode())
    assert "Người ghi Nguyễn Thị Lan lúc" in page
    assert "bởi Phạm Văn Hùng: Ghi trùng" in page
    assert officer.username not in page
    assert chair.username not in page


def test_without_a_full_name_the_username_is_shown(world, login):
    officer = world.users["ward_officer"]
    fund = Campaign.objects.create(
        name="Quỹ", kind="fund", ward=world.ward_x, starts_on=datetime.date(2026, 1, 1)
    )
    donation = services.donation_record(
        campaign=fund,
        ward=world.ward_x,
        user=officer,
        received_on=datetime.date(2026, 3, 5),
        amount=500_000,
        donor_kind="anonymous",
    )
    url = reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk])
    page = text_of(login(officer).get(url).content.decode())
    assert f"Người ghi {officer.username} lúc" in page
