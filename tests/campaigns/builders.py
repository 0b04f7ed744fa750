"""Shortcuts over tests/factories.py for campaign tests: rows written in ward X by its officer,
a named individual's gift unless told."""

import datetime

from campaigns.models import Campaign
from tests import factories

NEW_YEAR_2026 = datetime.date(2026, 1, 1)


def campaign_of(ward=None, *, name="Quỹ Vì người nghèo 2026", **fields) -> Campaign:
    """A campaign (a poor-relief fund unless `kind` says otherwise) from 1 January 2026."""
    return factories.fund(ward_obj=ward, name=name, **fields)


def gift(world, campaign, amount=None, *, on, ward=None, user=None, **fields):
    """A donation to `campaign` at ward X (or `ward`), recorded by ward X's officer; an
    individual's, Nguyễn Văn Bình's, unless told."""
    fields.setdefault("donor_kind", "individual")
    fields.setdefault("donor_name", "Nguyễn Văn Bình")
    return factories.donation(
        fund_obj=campaign,
        ward_obj=ward or world.ward_x,
        user=user or world.users["ward_officer"],
        received_on=on,
        amount=amount,
        **fields,
    )


def payment(world, campaign, amount=None, *, on, **fields):
    """Money (or goods, with `form="in_kind"`) paid out of `campaign` by ward X's officer."""
    return factories.payment(
        fund_obj=campaign,
        ward_obj=world.ward_x,
        user=world.users["ward_officer"],
        paid_on=on,
        amount=amount,
        **fields,
    )
