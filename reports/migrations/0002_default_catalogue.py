from django.db import migrations


def load_catalogue(apps, schema_editor):
    from reports.catalogue import GROUPS, INDICATORS, RULES

    IndicatorGroup = apps.get_model("reports", "IndicatorGroup")
    Indicator = apps.get_model("reports", "Indicator")
    ValidationRule = apps.get_model("reports", "ValidationRule")
    groups = [
        IndicatorGroup.objects.get_or_create(name=name, defaults={"display_order": i * 10})[0]
        for i, name in enumerate(GROUPS, start=1)
    ]
    for order, (code, group, name, unit, kind, rollup, *extra) in enumerate(INDICATORS, start=1):
        source = extra[0] if extra else ""
        by_area = extra[1] if len(extra) > 1 else False
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "group": groups[group],
                "name": name,
                "unit": unit,
                "kind": kind,
                "rollup": rollup,
                "source": source,
                "by_area": by_area,
                "display_order": order * 10,
            },
        )
    for left, operator, right, severity, message in RULES:
        ValidationRule.objects.get_or_create(
            left=left,
            operator=operator,
            right=right,
            defaults={"severity": severity, "message": message},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
