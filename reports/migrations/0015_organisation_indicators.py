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


def remove_them(apps, schema_editor):
    remove_organisation_indicators(
        apps.get_model("reports", "IndicatorGroup"), apps.get_model("reports", "Indicator")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0014_indicator_organisation'),
    ]

    operations = [
        migrations.RunPython(add_organisation_indicators, remove_them),
    ]
