"""Monthly reporting: the to-do home, the entry form and its workflow steps, the history, and
the month's Excel template, import and downloads."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import uploads
from core.spreadsheets import workbook_response
from reports import deadlines, excel, periods, selectors, services
from reports.dashboards import progress
from reports.forms import (
    CommentForm,
    MonthlyEntryForm,
    area_field,
    denominator_field,
    explanation_field,
    rating_field,
    value_field,
)
from reports.models import (
    Indicator,
    MonthlyReport,
    ReportEvent,
)
from wards import selectors as ward_selectors
from wards.models import membership_rate
from wards.selectors import ADMIN, PROVINCE_ROLES, Role


@login_required
def home(request):
    """Each role lands where its work is."""
    user = request.user
    role = ward_selectors.role_of(user)
    if role in PROVINCE_ROLES:
        province = ward_selectors.province_for(user)
        today = timezone.localdate()
        return render(
            request,
            "reports/home_province.html",
            {
                "province": province,
                "late": progress.late_communes(province, today),
                "current_year": today.year,
            },
        )
    if role == Role.PARTY_VIEWER:  # the party reads the ward's figures; it has nothing to do
        return redirect("reports:dashboard_ward", code=ward_selectors.ward_for(user).code)
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
            "due_items": progress.due_items(ward, timezone.localdate()),
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
    if ward.abolished_on:  # an abolished commune: its months up to the abolition only
        last = min(last, periods.add_months(ward.abolished_on.replace(day=1), -1))
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
    page = selectors.entry_page(ward=ward, report=report, user=request.user, blocked=blocked)
    if form is None:
        form = MonthlyEntryForm(
            rows=page.rows,
            ratings=page.ratings,
            areas=page.areas,
            area_initial=page.area_initial,
            warning_rules=page.warning_rules,
            explained=page.explained,
            read_only=not (page.can_edit or page.part_editable),
            editable_codes=page.editable_codes,
            initial={"version": report.version, "opened_at": timezone.now()},
        )
    groups = _entry_groups(page, form)
    checks = _checks(page, form)
    return render(
        request,
        "reports/entry.html",
        {
            "ward": ward,
            "report": report,
            "form": form,
            "entry_groups": mark_safe(
                render_to_string(
                    "reports/entry_groups.html",
                    {"groups": groups, "ratings": _rating_rows(page, form)},
                    using="jinja2",
                )
            ),
            "organisation_parts": mark_safe(
                render_to_string(
                    "reports/organisation_parts.html",
                    {"organisations": page.organisations},
                    using="jinja2",
                )
            ),
            "group_index": [(group.name, f"group-{group.pk}") for group in groups]
            + ([("Xếp loại trong năm", "group-ratings")] if page.ratings else []),
            "field_problems": _field_problems(page, form),
            "checks": checks,
            # A refused save or submission: the browser moves focus to the first error.
            "failed": status >= 400,
            "can_edit": page.can_edit,
            "part_editable": page.part_editable,
            "own_organisation": page.organisation,
            "is_chair": page.is_chair,
            "changes": page.changed_since_last_month
            if page.is_chair and report.status == MonthlyReport.Status.SUBMITTED
            else [],
            "last_month": periods.add_months(report.period, -1),
            "errors": page.errors,
            "warnings": page.warnings,
            "outliers": page.outliers,
            "conflict": conflict,
            "blocked": blocked,
            "events": page.events,
            "explanation_fields": [form[name] for name in form.fields if name.startswith("x_")],
            "due_date": deadlines.due_date(report.period.year, report.period.month),
            "breadcrumbs": [f"Báo cáo {report.label}"],
        },
        status=status,
    )


@dataclass(frozen=True)
class Problem:
    """One line of the entry page's error summary: what is wrong, and the field it links to."""

    anchor: str  # the id of the field (or row) the line leads to
    label: str
    message: str


@dataclass(frozen=True)
class Check:
    """A broken rule between indicators, told with the indicators' names."""

    breach: object
    anchor: str
    left_label: str
    right_label: str
    explanation: str = ""


