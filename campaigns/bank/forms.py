"""Forms of the bank statement pages: the upload (per fund, and for a holder's whole account)
and the queue's actions on one line."""

from django import forms

from campaigns.models import Donation
from core import uploads
from core.numbers import WholeNumberField

TOUCH = "touch-target"  # static/css/portal.css: at least 44 px tall


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


NO_ACCOUNT = "Không ghi số tài khoản"


class AccountStatementForm(StatementForm):
    """A statement of the holder's whole account: which account, and its closing balance."""

    account = forms.ChoiceField(label="Tài khoản của sao kê", required=False)
    closing_balance = WholeNumberField(
        label="Số dư cuối kỳ (đồng)",
        help_text="Không bắt buộc. Để trống thì lấy số dư ở dòng cuối của tệp, nếu tệp có cột "
        "“Số dư” hoặc dòng “Số dư cuối kỳ”.",
    )

    def __init__(self, *args, accounts: dict[str, list[str]], **kwargs):
        """accounts: {account number: names of the funds that receive on it}."""
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = TOUCH
        field = self.fields["account"]
        field.choices = [
            *((number, f"{number} ({', '.join(names)})") for number, names in accounts.items()),
            ("", NO_ACCOUNT),
        ]
        field.initial = next(iter(accounts), "")
        field.error_messages["invalid_choice"] = (
            "Hãy chọn một tài khoản nhận của các quỹ trong danh sách."
        )
        field.widget.attrs["class"] = TOUCH
        self.fields["closing_balance"].widget.attrs["class"] = TOUCH


def _touch(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = f"{css} {TOUCH}"


class LineForm(forms.Form):
    """An action on one queue line: what the officer saw of it (its version)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, prefix=f"line-{line.pk}", **kwargs)
        self.fields["version"].initial = line.version
        self.line = line
        _touch(self)


class RecordLineForm(LineForm):
    campaign = forms.TypedChoiceField(
        label="Quỹ nhận",
        coerce=int,
        error_messages={
            "required": "Hãy chọn quỹ nhận khoản này.",
            "invalid_choice": "Quỹ này không nhận được khoản này (đã kết thúc hoặc không "
            "thuộc đơn vị); hãy chọn quỹ khác.",
        },
    )
    pledge = forms.CharField(
        label="Mã chuyển khoản (nếu có)",
        required=False,
        max_length=20,
        help_text="Mã “MT…” người ủng hộ ghi trong nội dung, hoặc 4 ký tự của mã.",
    )
    donor_kind = forms.ChoiceField(
        label="Người ủng hộ là",
        choices=Donation.DonorKind.choices,
        error_messages={
            "invalid_choice": "Hãy chọn người ủng hộ là cá nhân, tổ chức, tập thể hay ẩn danh."
        },
    )
    donor_name = forms.CharField(
        label="Tên người, đơn vị ủng hộ",
        required=False,
        max_length=Donation._meta.get_field("donor_name").max_length,
        error_messages={"max_length": "Tên dài quá %(limit_value)d ký tự, hãy rút gọn."},
    )

    def __init__(self, *args, funds: list, **kwargs):
        """funds: the open funds the line may go to (read once for the whole page)."""
        super().__init__(*args, **kwargs)
        self.funds = {fund.pk: fund for fund in funds}
        self.fields["campaign"].choices = [
            ("", "— Chọn quỹ —"),
            *((fund.pk, fund.name) for fund in funds),
        ]

    def clean_campaign(self):
        return self.funds[self.cleaned_data["campaign"]]


class SetAsideForm(LineForm):
    reason = forms.CharField(
        label="Lý do để riêng",
        max_length=255,
        help_text="Ví dụ: lãi tiền gửi, hoàn tiền, chuyển nhầm, chuyển giữa các tài khoản.",
        error_messages={
            "required": "Ghi lý do để riêng, ví dụ: lãi tiền gửi, hoàn tiền.",
            "max_length": "Lý do dài quá %(limit_value)d ký tự, hãy rút gọn.",
        },
    )


class LinkLineForm(LineForm):
    """A waiting line that is a gift already recorded by hand: linked to that donation, so it
    counts once and shows as checked against the statement."""

    donation = forms.TypedChoiceField(
        label="Khoản đã ghi",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy chọn khoản đã ghi tay là dòng này.",
            "invalid_choice": "Khoản này không còn để gắn (đã gắn với dòng khác hoặc đã điều "
            "chỉnh); hãy tải lại trang.",
        },
    )

    def __init__(self, *args, candidates: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donation"].choices = [
            (
                donation.pk,
                f"Biên nhận {donation.receipt_label}, ngày {donation.received_on:%d/%m/%Y}, "
                f"{donation.donor_name or 'ẩn danh'} ({donation.campaign.name})",
            )
            for donation in candidates
        ]
        self.fields["donation"].widget.attrs["class"] = "form-check-input"
