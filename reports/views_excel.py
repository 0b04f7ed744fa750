"""Excel downloads and the two-step import (preview, then confirm) of a month's figures."""

from io import BytesIO

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from wards import selectors as ward_selectors
from wards import uploads
from wards.selectors import ADMIN, Role
from wards.uploads import XLSX_TYPE

from reports import excel, periods, selectors, services
from reports.models import Indicator, ReportEvent

TOKEN_SALT = "reports.excel-import"
TOKEN_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation


def workbook_response(workbook, filename: str) -> HttpResponse:
    """Send an openpyxl workbook as a file download that no cache keeps."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


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
    if ward_selectors.role_of(request.user) not in (ADMIN, Role.PROVINCE_OFFICER):
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh tải được số liệu của cả tỉnh.")
    province = ward_selectors.visible_province_or_404(request.user, code)
    period = periods.period_or_404(year, month)
    wards = list(province.wards.order_by("code"))
    indicators = selectors.active_indicators(period)
    figures, statuses = selectors.province_month_figures(province, period)
    workbook = excel.province_month_workbook(province, period, wards, indicators, figures, statuses)
    return workbook_response(workbook, excel.province_filename(province, period))


# --- Import ---------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text="Dùng tệp mẫu tải từ cổng.",
        error_messages={
            "required": "Hãy chọn tệp Excel (.xlsx) để tải lên.",
            "empty": "Tệp tải lên không có nội dung.",
            "invalid": "Không nhận được tệp; hãy chọn lại tệp.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.megabytes(settings.UPLOAD_MAX_SPREADSHEET_BYTES)
        self.fields["file"].help_text = f"Dùng tệp mẫu tải từ cổng; dung lượng tối đa {limit} MB."

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "Chỉ nhận tệp Excel dạng .xlsx. Nếu tệp ở dạng .xls hoặc .csv, hãy mở bằng "
                "Excel và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
            )
        uploads.check_size(
            file,
            limit=settings.UPLOAD_MAX_SPREADSHEET_BYTES,
            advice="Hãy dùng tệp mẫu của cổng, chỉ giữ trang số liệu.",
        )
        uploads.check_xlsx_content(file)
        return file


class BadToken(Exception):
    pass


def _token(*, ward, period, user, version, entries) -> str:
    return signing.dumps(
        {
            "ward": ward.code,
            "period": period.isoformat(),
            "user": user.pk,
            "version": version,
            "entries": {code: [e.value, e.denominator] for code, e in entries.items()},
        },
        salt=TOKEN_SALT,
        compress=True,
    )


def _read_token(token: str, *, ward, period, user) -> tuple[int, dict[str, services.Entry]]:
    """(version seen at the preview, entries); BadToken if forged, stale or for elsewhere."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as error:
        raise BadToken from error
    if (data.get("ward"), data.get("period"), data.get("user")) != (
        ward.code,
        period.isoformat(),
        user.pk,
    ):
        raise BadToken
    entries = {code: services.Entry(*pair) for code, pair in data["entries"].items()}
    return data["version"], entries


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