def _field_anchor(form, code) -> str:
    """The id of the first typeable field of an indicator, else of its row."""
    for name in (value_field(code), denominator_field(code)):
        if name in form.fields and not form.fields[name].disabled:
            return form[name].auto_id
    return f"row-{code}"


def _field_problems(page, form) -> list[Problem]:
    """The form's refused fields, named by indicator (and area, category), in page order."""
    if not form.is_bound or not form.errors:
        return []
    labels = {}
    for row in page.rows:
        indicator = row.indicator
        labels[value_field(indicator.code)] = indicator.name
        labels[denominator_field(indicator.code)] = f"{indicator.name} (mẫu số)"
        for area in page.areas:
            labels[area_field(indicator.code, area.pk)] = f"{indicator.name} – {area.name}"
    for rating in page.ratings:
        for line in rating.lines:
            name = rating_field(rating.indicator.code, line.category.pk)
            labels[name] = f"{rating.indicator.name} – {line.category.name}"
    return [
        Problem(form[name].auto_id, labels.get(name, form[name].label), message)
        for name in form.fields
        if name in form.errors
        for message in form.errors[name]
    ]


def _checks(page, form) -> dict:
    """The page's broken rules and outliers, each leading to a field; every row a rule
    involves carries the rule (row.rule_errors / row.rule_warnings) for its marker."""
    names = {row.indicator.code: row.indicator.name for row in page.rows}
    rows = {row.indicator.code: row for row in page.rows}
    for row in page.rows:
        row.rule_errors, row.rule_warnings = [], []
    errors = []
    for breach in page.errors:
        errors.append(Check(breach, _field_anchor(form, breach.codes[0]), *breach.sides(names)))
        for code in breach.codes:
            if code in rows:
                rows[code].rule_errors.append(breach.rule.message)
    warnings = []
    for breach, explanation in page.warnings:
        field = explanation_field(breach.rule.pk)
        anchor = (
            form[field].auto_id
            if field in form.fields and not form.fields[field].disabled
            else _field_anchor(form, breach.codes[0])
        )
        warnings.append(Check(breach, anchor, *breach.sides(names), explanation))
        for code in breach.codes:
            if code in rows:
                rows[code].rule_warnings.append(breach.rule.message)
    outliers = [(outlier, _field_anchor(form, outlier.indicator.code)) for outlier in page.outliers]
    return {"errors": errors, "warnings": warnings, "outliers": outliers}


def _entry_groups(page, form) -> dict:
    """The page's rows by indicator group, each carrying its bound form fields."""
    groups = {}
    for row in page.rows:
        code = row.indicator.code
        row.value_field = form[value_field(code)]
        row.denominator_field = (
            form[denominator_field(code)] if denominator_field(code) in form.fields else None
        )
        row.area_fields = (
            [form[area_field(code, area.pk)] for area in page.areas]
            if row.indicator.by_area
            else []
        )
        groups.setdefault(row.indicator.group, []).append(row)
    return groups


def _rating_rows(page, form) -> list:
    """The page's rating rows, each category line carrying its bound form field."""
    for rating in page.ratings:
        for line in rating.lines:
            line.field = form[rating_field(rating.indicator.code, line.category.pk)]
    return page.ratings


@login_required
def entry(request, code, year, month):
    period = periods.period_or_404(year, month)
    if request.method != "POST":
        ward = ward_selectors.visible_ward_or_404(request.user, code)
        return _entry_page(request, ward, selectors.report_or_new(ward, period))

    # The ward's editors, or its organisation officer for its organisation's part (the
    # service refuses a change to anything else); only the editors submit.
    ward = ward_selectors.part_editable_ward_or_error(request.user, code)
    if request.POST.get("action") == "submit" and not ward_selectors.can_edit_ward(
        request.user, ward
    ):
        raise PermissionDenied("Bạn không có quyền gửi báo cáo của phường, xã này.")
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
        ratings=selectors.plain_ratings(selectors.active_ratings(period)),
        areas=list(ward_selectors.residential_areas(ward)),
        area_initial={},
        warning_rules=selectors.rules_by_ids(warning_ids),
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
            rating_entries=form.rating_entries(),
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
    except services.OutsideOrganisation as refusal:
        # What was typed stays on the page; nothing was written.
        messages.error(request, str(refusal))
        report = selectors.report_or_new(ward, period)
        return _entry_page(request, ward, report, form=form, status=403)
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


