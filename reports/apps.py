from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        # The dashboards' summary rows follow every write (reports/summaries/signals.py).
        from reports.summaries import signals

        signals.connect()

        # A workflow step makes its notices as it commits (reports/notices/signals.py).
        from reports.notices import signals as notice_signals

        notice_signals.connect()

        # Cached dashboards follow every report and catalogue change (wards/page_cache.py);
        # a report's values are written in bulk, then the report is saved.
        from reports.models import (
            AreaValue,
            Indicator,
            IndicatorGroup,
            IndicatorValue,
            MonthlyReport,
            RatingCategory,
            RatingValue,
            ValidationRule,
        )
        from wards import page_cache

        page_cache.connect(IndicatorGroup)
        page_cache.connect(Indicator)
        page_cache.connect(ValidationRule)
        # A report's writes leave what is cached of the ward's records (computed figures).
        page_cache.connect(MonthlyReport, "ward", reports=True)
        # Values saved one by one (the admin); the report service writes them in bulk.
        page_cache.connect(IndicatorValue, "report__ward", reports=True)
        page_cache.connect(AreaValue, "report__ward", reports=True)
        page_cache.connect(RatingCategory)
        page_cache.connect(RatingValue, "report__ward", reports=True)
