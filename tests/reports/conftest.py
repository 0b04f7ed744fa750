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


def entry_opened(client, ward):
    """The hidden fields of the entry page as the browser would post them back."""
    initial = client.get(entry_url(ward)).context["form"].initial
    return {"version": initial["version"], "opened_at": initial["opened_at"].isoformat()}


def post_entry(client, ward, action="save", **values):
    """Open the entry page, then post `values` (typed figures by indicator code) back with it."""
    data = {**entry_opened(client, ward), "action": action}
    data.update({f"v_{code}": value for code, value in values.items()})
    return client.post(entry_url(ward), data)