def _chair_action(request, code, year, month, step, success, *, needs_comment=False):
    """Run a chair's workflow service `step(report=, user=)`; handing a report back also
    passes the typed comment (`needs_comment`), approving does not."""
    ward, report = _existing_report(request, code, year, month)
    extra = {}
    if needs_comment:
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Hãy ghi ý kiến hoặc lý do trước khi thực hiện.")
            return redirect("reports:entry", code=code, year=year, month=month)
        extra["comment"] = form.cleaned_data["comment"]
    try:
        step(report=report, user=request.user, **extra)
    except services.WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success.format(label=report.label))
    return redirect("reports:entry", code=code, year=year, month=month)


@login_required
@require_POST
def approve(request, code, year, month):
    return _chair_action(
        request, code, year, month, services.report_approve, "Đã duyệt báo cáo {label}."
    )


@login_required
@require_POST
def send_back(request, code, year, month, *, reopen=False):
    """Return a submitted report to the ward, or reopen an approved one (`reopen`)."""
    return _chair_action(
        request,
        code,
        year,
        month,
        partial(services.report_send_back, reopen=reopen),
        "Đã mở lại báo cáo {label} để sửa." if reopen else "Đã trả lại báo cáo {label} kèm ý kiến.",
        needs_comment=True,
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


TOKEN_SALT = "reports.excel-import"
TOKEN_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation


# --- Downloads ------------------------------------------------------------------------------


@login_required
@require_GET
def entry_template(request, code, year, month):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    period = periods.period_or_404(year, month)
    indicators = selectors.active_indicators(period)
    report = selectors.report_or_new(ward, period)
    rows = selectors.entry_rows(report, indicators)
    computed = selectors.computed_figures(report, indicators)
    workbook = excel.entry_workbook(ward, period, rows, computed)
    return workbook_response(workbook, excel.entry_filename(ward, period))


@login_required
@require_GET
def ward_year_export(request, code, year):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    periods.period_or_404(year, 1)
    months = periods.months_between(periods.month_start(year, 1), periods.month_start(year, 12))
    indicators = [
        indicator
        for indicator in Indicator.objects.select_related("group")
        if any(indicator.is_active_in(month) for month in months)
    ]
    figures, statuses = selectors.ward_year_figures(ward, year)
    workbook = excel.ward_year_workbook(ward, year, indicators, figures, statuses)
    return workbook_response(workbook, excel.year_filename(ward, year))


@login_required
@require_GET
def province_month_export(request, code, year, month):
    province = ward_selectors.province_page_or_error(
        request.user, code, "Chỉ cán bộ cấp tỉnh tải được số liệu của cả tỉnh."
    )
    period = periods.period_or_404(year, month)
    wards = list(province.wards.order_by("code"))
    indicators = selectors.active_indicators(period)
    figures, statuses = selectors.province_month_figures(province, period)
    workbook = excel.province_month_workbook(province, period, wards, indicators, figures, statuses)
    return workbook_response(workbook, excel.province_filename(province, period))


# --- Import ---------------------------------------------------------------------------------


class ImportForm(uploads.SpreadsheetUploadForm):
    help_intro = "Dùng tệp mẫu tải từ cổng"
    wrong_suffix_message = (
        "Chỉ nhận tệp Excel dạng .xlsx. Nếu tệp ở dạng .xls hoặc .csv, hãy mở bằng "
        "Excel và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
    )
    size_advice = "Hãy dùng tệp mẫu của cổng, chỉ giữ trang số liệu."


class BadToken(Exception):
    pass


def _scope(ward, period, user) -> dict:
    return {"ward": ward.code, "period": period.isoformat(), "user": user.pk}


def _token(*, ward, period, user, version, entries) -> str:
    payload = {
        "version": version,
        "entries": {code: [e.value, e.denominator] for code, e in entries.items()},
    }
    return uploads.sign_preview(salt=TOKEN_SALT, scope=_scope(ward, period, user), payload=payload)


def _read_token(token: str, *, ward, period, user) -> tuple[int, dict[str, services.Entry]]:
    """(version seen at the preview, entries); BadToken if forged, stale or for elsewhere."""
    try:
        data = uploads.read_preview(
            token, salt=TOKEN_SALT, scope=_scope(ward, period, user), max_age=TOKEN_MAX_AGE
        )
        entries = {code: services.Entry(*pair) for code, pair in data["entries"].items()}
        version = int(data["version"])
    except (uploads.StalePreview, KeyError, TypeError, ValueError) as error:
        raise BadToken from error
    return version, entries


def _locked_message(report) -> str:
    return (
        f"Báo cáo {report.label} đang ở trạng thái “{report.get_status_display()}”, "
        "không nhập số liệu từ Excel được."
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_import(request, code, year, month):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    period = periods.period_or_404(year, month)
    report = selectors.report_or_new(ward, period)
    context = {
        "ward": ward,
        "report": report,
        "period": period,
        "breadcrumbs": [f"Báo cáo {report.label}", "Nhập từ tệp Excel"],
    }

    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, ward=ward, period=period, report=report, context=context)

    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if not report.is_editable:
        return render(
            request,
            "reports/import.html",
            {**context, "form": None, "refusal": _locked_message(report)},
            status=409 if request.method == "POST" else 200,
        )
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "reports/import.html", {**context, "form": form}, status=status)

    indicators = selectors.active_indicators(period)
    computed_codes = {i.code for i in indicators if i.source}
    try:
        parsed = excel.read_entry_upload(
            form.cleaned_data["file"],
            ward=ward,
            period=period,
            indicators=indicators,
            computed_codes=computed_codes,
        )
    except excel.UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "reports/import.html", {**context, "form": form}, status=400)

    rows = excel.preview_rows(selectors.entry_rows(report, indicators), parsed)
    token = None
    if not parsed.problems:
        token = _token(
            ward=ward,
            period=period,
            user=request.user,
            version=report.version,
            entries=parsed.entries,
        )
    return render(
        request,
        "reports/import_preview.html",
        {
            **context,
            "form": ImportForm(),
            "filename": form.cleaned_data["file"].name,
            "parsed": parsed,
            "rows": rows,
            "changed_count": sum(1 for row in rows if row.changed),
            "token": token,
        },
        status=400 if parsed.problems else 200,
    )


