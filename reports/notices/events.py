"""What should be told to whom, now: the notices the sender makes (reports/notices/services.py).

- due in `NOTICE_DUE_SOON_DAYS` days or fewer, not yet sent → the ward's officers;
- overdue (deadline passed, within `NOTICE_OVERDUE_LOOKBACK_DAYS`), not yet sent → the ward's
  officers and its chair;
- submitted → the chair; returned (or reopened) with the chair's comment → the officers;
  approved → the officers: from the workflow trail (`ReportEvent`) of the last
  `NOTICE_EVENT_LOOKBACK_HOURS`, the latest step of each report, while the report still is
  where that step left it.

Every notice names its event by a key (a ward's month, or a trail row): the same key never
makes a second notice of its kind for the same person. A step's notices are also made as the
step commits (`step_drafts`, reports/notices/signals.py), so they are listed at once.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.templatetags.people import vietnamese_name
from reports import deadlines
from reports.models import MonthlyReport, ReportEvent
from reports.notices.models import Kind
from wards.models import RoleAssignment, Ward

Role = RoleAssignment.Role
Status = MonthlyReport.Status
Action = ReportEvent.Action

# How many months back a deadline can still be near or recently passed.
MONTHS_LOOKED_AT = 3
# The step of the trail, the status it leaves the report in, its kind and who is told.
STEPS = {
    Action.SUBMIT: (Status.SUBMITTED, Kind.SUBMITTED, (Role.WARD_CHAIR,)),
    Action.RETURN: (Status.RETURNED, Kind.RETURNED, (Role.WARD_OFFICER,)),
    Action.REOPEN: (Status.RETURNED, Kind.RETURNED, (Role.WARD_OFFICER,)),
    Action.APPROVE: (Status.APPROVED, Kind.APPROVED, (Role.WARD_OFFICER,)),
}
NOT_SENT = (None, Status.DRAFT)  # no report yet, or one being entered and never sent


@dataclass(frozen=True)
class Draft:
    """A notice to make: its person, kind, event and text."""

    user_id: int
    email: str
    kind: str
    event_key: str
    ward: Ward
    period: datetime.date
    title: str
    body: str
    link: str


def pending(*, today: datetime.date, now: datetime.datetime) -> list[Draft]:
    """Every notice the situation calls for now (those already made included)."""
    people = _ward_people()
    return [*_deadline_drafts(today, people), *_workflow_drafts(now, people)]


def _ward_people(ward_ids=None) -> dict[int, dict[str, list]]:
    """Active officers and chairs by ward and role: {ward_id: {role: [user]}}. One query."""
    people = defaultdict(lambda: defaultdict(list))
    assignments = RoleAssignment.objects.filter(
        role__in=(Role.WARD_OFFICER, Role.WARD_CHAIR),
        user__is_active=True,
        ward__isnull=False,
    ).select_related("user")
    if ward_ids is not None:
        assignments = assignments.filter(ward_id__in=ward_ids)
    for assignment in assignments:
        people[assignment.ward_id][assignment.role].append(assignment.user)
    return people


def _recipients(people, ward_id, roles):
    return [user for role in roles for user in people.get(ward_id, {}).get(role, [])]


def _entry_link(ward, period) -> str:
    return reverse("reports:entry", args=[ward.code, period.year, period.month])


def _deadline_drafts(today, people) -> list[Draft]:
    soon_days = settings.NOTICE_DUE_SOON_DAYS
    lookback = settings.NOTICE_OVERDUE_LOOKBACK_DAYS
    months = {}
    for period in deadlines.recent_months(today, MONTHS_LOOKED_AT + 1)[1:]:
        left = deadlines.days_until_due(period.year, period.month, today)
        if 0 <= left <= soon_days:
            months[period] = (Kind.DUE_SOON, (Role.WARD_OFFICER,), left)
        elif -lookback <= left < 0:
            months[period] = (Kind.OVERDUE, (Role.WARD_OFFICER, Role.WARD_CHAIR), left)
    if not months or not people:
        return []
    wards = Ward.objects.filter(pk__in=people.keys()).only("code", "name", "abolished_on")
    statuses = {
        (ward_id, period): status
        for ward_id, period, status in MonthlyReport.objects.filter(
            ward_id__in=people.keys(), period__in=months.keys()
        ).values_list("ward_id", "period", "status")
    }
    drafts = []
    for ward in wards:
        for period, (kind, roles, left) in months.items():
            if not ward.accepts_month(period) or statuses.get((ward.pk, period)) not in NOT_SENT:
                continue
            title, body = _deadline_text(kind, ward, period, left, today)
            for user in _recipients(people, ward.pk, roles):
                drafts.append(
                    Draft(
                        user_id=user.pk,
                        email=user.email,
                        kind=kind,
                        event_key=f"ward{ward.pk}:{period:%Y-%m}",
                        ward=ward,
                        period=period,
                        title=title,
                        body=body,
                        link=_entry_link(ward, period),
                    )
                )
    return drafts


def _deadline_text(kind, ward, period, left, today):
    due = deadlines.due_date(period.year, period.month)
    month = f"tháng {period:%m/%Y}"
    if kind == Kind.DUE_SOON:
        when = "hôm nay" if left == 0 else f"còn {left} ngày"
        return (
            f"Báo cáo {month} của {ward.name} sắp đến hạn nộp ({when})",
            f"Báo cáo {month} của {ward.name} chưa được gửi duyệt. Hạn nộp là ngày "
            f"{due:%d/%m/%Y} ({when}).",
        )
    return (
        f"Báo cáo {month} của {ward.name} đã quá hạn nộp",
        f"Hạn nộp báo cáo {month} của {ward.name} là ngày {due:%d/%m/%Y}; đến ngày "
        f"{today:%d/%m/%Y} báo cáo vẫn chưa được gửi duyệt (trễ {-left} ngày).",
    )


def _workflow_drafts(now, people) -> list[Draft]:
    since = now - datetime.timedelta(hours=settings.NOTICE_EVENT_LOOKBACK_HOURS)
    events = (
        ReportEvent.objects.filter(action__in=STEPS.keys(), at__gte=since)
        .select_related("report__ward", "actor")
        .order_by("at", "pk")
    )
    latest = {}
    for event in events:  # the last step of each report wins
        latest[event.report_id] = event
    drafts = []
    for event in latest.values():
        drafts.extend(_event_drafts(event, people))
    return drafts


def step_drafts(event) -> list[Draft]:
    """The notices one step of the trail calls for, as it is recorded (the portal lists them
    at once; the sender mails them)."""
    if event.action not in STEPS:
        return []
    return _event_drafts(event, _ward_people([event.report.ward_id]))


def _event_drafts(event, people) -> list[Draft]:
    status, kind, roles = STEPS[event.action]
    report = event.report
    if report.status != status:  # the report has moved on since
        return []
    title, body = _workflow_text(event, kind)
    return [
        Draft(
            user_id=user.pk,
            email=user.email,
            kind=kind,
            event_key=f"event{event.pk}",
            ward=report.ward,
            period=report.period,
            title=title,
            body=body,
            link=_entry_link(report.ward, report.period),
        )
        for user in _recipients(people, report.ward_id, roles)
        if user.pk != event.actor_id
    ]


def _workflow_text(event, kind):
    report, actor = event.report, vietnamese_name(event.actor)
    month = f"tháng {report.period:%m/%Y}"
    ward = report.ward.name
    at = f"{timezone.localtime(event.at):%H:%M ngày %d/%m/%Y}"
    if kind == Kind.SUBMITTED:
        return (
            f"Báo cáo {month} của {ward} đã được gửi, chờ duyệt",
            f"{actor} đã gửi báo cáo {month} của {ward} lúc {at}; báo cáo đang chờ Chủ tịch "
            "Ủy ban MTTQ duyệt.",
        )
    if kind == Kind.RETURNED:
        return (
            f"Báo cáo {month} của {ward} bị trả lại để sửa",
            f"{actor} đã trả lại báo cáo {month} của {ward} lúc {at}.\nÝ kiến: {event.comment}",
        )
    return (
        f"Báo cáo {month} của {ward} đã được duyệt",
        f"{actor} đã duyệt báo cáo {month} của {ward} lúc {at}.",
    )
