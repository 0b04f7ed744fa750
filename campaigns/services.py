"""Writes for money and houses; each function is one transaction with full validation."""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns import selectors
from campaigns.models import (
    Campaign,
    Disbursement,
    Donation,
    DonationReversal,
    GovernmentSupport,
    House,
    Household,
    HousePhoto,
    ReceiptCounter,
    StatementLine,
    holder_fields,
)
from core import dates
from core.numbers import format_quantity
from core.text import visible_text
from wards.models import Province, Ward
from wards.selectors import Role, can_edit_organisation, organisation_of, role_of
from wards.services import save_ward_record


class FundRefusal(Exception):
    """A refused money operation; the message is shown to the user as it is."""


@transaction.atomic
def campaign_create(*, ward: Ward, user=None, **fields) -> Campaign:
    """A ward's own campaign or fund, validated as a whole. An organisation officer (`user`)
    creates its own organisation's drives only."""
    if user is not None and role_of(user) == Role.ORGANISATION_OFFICER:
        own = organisation_of(user, ward)
        wanted = fields.get("organisation")
        if own is None or (wanted is not None and wanted.pk != own.pk):
            raise PermissionDenied(OTHER_ORGANISATION_DRIVE)
        fields["organisation"] = own
    return save_ward_record(Campaign(ward=ward), ward=ward, fields=fields)


OTHER_ORGANISATION_DRIVE = (
    "Cán bộ tổ chức thành viên chỉ tạo và ghi nhận ủng hộ cho cuộc vận động của tổ chức "
    "mình phụ trách."
)


def _check_organisation_officer(user, ward, campaign):
    """An organisation officer records gifts in its own organisation's drives of its ward
    only; the ward's officers (and the views' gates for everyone else) are unchanged."""
    if role_of(user) == Role.ORGANISATION_OFFICER and not (
        ward is not None and can_edit_organisation(user, ward, campaign.organisation_id)
    ):
        raise FundRefusal(OTHER_ORGANISATION_DRIVE)


@transaction.atomic
def province_campaign_create(*, province: Province, **fields) -> Campaign:
    """A province's own drive, validated as a whole like a ward's."""
    campaign = Campaign(province=province, **fields)
    campaign.full_clean()
    campaign.save()
    return campaign


def _holder(ward: Ward | None, province: Province | None) -> Ward | Province:
    if (ward is None) == (province is None):
        raise TypeError("Name exactly one holder: a ward or a province.")
    return ward or province


