from django.db import migrations


def load_catalogue(apps, schema_editor):
    from reports.catalogue import load_default_catalogue

    load_default_catalogue(
        apps.get_model("reports", "IndicatorGroup"),
        apps.get_model("reports", "Indicator"),
        apps.get_model("reports", "ValidationRule"),
        with_campaign_sources=False,
        ratios_sum_months=True,  # as then; 0007 makes stock ratios take the latest month
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
