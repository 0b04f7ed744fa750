from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Địa bàn và cán bộ"

    def ready(self):
        # Cached pages follow every change of the places and organisations they show.
        from django.contrib.auth import get_user_model
        from django.db.backends.signals import connection_created

        from wards import page_cache
        from wards.collation import register_sqlite_collation
        from wards.models import MassOrganisation, Membership, Province, ResidentialArea, RoleAssignment, Ward

        for model in (Province, Ward, MassOrganisation):
            page_cache.connect(model)
        for model in (ResidentialArea, Membership):
            page_cache.connect(model, "ward")
        # The signed-in user and their role, cached by wards/auth.py.
        page_cache.connect_users(get_user_model(), "pk")
        page_cache.connect_users(RoleAssignment, "user_id")

        # <year:…> and <month:…> in URL patterns: out of range is no page (wards/dates.py).
        from django.urls import register_converter

        from wards.dates import MonthConverter, YearConverter

        register_converter(YearConverter, "year")
        register_converter(MonthConverter, "month")

        # Vietnamese name order (wards/collation.py) on SQLite as on PostgreSQL.
        connection_created.connect(register_sqlite_collation, dispatch_uid="vietnamese-collation")
