from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure with no models: security, health, uploads, printing, numbers and words,
    spreadsheets, and the template tags for numbers and names."""

    name = "core"
    verbose_name = "Hạ tầng"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.urls import register_converter

        from core.collation import register_sqlite_collation
        from core.dates import MonthConverter, YearConverter

        # <year:…> and <month:…> in URL patterns: out of range is no page (core/dates.py).
        register_converter(YearConverter, "year")
        register_converter(MonthConverter, "month")

        # Vietnamese name order (core/collation.py) on SQLite as on PostgreSQL.
        connection_created.connect(register_sqlite_collation, dispatch_uid="vietnamese-collation")
