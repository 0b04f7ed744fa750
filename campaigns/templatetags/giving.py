"""Giving by bank transfer on public pages: {% fund_giving campaign as give %} gives the
fund's account, note, VietQR and addresses (campaigns/public/giving.py)."""

from dataclasses import dataclass

from django import template

from campaigns.public import giving
from core import banks

register = template.Library()


@dataclass(frozen=True)
class GiveBlock:
    account: giving.Giving | None  # None: the fund has no receiving account
    short_url: str
    poster_url: str
    pledge_url: str


@register.filter
def bank_name(bank_bin) -> str:
    return banks.short_name(bank_bin or "")


@register.simple_tag(takes_context=True)
def fund_giving(context, campaign) -> GiveBlock:
    request = context["request"]
    return GiveBlock(
        account=giving.giving_of(campaign),
        short_url=giving.absolute_url(request, giving.short_path(campaign)),
        poster_url=giving.poster_path(campaign),
        pledge_url=giving.pledge_form_path(campaign),
    )
