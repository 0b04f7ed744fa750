"""Cash and in-kind gifts, reversals, cash paid out and goods handed out at ward X, written
through the services; tests recompute every expected figure from these rows."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from campaigns import services
from campaigns.models import Campaign, Disbursement, Donation
from tests.campaigns.builders import campaign_of, gift, payment

D = datetime.date
FEB, MAR = D(2025, 2, 1), D(2025, 3, 1)
Q1 = {"tu": "01/2025", "den": "03/2025"}
Q1_FIRST, Q1_LAST = D(2025, 1, 1), D(2025, 3, 31)


@dataclass
class Gifts:
    world: object
    poor: Campaign
    disaster: Campaign
    donations: list = field(default_factory=list)
    reversed: list = field(default_factory=list)
    payments: list = field(default_factory=list)

    def counted(self, campaign=None, first=None, last=None) -> list[Donation]:
        return [
            d
            for d in self.donations
            if d not in self.reversed
            and (campaign is None or d.campaign_id == campaign.pk)
            and (first is None or d.received_on >= first)
            and (last is None or d.received_on <= last)
        ]

    def paid(self, campaign=None, first=None, last=None) -> list[Disbursement]:
        return [
            p
            for p in self.payments
            if (campaign is None or p.campaign_id == campaign.pk)
            and (first is None or p.paid_on >= first)
            and (last is None or p.paid_on <= last)
        ]


def cash(rows) -> int:
    """Money of the cash rows: what a fund's balance, "đã vận động" and targets count."""
    return sum(row.amount for row in rows if row.form == "cash")


def goods_value(rows) -> int:
    """The money equivalents of the goods rows that have one (never cash)."""
    return sum(row.amount for row in rows if row.form == "in_kind" and row.amount is not None)


def build(world, *, target=10_000_000) -> Gifts:
    officer = world.users["ward_officer"]
    start = D(2025, 1, 1)
    poor = campaign_of(
        world.ward_x, name="Quỹ Vì người nghèo 2025", starts_on=start, target_amount=target
    )
    disaster = campaign_of(
        world.ward_x, name="Cứu trợ bão lũ 2025", fund="thien_tai", starts_on=start
    )
    gifts = Gifts(world, poor, disaster)

    def cash_gift(amount, on, campaign=poor, **extra):
        donation = gift(world, campaign, amount, on=on, **extra)
        gifts.donations.append(donation)
        return donation

    def goods_gift(description, quantity, unit, on, value=None, campaign=poor):
        donation = gift(
            world,
            campaign,
            value,
            on=on,
            donor_kind="organisation",
            donor_name="Công ty Lương thực Mỹ Thới",
            form="in_kind",
            channel="other",
            in_kind_description=description,
            in_kind_quantity=Decimal(quantity),
            in_kind_unit=unit,
        )
        gifts.donations.append(donation)
        return donation

    cash_gift(1_000_000, D(2025, 2, 3), channel="bank", bank_reference="FT25034001")
    cash_gift(2_500_000, D(2025, 2, 10))
    goods_gift("Gạo", "200", "kg", D(2025, 2, 12), value=4_000_000)
    goods_gift("Mì gói", "30", "thùng", D(2025, 3, 2))  # not valued
    wrong_cash = cash_gift(700_000, D(2025, 3, 4))
    wrong_goods = goods_gift("Chăn", "5", "cái", D(2025, 3, 5), value=300_000)
    cash_gift(600_000, D(2025, 3, 6), campaign=disaster, donor_kind="anonymous")
    goods_gift("Nước uống", "100", "thùng", D(2025, 3, 7), value=1_000_000, campaign=disaster)
    cash_gift(9_000_000, D(2025, 4, 2))  # after the first quarter
    for donation in (wrong_cash, wrong_goods):
        services.donation_reverse(
            donation=donation, user=officer, reason="Ghi trùng", on=donation.received_on
        )
        gifts.reversed.append(donation)

    gifts.payments.append(
        payment(
            world,
            poor,
            1_200_000,
            on=D(2025, 3, 10),
            purpose="illness",
            description="Hỗ trợ ốm đau",
            decision_reference="05/QĐ-BVĐ",
        )
    )
    gifts.payments.append(
        payment(
            world,
            poor,
            1_000_000,
            on=D(2025, 3, 12),
            form="in_kind",
            in_kind_description="gạo",  # the same goods, typed in lower case
            in_kind_quantity=Decimal("50"),
            in_kind_unit="kg",
            purpose="tet_gift",
            description="Gạo tặng hộ nghèo",
            decision_reference="06/QĐ-BVĐ",
        )
    )
    return gifts
