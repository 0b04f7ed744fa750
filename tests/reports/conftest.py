import datetime

import pytest

from reports import services
from reports.models import MonthlyReport

PERIOD = datetime.date(2025, 10, 1)


@pytest.fixture
def report_x(world):
    """An empty draft for ward X, October 2025."""
    return MonthlyReport.objects.create(ward=world.ward_x, period=PERIOD)


@pytest.fixture
def save(world):
    def _save(report, user=None, **values):
        entries = {
            code: services.Entry(*v) if isinstance(v, tuple) else services.Entry(v)
            for code, v in values.items()
        }
        return services.report_save(
            report=report, user=user or world.users["ward_officer"], entries=entries
        )

    return _save


def entry_url(ward, period=PERIOD, name="reports:entry"):
    from django.urls import reverse

    return reverse(name, args=[ward.code, period.year, period.month])
