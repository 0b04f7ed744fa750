"""Donations from a bank statement: upload, preview with duplicates flagged, then confirm.

Nothing is written before the officer confirms; the confirmation carries the rows read at the
preview in a signed token, and the confirm service (campaigns/bank/services.py) writes every
ticked row in one transaction, or none; a row already recorded (the same preview confirmed
twice) is skipped, never written again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from campaigns import selectors
from campaigns.bank import services, statements
from campaigns.models import Campaign, Donation
from campaigns.places import Place
from core import uploads
from wards import selectors as ward_selectors

TOKEN_SALT = "campaigns.bank-import"
TOKEN_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation
DonorKind = Donation.DonorKind


class StatementForm(uploads.SpreadsheetUploadForm):
    label = "Tệp sao kê (.csv hoặc .xlsx)"
    required_message = "Hãy chọn tệp sao kê (.csv hoặc .xlsx) để tải lên."
    help_intro = "Tệp sao kê tải từ ngân hàng"
    suffixes = (".csv", ".xlsx")
    accept = f".csv,.xlsx,text/csv,{uploads.XLSX_TYPE}"
    wrong_suffix_message = (
        "Chỉ nhận tệp sao kê dạng .csv hoặc .xlsx. Nếu ngân hàng cho tệp .xls hoặc .pdf, "
        "hãy tải lại dạng Excel (.xlsx), hoặc mở bằng Excel rồi lưu dưới dạng "
        "“Sổ làm việc Excel (.xlsx)”."
    )
    size_advice = "Hãy tải sao kê theo khoảng thời gian ngắn hơn."


class BadToken(Exception):
    pass


def money_campaign_or_404(holder, pk) -> Campaign:
    campaign = (
        selectors.campaigns_at(holder)
        .filter(pk=pk, kind__in=[Campaign.Kind.FUND, Campaign.Kind.HOUSING])
        .first()
    )
    if campaign is None:
        raise Http404("Không tìm thấy cuộc vận động nhận tiền ủng hộ.")
    return campaign


def _scope(place: Place, campaign, user) -> dict:
    where = "province" if place.is_province else "ward"
    return {where: place.holder.code, "campaign": campaign.pk, "user": user.pk}


def _token(*, place, campaign, user, filename, rows) -> str:
    payload = {"filename": filename, "rows": [row.to_data() for row in rows]}
    return uploads.sign_preview(
        salt=TOKEN_SALT, scope=_scope(place, campaign, user), payload=payload
    )


def _read_token(token, *, place, campaign, user) -> tuple[str, list[statements.StatementRow]]:
    """(file name, rows read at the preview); BadToken if forged, stale or for elsewhere."""
    try:
        data = uploads.read_preview(
            token, salt=TOKEN_SALT, scope=_scope(place, campaign, user), max_age=TOKEN_MAX_AGE
        )
        rows = [statements.StatementRow.from_data(item) for item in data["rows"]]
    except (uploads.StalePreview, KeyError, TypeError, ValueError) as error:
        raise BadToken from error
    return str(data.get("filename", "")), rows


def _context(place, campaign, breadcrumbs) -> dict:
    return {
        **place.context,
        "campaign": campaign,
        "back_url": place.url("detail", campaign.pk),
        "breadcrumbs": [*breadcrumbs, campaign.name, "Nhập sao kê ngân hàng"],
        "kinds": DonorKind.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def bank_import_view(request, code, pk):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    return statement_import(request, Place(ward), money_campaign_or_404(ward, pk))


def statement_import(request, place: Place, campaign: Campaign, *, breadcrumbs=()):
    """Upload, preview and confirm a statement into the holder's donations (a commune's or
    the province committee's)."""
    context = _context(place, campaign, breadcrumbs)

    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, place=place, campaign=campaign, context=context)

    form = (
        StatementForm(request.POST, request.FILES) if request.method == "POST" else StatementForm()
    )
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request, "campaigns/bank_import.html", {**context, "form": form}, status=status
        )

    file = form.cleaned_data["file"]
    try:
        parsed = statements.read_statement(file, today=timezone.localdate())
    except statements.UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "campaigns/bank_import.html", {**context, "form": form}, status=400)

    token, lines = None, []
    if not parsed.problems:
        lines = services.statement_preview(holder=place.holder, rows=parsed.rows)
        token = _token(
            place=place, campaign=campaign, user=request.user, filename=file.name, rows=parsed.rows
        )
    return render(
        request,
        "campaigns/bank_preview.html",
        {
            **context,
            "form": StatementForm(),
            "filename": file.name,
            "parsed": parsed,
            "lines": lines,
            "token": token,
        },
        status=400 if parsed.problems else 200,
    )


def _confirm(request, *, place, campaign, context):
    """Write the ticked rows, all at once, or nothing."""
    try:
        filename, rows = _read_token(
            request.POST.get("token", ""), place=place, campaign=campaign, user=request.user
        )
    except BadToken:
        return render(
            request,
            "campaigns/bank_import.html",
            {
                **context,
                "form": StatementForm(),
                "refusal": "Phiên xem trước không hợp lệ hoặc đã hết hạn; chưa có khoản nào "
                "được ghi. Hãy tải tệp sao kê lên lại.",
            },
            status=400,
        )
    lines = services.statement_lines(request.POST, rows)
    try:
        result = services.statement_confirm(
            holder=place.holder, campaign=campaign, user=request.user, rows=rows, lines=lines
        )
    except services.StatementRefusal as refused:
        return render(
            request,
            "campaigns/bank_preview.html",
            {
                **context,
                "form": StatementForm(),
                "filename": filename,
                "parsed": statements.ParsedStatement(rows=rows),
                "lines": lines,
                "token": request.POST.get("token"),
                "refusal": f"Chưa ghi khoản nào. {refused}",
            },
            status=refused.status,
        )
    if result.recorded:
        messages.success(request, f"Đã ghi {len(result.recorded)} khoản ủng hộ từ sao kê.")
    if result.skipped:
        where = "; ".join(f"dòng {item.row} ({item.label})" for item in result.skipped)
        messages.warning(
            request,
            f"Bỏ qua {len(result.skipped)} dòng đã được ghi trước đó, không ghi lần nữa: {where}."
            if result.recorded
            else f"Không ghi thêm khoản nào: các dòng đã chọn đều đã được ghi trước đó ({where}).",
        )
    return place.redirect("detail", campaign.pk)
