"""The monthly workflow: save, submit, approve, return, reopen. One transaction each.

draft → submitted (officer) → approved (chair) or returned with a comment (chair) → the
officer fixes and submits again. Approved reports are locked; reopening one needs a chair
and a reason, and is recorded. Every value change is kept by django-simple-history.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.text import visible_text
from reports import selectors
from reports.models import (
    AreaValue,
    IndicatorValue,
    MonthlyReport,
    RatingValue,
    ReportEvent,
    WarningExplanation,
)
from reports.summaries import signals as summary_signals
from wards.selectors import Role, can_edit_ward, organisation_of, role_of, ward_for

Status = MonthlyReport.Status
Action = ReportEvent.Action


class WorkflowError(Exception):
    """A refused action; the message is shown to the user as it is."""


class ReportLocked(WorkflowError):
    pass


class EditConflict(WorkflowError):
    def __init__(self, changes, message=None):
        super().__init__(
            message
            or "Người khác đã lưu báo cáo này sau khi bạn mở trang. Số liệu bạn vừa nhập vẫn "
            "còn trên trang; hãy xem các thay đổi bên dưới rồi lưu lại."
        )
        self.changes = changes


NO_VERSION_MESSAGE = (
    "Trang bạn gửi không cho biết bạn đang sửa phiên bản nào của báo cáo, nên chưa lưu gì để "
    "không ghi đè số liệu người khác có thể đã lưu. Số liệu bạn vừa nhập vẫn còn trên trang; "
    "hãy kiểm tra rồi lưu lại."
)


class OutsideOrganisation(WorkflowError):
    """An organisation officer's save that would change a figure outside its organisation's
    part of the month: nothing is written."""


class SubmissionBlocked(WorkflowError):
    def __init__(self, errors, unexplained, outliers):
        super().__init__("Báo cáo chưa gửi được: hãy sửa các lỗi và giải trình các cảnh báo.")
        self.errors = errors
        self.unexplained = unexplained
        self.outliers = outliers


@dataclass(frozen=True)
class Entry:
    """One indicator's typed figure (None = left empty)."""

    value: int | None
    denominator: int | None = None


def _locked_report(report: MonthlyReport) -> MonthlyReport:
    """Re-read the report under a row lock so concurrent actions queue up."""
    reports = MonthlyReport.objects.select_for_update().select_related("ward")
    locked = reports.filter(ward=report.ward_id, period=report.period).first()
    if locked is None:
        # First save of the month: create it (a concurrent creator makes get_or_create wait).
        created, _ = MonthlyReport.objects.get_or_create(ward=report.ward, period=report.period)
        locked = reports.get(pk=created.pk)
    return locked


@transaction.atomic
def report_save(
    *,
    report: MonthlyReport,
    user,
    entries: dict[str, Entry],
    area_entries: dict[tuple[str, int], int | None] | None = None,
    rating_entries: dict[tuple[str, int], int | None] | None = None,
    explanations: dict[int, str] | None = None,
    base_version: int | None = None,
    require_version: bool = False,
    opened_at: datetime.datetime | None = None,
    indicators=None,
    action: str | None = None,
) -> MonthlyReport:
    """Write the typed figures of an editable report; computed figures are refreshed.

    `base_version` is the version the user's page showed: if someone saved since, nothing is
    written and EditConflict lists what they changed. With `require_version` (a page's POST),
    a missing version is a conflict too, never an overwrite. Indicators missing from `entries`
    keep their saved figures. `rating_entries` are counts of rating categories, keyed by
    (rating indicator code, category id); None removes a count.
    """
    _require_open_month(report)
    report = _locked_report(report)
    part = _require_report_writer(user, report)
    if not report.is_editable:
        raise ReportLocked(
            f"Báo cáo {report.label} đang ở trạng thái “{report.get_status_display()}”, "
            "không sửa được."
        )
    if base_version is None and require_version:
        raise EditConflict([], message=NO_VERSION_MESSAGE)
    if base_version is not None and base_version != report.version:
        raise EditConflict(selectors.changes_since(report, opened_at or report.updated_at))

    if indicators is None:
        indicators = selectors.active_indicators(report.period)
    by_code = {i.code: i for i in indicators}
    entries = {code: entry for code, entry in entries.items() if code in by_code}
    existing = {v.indicator_id: v for v in IndicatorValue.objects.filter(report=report)}
    if part is not None:
        _refuse_outside_part(
            report, part, by_code, entries, existing, area_entries, rating_entries, explanations
        )
    # Shares computed from the report's own counts see the counts as they are being saved.
    own = {i.code: existing[i.pk].value for i in indicators if i.pk in existing}
    own.update({code: entry.value for code, entry in entries.items()})
    for code, figure in selectors.computed_figures(report, indicators, own).items():
        entries[code] = Entry(figure.value, figure.denominator)

    to_create, to_update = [], []
    removed = False  # a value row losing its figure (the summaries' refresh deletes then)
    for code, entry in entries.items():
        indicator = by_code[code]
        current = existing.get(indicator.pk)
        if current is None:
            if entry.value is not None:
                to_create.append(
                    IndicatorValue(
                        report=report,
                        indicator=indicator,
                        value=entry.value,
                        denominator=entry.denominator,
                    )
                )
        elif (current.value, current.denominator) != (entry.value, entry.denominator):
            removed = removed or (current.value is not None and entry.value is None)
            current.value, current.denominator = entry.value, entry.denominator
            to_update.append(current)
    if to_create:
        bulk_create_with_history(to_create, IndicatorValue, default_user=user)
    if to_update:
        bulk_update_with_history(
            to_update, IndicatorValue, ["value", "denominator"], default_user=user
        )
    if area_entries:
        _save_area_values(report, by_code, area_entries)
    if rating_entries:
        _save_rating_values(report, user, rating_entries)
    if explanations is not None:
        _save_explanations(report, explanations)

    report.version += 1
    # The save refreshes the month's summaries (values written in bulk send no signals).
    setattr(report, summary_signals.VALUES_REMOVED, removed)
    report.save(update_fields=["version", "updated_at"])
    if action:
        ReportEvent.objects.create(report=report, action=action, actor=user)
    return report


