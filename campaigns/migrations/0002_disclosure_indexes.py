"""Indexes for the public disclosure (campaigns/public/selectors.py).

None of them is in the model state (models.py declares none), so they are raw SQL per
database and `makemigrations` never sees them.

PostgreSQL gets mttq_fold(text), the database's twin of disclosure.fold_text() (lower case,
no diacritics, single spaces; from the unaccent extension when it can be had, else from a
TRANSLATE table), mttq_family(text) for disclosure.family_name(), statistics on both, and
covering indexes so that searching and summing a fund
of hundreds of thousands of donations reads index entries, not table rows:
- keyset pages by ward, campaign and date, with the folded name; totals by ward and campaign;
- one partial index per kind of donor the search treats apart: people by family name (searched
  by prefix, hence text_pattern_ops) and amount, organisations and collectives, the unnamed.
SQLite, used for development and tests, gets plain indexes for the pages; its mttq_fold and
mttq_family are registered on each connection by disclosure.Folded and FamilyName.
"""

from django.db import migrations, transaction

_ACCENTED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_PLAIN = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
_SPACES = r"btrim(regexp_replace($1, '\s+', ' ', 'g'))"

FOLD_WITH_UNACCENT = (
    "CREATE OR REPLACE FUNCTION mttq_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, " + _SPACES + ")) $$"
)
FOLD_WITH_TRANSLATE = (
    "CREATE OR REPLACE FUNCTION mttq_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    f"SELECT lower(translate({_SPACES}, '{_ACCENTED + _ACCENTED.upper()}', "
    f"'{_PLAIN + _PLAIN.upper()}')) $$"
)
# disclosure.family_name(): the first word of the folded name, none for a one-word name. Not
# STRICT, so that PostgreSQL inlines it in queries and indexes alike.
FAMILY = (
    "CREATE OR REPLACE FUNCTION mttq_family(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    "SELECT CASE WHEN strpos({schema}.mttq_fold($1), ' ') > 0 "
    "THEN split_part({schema}.mttq_fold($1), ' ', 1) END $$"
)

# Every page of a search picks its rows' ids from one of these alone (index-only), in date
# order or, for people, by family name; totals likewise sum index entries.
DATE_ORDER = "ward_id, campaign_id, received_on, receipt_number, id"
POSTGRESQL_INDEXES = [
    (
        "campaigns_donation_public_idx",
        f"campaigns_donation ({DATE_ORDER}, mttq_fold(donor_name)) "
        "INCLUDE (amount, donor_kind, publish_name, donor_name)",
    ),
    ("campaigns_donation_totals_idx", "campaigns_donation (ward_id, campaign_id) INCLUDE (amount)"),
    (
        "campaigns_donation_people_idx",
        "campaigns_donation (ward_id, campaign_id, mttq_family(donor_name) text_pattern_ops, "
        "amount, mttq_fold(donor_name)) INCLUDE (received_on, receipt_number, id, donor_name) "
        "WHERE donor_kind = 'individual' AND publish_name",
    ),
    (
        "campaigns_donation_organisations_idx",
        f"campaigns_donation ({DATE_ORDER}, mttq_fold(donor_name)) INCLUDE (amount, donor_name) "
        "WHERE donor_kind IN ('organisation', 'collective') AND publish_name",
    ),
    (
        "campaigns_donation_unnamed_idx",
        f"campaigns_donation ({DATE_ORDER}) INCLUDE (amount) "
        "WHERE donor_kind = 'anonymous' OR NOT publish_name",
    ),
    (
        "campaigns_disbursement_public_idx",
        "campaigns_disbursement (ward_id, campaign_id, paid_on, id) INCLUDE (amount)",
    ),
]
# How common each folded name and family name is, so that the planner picks the right index
# (PostgreSQL 14+; partial indexes give the planner no statistics).
STATISTICS = [
    ("campaigns_donation_fold_stats", "mttq_fold(donor_name)"),
    ("campaigns_donation_family_stats", "mttq_family(donor_name)"),
]
OTHER_INDEXES = [
    (
        "campaigns_donation_public_idx",
        "campaigns_donation (ward_id, campaign_id, received_on, receipt_number, id)",
    ),
    (
        "campaigns_disbursement_public_idx",
        "campaigns_disbursement (ward_id, campaign_id, paid_on, id)",
    ),
]


def _unaccent_schema(schema_editor):
    """The schema of the unaccent extension, installing it if allowed; None without it."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
        if cursor.fetchone():
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            except Exception:  # no right to install it: fall back to TRANSLATE
                pass
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        found = cursor.fetchone()
    return found[0] if found else None


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        for name, definition in OTHER_INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
        return
    schema = _unaccent_schema(schema_editor)
    fold = FOLD_WITH_UNACCENT.format(schema=schema) if schema else FOLD_WITH_TRANSLATE
    schema_editor.execute(fold)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema_editor.execute(FAMILY.format(schema=cursor.fetchone()[0]))
    for name, definition in POSTGRESQL_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    if schema_editor.connection.pg_version >= 140000:
        for name, expression in STATISTICS:
            schema_editor.execute(
                f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM campaigns_donation"
            )


def drop(apps, schema_editor):
    for name, _definition in POSTGRESQL_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    if schema_editor.connection.vendor == "postgresql":
        for name, _expression in STATISTICS:
            schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")
        schema_editor.execute("DROP FUNCTION IF EXISTS mttq_family(text)")
        schema_editor.execute("DROP FUNCTION IF EXISTS mttq_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
