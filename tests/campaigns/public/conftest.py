import pytest
from django.core.cache import cache

from tests.campaigns.public.world import build_bank, build_disclosure, build_trail


@pytest.fixture(autouse=True)
def _empty_cache():
    # Overall totals are cached by the newest ids, which SQLite reuses from test to test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def disclosure(world):
    """A ward fund at ward X with every kind of donor and payment, and a province campaign."""
    return build_disclosure(world)


@pytest.fixture
def bank(disclosure):
    """The disclosure fund's account and statements (see build_bank)."""
    return build_bank(disclosure)


@pytest.fixture
def trail(world):
    """A province drive's whole trail (see build_trail)."""
    return build_trail(world)
