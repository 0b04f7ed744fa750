"""Months as first-of-month dates."""

import datetime

from django.http import Http404
from django.utils import timezone


def month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def add_months(period: datetime.date, months: int) -> datetime.date:
    index = period.year * 12 + (period.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from first to last, both included."""
    months, current = [], first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def period_or_404(year: int, month: int) -> datetime.date:
    """The month's first day; 404 for an impossible month or one that has not begun."""
    try:
        period = month_start(year, month)
    except ValueError:
        raise Http404("Tháng không hợp lệ.") from None
    if period > timezone.localdate().replace(day=1):
        raise Http404("Chưa đến tháng báo cáo này.")
    return period
