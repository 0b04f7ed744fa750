"""Cells of the monthly entry page: {% figure %} and {% entry_field %}.

Tags rather than included templates: the page shows four per indicator, and an include costs
a template context and lookup each time.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from wards.numbers import with_unit
from wards.templatetags.numbers import number

register = template.Library()

EMPTY = mark_safe('<span class="text-muted">—</span>')


@register.simple_tag
def figure(value, kind):
    """ "—" when empty; "12/20 (60,00 %)" for a ratio; else the grouped number."""
    if value is None or value.value is None:
        return EMPTY
    if kind != "ratio":
        return number(value.value)
    shown = f"{number(value.value)}/{number(value.denominator)}"
    if value.percent is None:
        return shown
    return format_html(
        '{} <span class="text-muted">({})</span>', shown, with_unit(localize(value.percent), "%")
    )


@register.simple_tag
def entry_field(field):
    """The field's input followed by its errors."""
    if field is None:
        return ""
    error = '<div class="invalid-feedback d-block text-start">{}</div>'
    errors = format_html_join("", error, ((message,) for message in field.errors))
    return format_html("{}{}", field, errors)
