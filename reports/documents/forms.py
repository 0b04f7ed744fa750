"""Forms of the document pages: they parse what officers type; services.py validates and writes."""

import datetime

from django import forms
from django.forms.models import fields_for_model
from django.utils.html import strip_tags
from django.utils.text import Truncator

from core.fields import DateField, WholeNumberField, portal_formfield
from core.numbers import DirectTextInput
from reports import periods
from reports.documents import figures, services
from reports.documents.models import Block, Document, Section

DATE_HELP = "Ngày/tháng/năm, ví dụ 25/10/2019."
DATE_ERRORS = {"invalid": "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/10/2019."}
FIGURE_KINDS = [(value, label) for value, label in Block.Kind.choices if value != Block.Kind.TEXT]
# Kinds whose dates follow from one day in the period when "Đến ngày" is left empty.
FIXED_KINDS = {
    Document.Kind.MONTH,
    Document.Kind.QUARTER,
    Document.Kind.HALF,
    Document.Kind.NINE_MONTHS,
    Document.Kind.YEAR,
}


def _date_field(label, *, required=True, help_text=DATE_HELP):
    return DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages=DATE_ERRORS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"class": "form-control", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"},
        ),
    )


def whole_period(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month, quarter, half year, first nine months or year that contains `day`."""
    if kind == Document.Kind.MONTH:
        first, months = day.replace(day=1), 1
    elif kind == Document.Kind.QUARTER:
        first, months = periods.month_start(day.year, (day.month - 1) // 3 * 3 + 1), 3
    elif kind == Document.Kind.HALF:
        first, months = periods.month_start(day.year, 1 if day.month <= 6 else 7), 6
    elif kind == Document.Kind.NINE_MONTHS:
        first, months = periods.month_start(day.year, 1), 9
    else:
        first, months = periods.month_start(day.year, 1), 12
    return first, periods.add_months(first, months) - datetime.timedelta(days=1)


def with_version(form, version: int):
    """The edited object's version as a hidden field: a save made meanwhile is then detected
    (services.EditConflict). Read it with `posted_version`, apart from the form's values."""
    form.fields["version"] = forms.IntegerField(
        widget=forms.HiddenInput, required=False, initial=version
    )
    return form


def posted_version(form) -> int | None:
    return form.cleaned_data.pop("version", None)


def show_saved_version(form, version: int):
    """After a conflict the typed values stay; a new save is then against the saved version."""
    form.data = form.data.copy()
    form.data["version"] = version


class DocumentCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại báo cáo",
        choices=Document.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn loại báo cáo."},
    )
    starts_on = _date_field("Từ ngày")
    ends_on = _date_field(
        "Đến ngày",
        required=False,
        help_text="Ngày/tháng/năm. Với báo cáo tháng, quý, 6 tháng, 9 tháng, năm có thể để "
        "trống: kỳ báo cáo là trọn tháng, quý, … chứa “Từ ngày”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].error_messages["required"] = "Hãy nhập ngày bắt đầu kỳ báo cáo."

    def clean(self):
        cleaned = super().clean()
        kind, starts_on, ends_on = (cleaned.get(k) for k in ("kind", "starts_on", "ends_on"))
        if not kind or not starts_on:
            return cleaned
        if ends_on is None:
            if kind not in FIXED_KINDS:
                self.add_error("ends_on", f"{Document.Kind(kind).label} cần ngày kết thúc.")
                return cleaned
            cleaned["starts_on"], cleaned["ends_on"] = whole_period(kind, starts_on)
        elif ends_on < starts_on:
            self.add_error("ends_on", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")
        return cleaned


class FrameForm(forms.Form):
    """The official frame (number, place and date, title, signature, recipients) and dates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Document, fields=services.FRAME_FIELDS, formfield_callback=portal_formfield
            )
        )
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                self.fields[name] = _date_field(field.label, required=field.required)
                self.fields[name].label = field.label[:1].upper() + field.label[1:]
                continue
            field.label = field.label[:1].upper() + field.label[1:]
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["number"].min_value = 1
        self.fields["number"].group_digits = False  # "Số: 1024/BC-MTTQ", not "1.024"
        self.fields["number"].widget.attrs.update({"class": "form-control"})
        self.fields["number"].help_text = "Để trống khi chưa lấy số; cần có số khi ban hành."
        self.fields["recipients"].widget = forms.Textarea(
            attrs={"rows": 6, "class": "form-control"}
        )
        self.fields["closing"].widget = forms.Textarea(attrs={"rows": 3, "class": "form-control"})
        self.fields["previous_starts_on"].help_text = "Để so sánh với kỳ trước; có thể để trống."

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")
        return cleaned


class IssueForm(forms.Form):
    number = WholeNumberField(
        label="Số văn bản",
        required=True,
        min_value=1,
        group_digits=False,
        error_messages={"required": "Hãy ghi số văn bản trước khi ban hành."},
        widget=DirectTextInput(attrs={"class": "form-control"}),
    )


def _position_field(choices, label):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        initial=choices[-1][0],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class SectionForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Cấp",
        choices=Section.Level.choices,
        coerce=int,
        initial=Section.Level.ARABIC,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    heading = forms.CharField(
        label="Tiêu đề mục",
        max_length=300,
        error_messages={"required": "Hãy nhập tiêu đề của mục."},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, numbered_sections=None, **kwargs):
        """`numbered_sections` (label, section) pairs: a new section chooses its place."""
        super().__init__(*args, **kwargs)
        if numbered_sections is not None:
            choices = [(0, "Ở đầu văn bản")] + [
                (index + 1, f"Sau mục {label} {Truncator(section.heading).chars(60)}".strip())
                for index, (label, section) in enumerate(numbered_sections)
            ]
            self.fields["position"] = _position_field(choices, "Vị trí")


def _block_positions(blocks) -> list[tuple[int, str]]:
    return [(0, "Ở đầu mục")] + [
        (index + 1, f"Sau khối {index + 1}: {block_preview(block)}")
        for index, block in enumerate(blocks)
    ]


def block_preview(block) -> str:
    if block.is_figure:
        caption = block.caption or (block.snapshot or {}).get("caption") or block.get_kind_display()
        return f"bảng “{Truncator(caption).chars(50)}”"
    return f"“{Truncator(strip_tags(block.text)).chars(50)}”"


class TextBlockForm(forms.Form):
    text = forms.CharField(
        label="Nội dung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control", "data-richtext": ""}),
    )

    def __init__(self, *args, blocks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if blocks is not None:
            self.fields["position"] = _position_field(_block_positions(blocks), "Vị trí trong mục")


class FigureBlockForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại bảng số liệu",
        choices=FIGURE_KINDS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    caption = forms.CharField(
        label="Tên bảng",
        required=False,
        max_length=200,
        help_text="Để trống để dùng tên mặc định của loại bảng.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    codes = forms.MultipleChoiceField(
        label="Chỉ tiêu (cho loại “Tổng các chỉ tiêu đã chọn”)",
        required=False,
        help_text="Giữ phím Ctrl (hoặc Shift) để chọn nhiều chỉ tiêu.",
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 10}),
    )
    chart = forms.BooleanField(
        label="Kèm biểu đồ (thu, chi các quỹ; nhà Đại đoàn kết)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, blocks=None, fixed_kind=None, province=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not province:
            # The province committee's drives and allocations are tables of its own reports.
            self.fields["kind"].choices = [
                (value, label)
                for value, label in FIGURE_KINDS
                if value not in figures.PROVINCE_KINDS
            ]
        self.fields["codes"].choices = figures.indicator_choices()
        self.fields["codes"].error_messages["invalid_choice"] = (
            "Chỉ tiêu “%(value)s” không có trong danh mục."
        )
        if fixed_kind:
            # A block keeps its kind; a different table is a new block.
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = fixed_kind
        if blocks is not None:
            self.fields["position"] = _position_field(_block_positions(blocks), "Vị trí trong mục")

    def options(self) -> dict:
        return {"codes": self.cleaned_data["codes"], "chart": self.cleaned_data["chart"]}
