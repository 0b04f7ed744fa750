"""The cells of an allocation row on the public trail pages, built in one call.

A drive page lists every allocation of the drive (a few hundred rows); through the template
language each row's dozen lookups and filters cost more than the page's queries, so the six
cells are formatted here, escaped, with the portal's number formats.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.numbers import UNVALUED, format_dong

register = template.Library()

PENDING_HTML = mark_safe('<span class="text-muted">chờ xã xác nhận</span>')
REVERSED_HTML = mark_safe('<span class="badge text-bg-warning">Đã điều chỉnh</span>')


@register.filter
def allocation_cells(row) -> str:
    """<td>s: decision number, date, purpose, cash, goods (with equivalent), received on."""
    allocation = row.allocation
    if allocation.is_cash:
        cash, goods = format_dong(allocation.amount), ""
    else:
        value = UNVALUED if allocation.amount is None else format_dong(allocation.amount)
        cash = ""
        goods = format_html(
            '{} <span class="small text-muted">({})</span>', allocation.goods_text, value
        )
    if row.reversed:
        received = REVERSED_HTML
    elif allocation.confirmed_on:
        received = row.confirmed_day
    else:
        received = PENDING_HTML
    return format_html(
        '<td class="text-nowrap">{}</td><td class="text-nowrap">{}</td><td>{}</td>'
        '<td class="num">{}</td><td>{}</td><td class="text-nowrap">{}</td>',
        allocation.decision_number,
        row.decision_day,
        allocation.purpose,
        cash,
        goods,
        received,
    )
