"""The demo's province drive gave the demo ward one allocation it confirmed and paid a
household from, and one still waiting."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from campaigns import selectors
from campaigns.demo import PROVINCE_DRIVE, seed_allocations, seed_campaigns
from campaigns.models import Allocation, Campaign, Disbursement, Household
from wards import demo as ward_demo

pytestmark = pytest.mark.django_db


def test_the_demo_ward_has_a_confirmed_allocation_paid_from_and_one_waiting(world):
    ward, _logins = ward_demo.seed_demo()
    officer = get_user_model().objects.get(username="canbo.mythoi")
    month = datetime.date(2026, 5, 1)
    seed_campaigns(ward, officer, first_month=datetime.date(2026, 1, 1), last_month=month)
    drive = Campaign.objects.get(name=PROVINCE_DRIVE, province=ward.province)
    given = Allocation.objects.filter(campaign=drive, ward=ward)
    assert [a.is_confirmed for a in given.order_by("decision_number")] == [True, False]
    paid = Disbursement.objects.get(campaign=drive, ward=ward)
    assert paid.household is not None
    cash = given.get(form="cash")
    assert selectors.fund_balance(campaign=drive, at=ward) == cash.amount - paid.amount
    seed_allocations(ward, officer, list(Household.objects.filter(ward=ward)), on=month)
    assert Allocation.objects.filter(campaign=drive).count() == 2  # once only
