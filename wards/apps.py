from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Địa bàn và cán bộ"
