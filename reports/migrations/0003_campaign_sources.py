from django.db import migrations

# Money and houses recorded in the campaigns module fill these monthly indicators.
CAMPAIGN_SOURCES = {
    "VNN_THU": "campaigns.vnn_received",
    "VNN_HIENVAT": "campaigns.vnn_in_kind",
    "VNN_CHI": "campaigns.vnn_paid",
    "ASXH_THIENTAI": "campaigns.disaster_received",
    "NDDK_KHOICONG": "campaigns.houses_started",
    "NDDK_XAYMOI": "campaigns.houses_new_handed_over",
    "NDDK_SUACHUA": "campaigns.houses_repaired_handed_over",
    "NDDK_TIEN": "campaigns.houses_fund_money",
}


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
