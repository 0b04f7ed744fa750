"""Read replica: dashboards and public pages read from it; writes, and a writer's next reads,
go to the primary.

Two aliases point at the same test database (the replica is a TEST MIRROR of default, as
settings build it from DATABASE_REPLICA_URL); each alias logs its own queries, so where a
request read and wrote is seen from outside.
"""

import copy
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Donation
from core.replica import STICKY_COOKIE

ROOT = Path(__file__).resolve().parents[2]
REPLICA = "replica"

# Two connections must see the same rows, so the data is committed for real.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("transactional_db"),
]


@pytest.fixture
def replica(settings):
    """What DATABASE_REPLICA_URL switches on: a "replica" alias, the router, the middleware.

    The alias is made the way Django's test runner makes a TEST MIRROR (it points at the
    default test database), for these tests only: declared in DATABASES it would be set up
    for the whole session.
    """
    primary = connections["default"].settings_dict
    mirror = copy.deepcopy(primary)
    mirror["TEST"] = {**primary["TEST"], "MIRROR": "default"}
    connection = load_backend(mirror["ENGINE"]).DatabaseWrapper(mirror, REPLICA)
    connection.creation.set_as_test_mirror(primary)
    connections[REPLICA] = connection
    settings.DATABASE_REPLICA_URL = "postgres://reader@replica.invalid/mttq"
    settings.DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    yield connection
    connection.close()
    del connections[REPLICA]


class Queries:
    """The SQL one request sent to each alias."""

    def __init__(self, client):
        self.client = client

    def _run(self, method, *args, **kwargs):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            response = getattr(self.client, method)(*args, **kwargs)
        self.primary = [query["sql"] for query in primary.captured_queries]
        self.replica = [query["sql"] for query in replica.captured_queries]
        return response

    def get(self, *args, **kwargs):
        return self._run("get", *args, **kwargs)

    def post(self, *args, **kwargs):
        return self._run("post", *args, **kwargs)

    @property
    def portal_reads_on_primary(self):
        return [sql for sql in self.primary if PORTAL_READ.search(sql)]

    @property
    def portal_reads_on_replica(self):
        return [sql for sql in self.replica if PORTAL_READ.search(sql)]


# A query reading the portal's own tables (accounts, sessions and devices are not).
PORTAL_READ = re.compile(r'^SELECT .* FROM "(wards|campaigns|reports)_')


def test_the_ward_dashboard_reads_the_portals_data_from_the_replica(replica, client, world):
    client.force_login(world.users["party_viewer"])
    queries = Queries(client)

    response = queries.get(reverse("reports:dashboard_ward", args=[world.ward_x.code]))

    assert response.status_code == 200
    assert world.ward_x.name in response.content.decode()
    assert queries.portal_reads_on_replica
    # The primary only answers who is logged in (and keeps the session fresh).
    assert queries.primary
    assert queries.portal_reads_on_primary == []


def test_the_public_disclosure_page_reads_only_from_the_replica(replica, client, world, fund):
    Donation.objects.create(
        campaign=fund,
        ward=world.ward_x,
        receipt_year=2026,
        receipt_number=1,
        received_on=datetime.date(2026, 1, 5),
        donor_kind="individual",
        donor_name="Nguyễn Văn An",
        form="cash",
        channel="cash",
        amount=300_000,
        recorded_by=world.users["ward_officer"],
    )
    queries = Queries(client)

    response = queries.get(reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk]))

    assert response.status_code == 200
    assert "Nguyễn V. A." in response.content.decode()
    assert queries.primary == []
    assert queries.portal_reads_on_replica


def test_pages_that_edit_read_from_the_primary(replica, client, world):
    client.force_login(world.users["ward_officer"])
    queries = Queries(client)

    response = queries.get(reverse("reports:entry", args=[world.ward_x.code, 2025, 10]))

    assert response.status_code == 200
    assert queries.replica == []
    assert queries.portal_reads_on_primary


def test_a_writer_reads_from_the_primary_until_the_sticky_cookie_expires(
    replica, client, world, fund
):
    client.force_login(world.users["ward_officer"])
    queries = Queries(client)
    dashboard = reverse("reports:dashboard_ward", args=[world.ward_x.code])

    response = queries.post(
        reverse("campaigns:donation_create", args=[world.ward_x.code, fund.pk]),
        {
            "received_on": "05/01/2026",
            "donor_kind": "anonymous",
            "form": "cash",
            "channel": "cash",
            "amount": "250.000",
        },
    )

    assert response.status_code == 302
    assert Donation.objects.get().amount == 250_000
    assert queries.replica == []
    assert any(sql.startswith('INSERT INTO "campaigns_donation"') for sql in queries.primary)
    cookie = response.cookies[STICKY_COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]

    # Right after the write: the dashboard reads the primary, so it includes the donation.
    response = queries.get(dashboard)
    assert response.status_code == 200
    assert queries.replica == []
    assert queries.portal_reads_on_primary

    # Another user, who wrote nothing, reads the same page from the replica meanwhile.
    other = Queries(type(client)())
    other.client.force_login(world.users["party_viewer"])
    other.get(dashboard)
    assert other.portal_reads_on_replica
    assert other.portal_reads_on_primary == []

    # The browser drops the cookie after max-age: the writer is back on the replica.
    del client.cookies[STICKY_COOKIE]
    queries.get(dashboard)
    assert queries.portal_reads_on_replica
    assert queries.portal_reads_on_primary == []


def test_reads_only_pages_without_a_replica_set_no_cookie(client, world, fund):
    client.force_login(world.users["ward_officer"])

    response = client.post(
        reverse("campaigns:donation_create", args=[world.ward_x.code, fund.pk]),
        {
            "received_on": "05/01/2026",
            "donor_kind": "anonymous",
            "form": "cash",
            "channel": "cash",
            "amount": "100.000",
        },
    )

    assert response.status_code == 302
    assert STICKY_COOKIE not in response.cookies


def _settings_with(**env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    environment.update(DEBUG="1", **env)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; "
            "replica = s.DATABASES.get('replica', {}); "
            "print(sorted(s.DATABASES), replica.get('TEST', {}).get('MIRROR'), "
            "getattr(s, 'DATABASE_ROUTERS', []))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_database_replica_url_adds_the_replica_and_its_router():
    result = _settings_with(DATABASE_REPLICA_URL="postgres://reader@10.0.0.2:5432/mttq")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "['default', 'replica'] default ['core.db_router.ReplicaRouter']"
    )


def test_without_a_replica_url_there_is_one_database_and_no_router():
    result = _settings_with()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['default'] None []"


def test_the_health_check_also_asks_the_replica(replica, client):
    response = client.get("/suc-khoe/")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database_default"]["ok"] is True
    assert checks["database_replica"]["ok"] is True
