import datetime

import pytest

from tests import factories
from wards.models import RoleAssignment

Role = RoleAssignment.Role


@pytest.fixture
def drive(world):
    """A province A drive whose committee holds 10.000.000 đ and 500 kg of rice."""
    drive = factories.province_drive(province_obj=world.province_a)
    officer = world.users["province_officer"]
    factories.donation(fund_obj=drive, user=officer, amount=10_000_000)
    factories.donation(
        fund_obj=drive,
        user=officer,
        amount=None,
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=500,
        in_kind_unit="kg",
    )
    return drive


@pytest.fixture
def give(world, drive):
    """An allocation of `drive` to ward X (or `ward_obj`) by the province officer."""

    def _give(amount=None, **fields):
        fields.setdefault("ward_obj", world.ward_x)
        return factories.allocation(
            drive=drive, user=world.users["province_officer"], amount=amount, **fields
        )

    return _give


@pytest.fixture
def pay(world, drive):
    """Ward X pays a household from the drive (cash, or goods with form="in_kind")."""

    def _pay(amount=None, *, on=datetime.date(2026, 4, 20), **fields):
        fields.setdefault("purpose", "disaster")
        fields.setdefault("decision_reference", "7/QĐ-UBND")
        fields.setdefault("description", "Hỗ trợ hộ bị thiệt hại")
        return factories.payment(
            fund_obj=drive,
            user=world.users["ward_officer"],
            amount=amount,
            paid_on=on,
            ward_obj=world.ward_x,
            **fields,
        )

    return _pay


@pytest.fixture
def province_users(world):
    """The province's chair and viewer (the world names only its officer)."""
    world.users.setdefault(
        "province_chair", factories.user(role=Role.PROVINCE_CHAIR, province_obj=world.province_a)
    )
    world.users.setdefault(
        "province_viewer",
        factories.user(role=Role.PROVINCE_VIEWER, province_obj=world.province_a),
    )
    return world.users
