"""Shared pieces of the benchmarks: a PostgreSQL database, timing, and bench/results.json.

The format of results.json is described in ../shared/bench-results.md: one object with
`measured_at`, `database`, `dataset` and a list of `results`, each with p50/p95 over warm
requests and the SQL query count of one request.
"""

import json
import os
import statistics
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mttq_bench"


def configure_django():
    """Production-like settings on PostgreSQL: DEBUG off (no query log), no HTTPS redirect."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
    # Pages are measured as built, not as served from the page cache (wards/page_cache.py);
    # `make loadtest` turns the cache on and measures that.
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
    os.environ.setdefault("STATIC_ROOT", str(Path(__file__).resolve().parent / ".static"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings")
    _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()


def _create_database(url):
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(name, request, *, n=30, warmup=5, **extra):
    """Time `request()` n times after warming up; count the queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        request()
    with CaptureQueriesContext(connection) as captured:
        request()
    # Counted now: the next request's request_started signal clears the query log.
    queries = len(captured.captured_queries)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        request()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "name": name,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "n": n,
        "queries": queries,
        **extra,
    }


def database_label():
    from django.db import connection

    if connection.vendor == "postgresql":
        major = connection.pg_version // 10000
        return f"postgresql {major}"
    return connection.vendor


def write_results(results, dataset):
    """Replace entries by name, keep other benchmarks' entries, stamp the time."""
    existing = json.loads(RESULTS_PATH.read_text()) if RESULTS_PATH.exists() else {}
    by_name = {entry["name"]: entry for entry in existing.get("results", [])}
    by_name.update({entry["name"]: entry for entry in results})
    payload = {
        "measured_at": datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).isoformat(timespec="seconds"),
        "database": database_label(),
        "dataset": {**existing.get("dataset", {}), **dataset},
        "results": sorted(by_name.values(), key=lambda entry: entry["name"]),
    }
    RESULTS_PATH.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return payload
