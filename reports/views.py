from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from wards import page_cache
from wards import selectors as ward_selectors
from wards.models import membership_rate
from wards.selectors import ADMIN, Role

from reports import completeness, deadlines, periods, selectors, services, validation
from reports.forms import CommentForm, MonthlyEntryForm, area_field, denominator_field, value_field
from reports.models import AreaValue, MonthlyReport, ValidationRule, WarningExplanation


@login_required
def home(request):
    """Each role lands where its work is."""
    user = request.user
    role = ward_selectors.role_of(user)
    if role == Role.PROVINCE_OFFICER:
        return redirect("wards:province", code=ward_selectors.province_for(user).code)
    if role == ADMIN:
        provinces = ward_selectors.province_overview(ward_selectors.provinces_visible_to(user))
        return render(request, "reports/home_admin.html", {"provinces": provinces})
    ward = ward_selectors.ward_for(user)
    if ward is None:
        return render(request, "reports/home_unassigned.html")
    memberships = ward_selectors.latest_memberships(ward)
    members, eligible = ward_selectors.total_membership(memberships)
    return render(
        request,
        "reports/home_ward.html",
        {
            "ward": ward,
            "role_label": Role(role).label,
            "due_items": completeness.due_items(ward, timezone.localdate()),
            "area_count": ward_selectors.residential_areas(ward).count(),
            "total_rate": membership_rate(members, eligible),
            "to_approve": selectors.reports_visible_to(user).filter(
                ward=ward, status=MonthlyReport.Status.SUBMITTED
            )
            if role == Role.WARD_CHAIR
            else [],
        },
    )


