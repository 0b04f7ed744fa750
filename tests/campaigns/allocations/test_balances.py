"""Every level balances: random province drives, with money and goods given down to 1–6
communes, some allocations confirmed, some edited first, some reversed, and communes paying
households from what they hold.

The expected parts are summed here from what the test itself recorded (its own tally of every
row it wrote), never by the selectors; only what is *held* is read from the portal
(fund_balance, goods_held). The identities then say the portal's holdings are exactly what
the rows leave:
- province: received = allocated (counted, confirmed or not) + paid + held;
- each commune: own donations + confirmed allocations = paid + held;
- the drive: received = paid by communes + held by the province + held by the communes +
  in transit (allocated, not yet confirmed).
Cash and each kind of goods are checked apart.
"""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import selectors
from campaigns import services as money
from campaigns.allocations import services as allocations
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
CASH = ("cash", "")
GOODS = [("Gạo", "kg"), ("Mì gói", "thùng")]
KINDS = [CASH, *GOODS]
FATES = [
    "waiting",
    "confirmed",
    "reversed",
    "confirmed_then_reversed",
    "edited",
    "edited_confirmed",
]

kind = st.sampled_from(KINDS)
percent = st.integers(min_value=1, max_value=100)
gift = st.tuples(kind, st.integers(min_value=1, max_value=200), st.booleans())  # reversed?
spec_strategy = st.fixed_dictionaries(
    {
        "communes": st.integers(min_value=1, max_value=6),
        "province_gifts": st.lists(gift, min_size=1, max_size=5),
        "commune_gifts": st.lists(
            st.tuples(st.integers(0, 5), kind, st.integers(1, 50), st.booleans()), max_size=4
        ),
        "allocations": st.lists(
            st.tuples(st.integers(0, 5), kind, percent, st.sampled_from(FATES), st.integers(0, 5)),
            max_size=8,
        ),
        "payments": st.lists(st.tuples(st.integers(0, 5), kind, percent), max_size=8),
    }
)


class Tally:
    """What the test wrote, by holder and kind (cash in đồng, goods in units)."""

    def __init__(self):
        self.received = Counter()  # (holder, kind) → counted donations
        self.allocated = Counter()  # (commune, kind) → counted allocations
        self.confirmed = Counter()  # (commune, kind) → counted and confirmed
        self.paid = Counter()  # (commune, kind) → payments to households

    def province_held(self, kind):
        return self.received["province", kind] - sum(
            v for (_, k), v in self.allocated.items() if k == kind
        )

    def commune_held(self, commune, kind):
        return (
            self.received[commune, kind] + self.confirmed[commune, kind] - self.paid[commune, kind]
        )


def _gift_fields(kind, size):
    if kind == CASH:
        return {"form": "cash", "amount": size * 100_000}
    return {
        "form": "in_kind",
        "amount": None,
        "in_kind_description": kind[0],
        "in_kind_quantity": Decimal(size),
        "in_kind_unit": kind[1],
    }


def _size(fields):
    return fields["amount"] if fields["form"] == "cash" else fields["in_kind_quantity"]


