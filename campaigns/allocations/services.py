"""Allocations down the levels: a province drive gives money or goods to its communes.

One Allocation row is both sides of the transfer, so recording it is one transaction by
construction: "chi phân bổ" in the province committee's book from the decision date, and
"nhận phân bổ từ tỉnh" in the commune's once the commune confirms receipt. Until then the
province may correct it (version-checked); afterwards only a reversal undoes it, and the
reversal is the counter-entry on both sides.

Every function locks the drive's row first, as disbursements do, so two officers cannot give
away or spend the same balance at once.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from campaigns import selectors
from campaigns.models import Allocation, AllocationReversal, Campaign
from campaigns.services import (
    _SET_BY_SERVICE,
    FundRefusal,
    _check_gift_amount,
    _goods_fields,
)
from core import dates
from core.numbers import format_quantity
from core.text import visible_text
from wards.models import Ward


class AllocationConflict(FundRefusal):
    """The allocation changed after the officer's page showed it; nothing was written.
    `saved` is the allocation as it is now, for the page to show beside what was typed."""

    def __init__(self, saved: Allocation):
        super().__init__(
            "Khoản phân bổ này đã được người khác sửa, xác nhận hoặc điều chỉnh sau khi bạn mở "
            "trang, nên chưa lưu gì. Bên dưới là bản đang lưu; số liệu bạn nhập vẫn còn trong "
            "ô, hãy xem lại rồi lưu lần nữa."
        )
        self.saved = saved


DUPLICATE_MESSAGE = "Quyết định này đã phân bổ khoản này cho phường, xã này."


def _check_fields(campaign: Campaign, ward: Ward, fields: dict) -> None:
    if not (campaign.province_id and campaign.holds_money):
        raise FundRefusal("Chỉ quỹ, cuộc vận động của tỉnh mới phân bổ xuống phường, xã.")
    if ward.province_id != campaign.province_id:
        raise FundRefusal("Phường, xã nhận không thuộc tỉnh, thành phố của cuộc vận động.")
    _check_gift_amount(
        fields["form"], fields["amount"], cash_message="Số tiền phân bổ phải lớn hơn 0 đồng."
    )
    if not dates.in_range(fields["decision_date"]):
        raise FundRefusal(f"Ngày quyết định: {dates.OUT_OF_RANGE}")
    if not fields["decision_number"]:
        raise FundRefusal("Ghi số quyết định phân bổ.")
    if not fields["purpose"]:
        raise FundRefusal("Ghi mục đích phân bổ, ví dụ: hỗ trợ hộ bị thiệt hại do bão.")


def _check_province_holds(campaign: Campaign, allocation: Allocation, *, giving_back=None):
    """The province committee must hold what it gives; `giving_back` is the row being
    corrected, whose old amount is available again."""
    province = campaign.province
    if allocation.is_cash:
        balance = selectors.fund_balance(campaign=campaign, at=province)
        if giving_back is not None and giving_back.is_cash:
            balance += giving_back.amount
        if allocation.amount > balance:
            raise FundRefusal(
                f"Không thể phân bổ {selectors.format_dong(allocation.amount)}: quỹ "
                f"“{campaign.name}” của tỉnh chỉ còn {selectors.format_dong(balance)}."
            )
        return
    line = selectors.goods_line(
        campaign, allocation.in_kind_description, allocation.in_kind_unit, at=province
    )
    held = line.held if line else Decimal(0)
    if (
        giving_back is not None
        and giving_back.is_in_kind
        and selectors.goods_key(giving_back.in_kind_description, giving_back.in_kind_unit)
        == selectors.goods_key(allocation.in_kind_description, allocation.in_kind_unit)
    ):
        held += giving_back.in_kind_quantity
    if allocation.in_kind_quantity > held:
        wanted = f"{format_quantity(allocation.in_kind_quantity)} {allocation.in_kind_unit}"
        raise FundRefusal(
            f"Không thể phân bổ {wanted} {allocation.in_kind_description}: quỹ "
            f"“{campaign.name}” của tỉnh chỉ còn giữ {format_quantity(held)} "
            f"{allocation.in_kind_unit}."
        )


def _normalised(
    *,
    form,
    amount,
    decision_number,
    decision_date,
    purpose,
    in_kind_description="",
    in_kind_quantity=None,
    in_kind_unit="",
) -> dict:
    return {
        "form": form,
        "amount": amount,
        "decision_number": visible_text(decision_number or ""),
        "decision_date": decision_date,
        "purpose": visible_text(purpose or ""),
        **_goods_fields(form, in_kind_description, in_kind_quantity, in_kind_unit),
    }


def _same_words(text: str) -> str:
    return " ".join(text.casefold().split())


def _check_not_duplicate(allocation: Allocation) -> None:
    """One decision gives a commune each kind of goods (or the cash) once, among the
    allocations that count: a reversed one may be recorded again under its decision. Decision
    numbers and goods compare whatever their case and spaces ("15/QĐ" is "15/qđ"). Called under
    the drive's row lock, so two officers cannot both record the same decision."""
    others = (
        selectors.counted_allocations()
        .filter(campaign=allocation.campaign_id, ward=allocation.ward_id, form=allocation.form)
        .exclude(pk=allocation.pk)
        .values_list("decision_number", "in_kind_description", "in_kind_unit")
    )
    number = _same_words(allocation.decision_number)
    goods = selectors.goods_key(allocation.in_kind_description, allocation.in_kind_unit)
    for other_number, description, unit in others:
        if _same_words(other_number) == number and (
            allocation.is_cash or selectors.goods_key(description, unit) == goods
        ):
            raise FundRefusal(DUPLICATE_MESSAGE)


