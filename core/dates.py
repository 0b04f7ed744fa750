"""Dates as officers type them (05/03/2026) and the years the portal accepts (1900–2100).

A date outside these years is a typing mistake ("01/01/0001", "31/12/9999"): every form, URL
and period parameter refuses it with the same Vietnamese message instead of storing it or
failing on it (date arithmetic around year 1 or 9999 raises).
"""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

FIRST_YEAR, LAST_YEAR = 1900, 2100
EARLIEST = datetime.date(FIRST_YEAR, 1, 1)
LATEST = datetime.date(LAST_YEAR, 12, 31)
OUT_OF_RANGE = f"Ngày phải trong khoảng từ {EARLIEST:%d/%m/%Y} đến {LATEST:%d/%m/%Y}."
INVALID = "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026."
PLACEHOLDER = "dd/mm/yyyy"


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def in_range(day: datetime.date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_in_range(day: datetime.date) -> None:
    """A validator for services and model fields; forms use DateField."""
    if day is not None and not in_range(day):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class DateField(forms.DateField):
    """A day typed as dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy), between 1900 and 2100."""

    default_error_messages = {"invalid": INVALID, "out_of_range": OUT_OF_RANGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", PLACEHOLDER)

    def to_python(self, value):
        if isinstance(value, str):
            # Characters no date contains (a pasted zero-width space) would only make the
            # date "invalid" without a visible reason.
            value = "".join(c for c in value if unicodedata.category(c)[0] not in "CZ")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and not in_range(value):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


# URL converters: a year or month outside the range is no page (404), not a date that
# cannot be built (500). Registered by wards/converters.py.


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not year_in_range(year):
            raise ValueError(year)
        return year

    def to_url(self, value) -> str:
        return str(value)


class MonthConverter:
    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError(month)
        return month

    def to_url(self, value) -> str:
        return str(value)
