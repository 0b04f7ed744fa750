"""Read replica: dashboards and public pages read from it; writes, and a writer's next reads,
go to the primary.

Two aliases point at the same test database (the replica is a TEST MIRROR of default, as
settings build it from DATABASE_REPLICA_URL); each alias logs its own queries, so where a
request read and wrote is seen from outside.
"""

import datetime
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Donation
from core import db_router
from core.replica import STICKY_COOKIE
from tests import replicas

ROOT = Path(__file__).resolve().parents[2]
REPLICA = "replica"

# Two connections must see the same rows, so the data is committed for real.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("transactional_db"),
]


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


# --- A replica that fails -----------------------------------------------------------------


def _record_donation(world, fund, name="Nguyễn Văn An", amount=300_000):
    return Donation.objects.create(
        campaign=fund,
        ward=world.ward_x,
        receipt_year=2026,
        receipt_number=Donation.objects.count() + 1,
        received_on=datetime.date(2026, 1, 5),
        donor_kind="individual",
        donor_name=name,
        form="cash",
        channel="cash",
        amount=amount,
        recorded_by=world.users["ward_officer"],
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_replica(settings):
    """A replica alias pointing where nothing answers (a stopped server)."""
    if connections["default"].vendor == "postgresql":
        nowhere = {"HOST": "127.0.0.1", "PORT": _closed_port()}
    else:
        nowhere = {"NAME": "/nonexistent-replica-directory/replica.sqlite3"}
    connection = replicas.mirror_of_default(**nowhere)
    replicas.install(connection, settings)
    yield connection
    replicas.uninstall(connection)


def _primary_reads(client, url):
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode(), [q["sql"] for q in primary.captured_queries]


def test_public_pages_read_from_the_primary_when_the_replica_does_not_answer(
    dead_replica, client, world, fund
):
    _record_donation(world, fund)
    fund_page = reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk])

    response, page, primary = _primary_reads(client, fund_page)

    assert response.status_code == 200
    assert "Nguyễn V. A." in page
    assert "300.000" in page
    assert any(PORTAL_READ.search(sql) for sql in primary)


def test_a_replica_that_failed_is_left_alone_for_the_retry_time(
    dead_replica, client, world, fund, settings, monkeypatch
):
    fund_page = reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk])
    attempts = []
    connect = dead_replica.connect
    monkeypatch.setattr(dead_replica, "connect", lambda: attempts.append(1) or connect())

    assert client.get(fund_page).status_code == 200
    assert client.get(fund_page).status_code == 200
    # One attempt for both: the second request did not wait on the replica.
    assert len(attempts) == 1

    now = db_router.time.monotonic()
    monkeypatch.setattr(
        db_router.time, "monotonic", lambda: now + settings.REPLICA_RETRY_SECONDS + 1
    )
    assert client.get(fund_page).status_code == 200
    assert len(attempts) == 2


def test_the_dashboard_reads_from_the_primary_when_the_replica_does_not_answer(
    dead_replica, client, world, fund
):
    _record_donation(world, fund, amount=700_000)
    client.force_login(world.users["party_viewer"])
    dashboard = reverse("reports:dashboard_ward", args=[world.ward_x.code])

    response, page, primary = _primary_reads(client, dashboard)

    assert response.status_code == 200
    assert world.ward_x.name in page
    assert any(PORTAL_READ.search(sql) for sql in primary)


def test_a_replica_lost_in_the_middle_of_a_page_is_replaced_by_the_primary(
    replica, client, world, fund
):
    """The replica answers the first checks, then its connection breaks on a portal read
    (as when the standby is stopped): the page is built again from the primary."""
    _record_donation(world, fund, name="Trần Thị Bình", amount=450_000)
    fund_page = reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk])
    broken = []

    def lose_the_replica_once(execute, sql, params, many, context):
        if not broken and PORTAL_READ.search(sql):
            broken.append(sql)
            with replica.wrap_database_errors:
                raise replica.Database.OperationalError("server closed the connection")
        return execute(sql, params, many, context)

    with replica.execute_wrapper(lose_the_replica_once):
        response, page, primary = _primary_reads(client, fund_page)

    assert broken
    assert response.status_code == 200
    assert "Trần T. B." in page
    assert "450.000" in page
    assert any(PORTAL_READ.search(sql) for sql in primary)
    # And the next page keeps off the replica while it is taken to be down.
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(fund_page).status_code == 200
    assert on_replica.captured_queries == []


def test_a_failure_of_the_primary_is_not_taken_for_the_replica(replica, client, world):
    client.force_login(world.users["party_viewer"])
    client.raise_request_exception = False
    primary = connections["default"]

    def primary_down(execute, sql, params, many, context):
        with primary.wrap_database_errors:
            raise primary.Database.OperationalError("the primary is gone")

    with primary.execute_wrapper(primary_down):
        response = client.get(reverse("reports:dashboard_ward", args=[world.ward_x.code]))

    assert response.status_code == 503
    assert "Hệ thống tạm thời gián đoạn" in response.content.decode()
    assert db_router._down_until == 0.0


def test_the_csv_download_streams_its_rows_from_the_replica(replica, client, world, fund):
    _record_donation(world, fund, name="Lê Minh Châu", amount=250_000)

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client.get(
            reverse("campaigns:public_fund_csv", args=[world.ward_x.code, fund.pk])
        )
        content = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response.status_code == 200
    assert "Lê M. C." in content
    assert [q["sql"] for q in primary.captured_queries if PORTAL_READ.search(q["sql"])] == []
    rows_read = [q["sql"] for q in on_replica.captured_queries if "campaigns_donation" in q["sql"]]
    assert rows_read
