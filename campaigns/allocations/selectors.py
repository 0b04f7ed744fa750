"""Reads of allocations: a province drive's allocations per commune, a commune's received ones.

Cash and goods stay apart in every total: cash in đồng, goods by description and unit
(selectors.goods_key), never added together.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from campaigns import selectors
from campaigns.models import Allocation, Campaign
from core.collation import by_vietnamese
from wards.models import Province, Ward

WAITING = "Chờ xã xác nhận"
REVERSED = "Đã điều chỉnh"


def status_text(allocation: Allocation) -> str:
    """ "Chờ xã xác nhận", "Đã nhận 05/04/2026" or "Đã điều chỉnh"."""
    if is_reversed(allocation):
        return REVERSED
    if allocation.is_confirmed:
        return f"Đã nhận {allocation.confirmed_on:%d/%m/%Y}"
    return WAITING


def is_reversed(allocation: Allocation) -> bool:
    return hasattr(allocation, "reversal")


@dataclass
class GoodsTotal:
    description: str
    unit: str
    quantity: Decimal = Decimal(0)


@dataclass
class Totals:
    """Counted (not reversed) allocations: cash in đồng, goods by kind; and how much of the
    cash the commune has confirmed."""

    cash: int = 0
    cash_confirmed: int = 0
    goods: dict = field(default_factory=dict)
    count: int = 0

    def add(self, allocation: Allocation) -> None:
        self.count += 1
        if allocation.is_cash:
            self.cash += allocation.amount
            if allocation.is_confirmed:
                self.cash_confirmed += allocation.amount
            return
        key = selectors.goods_key(allocation.in_kind_description, allocation.in_kind_unit)
        line = self.goods.setdefault(
            key, GoodsTotal(allocation.in_kind_description, allocation.in_kind_unit)
        )
        line.quantity += allocation.in_kind_quantity

    @property
    def goods_lines(self) -> list[GoodsTotal]:
        return list(self.goods.values())


@dataclass
class CommuneAllocations:
    ward: Ward
    rows: list
    totals: Totals


@dataclass
class DriveAllocations:
    """The page of a province drive's allocations."""

    communes: list[CommuneAllocations]
    totals: Totals
    province_cash: int  # what the province's committee still holds
    province_goods: list  # selectors.GoodsLine, held > 0


def _rows(queryset: QuerySet) -> list[Allocation]:
    rows = list(queryset.select_related("ward", "campaign", "reversal"))
    for row in rows:
        row.status = status_text(row)
        row.reversed = is_reversed(row)
    return rows


def drive_allocations(campaign: Campaign, province: Province) -> DriveAllocations:
    """A province drive's allocations grouped by commune (communes by name), with totals per
    commune and for the drive, and what the province's committee still holds."""
    rows = _rows(
        Allocation.objects.filter(campaign=campaign, ward__province=province).order_by(
            "ward__name", "-decision_date", "-pk"
        )
    )
    communes: dict[int, CommuneAllocations] = {}
    drive = Totals()
    for row in rows:
        commune = communes.setdefault(row.ward_id, CommuneAllocations(row.ward, [], Totals()))
        commune.rows.append(row)
        if not row.reversed:
            commune.totals.add(row)
            drive.add(row)
    return DriveAllocations(
        communes=list(communes.values()),
        totals=drive,
        province_cash=selectors.fund_balance(campaign=campaign, at=province),
        province_goods=[g for g in selectors.goods_held(campaign, province) if g.held > 0],
    )


def allocations_received(ward: Ward, campaign: Campaign | None = None) -> list[Allocation]:
    """What a commune was given by its province's drives (one drive's when `campaign`), the
    newest decision first; reversed ones are marked."""
    queryset = Allocation.objects.filter(ward=ward, campaign__province=ward.province_id)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return _rows(queryset.order_by("-decision_date", "-pk"))


def communes_of(province: Province) -> QuerySet[Ward]:
    """The communes a province's drive can give to, by name."""
    return Ward.objects.filter(province=province).order_by(by_vietnamese("name"))


def allocation_of_drive(campaign: Campaign, pk: int) -> Allocation | None:
    return (
        Allocation.objects.filter(campaign=campaign, pk=pk)
        .select_related("ward", "campaign", "reversal")
        .first()
    )