def _share(held, pct):
    """pct % of what is held, at least one unit (đồng or item) when anything is held."""
    if held <= 0:
        return 0
    return max(held * pct // 100, 1)


def _amount_fields(kind, quantity):
    if kind == CASH:
        return {"form": "cash", "amount": int(quantity)}
    return {**_gift_fields(kind, 1), "in_kind_quantity": Decimal(quantity)}


def _build(world, spec, tally):
    user = world.users["admin"]
    drive = factories.province_drive(province_obj=world.province_a)
    communes = [factories.ward(province_obj=world.province_a) for _ in range(spec["communes"])]

    def donate(holder, kind, size, reverse):
        fields = _gift_fields(kind, size)
        donation = money.donation_record(
            campaign=drive,
            ward=None if holder == "province" else holder,
            province=world.province_a if holder == "province" else None,
            user=user,
            received_on=D(2026, 3, 5),
            donor_kind="anonymous",
            **fields,
        )
        if reverse:
            money.donation_reverse(
                donation=donation, user=user, reason="Ghi nhầm", on=D(2026, 3, 6)
            )
        else:
            tally.received[holder, kind] += _size(fields)

    for kind, size, reverse in spec["province_gifts"]:
        donate("province", kind, size, reverse)
    for index, kind, size, reverse in spec["commune_gifts"]:
        donate(communes[index % len(communes)], kind, size, reverse)

    for number, (index, kind, pct, fate, other) in enumerate(spec["allocations"]):
        commune = communes[index % len(communes)]
        quantity = _share(tally.province_held(kind), pct)
        if not quantity:
            continue
        given = allocations.allocation_record(
            campaign=drive,
            ward=commune,
            user=user,
            decision_number=f"{number + 1}/QĐ-MTTQ",
            decision_date=D(2026, 4, 1),
            purpose="Hỗ trợ hộ bị thiệt hại",
            **_amount_fields(kind, quantity),
        )
        if fate.startswith("edited"):
            # Corrected before the commune confirms: another share, maybe another commune.
            commune = communes[other % len(communes)]
            # What the province holds, this allocation's old share given back (not tallied yet).
            quantity = _share(tally.province_held(kind), (pct * 7) % 100 + 1)
            given = allocations.allocation_update(
                allocation=given,
                version=given.version,
                ward=commune,
                decision_number=given.decision_number,
                decision_date=given.decision_date,
                purpose="Hỗ trợ hộ bị thiệt hại (sửa)",
                **_amount_fields(kind, quantity),
            )
        if fate in ("confirmed", "confirmed_then_reversed", "edited_confirmed"):
            allocations.allocation_confirm(
                allocation=given, ward=commune, user=user, on=D(2026, 4, 5)
            )
        if "reversed" in fate:
            allocations.allocation_reverse(
                allocation=given, user=user, reason="Nhầm", on=D(2026, 4, 6)
            )
            continue
        tally.allocated[commune, kind] += quantity
        if fate in ("confirmed", "edited_confirmed"):
            tally.confirmed[commune, kind] += quantity

    for index, kind, pct in spec["payments"]:
        commune = communes[index % len(communes)]
        quantity = _share(tally.commune_held(commune, kind), pct)
        if not quantity:
            continue
        money.disbursement_record(
            campaign=drive,
            ward=commune,
            user=user,
            purpose="disaster",
            decision_reference="3/QĐ-UBND",
            paid_on=D(2026, 4, 20),
            description="Hỗ trợ hộ bị sập nhà",
            **_amount_fields(kind, quantity),
        )
        tally.paid[commune, kind] += quantity
    return drive, communes


def _held(drive, holder, kind):
    """What the portal says `holder` holds of `kind`."""
    if kind == CASH:
        return selectors.fund_balance(campaign=drive, at=holder)
    line = selectors.goods_line(drive, *kind, at=holder)
    return line.held if line else 0


def _check(world, drive, communes, tally):
    province = world.province_a
    for kind in KINDS:
        received = tally.received["province", kind]
        allocated = sum(v for (_, k), v in tally.allocated.items() if k == kind)
        paid_by_province = 0  # a province's committee pays households only through communes
        province_held = _held(drive, province, kind)
        assert received == allocated + paid_by_province + province_held, ("province", kind)

        commune_held = {}
        for commune in communes:
            commune_received = tally.received[commune, kind] + tally.confirmed[commune, kind]
            commune_held[commune] = _held(drive, commune, kind)
            assert commune_received == tally.paid[commune, kind] + commune_held[commune], (
                commune.code,
                kind,
            )

        drive_received = sum(v for (_, k), v in tally.received.items() if k == kind)
        paid = sum(v for (_, k), v in tally.paid.items() if k == kind)
        in_transit = allocated - sum(v for (_, k), v in tally.confirmed.items() if k == kind)
        assert drive_received == paid + province_held + sum(commune_held.values()) + in_transit
        whole_drive = _held(drive, None, kind)
        assert whole_drive == drive_received - paid, ("drive", kind)


def test_every_level_balances(world):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(spec=spec_strategy)
    def check(spec):
        tally = Tally()
        with transaction.atomic():
            drive, communes = _build(world, spec, tally)
            _check(world, drive, communes, tally)
            transaction.set_rollback(True)

    check()


def test_the_balances_check_sees_a_wrong_holding(world):
    # The check is not vacuous: a commune's tally one unit off fails it.
    tally = Tally()
    spec = {
        "communes": 1,
        "province_gifts": [(CASH, 10, False)],
        "commune_gifts": [],
        "allocations": [(0, CASH, 50, "confirmed", 0)],
        "payments": [(0, CASH, 10)],
    }
    drive, communes = _build(world, spec, tally)
    assert tally.confirmed[communes[0], CASH] == 500_000
    _check(world, drive, communes, tally)
    tally.paid[communes[0], CASH] += 1
    with pytest.raises(AssertionError):
        _check(world, drive, communes, tally)