def _refuse_outside_part(
    report, part, by_code, entries, existing, area_entries, rating_entries, explanations
):
    """An organisation officer's save changes its organisation's indicators only: a typed
    figure of any other indicator, an area breakdown, a rating count or an explanation that
    differs from what is saved refuses the whole save (a page's POST may carry them unchanged;
    a forged one carrying changes writes nothing)."""
    refusal = (
        f"Cán bộ {part} chỉ được nhập, sửa số liệu của {part}; "
        "{what} không thuộc phần của tổ chức. Chưa lưu số liệu nào."
    )
    for code, entry in entries.items():
        indicator = by_code[code]
        if indicator.organisation_id == part.pk:
            continue
        current = existing.get(indicator.pk)
        if current is None:
            changed = entry.value is not None  # as the save below: an empty one writes nothing
        else:
            changed = (entry.value, entry.denominator) != (current.value, current.denominator)
        if changed:
            raise OutsideOrganisation(refusal.format(what=f"chỉ tiêu “{indicator.name}”"))
    saved_areas = {
        (v.indicator_id, v.area_id): v.value for v in AreaValue.objects.filter(report=report)
    }
    for (code, area_id), value in (area_entries or {}).items():
        indicator = by_code.get(code)
        if indicator is not None and saved_areas.get((indicator.pk, area_id)) != value:
            raise OutsideOrganisation(refusal.format(what="số liệu theo khu dân cư"))
    saved_ratings = dict(
        RatingValue.objects.filter(report=report).values_list("category_id", "value")
    )
    for (_code, category_id), value in (rating_entries or {}).items():
        if saved_ratings.get(category_id) != value:
            raise OutsideOrganisation(refusal.format(what="số liệu xếp loại"))
    saved_texts = dict(
        WarningExplanation.objects.filter(report=report).values_list("rule_id", "text")
    )
    for rule_id, text in (explanations or {}).items():
        if saved_texts.get(rule_id, "") != visible_text(text):
            raise OutsideOrganisation(refusal.format(what="giải trình cảnh báo"))


def _save_area_values(report, by_code, area_entries):
    existing = {(v.indicator_id, v.area_id): v for v in AreaValue.objects.filter(report=report)}
    for (code, area_id), value in area_entries.items():
        indicator = by_code.get(code)
        if indicator is None or not indicator.by_area:
            continue
        current = existing.get((indicator.pk, area_id))
        if value is None:
            if current:
                current.delete()
        elif current is None:
            AreaValue.objects.create(
                report=report, indicator=indicator, area_id=area_id, value=value
            )
        elif current.value != value:
            current.value = value
            current.save(update_fields=["value"])


def _save_rating_values(report, user, rating_entries):
    ratings = {i.code: i for i in selectors.active_ratings(report.period)}
    categories = {
        (code, category.pk): category
        for code, indicator in ratings.items()
        for category in indicator.categories.all()
    }
    existing = {v.category_id: v for v in RatingValue.objects.filter(report=report)}
    for key, value in rating_entries.items():
        category = categories.get(key)
        if category is None:
            continue
        current = existing.get(category.pk)
        if value is None:
            if current:
                current._history_user = user
                current.delete()
        elif current is None:
            created = RatingValue(report=report, category=category, value=value)
            created._history_user = user
            created.save()
        elif current.value != value:
            current.value = value
            current._history_user = user
            current.save(update_fields=["value"])


def _save_explanations(report, explanations):
    for rule_id, text in explanations.items():
        text = visible_text(text)
        if text:
            WarningExplanation.objects.update_or_create(
                report=report, rule_id=rule_id, defaults={"text": text}
            )
        else:
            WarningExplanation.objects.filter(report=report, rule_id=rule_id).delete()


