"""Cells of the monthly entry page: {% figure %} and {% entry_field %}.

Tags rather than included templates: the page shows four per indicator, and an include costs
a template context and lookup each time.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.numbers import percent_text
from core.templatetags.numbers import number

register = template.Library()

EMPTY = mark_safe('<span class="text-muted">—</span>')


@register.simple_tag
def figure(value, kind):
    """ "—" when empty; "12/20 (60,0 %)" for a ratio; else the grouped number; a stock rolled
    up from an earlier month than the last says which (year to date before this month's)."""
    if value is None or value.value is None:
        return EMPTY
    if kind != "ratio":
        shown = number(value.value)
    else:
        shown = f"{number(value.value)}/{number(value.denominator)}"
        if value.percent is not None:
            shown = format_html(
                '{} <span class="text-muted">({})</span>', shown, percent_text(value.percent)
            )
    if value.as_of:
        return format_html(
            '{} <span class="small text-muted">(số liệu tháng {})</span>',
            shown,
            f"{value.as_of:%m/%Y}",
        )
    return shown


@register.simple_tag
def entry_field(field):
    """The field's input followed by its errors."""
    if field is None:
        return ""
    if not field.errors:
        return format_html("{}", field)
    # A refused field: red border (is-invalid), its messages below, tied to it for readers.
    feedback = f"{field.auto_id}-error"
    css = field.field.widget.attrs.get("class", "form-control")
    widget = field.as_widget(attrs={"class": f"{css} is-invalid", "aria-describedby": feedback})
    messages = format_html_join("", "<div>{}</div>", ((message,) for message in field.errors))
    errors = format_html(
        '<div class="invalid-feedback d-block text-start" id="{}">{}</div>', feedback, messages
    )
    return format_html("{}{}", widget, errors)
