"""The public pages' forms: a fund's search box and filters, a province drive's gift lookup.

What a visitor types is kept as typed; a part that cannot be read (a day that does not exist)
is explained in Vietnamese and not applied, the rest still is.
"""

import datetime
import re

from django import forms

from campaigns.public.selectors import DISBURSEMENTS, RECEIPTS, DisclosureFilter
from core.dates import OUT_OF_RANGE, in_range
from core.fields import DateField, WholeNumberField

# In the search box: a day (05/03/2026, 5-3-2026) and an amount written the Vietnamese way
# ("1.000.000", "500.000đ", "500000 đồng"), anywhere among the words. A bare number is a
# receipt number, unless a day stands beside it ("500000 05/03/2026").
_DAY_IN_BOX = re.compile(r"(?<![\d/.-])(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?![\d/.-])")
_UNIT = r"(?:\s*(?:đồng|dong|vnđ|vnd|đ)(?![^\W\d_]))"
_AMOUNT_IN_BOX = re.compile(
    rf"(?<![\d.,/])(?:(\d{{1,3}}(?:\.\d{{3}})+){_UNIT}?|(\d{{1,15}}){_UNIT})(?![\d.,/])",
    re.IGNORECASE,
)
MAX_AMOUNT_DIGITS = 15  # WholeNumberField.MAX: far beyond any gift, within every database
_BARE_NUMBER = re.compile(rf"^\d{{1,{MAX_AMOUNT_DIGITS}}}$")


def read_search_box(text: str) -> tuple[str, int | None, datetime.date | None, str]:
    """(words left, amount, day, error): the amount and the day typed among the words come
    out of them; the error says why a day could not be read (it is then not applied)."""
    day, error = None, ""
    found = _DAY_IN_BOX.search(text)
    if found:
        text = f"{text[: found.start()]} {text[found.end() :]}"
        try:
            day = datetime.date(int(found[4]), int(found[3]), int(found[1]))
        except ValueError:
            error = f"Ngày {found[0]} không có thật. {DisclosureSearchForm.DATE_ERROR}"
        else:
            if not in_range(day):
                day, error = None, OUT_OF_RANGE
    amount = None
    found = _AMOUNT_IN_BOX.search(text)
    if found:
        digits = (found[1] or found[2]).replace(".", "")
        if len(digits) <= MAX_AMOUNT_DIGITS:  # beyond, no gift: left among the words
            amount = int(digits)
            text = f"{text[: found.start()]} {text[found.end() :]}"
    words = " ".join(text.split())
    if amount is None and (day or error) and _BARE_NUMBER.match(words):
        amount, words = int(words), ""
    return words, amount, day, error


class DisclosureSearchForm(forms.Form):
    q = forms.CharField(
        label="Tìm khoản ủng hộ",
        max_length=100,
        required=False,
        help_text="Mã chuyển khoản (MT…), số tham chiếu giao dịch của ngân hàng, số tiền và ngày "
        "(ví dụ “500.000 05/03/2026”), số biên nhận, hoặc tên như đang hiển thị: người ủng hộ "
        "là cá nhân tìm theo họ và chữ cái đầu, ví dụ “Nguyễn V. A.”.",
    )
    loai = forms.ChoiceField(
        label="Loại",
        required=False,
        choices=[("", "Tất cả thu, chi"), (RECEIPTS, "Khoản thu"), (DISBURSEMENTS, "Khoản chi")],
    )
    so_tien_tu = WholeNumberField(label="Số tiền từ (đồng)")
    so_tien_den = WholeNumberField(label="Số tiền đến (đồng)")
    tu_ngay = DateField(label="Từ ngày", required=False)
    den_ngay = DateField(label="Đến ngày", required=False)

    DATE_ERROR = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            # At least 44 px tall: thumbs on a phone.
            field.widget.attrs["class"] = f"{css} touch-target"
        self.fields["q"].widget.attrs.update(
            {"placeholder": "ví dụ MT7K2AP9XFQ hoặc 500.000 05/03/2026", "autocomplete": "off"}
        )
        for name in ("so_tien_tu", "so_tien_den"):
            self.fields[name].widget.attrs.update(
                {"placeholder": "ví dụ 1.000.000", "class": "form-control touch-target text-end"}
            )
        for name in ("tu_ngay", "den_ngay"):
            self.fields[name].error_messages["invalid"] = self.DATE_ERROR
            self.fields[name].widget.attrs.update({"placeholder": "dd/mm/yyyy"})

    def clean_q(self):
        words, amount, day, error = read_search_box(self.cleaned_data.get("q") or "")
        # A day in the box that does not exist is not applied; the words around it still are.
        self.box = words, amount, day
        if error:
            raise forms.ValidationError(error)
        return self.cleaned_data["q"]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("so_tien_tu"), cleaned.get("so_tien_den")
        if low is not None and high is not None and low > high:
            self.add_error("so_tien_den", "Số tiền đến phải lớn hơn hoặc bằng số tiền từ.")
            cleaned.pop("so_tien_den", None)
        first, last = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if first and last and last < first:
            self.add_error("den_ngay", "Đến ngày phải sau hoặc trùng từ ngày.")
            cleaned.pop("den_ngay", None)
        return cleaned

    def search(self) -> DisclosureFilter:
        """The filter of the fields that are valid; invalid ones are shown and not applied."""
        self.is_valid()
        data = self.cleaned_data
        words, amount, day = getattr(self, "box", ("", None, None))
        return DisclosureFilter(
            query=words,
            amount_min=data.get("so_tien_tu"),
            amount_max=data.get("so_tien_den"),
            date_from=data.get("tu_ngay"),
            date_to=data.get("den_ngay"),
            kind=data.get("loai") or "",
            amount=amount,
            day=day,
        )


class GiftLookupForm(forms.Form):
    bien_nhan = forms.CharField(
        label="Số biên nhận",
        max_length=20,
        help_text="Ghi như trên biên nhận của Ủy ban MTTQ tỉnh, ví dụ 00012/2026.",
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "placeholder": "00012/2026"}
        ),
        error_messages={
            "required": "Nhập số biên nhận, ví dụ 00012/2026.",
            "max_length": "Số biên nhận gồm số và năm, ví dụ 00012/2026.",
        },
    )