def _confirm(request, *, ward, period, report, context):
    """Write the figures shown at the preview, all at once, or nothing."""

    def refuse(message, status):
        return render(
            request,
            "reports/import.html",
            {**context, "form": ImportForm(), "refusal": message},
            status=status,
        )

    try:
        version, entries = _read_token(
            request.POST.get("token", ""), ward=ward, period=period, user=request.user
        )
    except BadToken:
        return refuse(
            "Phiên xem trước không hợp lệ hoặc đã hết hạn; chưa có số liệu nào được nhập. "
            "Hãy tải tệp lên lại.",
            400,
        )
    try:
        services.report_save(
            report=report,
            user=request.user,
            entries=entries,
            base_version=version,
            action=ReportEvent.Action.IMPORT,
        )
    except services.EditConflict:
        return refuse(
            "Báo cáo đã được lưu bởi người khác sau khi bạn xem trước; chưa có số liệu nào "
            "được nhập. Hãy tải tệp lên lại để xem trước với số liệu mới nhất.",
            409,
        )
    except services.WorkflowError as error:
        return refuse(str(error), 409)
    count = sum(1 for entry in entries.values() if entry.value is not None)
    messages.success(request, f"Đã nhập {count} số liệu từ tệp Excel.")
    return redirect("reports:entry", ward.code, period.year, period.month)
