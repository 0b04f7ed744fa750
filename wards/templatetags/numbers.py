from django import template

from wards.numbers import format_dong, format_number

register = template.Library()


@register.filter
def number(value):
    """Grouped Vietnamese number: 1804000000 → 1.804.000.000; empty → "—"."""
    return format_number(value) or "—"


@register.filter
def dong(value):
    """Money in integer đồng: 1804000000 → "1.804.000.000 đ" (no-break space)."""
    return format_dong(value)
