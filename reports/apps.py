from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        # The dashboards' summary rows follow every write (reports/summaries/signals.py).
        from .summaries import signals

        signals.connect()
