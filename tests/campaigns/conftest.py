import datetime

import pytest

from campaigns import services
from campaigns.models import Campaign


@pytest.fixture
def fund(world):
    return Campaign.objects.create(
        name="Quỹ Vì người nghèo 2026",
        kind="fund",
        fund="vnn",
        ward=world.ward_x,
        starts_on=datetime.date(2026, 1, 1),
        target_amount=1_000_000_000,
    )


@pytest.fixture
def donate(world, fund):
    def _donate(amount, *, on=datetime.date(2026, 3, 5), campaign=None, **extra):
        extra.setdefault("donor_kind", "individual")
        extra.setdefault("donor_name", "Nguyễn Văn Bình")
        return services.donation_record(
            campaign=campaign or fund,
            ward=world.ward_x,
            user=world.users["ward_officer"],
            received_on=on,
            amount=amount,
            **extra,
        )

    return _donate
