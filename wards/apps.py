from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Địa bàn và cán bộ"

    def ready(self):
        # Cached pages follow every change of the places and organisations they show.
        from django.contrib.auth import get_user_model

        from wards import models, page_cache

        for model in (models.Province, models.Ward, models.MassOrganisation):
            page_cache.connect(model)
        for model in (models.ResidentialArea, models.Membership):
            page_cache.connect(model, "ward")
        # The signed-in user and their role, cached by accounts/backends.py.
        page_cache.connect_users(get_user_model(), "pk")
        page_cache.connect_users(models.RoleAssignment, "user_id")