def _validate(allocation: Allocation) -> None:
    """The goods complete or the cash alone (the model's rules, Vietnamese by field), before
    any balance is read."""
    allocation.full_clean(
        exclude=[*_SET_BY_SERVICE, "confirmed_by"],
        validate_unique=False,
        validate_constraints=False,
    )


def _save(allocation: Allocation) -> Allocation:
    _check_not_duplicate(allocation)
    allocation.save()
    return allocation


@transaction.atomic
def allocation_record(*, campaign: Campaign, ward: Ward, user, **fields) -> Allocation:
    """The province gives a commune money or goods from its drive (decision number and date,
    purpose). Refused when the province committee does not hold that much."""
    fields = _normalised(**fields)
    _check_fields(campaign, ward, fields)
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("province")
        .get(pk=campaign.pk)
    )
    allocation = Allocation(campaign=campaign, ward=ward, recorded_by=user, **fields)
    _validate(allocation)
    _check_province_holds(campaign, allocation)
    return _save(allocation)


def _locked(allocation: Allocation) -> tuple[Campaign, Allocation]:
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("province")
        .get(pk=allocation.campaign_id)
    )
    current = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("ward")
        .get(pk=allocation.pk)
    )
    return campaign, current


def _is_reversed(allocation: Allocation) -> bool:
    return AllocationReversal.objects.filter(allocation=allocation).exists()


@transaction.atomic
def allocation_update(
    *, allocation: Allocation, version: int | None, ward: Ward, **fields
) -> Allocation:
    """Correct an allocation the commune has not confirmed yet, from the version the officer's
    page showed; a stale version raises AllocationConflict and writes nothing."""
    campaign, current = _locked(allocation)
    if version != current.version:
        raise AllocationConflict(current)
    if current.is_confirmed:
        raise FundRefusal(
            "Phường, xã đã xác nhận nhận khoản phân bổ này nên không sửa được nữa; "
            "nếu cần, hãy điều chỉnh (bút toán đảo) rồi phân bổ lại."
        )
    if _is_reversed(current):
        raise FundRefusal("Khoản phân bổ này đã được điều chỉnh, không sửa được nữa.")
    fields = _normalised(**fields)
    _check_fields(campaign, ward, fields)
    before = Allocation.objects.get(pk=current.pk)
    for name, value in fields.items():
        setattr(current, name, value)
    current.ward = ward
    _validate(current)
    _check_province_holds(campaign, current, giving_back=before)
    current.version += 1
    return _save(current)


@transaction.atomic
def allocation_confirm(
    *, allocation: Allocation, ward: Ward, user, on: datetime.date, version: int | None = None
) -> Allocation:
    """The commune confirms it received the allocation: from that day the money is in its own
    book and it can pay households and houses from it; the province can no longer edit it."""
    _campaign, current = _locked(allocation)
    if current.ward_id != ward.pk:
        raise FundRefusal("Khoản phân bổ này không dành cho phường, xã này.")
    if version is not None and version != current.version:
        raise AllocationConflict(current)
    if _is_reversed(current):
        raise FundRefusal("Khoản phân bổ này đã được tỉnh điều chỉnh, không xác nhận được.")
    if current.is_confirmed:
        raise FundRefusal(
            f"Khoản phân bổ này đã được xác nhận ngày {current.confirmed_on:%d/%m/%Y}."
        )
    if not dates.in_range(on):
        raise FundRefusal(f"Ngày nhận: {dates.OUT_OF_RANGE}")
    if on < current.decision_date:
        raise FundRefusal(
            f"Ngày nhận không thể trước ngày quyết định phân bổ ({current.decision_date:%d/%m/%Y})."
        )
    current.confirmed_on = on
    current.confirmed_by = user
    current.version += 1
    current.save(update_fields=["confirmed_on", "confirmed_by", "version"])
    return current


@transaction.atomic
def allocation_reverse(
    *, allocation: Allocation, user, reason: str, on: datetime.date
) -> AllocationReversal:
    """Undo an allocation by a counter-entry on both sides. Refused when the commune has
    already paid out what it would have to give back."""
    campaign, current = _locked(allocation)
    if _is_reversed(current):
        raise FundRefusal("Khoản phân bổ này đã được điều chỉnh trước đó.")
    reason = visible_text(reason)
    if not reason:
        raise FundRefusal("Ghi rõ lý do điều chỉnh.")
    if not dates.in_range(on):
        raise FundRefusal(f"Ngày điều chỉnh: {dates.OUT_OF_RANGE}")
    if current.is_confirmed:
        ward = current.ward
        if current.is_cash:
            balance = selectors.fund_balance(campaign=campaign, at=ward)
            if current.amount > balance:
                raise FundRefusal(
                    f"Không thể điều chỉnh: {ward.name} đã chi, số dư của xã trong quỹ sẽ âm "
                    f"({selectors.format_dong(balance - current.amount)})."
                )
        else:
            line = selectors.goods_line(
                campaign, current.in_kind_description, current.in_kind_unit, at=ward
            )
            if line is None or current.in_kind_quantity > line.held:
                raise FundRefusal(
                    f"Không thể điều chỉnh: {ward.name} đã trao hiện vật này cho các hộ, số còn "
                    "giữ sẽ âm."
                )
    current.version += 1
    current.save(update_fields=["version"])
    return AllocationReversal.objects.create(
        allocation=current, reason=reason, reversed_by=user, reversed_on=on
    )
