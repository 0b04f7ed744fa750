"""Read replica routing: dashboards and public disclosure pages read the portal's data from
the "replica" database; everything else, every write and users' sessions stay on the primary.

Active only when DATABASE_REPLICA_URL is set (settings add the "replica" alias and this
router). Which requests may read from the replica is decided per request by
core.replica.ReplicaReadsMiddleware; the decision lives in a context variable so a
request's queries, wherever they are made, follow it.
"""

from contextvars import ContextVar

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

reads_from_replica = ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if reads_from_replica.get() and model._meta.app_label in REPLICATED_APPS:
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
