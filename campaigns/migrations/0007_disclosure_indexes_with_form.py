"""The disclosure's PostgreSQL indexes (0002) also cover `form`: its totals add cash and the
equivalents of goods apart, and should still read index entries only, not table rows."""

import importlib

from django.db import migrations

_INDEXES = importlib.import_module("campaigns.migrations.0002_disclosure_indexes")


def _with_form(definition: str) -> str:
    return definition.replace("INCLUDE (", "INCLUDE (form, ", 1)


def _recreate(schema_editor, change):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite's plain indexes (0002) hold no amounts
    for name, definition in _INDEXES.POSTGRESQL_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {change(definition)}")


def add_form(apps, schema_editor):
    _recreate(schema_editor, _with_form)


def remove_form(apps, schema_editor):
    _recreate(schema_editor, lambda definition: definition)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_in_kind_constraints")]

    operations = [migrations.RunPython(add_form, remove_form)]
