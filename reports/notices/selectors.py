"""The reads of reminders and notices: a ward's reporting calendar, a person's notices."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from reports import deadlines
from reports.dashboards import progress
from reports.models import MonthlyReport
from reports.notices.models import Kind, Notice, NoticeOptOut

Status = MonthlyReport.Status
CALENDAR_MONTHS = 12


def notices_of(user) -> QuerySet[Notice]:
    """The user's own notices, newest first (nobody reads another's)."""
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def switched_off_kinds(user) -> set[str]:
    return set(NoticeOptOut.objects.filter(user=user).values_list("kind", flat=True))


def kinds() -> list[tuple[str, str]]:
    return list(Kind.choices)


@dataclass(frozen=True)
class CalendarMonth:
    """One month of a ward's reporting calendar."""

    period: datetime.date
    due: datetime.date
    days_left: int  # negative once the deadline has passed
    standing: progress.Standing
    report: MonthlyReport | None
    under_way: bool  # the month is not over yet

    @property
    def status_label(self) -> str:
        if self.report is None:
            return progress.NO_REPORT_LABEL
        return self.report.get_status_display()

    @property
    def is_sent(self) -> bool:
        return self.report is not None and self.report.status not in MonthlyReport.EDITABLE

    @property
    def is_open(self) -> bool:
        """Still to be sent (never sent, or returned)."""
        return not self.is_sent

    @property
    def is_returned(self) -> bool:
        return self.report is not None and self.report.status == Status.RETURNED

    @property
    def when(self) -> str:
        """ "còn 3 ngày", "hạn hôm nay", "quá hạn 4 ngày" while it is still to be sent."""
        if self.is_sent:
            return ""
        if self.is_returned:
            return "cần sửa và gửi lại"
        if self.days_left > 0:
            return f"còn {self.days_left} ngày"
        if self.days_left == 0:
            return "hạn hôm nay"
        return f"quá hạn {-self.days_left} ngày"

    @property
    def is_overdue(self) -> bool:
        return self.is_open and not self.is_returned and self.days_left < 0


@dataclass(frozen=True)
class Calendar:
    months: list[CalendarMonth]

    @property
    def next_due(self) -> CalendarMonth | None:
        """The nearest deadline still ahead (or today) of a month still to be sent."""
        ahead = [m for m in self.months if m.is_open and not m.is_returned and m.days_left >= 0]
        return min(ahead, key=lambda m: m.due) if ahead else None

    @property
    def overdue(self) -> list[CalendarMonth]:
        return [m for m in self.months if m.is_overdue]


def ward_calendar(ward, today: datetime.date) -> Calendar:
    """The month under way and the eleven before it, newest first: each one's deadline, what
    was sent and when (the first submission decides whether it was on time). One query."""
    months = [
        period
        for period in deadlines.recent_months(today, CALENDAR_MONTHS)
        if ward.accepts_month(period)
    ]
    reports = {
        r.period: r
        for r in progress.with_first_submission(
            MonthlyReport.objects.filter(ward=ward, period__in=months)
        ).order_by()
    }
    current = deadlines.month_of(today)
    rows = []
    for period in months:
        due = deadlines.due_date(period.year, period.month)
        report = reports.get(period)
        rows.append(
            CalendarMonth(
                period=period,
                due=due,
                days_left=(due - today).days,
                standing=progress.classify(report, due, today),
                report=report,
                under_way=period == current,
            )
        )
    return Calendar(months=rows)
