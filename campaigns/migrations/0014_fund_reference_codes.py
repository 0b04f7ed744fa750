"""Give every existing campaign its transfer reference code (new ones get it on save)."""

import secrets

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # campaigns/references.py, frozen here


def give_codes(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    used = set(Campaign.objects.exclude(reference_code=None).values_list("reference_code", flat=True))
    for campaign in Campaign.objects.filter(reference_code=None).only("pk"):
        code = None
        while code is None or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(4))
        used.add(code)
        Campaign.objects.filter(pk=campaign.pk).update(reference_code=code)
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred checks now: PostgreSQL refuses a later ALTER TABLE on a table
        # with pending trigger events in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0013_bank_reconciliation")]

    operations = [migrations.RunPython(give_codes, migrations.RunPython.noop)]
