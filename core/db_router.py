"""Read replica routing: dashboards and public disclosure pages read the portal's data from
the "replica" database; everything else, every write and users' sessions stay on the primary.

Active only when DATABASE_REPLICA_URL is set (settings add the "replica" alias and this
router). Which requests may read from the replica is decided per request by
core.replica.ReplicaReadsMiddleware; the decision lives in a context variable so a
request's queries, wherever they are made, follow it.

A replica that does not answer is no outage: a request's first read checks its connection
(the health check Django would run anyway), and when it cannot connect the request reads from
the primary, as does every request of this process for the next REPLICA_RETRY_SECONDS (one
request then tries the replica again). A replica lost in the middle of a request is handled
by the middleware, which runs the read-only view again on the primary.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"

# Only the portal's own data is read from the replica: accounts and sessions change at
# login and must never lag behind.
REPLICATED_APPS = frozenset({"wards", "campaigns", "reports"})

# Pages that only read and can live with a few seconds of replication lag.
REPLICA_VIEWS = frozenset(
    {
        "reports:dashboard_ward",
        "reports:dashboard_province",
        "reports:dashboard_national",
        "campaigns:public_directory",
        "campaigns:public_province",
        "campaigns:public_ward",
        "campaigns:public_fund",
        "campaigns:public_fund_csv",
        # Giving (campaigns/public/giving.py): a fund's short link, QR posters, a pledge's
        # page (the browser that just made the pledge reads from the primary for a while
        # after its POST, core/replica.py). Not the pledge form: it writes.
        "campaigns:short_link",
        "campaigns:public_pledge",
        "campaigns:public_fund_poster",
        "campaigns:public_drive_poster",
        "campaigns:public_fund_xlsx",
        "campaigns:public_ward_file",
        # The public read API (campaigns/public/api.py).
        "campaigns:api_index",
        "campaigns:api_openapi",
        "campaigns:api_province_funds",
        "campaigns:api_ward_funds",
        "campaigns:api_fund",
        "campaigns:api_fund_lines",
        "campaigns:api_drive",
        "campaigns:api_drive_ward",
        "campaigns:api_drive_ward_payments",
    }
)


class ReplicaReads:
    """A request that may read from the replica, and whether the replica answered it."""

    __slots__ = ("usable",)

    def __init__(self):
        self.usable = None  # not asked yet

    def replica_usable(self) -> bool:
        if self.usable is None:
            self.usable = _connect()
        return self.usable

    def replica_failed(self) -> None:
        self.usable = False
        replica_down()


reads_from_replica: ContextVar[ReplicaReads | None] = ContextVar("reads_from_replica", default=None)

# Until when (time.monotonic()) this process reads from the primary only.
_down_until = 0.0


def replica_down() -> None:
    """The replica failed: this process leaves it alone for REPLICA_RETRY_SECONDS."""
    global _down_until
    if time.monotonic() >= _down_until:
        logger.warning(
            "Read replica unreachable; reading from the primary for %s s",
            settings.REPLICA_RETRY_SECONDS,
        )
    _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    connections[REPLICA].close()


def _connect() -> bool:
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        replica_down()
        return False
    return True


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = reads_from_replica.get()
        if (
            reads is not None
            and model._meta.app_label in REPLICATED_APPS
            and reads.replica_usable()
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by PostgreSQL replication, never by migrations.
        return db == PRIMARY
