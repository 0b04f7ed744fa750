"""Donations from a bank statement: upload, preview with duplicates flagged, then confirm.

Nothing is written before the officer confirms; the confirmation carries the rows read at the
preview in a signed token, and writes every ticked row in one transaction, or none.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Trim, Upper
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from wards import selectors as ward_selectors
from wards import uploads

from . import bank_import, selectors, services
from .models import Campaign, Donation

TOKEN_SALT = "campaigns.bank-import"
TOKEN_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation
NOTE = "Nhập từ sao kê ngân hàng (dòng {row})"
DonorKind = Donation.DonorKind


class StatementForm(forms.Form):
    file = forms.FileField(
        label="Tệp sao kê (.csv hoặc .xlsx)",
        help_text="Tệp sao kê tải từ ngân hàng.",
        error_messages={
            "required": "Hãy chọn tệp sao kê (.csv hoặc .xlsx) để tải lên.",
            "empty": "Tệp tải lên không có nội dung.",
            "invalid": "Không nhận được tệp; hãy chọn lại tệp.",
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": f".csv,.xlsx,text/csv,{uploads.XLSX_TYPE}"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.megabytes(settings.UPLOAD_MAX_SPREADSHEET_BYTES)
        help_text = f"Tệp sao kê tải từ ngân hàng; dung lượng tối đa {limit} MB."
        self.fields["file"].help_text = help_text

    def clean_file(self):
        file = self.cleaned_data["file"]
        name = file.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                "Chỉ nhận tệp sao kê dạng .csv hoặc .xlsx. Nếu ngân hàng cho tệp .xls hoặc .pdf, "
                "hãy tải lại dạng Excel (.xlsx), hoặc mở bằng Excel rồi lưu dưới dạng "
                "“Sổ làm việc Excel (.xlsx)”."
            )
        uploads.check_size(
            file,
            limit=settings.UPLOAD_MAX_SPREADSHEET_BYTES,
            advice="Hãy tải sao kê theo khoảng thời gian ngắn hơn.",
        )
        if name.endswith(".xlsx"):
            uploads.check_xlsx_content(file)
        else:
            uploads.check_csv_content(file)
        return file


@dataclass
class Line:
    """One proposed donation as the preview form shows it, with the officer's choices."""

    index: int
    row: bank_import.StatementRow
    included: bool
    name: str
    kind: str


class BadToken(Exception):
    pass


