from django import template

from core.numbers import UNVALUED, format_dong, format_number, format_quantity, percent_text

register = template.Library()


@register.filter
def number(value):
    """Grouped Vietnamese number: 1804000000 → 1.804.000.000; empty → "—"."""
    return format_number(value) or "—"


@register.filter
def dong(value):
    """Money in integer đồng: 1804000000 → "1.804.000.000 đ" (no-break space)."""
    return format_dong(value)


@register.filter
def percent(value):
    """A rate in percent, one decimal: 90.909… → "90,9 %"; empty → "—"."""
    return percent_text(value)


@register.filter
def dong_or_unvalued(value):
    """The money equivalent of goods: "2.600.000 đ", or "chưa quy đổi" when none was given."""
    return format_dong(value) if value is not None else UNVALUED


@register.filter
def quantity(value):
    """A quantity of goods: 13.00 → "13"; 2.50 → "2,5"."""
    return format_quantity(value) or "—"
