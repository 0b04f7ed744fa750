"""When a monthly report is due: a configurable day of the following month."""

import datetime

from django.conf import settings

from reports import periods


def previous_month(day: datetime.date) -> tuple[int, int]:
    first = day.replace(day=1)
    last_month = first - datetime.timedelta(days=1)
    return last_month.year, last_month.month


def due_date(year: int, month: int) -> datetime.date:
    """The deadline of the report for (year, month)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(next_year, next_month, settings.MONTHLY_REPORT_DUE_DAY)


def month_of(day: datetime.date) -> datetime.date:
    """The first day of the month `day` falls in."""
    return day.replace(day=1)


def recent_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The month under way and the `count - 1` before it, newest first (first days)."""
    current = month_of(today)
    return [periods.add_months(current, -back) for back in range(count)]


def days_until_due(year: int, month: int, today: datetime.date) -> int:
    """Days from today to the deadline: 0 on the day itself, negative once it has passed."""
    return (due_date(year, month) - today).days
