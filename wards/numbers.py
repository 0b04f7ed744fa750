"""Whole numbers as officers type them ("1.804.000.000", "1 804 000 000") and as they read them.

Money is integer đồng everywhere; the same parsing serves forms and spreadsheet imports.
"""

import re

from django import forms
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from markupsafe import escape

_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")
MAX_TYPED_LENGTH = 40  # far beyond any amount in đồng, even with thousand dots


class NotAWholeNumber(ValueError):
    pass


def parse_whole_number(text) -> int | None:
    """ "1.804.000.000" → 1804000000; "" → None; anything else raises NotAWholeNumber."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise NotAWholeNumber(text)
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if not text.is_integer():
            raise NotAWholeNumber(text)
        return int(text)
    cleaned = str(text).strip().replace("\u00a0", " ")
    if not cleaned:
        return None
    if len(cleaned) > MAX_TYPED_LENGTH:
        raise NotAWholeNumber(text)  # also keeps int() below its 4,300-digit limit
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if cleaned.isdecimal():
        return int(cleaned)
    if cleaned.startswith("-") and cleaned[1:].isdecimal():
        return int(cleaned)
    if _GROUPED.match(cleaned):
        return int(cleaned.replace(".", "").replace(" ", ""))
    raise NotAWholeNumber(text)


# Vietnamese grouping (mttq_portal/formats/vi): the entry page formats a few hundred figures.
THOUSANDS = "."


def format_number(value) -> str:
    """1804000000 → "1.804.000.000"; None → ""."""
    if value is None:
        return ""
    if type(value) is int:
        return f"{value:,}".replace(",", THOUSANDS)
    return number_format(value, force_grouping=True)


# Joins a number to its unit ("đ", "%", "đồng") so that a line never breaks between them,
# on a page, in a PDF or in a DOCX.
NO_BREAK_SPACE = "\u00a0"


def with_unit(number_text: str, unit: str) -> str:
    """ "1.804.000.000", "đ" → "1.804.000.000 đ" with a no-break space."""
    return f"{number_text}{NO_BREAK_SPACE}{unit}"


def format_dong(value) -> str:
    """Money in integer đồng: 1804000000 → "1.804.000.000 đ" (no-break space); None → "—"."""
    return "—" if value is None else with_unit(format_number(value), "đ")


class DirectTextInput(forms.TextInput):
    """forms.TextInput rendered straight to the HTML its Jinja2 template (FORM_RENDERER)
    gives, without the template: a monthly entry page has about 70 of these, and through the
    form renderer they took a fifth of the page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"']
        if widget["value"] is not None:
            html.append(f' value="{escape(widget["value"])}"')
        for key, item in widget["attrs"].items():
            if item is True:
                html.append(f" {escape(key)}")
            elif item is not False:
                html.append(f' {escape(key)}="{escape(item)}"')
        html.append(">")
        return mark_safe("".join(html))


class WholeNumberField(forms.CharField):
    """A non-negative whole number typed with or without thousand dots."""

    default_error_messages = {
        "invalid": "Nhập một số nguyên, ví dụ 1.804.000.000 (không có phần lẻ).",
        "negative": "Số liệu không được âm.",
        "too_large": "Số quá lớn.",
    }
    MAX = 10**15
    widget = DirectTextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_number(value)
        return value

    def to_python(self, value):
        try:
            number = parse_whole_number(value)
        except NotAWholeNumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number is not None and number < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if number is not None and number > self.MAX:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return number
