"""The public front door's commune search (campaigns/public/directory.py) matches the folded
name, mttq_fold(name) (migration 0002), at the start of any word: LIKE 'q%' OR LIKE '% q%'.
Without an index PostgreSQL folds every one of the ~12,700 communes' names (current and
abolished) per search, some 50 + 140 ms; a trigram index on the folded name answers a usual
query in about 2 ms.

PostgreSQL only, and only where the pg_trgm extension can be had (a trusted extension since
PostgreSQL 13: the database's owner may install it); without it the search works, unindexed.
SQLite (development, tests) needs nothing. Not in the model state, as in 0002.
"""

from django.db import migrations, transaction

INDEX = "wards_ward_folded_name_trgm"


def _has_trigrams(schema_editor) -> str | None:
    """The schema of pg_trgm, installing it if allowed; None without it."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone():
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception:  # no right to install it: the search stays unindexed
                pass
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        )
        found = cursor.fetchone()
    return found[0] if found else None


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema = _has_trigrams(schema_editor)
    if schema:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wards_ward "
            f"USING gin (mttq_fold(name) {schema}.gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0015_statement_line_handled_by"),
        ("wards", "0008_organisation_officer"),
    ]

    operations = [migrations.RunPython(create, drop)]