def _next_receipt_number(holder: Ward | Province, year: int) -> int:
    """Allocate the holder's next receipt number for the year: no gap, no duplicate. A
    province's committee has its own series, apart from its communes'.

    The counter row is locked until the donation's transaction ends, so concurrent officers
    queue on it; a rolled-back donation releases its number with the lock.
    """
    fields = holder_fields(holder)
    ReceiptCounter.objects.bulk_create([ReceiptCounter(**fields, year=year)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(**fields, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _is_positive_whole(amount) -> bool:
    return isinstance(amount, int) and not isinstance(amount, bool) and amount > 0


def _check_gift_amount(form: str, amount, *, cash_message: str) -> None:
    """Cash needs whole đồng above 0; goods an equivalent above 0 or none ("chưa quy đổi")."""
    if form not in Donation.Form.values:
        raise FundRefusal("Chọn hình thức: tiền hoặc hiện vật.")
    if form == Donation.Form.CASH and not _is_positive_whole(amount):
        raise FundRefusal(cash_message)
    if form == Donation.Form.IN_KIND and amount is not None and not _is_positive_whole(amount):
        raise FundRefusal(
            "Giá trị quy đổi phải là số nguyên đồng lớn hơn 0, hoặc để trống nếu chưa quy đổi."
        )


def _goods_fields(form, description, quantity, unit) -> dict:
    """The goods fields as stored: stripped for goods, empty for cash."""
    if form != Donation.Form.IN_KIND:
        return {"in_kind_description": "", "in_kind_quantity": None, "in_kind_unit": ""}
    return {
        "in_kind_description": (description or "").strip(),
        "in_kind_quantity": quantity,
        "in_kind_unit": (unit or "").strip(),
    }


# Fields a service sets itself: checked by their own queries, not by full_clean()'s.
_SET_BY_SERVICE = ["campaign", "ward", "household", "recorded_by", "receipt_number"]


@transaction.atomic
def donation_record(
    *,
    campaign: Campaign,
    ward: Ward | None = None,
    province: Province | None = None,
    user,
    received_on: datetime.date,
    donor_kind: str,
    amount: int | None = None,
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
    """Record a gift of money (amount > 0) or of goods (quantity, unit, description; the
    money equivalent optional), received by a commune (`ward`) or by the province's committee
    (`province`, its own drives only). Raises FundRefusal, or ValidationError by field."""
    holder = _holder(ward, province)
    _check_organisation_officer(user, ward, campaign)
    if not campaign.holds_money:
        raise FundRefusal("Phong trào, cuộc vận động này không nhận tiền ủng hộ.")
    if ward is not None and (
        campaign.ward_id not in (None, ward.pk)
        or (campaign.province_id and campaign.province_id != ward.province_id)
    ):
        raise FundRefusal("Cuộc vận động không thuộc phường, xã này.")
    if province is not None and campaign.province_id != province.pk:
        raise FundRefusal("Cuộc vận động không phải của tỉnh, thành phố này.")
    _check_gift_amount(form, amount, cash_message="Số tiền phải là số nguyên đồng lớn hơn 0.")
    if not dates.in_range(received_on):
        raise FundRefusal(f"Ngày nhận: {dates.OUT_OF_RANGE}")
    if channel == Donation.Channel.BANK and not bank_reference.strip():
        raise FundRefusal("Chuyển khoản cần có mã giao dịch ngân hàng.")
    if donor_kind != Donation.DonorKind.ANONYMOUS and not donor_name.strip():
        raise FundRefusal("Ghi tên người, đơn vị ủng hộ hoặc chọn “Nhà hảo tâm (ẩn danh)”.")
    donation = Donation(
        campaign=campaign,
        **holder_fields(holder),
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
        **_goods_fields(form, in_kind_description, in_kind_quantity, in_kind_unit),
        note=note.strip(),
        statement_line=statement_line,
        recorded_by=user,
    )
    # Goods complete, cash without goods (the same rules as the database's constraint).
    donation.full_clean(exclude=_SET_BY_SERVICE, validate_unique=False, validate_constraints=False)
    donation.receipt_number = _next_receipt_number(holder, received_on.year)
    donation.save()
    return donation


def _goods_refusal(campaign, line, quantity, description, unit, *, verb) -> str:
    wanted = f"{format_quantity(quantity)} {unit} {description}"
    if line is None or line.held <= 0:
        return f"Không thể {verb} {wanted}: quỹ “{campaign.name}” không còn giữ hiện vật này."
    return (
        f"Không thể {verb} {wanted}: quỹ “{campaign.name}” chỉ còn giữ "
        f"{line.text(line.held)} {line.description}."
    )


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
    holder = donation.holder
    if donation.is_cash:
        balance = selectors.fund_balance(campaign=campaign, at=holder)
        if balance - donation.amount < 0:
            raise FundRefusal(
                "Không thể điều chỉnh: quỹ đã chi, số dư sẽ âm "
                f"({selectors.format_dong(balance - donation.amount)})."
            )
    else:
        line = selectors.goods_line(
            campaign, donation.in_kind_description, donation.in_kind_unit, at=holder
        )
        left = (line.held if line else 0) - donation.in_kind_quantity
        if left < 0:
            raise FundRefusal(
                "Không thể điều chỉnh: hiện vật đã trao, số còn giữ sẽ âm "
                f"({format_quantity(left)} {donation.in_kind_unit} "
                f"{donation.in_kind_description})."
            )
    reversal = DonationReversal.objects.create(
        donation=donation, reason=reason, reversed_by=user, reversed_on=on
    )
    _free_statement_line(donation, reason=reason, user=user)
    return reversal


def _free_statement_line(donation: Donation, *, reason: str, user) -> None:
    """The bank statement line a reversed donation was made from waits in the queue again, so
    it can be recorded correctly (its next donation takes the key's next "#n")."""
    problem = (
        f"Khoản ủng hộ biên nhận {donation.receipt_label} ghi từ dòng này đã được điều chỉnh "
        f"({reason}); hãy ghi lại cho đúng hoặc để riêng."
    )
    StatementLine.objects.filter(donation=donation).update(
        status=StatementLine.Status.WAITING,
        donation=None,
        matched_by="",
        set_aside_reason="",
        problem=problem[: StatementLine._meta.get_field("problem").max_length],
        version=F("version") + 1,
        handled_by=user,
        handled_at=timezone.now(),
    )


@transaction.atomic
def disbursement_record(
    *,
    campaign: Campaign,
    ward: Ward,
    user,
    purpose: str,
    decision_reference: str,
    paid_on: datetime.date,
    amount: int | None = None,
    form: str = Disbursement.Form.CASH,
    household: Household | None = None,
    description: str = "",
    in_kind_description: str = "",
    in_kind_quantity=None,
    in_kind_unit: str = "",
) -> Disbursement:
    """Pay money out of a fund, or hand out goods it holds (goods out, not cash out).

    Refused when the fund's cash balance, or what it holds of those goods, would go below
    zero."""
    _check_gift_amount(form, amount, cash_message="Số tiền chi phải là số nguyên đồng lớn hơn 0.")
    if not dates.in_range(paid_on):
        raise FundRefusal(f"Ngày chi: {dates.OUT_OF_RANGE}")
    if household is not None and household.ward_id != ward.pk:
        raise FundRefusal("Hộ nhận không thuộc phường, xã này.")
    if household is None and not description.strip():
        raise FundRefusal("Chọn hộ nhận hoặc ghi rõ nội dung chi.")
    if not decision_reference.strip():
        raise FundRefusal("Ghi số quyết định chi.")
    payment = Disbursement(
        campaign=campaign,
        ward=ward,
        household=household,
        purpose=purpose,
        description=description.strip(),
        form=form,
        amount=amount,
        **_goods_fields(form, in_kind_description, in_kind_quantity, in_kind_unit),
        decision_reference=decision_reference.strip(),
        paid_on=paid_on,
        recorded_by=user,
    )
    payment.full_clean(exclude=_SET_BY_SERVICE, validate_unique=False, validate_constraints=False)
    # Locking the campaign serialises payments from one fund, so two officers cannot both
    # spend the same balance (or hand out the same goods).
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.holds_money:
        raise FundRefusal("Phong trào, cuộc vận động này không có quỹ để chi.")
    if payment.is_cash:
        balance = selectors.fund_balance(campaign=campaign, at=ward)
        if amount > balance:
            raise FundRefusal(
                f"Không thể chi {selectors.format_dong(amount)}: số dư quỹ “{campaign.name}” "
                f"chỉ còn {selectors.format_dong(balance)}."
            )
    else:
        goods = (payment.in_kind_description, payment.in_kind_unit)
        line = selectors.goods_line(campaign, *goods, at=ward)
        if line is None or payment.in_kind_quantity > line.held:
            raise FundRefusal(
                _goods_refusal(
                    campaign,
                    line,
                    payment.in_kind_quantity,
                    payment.in_kind_description,
                    payment.in_kind_unit,
                    verb="trao",
                )
            )
    payment.campaign = campaign
    payment.save()
    return payment


@transaction.atomic
def household_save(*, ward: Ward, household: Household | None = None, **fields) -> Household:
    return save_ward_record(household or Household(ward=ward), ward=ward, fields=fields)


@transaction.atomic
def house_save(*, ward: Ward, house: House | None = None, **fields) -> House:
    return save_ward_record(house or House(ward=ward), ward=ward, fields=fields, check=_check_house)


@transaction.atomic
def house_photo_add(*, house: House, image, caption: str = "") -> HousePhoto:
    """A photo of the house's works; the upload was checked and re-encoded as JPEG by the
    form's PhotoField (core/uploads.py)."""
    return HousePhoto.objects.create(house=house, image=image, caption=caption)


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


# --- A fund's receiving account (VietQR) -------------------------------------------------

ACCOUNT_FIELDS = ("bank_bin", "bank_account_number", "bank_account_name")


def account_version(campaign: Campaign) -> str:
    """What the account page showed, as a short digest: a save from an older page is refused."""
    text = "\n".join(getattr(campaign, name) for name in ACCOUNT_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class AccountConflict(FundRefusal):
    """Someone changed the account since the page was opened; `current` is what they saved."""

    def __init__(self, current: Campaign):
        self.current = current
        super().__init__(
            "Tài khoản nhận đã được người khác sửa sau khi trang này được mở; chưa có gì được "
            "ghi. Xem tài khoản hiện tại bên dưới rồi lưu lại nếu vẫn muốn đổi."
        )


@transaction.atomic
def campaign_account_update(
    *,
    campaign: Campaign,
    shown: str,
    bank_bin: str,
    bank_account_number: str,
    bank_account_name: str,
) -> Campaign:
    """Set (or clear, all three empty) a fund's receiving account, from the version the
    officer's page showed."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if shown != account_version(current):
        raise AccountConflict(current)
    values = {
        "bank_bin": bank_bin,
        "bank_account_number": bank_account_number,
        "bank_account_name": bank_account_name,
    }
    if any(values.values()) and not all(values.values()):
        raise FundRefusal("Tài khoản nhận cần đủ ngân hàng, số và tên, hoặc để trống cả ba.")
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save(update_fields=list(ACCOUNT_FIELDS))
    return current
