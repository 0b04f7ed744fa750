"""When a monthly report is due: a configurable day of the following month."""

import datetime

from django.conf import settings


def previous_month(day: datetime.date) -> tuple[int, int]:
    first = day.replace(day=1)
    last_month = first - datetime.timedelta(days=1)
    return last_month.year, last_month.month


def due_date(year: int, month: int) -> datetime.date:
    """The deadline of the report for (year, month)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(next_year, next_month, settings.MONTHLY_REPORT_DUE_DAY)