class Refused(Exception):
    """The confirmation wrote nothing; the message is shown to the officer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def _money_campaign_or_404(ward, pk) -> Campaign:
    campaign = (
        selectors.campaigns_of_ward(ward)
        .filter(pk=pk, kind__in=[Campaign.Kind.FUND, Campaign.Kind.HOUSING])
        .first()
    )
    if campaign is None:
        raise Http404("Không tìm thấy cuộc vận động nhận tiền ủng hộ.")
    return campaign


def _existing(ward, rows) -> list[bank_import.Existing]:
    """The ward's counted cash donations that could match a row: by reference, or on its
    dates (a statement holds money: goods and their equivalents never match)."""
    references = {bank_import.reference_key(row.reference) for row in rows}
    days = {row.received_on for row in rows}
    donations = (
        selectors.counted_donations()
        .filter(selectors.IS_CASH, ward=ward)
        .annotate(reference_key=Upper(Trim("bank_reference")))
        .filter(Q(reference_key__in=references) | Q(received_on__in=days))
        .select_related("campaign")
    )
    return [
        bank_import.Existing(
            received_on=donation.received_on,
            amount=donation.amount,
            donor_name=donation.donor_name,
            bank_reference=donation.bank_reference,
            label=f"biên nhận {donation.receipt_label} ({donation.campaign.name})",
        )
        for donation in donations
    ]


def _token(*, ward, campaign, user, filename, rows) -> str:
    return signing.dumps(
        {
            "ward": ward.code,
            "campaign": campaign.pk,
            "user": user.pk,
            "filename": filename,
            "rows": [row.to_data() for row in rows],
        },
        salt=TOKEN_SALT,
        compress=True,
    )


def _read_token(token, *, ward, campaign, user) -> tuple[str, list[bank_import.StatementRow]]:
    """(file name, rows read at the preview); BadToken if forged, stale or for elsewhere."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        if (data["ward"], data["campaign"], data["user"]) != (ward.code, campaign.pk, user.pk):
            raise BadToken
        rows = [bank_import.StatementRow.from_data(item) for item in data["rows"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken from error
    return str(data.get("filename", "")), rows


def _context(ward, campaign) -> dict:
    return {
        "ward": ward,
        "campaign": campaign,
        "breadcrumbs": [campaign.name, "Nhập sao kê ngân hàng"],
        "kinds": DonorKind.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def bank_import_view(request, code, pk):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    campaign = _money_campaign_or_404(ward, pk)
    context = _context(ward, campaign)

    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, ward=ward, campaign=campaign, context=context)

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
        parsed = bank_import.read_statement(file, today=timezone.localdate())
    except bank_import.UnreadableFile as error:
        form.add_error("file", str(error))
        return render(request, "campaigns/bank_import.html", {**context, "form": form}, status=400)

    token = None
    if not parsed.problems:
        bank_import.flag_duplicates(parsed.rows, _existing(ward, parsed.rows))
        token = _token(
            ward=ward, campaign=campaign, user=request.user, filename=file.name, rows=parsed.rows
        )
    lines = [
        Line(index, row, not row.is_duplicate, row.donor_name, row.donor_kind)
        for index, row in enumerate(parsed.rows)
    ]
    return render(
        request,
        "campaigns/bank_preview.html",
        {
            **context,
            "form": StatementForm(),
            "filename": file.name,
            "parsed": parsed,
            "lines": lines if token else [],
            "token": token,
        },
        status=400 if parsed.problems else 200,
    )


def _choices(post, rows) -> tuple[list[Line], list[str]]:
    """The officer's tick, name and kind for each row; problems with the posted values."""
    lines, problems = [], []
    for index, row in enumerate(rows):
        included = post.get(f"include-{index}") == "1"
        name = " ".join(post.get(f"name-{index}", row.donor_name).split())
        kind = post.get(f"kind-{index}", row.donor_kind)
        if included and kind not in DonorKind.values:
            problems.append(f"Dòng {row.row}: loại người ủng hộ không hợp lệ, hãy chọn lại.")
            kind = row.donor_kind
        if included and len(name) > bank_import.NAME_MAX_LENGTH:
            problems.append(
                f"Dòng {row.row}: tên dài quá {bank_import.NAME_MAX_LENGTH} ký tự, hãy rút gọn."
            )
        lines.append(Line(index, row, included, name, kind))
    if not problems and not any(line.included for line in lines):
        problems.append("Chưa chọn khoản nào để ghi. Hãy đánh dấu các khoản cần ghi.")
    return lines, problems


def _check_still_new(ward, rows, chosen: list[Line]) -> None:
    """Refuse when a ticked row was recorded by someone else after the preview."""
    fresh = [bank_import.StatementRow.from_data(row.to_data()) for row in rows]
    bank_import.flag_duplicates(fresh, _existing(ward, fresh))
    for line in chosen:
        seen = set(line.row.duplicates)
        new = [reason for reason in fresh[line.index].duplicates if reason not in seen]
        if new:
            raise Refused(
                f"Dòng {line.row.row}: {new[0]} Khoản này vừa được ghi sau khi bạn xem trước; "
                "chưa có khoản nào được ghi. Hãy tải tệp lên lại để xem trước.",
                status=409,
            )


def _confirm(request, *, ward, campaign, context):
    """Write the ticked rows, all at once, or nothing."""
    try:
        filename, rows = _read_token(
            request.POST.get("token", ""), ward=ward, campaign=campaign, user=request.user
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
    lines, problems = _choices(request.POST, rows)
    chosen = sorted(
        (line for line in lines if line.included),
        key=lambda line: (line.row.received_on, line.row.row),
    )
    try:
        if problems:
            raise Refused(" ".join(problems))
        with transaction.atomic():
            _check_still_new(ward, rows, chosen)
            for line in chosen:
                try:
                    services.donation_record(
                        campaign=campaign,
                        ward=ward,
                        user=request.user,
                        received_on=line.row.received_on,
                        donor_kind=line.kind,
                        donor_name=line.name,
                        amount=line.row.amount,
                        form=Donation.Form.CASH,
                        channel=Donation.Channel.BANK,
                        bank_reference=line.row.reference,
                        note=NOTE.format(row=line.row.row),
                    )
                except services.FundRefusal as error:
                    raise Refused(f"Dòng {line.row.row}: {error}") from error
                except ValidationError as error:
                    raise Refused(f"Dòng {line.row.row}: {' '.join(error.messages)}") from error
    except Refused as refused:
        return render(
            request,
            "campaigns/bank_preview.html",
            {
                **context,
                "form": StatementForm(),
                "filename": filename,
                "parsed": bank_import.ParsedStatement(rows=rows),
                "lines": lines,
                "token": request.POST.get("token"),
                "refusal": f"Chưa ghi khoản nào. {refused}",
            },
            status=refused.status,
        )
    messages.success(request, f"Đã ghi {len(chosen)} khoản ủng hộ từ sao kê.")
    return redirect("campaigns:detail", ward.code, campaign.pk)
