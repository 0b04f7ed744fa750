"""Numbers as officers type them ("1.804.000.000", "1 804 000 000", "2,5") and as they read them.

One way to type a number everywhere: a dot or a space groups thousands, a comma starts the
decimal part ("3.000" is three thousand, "2,5" two and a half). Money is integer đồng; the same
parsing serves every form of the portal (the fields below, which core/fields.py gives every
model form) and the spreadsheet imports.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from markupsafe import escape

from core.dates import FIRST_YEAR, LAST_YEAR

_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")
_DECIMAL = re.compile(r"^(?P<whole>[0-9]+|[0-9]{1,3}(?:[. ][0-9]{3})+)(?:,(?P<fraction>[0-9]+))?$")
MAX_TYPED_LENGTH = 40  # far beyond any amount in đồng, even with thousand dots


class NotAWholeNumber(ValueError):
    pass


class NotANumber(ValueError):
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


def parse_decimal_number(text) -> Decimal | None:
    """ "2,5" → 2.5; "1.234,75" → 1234.75; "1.500" → 1500; "" → None; else NotANumber.

    "2.5" is refused, not read as two and a half: a dot groups thousands ("2.500" is 2500).
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise NotANumber(text)
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, Decimal | float):
        number = Decimal(str(text))
        if not number.is_finite():
            raise NotANumber(text)
        return number
    cleaned = str(text).strip().replace("\u00a0", " ")
    if not cleaned:
        return None
    if len(cleaned) > MAX_TYPED_LENGTH:
        raise NotANumber(text)
    sign, digits = ("-", cleaned[1:]) if cleaned.startswith("-") else ("", cleaned)
    found = _DECIMAL.match(digits)
    if not found:
        raise NotANumber(text)
    whole = found["whole"].replace(".", "").replace(" ", "")
    # "2,50" and "2,5" are the same quantity, also for the limit on decimal places.
    fraction = (found["fraction"] or "").rstrip("0")
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise NotANumber(text) from None


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


def format_decimal(value) -> str:
    """Decimal("1234.50") → "1.234,5"; whole quantities without a decimal part."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = format_number(int(whole.lstrip("-") or 0))
    fraction = fraction.rstrip("0")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def percent_of(numerator, denominator) -> Decimal | None:
    """numerator / denominator in percent, unrounded: differences and spreadsheets use it as
    it is, only the text is rounded. None when there is no denominator."""
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def percent_text(value, decimals: int = 1) -> str:
    """A percent as shown: 90.909… → "90,9 %" (no-break space) (half up); None → "—"."""
    if value is None:
        return "—"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,}".replace(",", " ").replace(".", ",").replace(" ", THOUSANDS)
    return with_unit(text, "%")


# What goods received or handed out without a money equivalent show in a money column.
UNVALUED = "chưa quy đổi"


def format_quantity(value) -> str:
    """A quantity of goods: 13.00 → "13"; 2.50 → "2,5"; 1500 → "1.500"; None → ""."""
    return format_decimal(value)


class DirectTextInput(forms.TextInput):
    """forms.TextInput rendered straight to the HTML its template gives, without the template:
    a monthly entry page has about 70 of these, and through the form renderer they took a
    fifth of the page's time. Byte for byte the Jinja2 template's output (the entry form's
    renderer); Django's template writes an apostrophe as &#x27; where this writes &#39;."""

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


# The keypad a phone shows for number fields: digits with "." and "," (type=number would
# refuse "3.500" with the browser's own English message, and drop what was typed).
INPUT_MODE = "decimal"


class _TypedNumber:
    """What the portal's number fields share: a text input, Vietnamese bounds messages.

    Bounds are checked here rather than by Django's validators, whose messages print the
    limit ungrouped ("32767").
    """

    widget = DirectTextInput
    group_digits = True

    def _setup(self, min_value, max_value, group_digits):
        self.min_value, self.max_value = min_value, max_value
        if group_digits is not None:
            self.group_digits = group_digits
        self.widget.attrs.setdefault("inputmode", INPUT_MODE)

    def _shown(self, value) -> str:
        return format_number(value) if self.group_digits else str(value)

    def _check_bounds(self, value):
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            if self.min_value == 0:
                raise forms.ValidationError(self.error_messages["negative"], code="negative")
            raise forms.ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit_value": self._shown(self.min_value)},
            )
        if self.max_value is not None and value > self.max_value:
            if self.max_value == WholeNumberField.MAX:
                raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
            raise forms.ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit_value": self._shown(self.max_value)},
            )


_BOUNDS_MESSAGES = {
    "negative": "Số liệu không được âm.",
    "too_large": "Số quá lớn.",
    "min_value": "Nhập số từ %(limit_value)s trở lên.",
    "max_value": "Nhập số không quá %(limit_value)s.",
}


class WholeNumberField(_TypedNumber, forms.IntegerField):
    """A whole number typed with or without thousand dots: "3.000" is three thousand.

    Not negative unless min_value says otherwise; optional unless required=True (the monthly
    entry leaves most figures empty). What was typed stays in the field when it is refused.
    """

    default_error_messages = {
        "invalid": "Nhập một số nguyên, ví dụ 3.000 hoặc 1.804.000.000 (dấu chấm ngăn cách "
        "hàng nghìn, không có phần lẻ).",
        **_BOUNDS_MESSAGES,
    }
    MAX = 10**15

    def __init__(self, *, min_value=0, max_value=None, group_digits=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        max_value = self.MAX if max_value is None else min(max_value, self.MAX)
        self._setup(min_value, max_value, group_digits)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return self._shown(value)
        return value

    def to_python(self, value):
        try:
            return parse_whole_number(value)
        except NotAWholeNumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        self._check_bounds(value)


class YearField(WholeNumberField):
    """A year: written without a thousands dot (2025), within the years the portal accepts."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        super().__init__(
            min_value=max(min_value or FIRST_YEAR, FIRST_YEAR),
            max_value=min(max_value or LAST_YEAR, LAST_YEAR),
            group_digits=False,
            **kwargs,
        )
        self.error_messages["min_value"] = self.error_messages["max_value"] = (
            f"Năm phải từ {self.min_value} đến {self.max_value}."
        )


class DecimalNumberField(_TypedNumber, forms.DecimalField):
    """A quantity that may have a decimal part, written the Vietnamese way: "2,5", "1.234,75"."""

    default_error_messages = {
        "invalid": "Nhập số, ví dụ 2,5 hoặc 1.500 (dấu phẩy trước phần lẻ, dấu chấm ngăn cách "
        "hàng nghìn).",
        "max_digits": "Số có nhiều nhất %(max)s chữ số.",
        "max_decimal_places": "Phần lẻ có nhiều nhất %(max)s chữ số sau dấu phẩy.",
        "max_whole_digits": "Phần nguyên có nhiều nhất %(max)s chữ số.",
        **_BOUNDS_MESSAGES,
    }

    def __init__(self, *, min_value=0, max_value=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self._setup(min_value, max_value, None)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_decimal(value)
        return value

    def to_python(self, value):
        try:
            return parse_decimal_number(value)
        except NotANumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        self._check_bounds(value)


NUMBER_FIELDS = (WholeNumberField, DecimalNumberField)
