"""The allocation services: what they write, and what they refuse without writing anything."""

import datetime
from decimal import Decimal

import pytest

from campaigns import selectors
from campaigns.allocations import services
from campaigns.models import Allocation, AllocationReversal
from campaigns.services import FundRefusal
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
APRIL_5 = D(2026, 4, 5)


def _update(allocation, version, **changes):
    fields = {
        "ward": allocation.ward,
        "form": allocation.form,
        "amount": allocation.amount,
        "decision_number": allocation.decision_number,
        "decision_date": allocation.decision_date,
        "purpose": allocation.purpose,
        "in_kind_description": allocation.in_kind_description,
        "in_kind_quantity": allocation.in_kind_quantity,
        "in_kind_unit": allocation.in_kind_unit,
        **changes,
    }
    return services.allocation_update(allocation=allocation, version=version, **fields)


def _confirm(world, allocation, on=APRIL_5):
    return services.allocation_confirm(
        allocation=allocation, ward=allocation.ward, user=world.users["ward_officer"], on=on
    )


def _rice(quantity):
    return {
        "form": "in_kind",
        "in_kind_description": "Gạo",
        "in_kind_quantity": Decimal(quantity),
        "in_kind_unit": "kg",
    }


def test_an_edit_after_the_commune_confirmed_is_refused_and_writes_nothing(world, give):
    given = _confirm(world, give(4_000_000))
    with pytest.raises(FundRefusal, match="đã xác nhận"):
        _update(given, given.version, amount=3_000_000)
    given.refresh_from_db()
    assert given.amount == 4_000_000


def test_an_edit_before_confirmation_changes_the_provinces_book(world, drive, give):
    given = give(4_000_000)
    saved = _update(given, given.version, amount=6_000_000, ward=world.ward_y)
    assert (saved.amount, saved.ward, saved.version) == (6_000_000, world.ward_y, 2)
    assert selectors.fund_balance(campaign=drive, at=world.province_a) == 10_000_000 - 6_000_000


def test_an_edit_may_give_the_whole_balance_counting_its_own_old_amount_back(world, drive, give):
    given = give(4_000_000)
    _update(given, given.version, amount=10_000_000)
    assert selectors.fund_balance(campaign=drive, at=world.province_a) == 0
    goods = give(**_rice(200))
    _update(goods, goods.version, **_rice(500))
    rice = selectors.goods_line(drive, "Gạo", "kg", at=world.province_a)
    assert rice.held == 0


def test_a_stale_version_is_a_conflict_showing_the_saved_allocation(world, give):
    given = give(4_000_000, purpose="Hỗ trợ hộ bị sập nhà")
    opened = given.version  # two officers open the edit page
    _update(given, opened, amount=5_000_000)
    with pytest.raises(services.AllocationConflict) as conflict:
        _update(given, opened, amount=2_000_000, purpose="Sửa lại")
    assert conflict.value.saved.amount == 5_000_000
    assert conflict.value.saved.version == opened + 1
    stored = Allocation.objects.get(pk=given.pk)
    assert (stored.amount, stored.purpose) == (5_000_000, "Hỗ trợ hộ bị sập nhà")


def test_a_reversal_is_a_counter_entry_in_both_books(world, drive, give):
    cash = _confirm(world, give(4_000_000))
    rice = _confirm(world, give(**_rice(120)))
    province, commune = world.province_a, world.ward_x
    assert selectors.fund_balance(campaign=drive, at=province) == 6_000_000
    assert selectors.fund_balance(campaign=drive, at=commune) == 4_000_000
    for allocation in (cash, rice):
        services.allocation_reverse(
            allocation=allocation,
            user=world.users["province_officer"],
            reason="Nhầm xã",
            on=D(2026, 4, 6),
        )
    assert AllocationReversal.objects.count() == 2
    assert Allocation.objects.count() == 2  # the originals stay, in history
    assert selectors.fund_balance(campaign=drive, at=province) == 10_000_000
    assert selectors.fund_balance(campaign=drive, at=commune) == 0
    assert selectors.goods_line(drive, "Gạo", "kg", at=province).held == 500
    assert selectors.goods_line(drive, "Gạo", "kg", at=commune) is None
    with pytest.raises(FundRefusal, match="trước đó"):
        services.allocation_reverse(
            allocation=cash,
            user=world.users["province_officer"],
            reason="Lần nữa",
            on=D(2026, 4, 7),
        )


