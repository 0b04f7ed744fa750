"""Writes for money and houses; each function is one transaction with full validation."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from wards import dates
from wards.models import Ward
from wards.services import save_ward_record
from wards.text import visible_text

from . import selectors
from .models import (
    Campaign,
    Disbursement,
    Donation,
    DonationReversal,
    GovernmentSupport,
    House,
    Household,
    ReceiptCounter,
)


class FundRefusal(Exception):
    """A refused money operation; the message is shown to the user as it is."""


def _next_receipt_number(ward: Ward, year: int) -> int:
    """Allocate the ward's next receipt number for the year: no gap, no duplicate.

    The counter row is locked until the donation's transaction ends, so concurrent officers
    queue on it; a rolled-back donation releases its number with the lock.
    """
    ReceiptCounter.objects.bulk_create(
        [ReceiptCounter(ward=ward, year=year)], ignore_conflicts=True
    )
    counter = ReceiptCounter.objects.select_for_update().get(ward=ward, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def donation_record(
    *,
    campaign: Campaign,
    ward: Ward,
    user,
    received_on: datetime.date,
    donor_kind: str,
    amount: int,
    form: str = Donation.Form.CASH,
    channel: str = Donation.Channel.CASH,
    donor_name: str = "",
    donor_address: str = "",
    publish_name: bool = True,
    bank_reference: str = "",
    in_kind_description: str = "",
    in_kind_quantity=None,
    in_kind_unit: str = "",
    note: str = "",
    statement_line: str = "",
) -> Donation:
    if not campaign.holds_money:
        raise FundRefusal("Phong trào, cuộc vận động này không nhận tiền ủng hộ.")
    if campaign.ward_id not in (None, ward.pk) or (
        campaign.province_id and campaign.province_id != ward.province_id
    ):
        raise FundRefusal("Cuộc vận động không thuộc phường, xã này.")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise FundRefusal("Số tiền phải là số nguyên đồng lớn hơn 0.")
    if not dates.in_range(received_on):
        raise FundRefusal(f"Ngày nhận: {dates.OUT_OF_RANGE}")
    if form == Donation.Form.IN_KIND and not in_kind_description.strip():
        raise FundRefusal("Ghi rõ hiện vật ủng hộ.")
    if channel == Donation.Channel.BANK and not bank_reference.strip():
        raise FundRefusal("Chuyển khoản cần có mã giao dịch ngân hàng.")
    if donor_kind != Donation.DonorKind.ANONYMOUS and not donor_name.strip():
        raise FundRefusal("Ghi tên người, đơn vị ủng hộ hoặc chọn “Nhà hảo tâm (ẩn danh)”.")
    donation = Donation(
        campaign=campaign,
        ward=ward,
        receipt_year=received_on.year,
        received_on=received_on,
        donor_kind=donor_kind,
        donor_name="" if donor_kind == Donation.DonorKind.ANONYMOUS else donor_name.strip(),
        donor_address=donor_address.strip(),
        publish_name=publish_name and donor_kind != Donation.DonorKind.ANONYMOUS,
        form=form,
        channel=channel,
        bank_reference=bank_reference.strip(),
        amount=amount,
        in_kind_description=in_kind_description.strip() if form == Donation.Form.IN_KIND else "",
        in_kind_quantity=in_kind_quantity if form == Donation.Form.IN_KIND else None,
        in_kind_unit=in_kind_unit.strip() if form == Donation.Form.IN_KIND else "",
        note=note.strip(),
        statement_line=statement_line,
        recorded_by=user,
    )
    donation.receipt_number = _next_receipt_number(ward, received_on.year)
    donation.save()
    return donation


@transaction.atomic
def donation_reverse(*, donation: Donation, user, reason: str, on: datetime.date):
    """Cancel a recorded donation with a reason; the original stays, marked as reversed."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if DonationReversal.objects.filter(donation=donation).exists():
        raise FundRefusal("Khoản ủng hộ này đã được điều chỉnh trước đó.")
    reason = visible_text(reason)
    if not reason:
        raise FundRefusal("Ghi rõ lý do điều chỉnh.")
    campaign = Campaign.objects.select_for_update().get(pk=donation.campaign_id)
    balance = selectors.fund_balance(campaign=campaign)
    if balance - donation.amount < 0:
        raise FundRefusal(
            "Không thể điều chỉnh: quỹ đã chi, số dư sẽ âm "
            f"({selectors.format_dong(balance - donation.amount)})."
        )
    return DonationReversal.objects.create(
        donation=donation, reason=reason, reversed_by=user, reversed_on=on
    )


@transaction.atomic
def disbursement_record(
    *,
    campaign: Campaign,
    ward: Ward,
    user,
    amount: int,
    purpose: str,
    decision_reference: str,
    paid_on: datetime.date,
    household: Household | None = None,
    description: str = "",
) -> Disbursement:
    """Pay out of a fund; refused when the fund's balance would go below zero."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise FundRefusal("Số tiền chi phải là số nguyên đồng lớn hơn 0.")
    if not dates.in_range(paid_on):
        raise FundRefusal(f"Ngày chi: {dates.OUT_OF_RANGE}")
    if household is not None and household.ward_id != ward.pk:
        raise FundRefusal("Hộ nhận không thuộc phường, xã này.")
    if household is None and not description.strip():
        raise FundRefusal("Chọn hộ nhận hoặc ghi rõ nội dung chi.")
    if not decision_reference.strip():
        raise FundRefusal("Ghi số quyết định chi.")
    # Locking the campaign serialises payments from one fund, so two officers cannot both
    # spend the same balance.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.holds_money:
        raise FundRefusal("Phong trào, cuộc vận động này không có quỹ để chi.")
    balance = selectors.fund_balance(campaign=campaign)
    if amount > balance:
        raise FundRefusal(
            f"Không thể chi {selectors.format_dong(amount)}: số dư quỹ “{campaign.name}” chỉ còn "
            f"{selectors.format_dong(balance)}."
        )
    return Disbursement.objects.create(
        campaign=campaign,
        ward=ward,
        household=household,
        purpose=purpose,
        description=description.strip(),
        amount=amount,
        decision_reference=decision_reference.strip(),
        paid_on=paid_on,
        recorded_by=user,
    )


@transaction.atomic
def household_save(*, ward: Ward, household: Household | None = None, **fields) -> Household:
    return save_ward_record(household or Household(ward=ward), ward=ward, fields=fields)


@transaction.atomic
def house_save(*, ward: Ward, house: House | None = None, **fields) -> House:
    return save_ward_record(house or House(ward=ward), ward=ward, fields=fields, check=_check_house)


def _check_house(house: House):
    if house.household.ward_id != house.ward_id:
        raise FundRefusal("Hộ không thuộc phường, xã này.")
    dates = [
        ("khảo sát", house.surveyed_on),
        ("khởi công", house.started_on),
        ("hoàn thành", house.completed_on),
        ("bàn giao", house.handed_over_on),
    ]
    previous = None
    for label, day in dates:
        if day is None:
            continue
        if previous and day < previous[1]:
            raise ValidationError(f"Ngày {label} không thể trước ngày {previous[0]}.")
        previous = (label, day)


@transaction.atomic
def government_support_record(*, ward: Ward, user, **fields) -> GovernmentSupport:
    support = GovernmentSupport(ward=ward, recorded_by=user, **fields)
    support.full_clean()
    if not dates.in_range(support.paid_on):
        raise ValidationError({"paid_on": dates.OUT_OF_RANGE})
    support.save()
    return support
