from django.db import migrations


def add_organisations(apps, schema_editor):
    from wards.catalogue import load_default_organisations

    load_default_organisations(apps.get_model("wards", "MassOrganisation"))


class Migration(migrations.Migration):
    dependencies = [("wards", "0001_initial")]

    operations = [migrations.RunPython(add_organisations, migrations.RunPython.noop)]