def test_a_reversal_is_refused_when_the_commune_already_spent_it(world, give, pay):
    cash = _confirm(world, give(3_000_000))
    rice = _confirm(world, give(**_rice(100)))
    pay(1)
    pay(None, **_rice(1))
    for allocation, refusal in ((cash, "đã chi"), (rice, "đã trao")):
        with pytest.raises(FundRefusal, match=refusal):
            services.allocation_reverse(
                allocation=allocation,
                user=world.users["province_officer"],
                reason="Nhầm",
                on=D(2026, 4, 21),
            )
    assert not AllocationReversal.objects.exists()


def test_a_reversed_allocation_may_be_given_again_under_its_decision(world, drive, give):
    first = give(4_000_000, decision_number="15/QĐ-MTTQ")
    with pytest.raises(FundRefusal, match="Quyết định này đã phân bổ"):
        give(1_000_000, decision_number="15/qđ-mttq")
    services.allocation_reverse(
        allocation=first, user=world.users["province_officer"], reason="Sai số", on=D(2026, 4, 2)
    )
    again = give(5_000_000, decision_number="15/QĐ-MTTQ")
    assert again.amount == 5_000_000
    assert selectors.fund_balance(campaign=drive, at=world.province_a) == 5_000_000


def test_the_same_goods_twice_under_one_decision_is_a_duplicate_whatever_the_case(world, give):
    give(decision_number="9/QĐ", **_rice(10))
    with pytest.raises(FundRefusal, match="Quyết định này đã phân bổ"):
        give(decision_number="9/QĐ", **{**_rice(5), "in_kind_description": " gạo "})
    give(9_000, decision_number="9/QĐ")  # the cash of the same decision is another line
    assert Allocation.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"amount": 0}, "lớn hơn 0"),
        ({"amount": 10_000_001}, "chỉ còn 10.000.000"),
        ({"amount": None, **_rice(501)}, "chỉ còn giữ 500 kg"),
        ({"amount": None, **_rice(5), "in_kind_description": "Mì gói"}, "chỉ còn giữ 0"),
        ({"decision_number": "  "}, "số quyết định"),
        ({"purpose": ""}, "mục đích"),
    ],
)
def test_bad_allocations_are_refused(world, give, changes, refusal):
    fields = {"amount": 1_000, **changes}
    with pytest.raises(FundRefusal, match=refusal):
        give(**fields)
    assert not Allocation.objects.exists()


def test_goods_without_a_unit_are_refused(world, give):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        give(**{**_rice(5), "in_kind_unit": ""})
    assert not Allocation.objects.exists()


def test_a_commune_of_another_province_cannot_be_given_to(world, give):
    with pytest.raises(FundRefusal, match="không thuộc tỉnh"):
        give(1_000, ward_obj=world.ward_z)
    assert not Allocation.objects.exists()


def test_a_communes_own_fund_cannot_allocate(world):
    fund = factories.fund(ward_obj=world.ward_x)
    with pytest.raises(FundRefusal, match="Chỉ quỹ, cuộc vận động của tỉnh"):
        factories.allocation(
            drive=fund, ward_obj=world.ward_y, user=world.users["admin"], amount=1_000
        )


def test_confirmation_dates_and_receivers_are_checked(world, give):
    given = give(1_000, decision_date=D(2026, 4, 10))
    with pytest.raises(FundRefusal, match="trước ngày quyết định"):
        _confirm(world, given, on=D(2026, 4, 9))
    with pytest.raises(FundRefusal, match="không dành cho"):
        services.allocation_confirm(
            allocation=given, ward=world.ward_y, user=world.users["admin"], on=D(2026, 4, 10)
        )
    with pytest.raises(services.AllocationConflict):
        services.allocation_confirm(
            allocation=given,
            ward=world.ward_x,
            user=world.users["admin"],
            on=D(2026, 4, 10),
            version=given.version + 1,
        )
    given.refresh_from_db()
    assert given.confirmed_on is None
    confirmed = _confirm(world, given, on=D(2026, 4, 10))
    assert confirmed.confirmed_on == D(2026, 4, 10)
    with pytest.raises(FundRefusal, match="đã được xác nhận ngày 10/04/2026"):
        _confirm(world, given, on=D(2026, 4, 11))


def test_a_reversed_allocation_is_neither_edited_nor_confirmed(world, give):
    given = give(1_000)
    services.allocation_reverse(
        allocation=given, user=world.users["province_officer"], reason="Nhầm", on=D(2026, 4, 2)
    )
    given.refresh_from_db()
    with pytest.raises(FundRefusal, match="điều chỉnh"):
        _update(given, given.version, amount=2_000)
    with pytest.raises(FundRefusal, match="điều chỉnh"):
        _confirm(world, given)