@login_required
def report_list(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:  # a typed year outside any report: this year
        year = today.year
    reports = {
        r.period: r
        for r in selectors.reports_visible_to(request.user).filter(ward=ward, period__year=year)
    }
    last = min(periods.month_start(year, 12), today.replace(day=1))
    months = [
        {
            "period": month,
            "report": reports.get(month),
            "due": deadlines.due_date(month.year, month.month),
        }
        for month in reversed(periods.months_between(periods.month_start(year, 1), last))
    ]
    return render(
        request,
        "reports/report_list.html",
        {"ward": ward, "year": year, "months": months, "breadcrumbs": ["Báo cáo tháng"]},
    )


def _entry_page(request, ward, report, *, form=None, conflict=None, blocked=None, status=200):
    user = request.user
    indicators = selectors.active_indicators(report.period)
    rows = selectors.entry_rows(report, indicators)
    can_edit = ward_selectors.can_edit_ward(user, ward) and report.is_editable
    values = {row.indicator.code: row.current.value for row in rows}
    breaches = validation.rule_breaches(selectors.active_rules(), values)
    warning_rules = [b.rule for b in breaches if not b.is_error]
    if blocked:
        warning_rules += [b.rule for b in blocked.unexplained if b.rule not in warning_rules]
    explained, area_initial = {}, {}
    if report.pk:
        explained = dict(
            WarningExplanation.objects.filter(report=report).values_list("rule_id", "text")
        )
        area_initial = {
            (v.indicator_id, v.area_id): v.value for v in AreaValue.objects.filter(report=report)
        }
    if can_edit:
        # Computed figures (indicator.source) show what the portal knows right now.
        computed = page_cache.cached(
            ("computed-figures", ward.code, report.period, [i.pk for i in indicators]),
            lambda: selectors.computed_figures(report, indicators),
            wards=[ward.code],
        )
        for row in rows:
            row.current = computed.get(row.indicator.code, row.current)
    areas = (
        list(ward_selectors.residential_areas(ward)) if any(i.by_area for i in indicators) else []
    )
    if form is None:
        form = MonthlyEntryForm(
            rows=rows,
            areas=areas,
            area_initial=area_initial,
            warning_rules=warning_rules,
            explained=explained,
            read_only=not can_edit,
            initial={"version": report.version, "opened_at": timezone.now()},
        )
    groups = {}
    for row in rows:
        code = row.indicator.code
        row.value_field = form[value_field(code)]
        row.denominator_field = (
            form[denominator_field(code)] if denominator_field(code) in form.fields else None
        )
        row.area_fields = (
            [form[area_field(code, area.pk)] for area in areas] if row.indicator.by_area else []
        )
        groups.setdefault(row.indicator.group, []).append(row)
    outliers = validation.outliers(
        indicators, values, {row.indicator.code: row.history for row in rows}
    )
    role = ward_selectors.role_of(user)
    is_chair = role == Role.WARD_CHAIR and ward_selectors.ward_for(user) == ward
    return render(
        request,
        "reports/entry.html",
        {
            "ward": ward,
            "report": report,
            "form": form,
            "entry_groups": mark_safe(
                render_to_string("reports/entry_groups.html", {"groups": groups}, using="jinja2")
            ),
            "can_edit": can_edit,
            "is_chair": is_chair,
            "errors": [b for b in breaches if b.is_error],
            # Each warning with the explanation on record ("" when there is none).
            "warnings": [(b, explained.get(b.rule.pk, "")) for b in breaches if not b.is_error],
            "outliers": outliers,
            "conflict": conflict,
            "blocked": blocked,
            "events": list(report.events.select_related("actor")) if report.pk else [],
            "explanation_fields": [form[name] for name in form.fields if name.startswith("x_")],
            "due_date": deadlines.due_date(report.period.year, report.period.month),
            "breadcrumbs": [f"Báo cáo {report.label}"],
        },
        status=status,
    )


@login_required
def entry(request, code, year, month):
    period = periods.period_or_404(year, month)
    if request.method != "POST":
        ward = ward_selectors.visible_ward_or_404(request.user, code)
        return _entry_page(request, ward, selectors.report_or_new(ward, period))

    ward = ward_selectors.editable_ward_or_error(request.user, code)
    # The service re-reads the report under a lock and refuses a locked one.
    report = MonthlyReport(ward=ward, period=period)
    indicators = selectors.active_indicators(period)
    rows = selectors.plain_rows(indicators)
    warning_ids = [
        int(name[2:]) for name in request.POST if name.startswith("x_") and name[2:].isdecimal()
    ]
    form = MonthlyEntryForm(
        request.POST,
        rows=rows,
        areas=list(ward_selectors.residential_areas(ward)),
        area_initial={},
        warning_rules=list(ValidationRule.objects.filter(pk__in=warning_ids)),
        explained={},
        read_only=False,
    )
    if not form.is_valid():
        messages.error(request, "Có số liệu chưa hợp lệ, xem thông báo tại từng ô.")
        report = selectors.report_or_new(ward, period)
        return _entry_page(request, ward, report, form=form, status=400)
    try:
        report = services.report_save(
            report=report,
            user=request.user,
            entries={code_: services.Entry(*pair) for code_, pair in form.entries().items()},
            area_entries=form.area_entries(),
            explanations=form.explanations(),
            base_version=form.cleaned_data["version"],
            require_version=True,
            opened_at=form.cleaned_data["opened_at"],
            indicators=indicators,
        )
    except services.EditConflict as conflict:
        report = selectors.report_or_new(ward, period)
        # The typed figures stay on the page; saving them again, once the officer has seen
        # the changes, is against the version saved now.
        form.data = form.data.copy()
        form.data["version"] = report.version
        form.data["opened_at"] = timezone.now().isoformat()
        return _entry_page(request, ward, report, form=form, conflict=conflict, status=409)
    except services.WorkflowError as refusal:
        messages.error(request, str(refusal))
        return redirect("reports:entry", code=code, year=year, month=month)
    if request.POST.get("action") == "submit":
        return _submit(request, ward, report)
    messages.success(request, f"Đã lưu bản nháp báo cáo {report.label}.")
    return redirect("reports:entry", code=code, year=year, month=month)


def _submit(request, ward, report):
    try:
        services.report_submit(
            report=report,
            user=request.user,
            confirm_outliers=request.POST.get("confirm_outliers") == "1",
        )
    except services.SubmissionBlocked as blocked:
        messages.error(request, str(blocked))
        return _entry_page(request, ward, report, blocked=blocked, status=400)
    except services.WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Đã gửi báo cáo {report.label} để Chủ tịch duyệt.")
    return redirect(
        "reports:entry", code=ward.code, year=report.period.year, month=report.period.month
    )


def _existing_report(request, code, year, month):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    report = (
        selectors.reports_visible_to(request.user)
        .filter(ward=ward, period=periods.period_or_404(year, month))
        .first()
    )
    if report is None:
        raise Http404("Chưa có báo cáo tháng này.")
    return ward, report


@login_required
@require_POST
def submit(request, code, year, month):
    ward, report = _existing_report(request, code, year, month)
    if not ward_selectors.can_edit_ward(request.user, ward):
        raise PermissionDenied("Bạn không có quyền gửi báo cáo của phường, xã này.")
    return _submit(request, ward, report)


def _chair_action(request, code, year, month, action, success, *, comment_argument=None):
    """Run a chair's workflow service; `comment_argument` names the service's keyword that
    receives the typed comment (returns and reopenings need one, approvals do not)."""
    ward, report = _existing_report(request, code, year, month)
    extra = {}
    if comment_argument:
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Hãy ghi ý kiến hoặc lý do trước khi thực hiện.")
            return redirect("reports:entry", code=code, year=year, month=month)
        extra[comment_argument] = form.cleaned_data["comment"]
    try:
        action(report=report, user=request.user, **extra)
    except services.WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success.format(label=report.label))
    return redirect("reports:entry", code=code, year=year, month=month)


@login_required
@require_POST
def approve(request, code, year, month):
    return _chair_action(
        request,
        code,
        year,
        month,
        services.report_approve,
        "Đã duyệt báo cáo {label}.",
    )


@login_required
@require_POST
def return_report(request, code, year, month):
    return _chair_action(
        request,
        code,
        year,
        month,
        services.report_return,
        "Đã trả lại báo cáo {label} kèm ý kiến.",
        comment_argument="comment",
    )


@login_required
@require_POST
def reopen(request, code, year, month):
    return _chair_action(
        request,
        code,
        year,
        month,
        services.report_reopen,
        "Đã mở lại báo cáo {label} để sửa.",
        comment_argument="reason",
    )


@login_required
def history(request, code, year, month):
    ward, report = _existing_report(request, code, year, month)
    return render(
        request,
        "reports/history.html",
        {
            "ward": ward,
            "report": report,
            "changes": selectors.report_history(report),
            "events": report.events.select_related("actor"),
            "breadcrumbs": [f"Báo cáo {report.label}", "Lịch sử thay đổi"],
        },
    )
