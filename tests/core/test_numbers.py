"""The portal's one way to read typed numbers, reasons and dates (core/numbers.py, text.py)."""

import datetime
from decimal import Decimal

import pytest
from django import forms

from core.dates import DateField
from core.numbers import (
    DecimalNumberField,
    NotANumber,
    WholeNumberField,
    YearField,
    format_decimal,
    parse_decimal_number,
)
from core.text import visible_text


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("2,5", Decimal("2.5")),
        ("2,50", Decimal("2.5")),
        ("1.234,75", Decimal("1234.75")),
        ("1 234,75", Decimal("1234.75")),
        ("3.000", Decimal(3000)),
        ("3500", Decimal(3500)),
        (" 0,25 ", Decimal("0.25")),
        ("-1,5", Decimal("-1.5")),
        ("", None),
    ],
)
def test_decimal_numbers_read_the_vietnamese_way(typed, number):
    assert parse_decimal_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["2.5", "2,5,0", "1.23,4", ",5", "5,", "1e3", "NaN", "Infinity", "１２", "9" * 50]
)
def test_anything_else_is_not_a_number(typed):
    with pytest.raises(NotANumber):
        parse_decimal_number(typed)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("2.50"), "2,5"), (Decimal("1234.75"), "1.234,75"), (Decimal(3000), "3.000")],
)
def test_decimal_numbers_are_shown_as_they_are_typed(value, shown):
    assert format_decimal(value) == shown
    assert parse_decimal_number(shown) == value


def errors(form) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in form.errors.items()}


def test_bounds_are_explained_in_vietnamese_with_grouped_limits():
    class Form(forms.Form):
        count = WholeNumberField(min_value=1, max_value=32767)
        year = YearField()
        quantity = DecimalNumberField(max_digits=5, decimal_places=2)
        day = DateField(required=False)

    form = Form({"count": "40.000", "year": "1.899", "quantity": "1.234,5", "day": "01/01/0001"})
    assert errors(form) == {
        "count": ["Nhập số không quá 32.767."],
        "year": ["Năm phải từ 1900 đến 2100."],
        "quantity": ["Phần nguyên có nhiều nhất 3 chữ số."],
        "day": ["Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2100."],
    }
    ok = Form({"count": "0", "year": "2025", "quantity": "-1", "day": "05.03.2026"})
    assert errors(ok) == {
        "count": ["Nhập số từ 1 trở lên."],
        "quantity": ["Số liệu không được âm."],
    }
    assert ok.cleaned_data == {"year": 2025, "day": datetime.date(2026, 3, 5)}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u200b", ""),
        ("\ufeff \u2060\u00a0", ""),
        ("\u3164", ""),
        ("\u200bSai số buổi\u200b", "Sai số buổi"),
        ("  Sửa\u200bsố  ", "Sửa\u200bsố"),
    ],
)
def test_only_visible_text_counts(typed, kept):
    assert visible_text(typed) == kept
