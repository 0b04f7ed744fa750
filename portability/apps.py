from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    """A ward's data out and back in (export_ward, import_ward): it reads every app, and no app
    imports it."""

    name = "portability"
    verbose_name = "Chuyển dữ liệu phường, xã"
