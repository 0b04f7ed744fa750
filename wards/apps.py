from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Địa bàn và cán bộ"

    def ready(self):
        # Cached pages follow every change of the places and organisations they show.
        from . import page_cache
        from .models import MassOrganisation, Membership, Province, ResidentialArea, Ward

        for model in (Province, Ward, MassOrganisation):
            page_cache.connect(model)
        for model in (ResidentialArea, Membership):
            page_cache.connect(model, "ward")
