from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Login backends, two-step login and password pages; no models of its own."""

    name = "accounts"
    verbose_name = "Tài khoản"
