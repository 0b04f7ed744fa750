"""A province's committee holds money of its own drives: its own receipt series, its own
balance, and what it gives its communes counts on both sides from one record."""

import datetime

import pytest

from campaigns import selectors, services
from campaigns.allocations import services as allocations
from campaigns.models import Donation
from tests import factories
from wards.models import RoleAssignment

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(world):
    return factories.province_drive(province_obj=world.province_a)


@pytest.fixture
def officer(world):
    return factories.user(role=Role.PROVINCE_OFFICER, province_obj=world.province_a)


def test_the_province_has_its_own_gap_free_receipt_series(world, drive, officer):
    at_ward = factories.donation(
        fund_obj=drive, user=world.users["ward_officer"], amount=5_000, ward_obj=world.ward_x
    )
    first = factories.donation(fund_obj=drive, user=officer, amount=1_000_000)
    second = factories.donation(fund_obj=drive, user=officer, amount=2_000_000)
    assert (first.ward, first.province) == (None, world.province_a)
    assert [first.receipt_number, second.receipt_number] == [1, 2]
    assert at_ward.receipt_number == 1  # the commune's own series, apart
    rows = Donation.objects.filter(province=world.province_a, receipt_year=2026)
    assert sorted(rows.values_list("receipt_number", flat=True)) == [1, 2]


def test_a_province_cannot_record_into_a_communes_own_fund(world, officer):
    ward_fund = factories.fund(ward_obj=world.ward_x)
    with pytest.raises(services.FundRefusal):
        services.donation_record(
            campaign=ward_fund,
            province=world.province_a,
            user=officer,
            received_on=datetime.date(2026, 3, 1),
            donor_kind="anonymous",
            amount=1_000,
        )


def test_an_allocation_moves_cash_from_the_province_to_the_commune_once_confirmed(
    world, drive, officer
):
    factories.donation(fund_obj=drive, user=officer, amount=10_000_000)
    given = factories.allocation(drive=drive, ward_obj=world.ward_x, user=officer, amount=4_000_000)
    province, commune = world.province_a, world.ward_x
    assert selectors.fund_balance(campaign=drive, at=province) == 10_000_000 - 4_000_000
    assert selectors.fund_balance(campaign=drive, at=commune) == 0  # not confirmed yet
    with pytest.raises(services.FundRefusal):
        factories.payment(
            fund_obj=drive,
            user=world.users["ward_officer"],
            amount=1_000_000,
            paid_on=datetime.date(2026, 4, 10),
            ward_obj=commune,
            purpose="disaster",
            decision_reference="5/QĐ",
            description="Hỗ trợ",
        )
    allocations.allocation_confirm(
        allocation=given,
        ward=commune,
        user=world.users["ward_officer"],
        on=datetime.date(2026, 4, 5),
    )
    factories.payment(
        fund_obj=drive,
        user=world.users["ward_officer"],
        amount=1_000_000,
        paid_on=datetime.date(2026, 4, 10),
        ward_obj=commune,
        purpose="disaster",
        decision_reference="5/QĐ",
        description="Hỗ trợ",
    )
    assert selectors.fund_balance(campaign=drive, at=commune) == 4_000_000 - 1_000_000
    # The whole drive: what came in less what reached households.
    assert selectors.fund_balance(campaign=drive) == 10_000_000 - 1_000_000


def test_the_province_cannot_give_more_than_it_holds(world, drive, officer):
    factories.donation(fund_obj=drive, user=officer, amount=1_000_000)
    with pytest.raises(services.FundRefusal, match="chỉ còn 1.000.000"):
        factories.allocation(drive=drive, ward_obj=world.ward_x, user=officer, amount=1_000_001)


def test_a_confirmed_allocation_is_only_reversed_and_not_below_what_was_paid(world, drive, officer):
    factories.donation(fund_obj=drive, user=officer, amount=3_000_000)
    given = factories.allocation(
        drive=drive,
        ward_obj=world.ward_x,
        user=officer,
        amount=3_000_000,
        confirmed_on=datetime.date(2026, 4, 2),
        confirmed_by=world.users["ward_officer"],
    )
    with pytest.raises(services.FundRefusal, match="đã xác nhận"):
        allocations.allocation_update(
            allocation=given,
            version=given.version,
            ward=world.ward_x,
            form="cash",
            amount=2_000_000,
            decision_number=given.decision_number,
            decision_date=given.decision_date,
            purpose=given.purpose,
        )
    factories.payment(
        fund_obj=drive,
        user=world.users["ward_officer"],
        amount=1,
        paid_on=datetime.date(2026, 4, 10),
        ward_obj=world.ward_x,
        purpose="disaster",
        decision_reference="5/QĐ",
        description="Hỗ trợ",
    )
    with pytest.raises(services.FundRefusal, match="đã chi"):
        allocations.allocation_reverse(
            allocation=given, user=officer, reason="Nhầm xã", on=datetime.date(2026, 4, 20)
        )
