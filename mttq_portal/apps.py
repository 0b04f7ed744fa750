"""The third-party apps shown in the admin, under Vietnamese section names.

Django's way of renaming an app one does not own: a subclass of its AppConfig, named in
INSTALLED_APPS instead of the app. Their model and field names are translated in
locale/vi (they are marked for translation), except django-otp's device, named here.
"""

from axes.apps import AppConfig as AxesAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig


class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = "Theo dõi đăng nhập"


class TwoStepLoginConfig(TotpAppConfig):
    verbose_name = "Xác thực hai bước"

    def ready(self):
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # A plain string in django-otp, so no catalogue can translate it. Only the display
        # name: migrations read a model's declared Meta, which stays as it is.
        TOTPDevice._meta.verbose_name = "thiết bị xác thực hai bước"
        TOTPDevice._meta.verbose_name_plural = "thiết bị xác thực hai bước"


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = "Tác vụ nền"
