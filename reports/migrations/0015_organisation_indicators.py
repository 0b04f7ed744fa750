# The rows apart from the column: PostgreSQL builds the column's index at the end of its
# migration, which it refuses once rows were written in the same transaction.

from django.db import migrations

from reports.catalogue import load_organisation_indicators, remove_organisation_indicators


def add_organisation_indicators(apps, schema_editor):
    """Each member organisation's own monthly counts (new members, branches), tied to it
    (reports/catalogue.py ORGANISATION_INDICATORS)."""
    load_organisation_indicators(
        apps.get_model("reports", "IndicatorGroup"),
        apps.get_model("reports", "Indicator"),
        apps.get_model("wards", "MassOrganisation"),
    )
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks of these rows now: PostgreSQL refuses to alter
        # or index a table with pending trigger events later in this migration.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


def remove_them(apps, schema_editor):
    remove_organisation_indicators(
        apps.get_model("reports", "IndicatorGroup"), apps.get_model("reports", "Indicator")
    )
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks of these rows now: PostgreSQL refuses to alter
        # or index a table with pending trigger events later in this migration.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0014_indicator_organisation'),
    ]

    operations = [
        migrations.RunPython(add_organisation_indicators, remove_them),
    ]
