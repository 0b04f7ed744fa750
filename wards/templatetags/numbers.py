from django import template

from wards.numbers import format_number, percent_text

register = template.Library()


@register.filter
def number(value):
    """Grouped Vietnamese number: 1804000000 → 1.804.000.000; empty → "—"."""
    return format_number(value) or "—"


@register.filter
def dong(value):
    """Money in integer đồng: 1804000000 → "1.804.000.000 đ"."""
    return f"{format_number(value)} đ" if value is not None else "—"


@register.filter
def percent(value):
    """A rate in percent, one decimal: 90.909… → "90,9 %"; empty → "—"."""
    return percent_text(value)
