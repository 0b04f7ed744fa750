from django.db import migrations

from reports.catalogue import CAMPAIGN_SOURCES

def link_sources(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for code, source in CAMPAIGN_SOURCES.items():
        Indicator.objects.filter(code=code, source="").update(source=source)


def unlink_sources(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for code, source in CAMPAIGN_SOURCES.items():
        Indicator.objects.filter(code=code, source=source).update(source="")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_default_catalogue"), ("campaigns", "0001_initial")]

    operations = [migrations.RunPython(link_sources, unlink_sources)]