def report_check(report: MonthlyReport):
    """(errors, unexplained warnings, outliers) of the report as saved."""
    indicators = selectors.active_indicators(report.period)
    breaches, outliers = selectors.saved_checks(
        indicators, selectors.entry_rows(report, indicators)
    )
    explained = set(
        WarningExplanation.objects.filter(report=report).values_list("rule_id", flat=True)
    )
    errors = [b for b in breaches if b.is_error]
    unexplained = [b for b in breaches if not b.is_error and b.rule.pk not in explained]
    return errors, unexplained, outliers


@transaction.atomic
def report_submit(*, report: MonthlyReport, user, confirm_outliers: bool = False):
    _require_open_month(report)
    report = _locked_report(report)
    _require_ward_editor(user, report)
    if report.status not in MonthlyReport.EDITABLE:
        raise WorkflowError("Chỉ gửi được báo cáo đang nhập hoặc bị trả lại.")
    errors, unexplained, outliers = report_check(report)
    if errors or unexplained or (outliers and not confirm_outliers):
        raise SubmissionBlocked(errors, unexplained, outliers)
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    ReportEvent.objects.create(report=report, action=Action.SUBMIT, actor=user)
    return report


@transaction.atomic
def report_approve(*, report: MonthlyReport, user):
    report = _locked_report(report)
    _require_chair(user, report)
    if report.status != Status.SUBMITTED:
        raise WorkflowError("Chỉ duyệt được báo cáo đã gửi.")
    report.status = Status.APPROVED
    report.approved_at = timezone.now()
    report.save(update_fields=["status", "approved_at", "updated_at"])
    ReportEvent.objects.create(report=report, action=Action.APPROVE, actor=user)
    return report


@dataclass(frozen=True)
class _SendBack:
    """How one way of handing a report back to the ward differs from the other."""

    from_status: str
    action: str
    wrong_status: str
    no_comment: str


_RETURN = _SendBack(
    Status.SUBMITTED,
    Action.RETURN,
    "Chỉ trả lại được báo cáo đã gửi.",
    "Hãy ghi ý kiến để cán bộ biết cần sửa gì.",
)
_REOPEN = _SendBack(
    Status.APPROVED,
    Action.REOPEN,
    "Chỉ mở lại được báo cáo đã duyệt.",
    "Mở lại báo cáo đã duyệt cần ghi rõ lý do.",
)


@transaction.atomic
def report_send_back(*, report: MonthlyReport, user, comment: str, reopen: bool = False):
    """The chair hands the report back to the ward for editing, with a comment on record:
    a submitted one is returned, an approved one (`reopen`) is reopened and loses its
    approval."""
    step = _REOPEN if reopen else _RETURN
    report = _locked_report(report)
    _require_chair(user, report)
    if report.status != step.from_status:
        raise WorkflowError(step.wrong_status)
    comment = visible_text(comment)
    if not comment:
        raise WorkflowError(step.no_comment)
    report.status = Status.RETURNED
    changed = ["status", "updated_at"]
    if reopen:
        report.approved_at = None
        changed.insert(1, "approved_at")
    report.save(update_fields=changed)
    ReportEvent.objects.create(report=report, action=step.action, actor=user, comment=comment)
    return report


def report_return(*, report: MonthlyReport, user, comment: str):
    return report_send_back(report=report, user=user, comment=comment)


def report_reopen(*, report: MonthlyReport, user, reason: str):
    return report_send_back(report=report, user=user, comment=reason, reopen=True)


def _require_chair(user, report):
    if role_of(user) != Role.WARD_CHAIR or ward_for(user) != report.ward:
        raise PermissionDenied(
            "Chỉ Chủ tịch Ủy ban MTTQ của phường, xã được thực hiện thao tác này."
        )


def _require_report_writer(user, report):
    """None for the ward's editors (they change everything); the organisation of the ward's
    organisation officer (it changes its organisation's part); refused for anyone else."""
    if can_edit_ward(user, report.ward):
        return None
    part = organisation_of(user, report.ward)
    if part is None:
        raise PermissionDenied("Bạn không có quyền sửa báo cáo của phường, xã này.")
    return part


def _require_ward_editor(user, report):
    if not can_edit_ward(user, report.ward):
        raise PermissionDenied("Bạn không có quyền gửi báo cáo của phường, xã này.")


def _require_open_month(report):
    """No month from its abolition on for a commune abolished by a rearrangement."""
    ward = report.ward
    if not ward.accepts_month(report.period):
        raise WorkflowError(
            f"{ward.name} đã thôi hoạt động từ ngày {ward.abolished_on:%d/%m/%Y} do sắp xếp "
            f"đơn vị hành chính, nên không nhập được số liệu {report.label}. Số liệu từ "
            "ngày này nhập tại phường, xã mới."
        )
