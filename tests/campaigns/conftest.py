import datetime

import pytest

from tests.campaigns.builders import campaign_of, gift


@pytest.fixture
def fund(world):
    return campaign_of(world.ward_x, fund="vnn", target_amount=1_000_000_000)


@pytest.fixture
def donate(world, fund):
    def _donate(amount, *, on=datetime.date(2026, 3, 5), campaign=None, **extra):
        return gift(world, campaign or fund, amount, on=on, **extra)

    return _donate
