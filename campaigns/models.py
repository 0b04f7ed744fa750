"""Money and houses: campaigns, donations with receipts, households, disbursements, houses.

Money is integer đồng (PositiveBigIntegerField) end to end. Recorded donations are never
edited or deleted: a correction is a DonationReversal with a reason.

Cash and goods never mix. A donation or a disbursement is either money (`amount` > 0, no
goods fields) or goods (quantity > 0, unit and description; `amount` is then the optional
money equivalent, "giá trị quy đổi", never counted as cash). Both the models' clean() and
check constraints in the database enforce it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from campaigns import references
from core.collation import by_vietnamese
from core.numbers import format_quantity
from wards.models import MassOrganisation, Province, ResidentialArea, Ward


class Campaign(models.Model):
    class Kind(models.TextChoices):
        FUND = "fund", "Quỹ, cuộc vận động ủng hộ"
        HOUSING = "housing", "Chương trình nhà Đại đoàn kết, nhà tình thương"
        MOVEMENT = "movement", "Phong trào, cuộc vận động"

    class Fund(models.TextChoices):
        """Which monthly indicators the money feeds."""

        POOR_RELIEF = "vnn", "Quỹ Vì người nghèo"
        DISASTER = "thien_tai", "Cứu trợ thiên tai, dịch bệnh"
        OTHER = "khac", "Quỹ khác"

    class Status(models.TextChoices):
        PLANNED = "planned", "Sắp triển khai"
        ACTIVE = "active", "Đang triển khai"
        CLOSED = "closed", "Đã kết thúc"

    name = models.CharField("tên", max_length=255)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    fund = models.CharField(
        "nguồn quỹ", max_length=10, choices=Fund.choices, default=Fund.POOR_RELIEF
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name="phường, xã",
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name="tỉnh, thành phố",
    )
    # A member organisation's own drive in the commune ("cuộc vận động của Hội LHPN phường"):
    # its organisation officer records its gifts; the ward's officers record everything.
    organisation = models.ForeignKey(
        MassOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name="tổ chức thành viên",
        help_text="Để trống nếu là cuộc vận động của Ủy ban MTTQ.",
    )
    starts_on = models.DateField("bắt đầu")
    ends_on = models.DateField("kết thúc", null=True, blank=True)
    target_amount = models.PositiveBigIntegerField(
        "chỉ tiêu vận động (đồng)", null=True, blank=True
    )
    target_count = models.PositiveIntegerField("chỉ tiêu số lượng", null=True, blank=True)
    target_unit = models.CharField("đơn vị chỉ tiêu số lượng", max_length=30, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    description = models.TextField("mô tả", blank=True)
    # Where donors transfer money (VietQR): a NAPAS bank BIN, the account and its name as the
    # bank holds it (upper case, no diacritics).
    bank_bin = models.CharField("ngân hàng nhận", max_length=6, blank=True)
    bank_account_number = models.CharField("số tài khoản nhận", max_length=19, blank=True)
    bank_account_name = models.CharField("tên tài khoản nhận", max_length=50, blank=True)
    # The fund's part of a transfer reference (campaigns/references.py), given at creation.
    reference_code = models.CharField(
        "mã tham chiếu", max_length=4, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "cuộc vận động"
        verbose_name_plural = "cuộc vận động"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ward__isnull=False, province__isnull=True)
                | Q(ward__isnull=True, province__isnull=False),
                name="campaign_belongs_to_ward_or_province",
                violation_error_message="Cuộc vận động thuộc một phường, xã hoặc một tỉnh.",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(ward__isnull=False),
                name="organisation_drive_belongs_to_a_ward",
                violation_error_message=(
                    "Cuộc vận động của tổ chức thành viên thuộc một phường, xã."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.reference_code:
            self.reference_code = unused_code(Campaign.objects, "reference_code")
        super().save(*args, **kwargs)

    @property
    def holds_money(self):
        return self.kind in (self.Kind.FUND, self.Kind.HOUSING)

    @property
    def reference(self) -> str:
        """What a donor writes in a transfer's note for this fund: "MT7K2AX"."""
        return references.reference(self.reference_code)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_bin and self.bank_account_number)


def unused_code(queryset, field: str) -> str:
    """A random reference code not yet used in `queryset` (a clash is one in a million)."""
    while True:
        code = references.new_code()
        if not queryset.filter(**{field: code}).exists():
            return code


# Money is held by a commune (ward) or by a province's own committee: a donation, a receipt
# series and a bank statement line belong to exactly one of the two.
ONE_HOLDER = Q(ward__isnull=False, province__isnull=True) | Q(
    ward__isnull=True, province__isnull=False
)


def holder_fields(holder) -> dict:
    """{"ward": …, "province": None} or the other way round, for a Ward or a Province."""
    if isinstance(holder, Ward):
        return {"ward": holder, "province": None}
    if isinstance(holder, Province):
        return {"ward": None, "province": holder}
    raise TypeError(f"Not a holder of money: {holder!r}")


class ReceiptCounter(models.Model):
    """The last receipt number issued by a ward, or by a province's committee, in a year;
    rows are locked to allocate. Each holder has its own gap-free series."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, null=True)
    province = models.ForeignKey(Province, on_delete=models.CASCADE, null=True)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ward", "year"], name="one_counter_per_ward_year"),
            models.UniqueConstraint(
                fields=["province", "year"], name="one_counter_per_province_year"
            ),
            models.CheckConstraint(condition=ONE_HOLDER, name="receipt_counter_one_holder"),
        ]

    def __str__(self):
        return f"{self.ward_id or 'T' + str(self.province_id)}/{self.year}: {self.last_number}"


class GiftForm(models.TextChoices):
    """Money or goods: a donation received, a disbursement handed out."""

    CASH = "cash", "Tiền"
    IN_KIND = "in_kind", "Hiện vật"


def _goods_constraints(prefix: str, noun: str) -> list[models.CheckConstraint]:
    """Cash has an amount and no goods; goods have quantity, unit and description and an
    optional equivalent. NULL passes a CHECK, hence the explicit isnull conditions."""
    no_goods = Q(in_kind_quantity__isnull=True, in_kind_unit="", in_kind_description="")
    cash = Q(form=GiftForm.CASH, amount__isnull=False, amount__gt=0) & no_goods
    goods = (
        Q(form=GiftForm.IN_KIND, in_kind_quantity__isnull=False, in_kind_quantity__gt=0)
        & ~Q(in_kind_unit="")
        & ~Q(in_kind_description="")
        & (Q(amount__isnull=True) | Q(amount__gt=0))
    )
    return [
        models.CheckConstraint(
            condition=cash | goods,
            name=f"{prefix}_cash_or_complete_goods",
            violation_error_message=f"{noun} bằng tiền cần số tiền lớn hơn 0; {noun.lower()} "
            "bằng hiện vật cần số lượng lớn hơn 0, đơn vị tính và tên hiện vật.",
        ),
    ]


def _clean_gift(gift) -> None:
    """The rules of _goods_constraints() as field errors in Vietnamese."""
    errors = {}
    if gift.form == GiftForm.CASH:
        if gift.amount is None or gift.amount <= 0:
            errors["amount"] = "Nhập số tiền lớn hơn 0 đồng."
        if gift.in_kind_quantity is not None or gift.in_kind_unit or gift.in_kind_description:
            errors["form"] = "Khoản bằng tiền không ghi số lượng, đơn vị tính hay tên hiện vật."
    elif gift.form == GiftForm.IN_KIND:
        if not (gift.in_kind_description or "").strip():
            errors["in_kind_description"] = "Ghi rõ tên hiện vật, ví dụ: gạo, gạch, mì gói."
        if gift.in_kind_quantity is None or gift.in_kind_quantity <= 0:
            errors["in_kind_quantity"] = "Nhập số lượng hiện vật lớn hơn 0."
        if not (gift.in_kind_unit or "").strip():
            errors["in_kind_unit"] = "Ghi đơn vị tính, ví dụ: kg, thùng, bao."
        if gift.amount is not None and gift.amount <= 0:
            errors["amount"] = "Giá trị quy đổi phải lớn hơn 0, hoặc để trống nếu chưa quy đổi."
    if errors:
        raise ValidationError(errors)


class GoodsMixin:
    """What cash and goods rows show of themselves."""

    @property
    def is_cash(self) -> bool:
        return self.form == GiftForm.CASH

    @property
    def is_in_kind(self) -> bool:
        return self.form == GiftForm.IN_KIND

    @property
    def goods_text(self) -> str:
        """ "13 thiên Gạch"; "" for cash."""
        if not self.is_in_kind:
            return ""
        parts = (
            format_quantity(self.in_kind_quantity),
            self.in_kind_unit,
            self.in_kind_description,
        )
        return " ".join(part for part in parts if part)


class CashOrGoods(GoodsMixin, models.Model):
    """Money or goods going out of a holder: a disbursement to a household or purpose, an
    allocation from a province drive to a commune."""

    form = models.CharField(
        "hình thức", max_length=8, choices=GiftForm.choices, default=GiftForm.CASH
    )
    amount = models.PositiveBigIntegerField(
        "số tiền (đồng)",
        null=True,
        blank=True,
        help_text="Tiền: số tiền. Hiện vật: giá trị quy đổi nếu có.",
    )
    in_kind_description = models.CharField("hiện vật", max_length=255, blank=True)
    in_kind_quantity = models.DecimalField(
        "số lượng", max_digits=14, decimal_places=2, null=True, blank=True
    )
    in_kind_unit = models.CharField("đơn vị tính", max_length=30, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        _clean_gift(self)


class Donation(GoodsMixin, models.Model):
    class DonorKind(models.TextChoices):
        INDIVIDUAL = "individual", "Cá nhân"
        ORGANISATION = "organisation", "Cơ quan, doanh nghiệp, tổ chức"
        COLLECTIVE = "collective", "Tập thể"
        ANONYMOUS = "anonymous", "Nhà hảo tâm (ẩn danh)"

    Form = GiftForm

    class Channel(models.TextChoices):
        CASH = "cash", "Tiền mặt"
        BANK = "bank", "Chuyển khoản"
        OTHER = "other", "Khác"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="donations", verbose_name="cuộc vận động"
    )
    # Who received it: a commune, or the province's committee itself (a province drive).
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name="phường, xã nhận",
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name="tỉnh, thành phố nhận",
    )
    receipt_year = models.PositiveSmallIntegerField("năm biên nhận")
    receipt_number = models.PositiveIntegerField("số biên nhận")
    received_on = models.DateField("ngày nhận")
    donor_kind = models.CharField("người ủng hộ là", max_length=12, choices=DonorKind.choices)
    donor_name = models.CharField("tên người, đơn vị ủng hộ", max_length=255, blank=True)
    donor_address = models.CharField("địa chỉ", max_length=255, blank=True)
    publish_name = models.BooleanField(
        "công khai tên",
        default=True,
        help_text="Bỏ chọn nếu người ủng hộ không muốn công khai tên.",
    )
    form = models.CharField("hình thức", max_length=8, choices=Form.choices)
    channel = models.CharField("kênh nhận", max_length=8, choices=Channel.choices)
    bank_reference = models.CharField("mã giao dịch ngân hàng", max_length=100, blank=True)
    amount = models.PositiveBigIntegerField(
        "số tiền (đồng)",
        null=True,
        blank=True,
        help_text="Tiền: số tiền. Hiện vật: giá trị quy đổi nếu có, để trống nếu chưa quy đổi.",
    )
    in_kind_description = models.CharField("hiện vật", max_length=255, blank=True)
    in_kind_quantity = models.DecimalField(
        "số lượng", max_digits=14, decimal_places=2, null=True, blank=True
    )
    in_kind_unit = models.CharField("đơn vị tính", max_length=30, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    # The bank statement line this donation came from (services_bank.line_key), unique in the
    # ward: one statement line is at most one donation, however often it is confirmed.
    statement_line = models.CharField(
        "dòng sao kê", max_length=160, blank=True, default="", editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="người ghi"
    )
    recorded_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "khoản ủng hộ"
        verbose_name_plural = "khoản ủng hộ"
        ordering = ["-received_on", "-receipt_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "receipt_year", "receipt_number"], name="receipt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["province", "receipt_year", "receipt_number"],
                name="province_receipt_number_unique",
            ),
            models.CheckConstraint(condition=ONE_HOLDER, name="donation_one_holder"),
            *_goods_constraints("donation", "Khoản ủng hộ"),
            models.UniqueConstraint(
                fields=["ward", "statement_line"],
                condition=~Q(statement_line=""),
                name="one_donation_per_statement_line",
            ),
            models.UniqueConstraint(
                fields=["province", "statement_line"],
                condition=~Q(statement_line=""),
                name="one_province_donation_per_statement_line",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "received_on"]),
            models.Index(fields=["ward", "received_on"]),
            models.Index(fields=["bank_reference"]),
        ]

    def __str__(self):
        return f"Biên nhận {self.receipt_label}"

    @property
    def receipt_label(self):
        return f"{self.receipt_number:05d}/{self.receipt_year}"

    @property
    def is_anonymous(self):
        return self.donor_kind == self.DonorKind.ANONYMOUS or not self.publish_name

    @property
    def holder(self):
        """The commune or the province's committee that received it."""
        return self.ward if self.ward_id else self.province

    def clean(self):
        _clean_gift(self)


class Reversal(models.Model):
    """A counter-entry: the record it names no longer counts; both stay in history."""

    reason = models.CharField("lý do", max_length=500)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="người điều chỉnh"
    )
    reversed_on = models.DateField("ngày điều chỉnh")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class DonationReversal(Reversal):
    """The correction of a recorded donation: it no longer counts; both stay in history."""

    donation = models.OneToOneField(
        Donation, on_delete=models.PROTECT, related_name="reversal", verbose_name="khoản ủng hộ"
    )

    class Meta:
        verbose_name = "bút toán điều chỉnh"
        verbose_name_plural = "bút toán điều chỉnh"

    def __str__(self):
        return f"Điều chỉnh {self.donation}"


class Pledge(models.Model):
    """A donor's intention to transfer, taken from a fund's public page: its code goes in the
    transfer note, so the statement line that brings the money names the pledge and its fund.
    Nothing personal is kept; a pledge that never arrives is simply never matched."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="pledges", verbose_name="quỹ"
    )
    code = models.CharField("mã", max_length=4)
    amount = models.PositiveBigIntegerField("số tiền dự định (đồng)", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "mã chuyển khoản"
        verbose_name_plural = "mã chuyển khoản"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="one_pledge_code_per_fund"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return references.reference(self.campaign.reference_code, self.code)


class BankStatement(models.Model):
    """One imported bank statement file of a holder's account."""

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_statements"
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_statements"
    )
    account_number = models.CharField("số tài khoản", max_length=19, blank=True)
    file_name = models.CharField("tệp", max_length=255)
    # The same file imported twice is refused (sha256 of its bytes).
    file_digest = models.CharField(max_length=64, editable=False)
    first_on = models.DateField("từ ngày")
    last_on = models.DateField("đến ngày")
    # What the bank says the account held at the end of the statement, when it says so.
    closing_balance = models.BigIntegerField("số dư cuối kỳ (đồng)", null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="người nhập"
    )
    imported_at = models.DateTimeField("nhập lúc", auto_now_add=True)

    class Meta:
        verbose_name = "sao kê ngân hàng"
        verbose_name_plural = "sao kê ngân hàng"
        ordering = ["-last_on", "-imported_at"]
        constraints = [
            models.CheckConstraint(condition=ONE_HOLDER, name="bank_statement_one_holder"),
            models.UniqueConstraint(
                fields=["ward", "file_digest"], name="one_import_per_statement_file"
            ),
            models.UniqueConstraint(
                fields=["province", "file_digest"], name="one_province_import_per_statement_file"
            ),
        ]

    def __str__(self):
        return f"Sao kê {self.first_on:%d/%m/%Y}–{self.last_on:%d/%m/%Y}"

    @property
    def holder(self):
        return self.ward if self.ward_id else self.province


class StatementLine(models.Model):
    """A credit line of an imported statement and what became of it. A line is stored once per
    holder (its key: the bank's reference, date and amount), whichever statement brought it,
    and it becomes at most one donation (a one-to-one link the database enforces)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Chờ xử lý"
        MATCHED = "matched", "Đã khớp, chờ ghi"
        RECORDED = "recorded", "Đã ghi thành khoản ủng hộ"
        SET_ASIDE = "set_aside", "Không phải khoản ủng hộ"

    class MatchedBy(models.TextChoices):
        REFERENCE = "reference", "Mã tham chiếu trong nội dung"
        AMOUNT_DATE = "amount_date", "Số tiền và ngày của mã chuyển khoản"
        OFFICER = "officer", "Cán bộ chọn"

    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="lines", verbose_name="sao kê"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True)
    row = models.PositiveIntegerField("dòng trong tệp")
    booked_on = models.DateField("ngày giao dịch")
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    bank_reference = models.CharField("số tham chiếu", max_length=100, blank=True)
    description = models.CharField("nội dung", max_length=500, blank=True)
    key = models.CharField(max_length=160, editable=False)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.WAITING
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statement_lines",
        verbose_name="quỹ",
    )
    pledge = models.ForeignKey(
        Pledge, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="mã chuyển khoản"
    )
    matched_by = models.CharField("khớp theo", max_length=12, choices=MatchedBy.choices, blank=True)
    # Why the line waits ("Không có mã tham chiếu", "Khớp với 2 mã chuyển khoản: …").
    problem = models.CharField("cần xử lý", max_length=500, blank=True)
    set_aside_reason = models.CharField("lý do để riêng", max_length=255, blank=True)
    donation = models.OneToOneField(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_line",
        verbose_name="khoản ủng hộ",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Who last decided what the line is (recorded it, set it aside, put it back), and when:
    # money in the account declared "not a donation" must name who said so.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người xử lý",
    )
    handled_at = models.DateTimeField("xử lý lúc", null=True, blank=True)

    class Meta:
        verbose_name = "dòng sao kê"
        verbose_name_plural = "dòng sao kê"
        ordering = ["booked_on", "row"]
        constraints = [
            models.CheckConstraint(condition=ONE_HOLDER, name="statement_line_one_holder"),
            models.UniqueConstraint(fields=["ward", "key"], name="one_stored_line_per_ward"),
            models.UniqueConstraint(
                fields=["province", "key"], name="one_stored_line_per_province"
            ),
            models.CheckConstraint(
                condition=Q(status="recorded", donation__isnull=False)
                | (~Q(status="recorded") & Q(donation__isnull=True)),
                name="recorded_line_has_its_donation",
            ),
        ]
        indexes = [models.Index(fields=["status", "booked_on"])]

    def __str__(self):
        return f"Dòng {self.row}: {self.amount} ({self.booked_on:%d/%m/%Y})"

    @property
    def holder(self):
        return self.ward if self.ward_id else self.province


class Allocation(CashOrGoods):
    """Money or goods a province drive passes down to one commune (chi phân bổ).

    One record is both sides: "chi phân bổ" in the province's book from the decision date,
    "nhận phân bổ từ tỉnh" in the commune's once the commune confirms receipt. Until then the
    province may edit it (under a version check); afterwards only an AllocationReversal, the
    counter-entry read by both books, undoes it.
    """

    Form = GiftForm

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name="cuộc vận động của tỉnh",
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="allocations_received",
        verbose_name="phường, xã nhận",
    )
    decision_number = models.CharField("số quyết định", max_length=100)
    decision_date = models.DateField("ngày quyết định")
    purpose = models.CharField("mục đích", max_length=255)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người ghi",
    )
    recorded_at = models.DateTimeField("ghi lúc", auto_now_add=True)
    confirmed_on = models.DateField("ngày xã nhận", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người xác nhận",
    )

    class Meta:
        verbose_name = "khoản phân bổ"
        verbose_name_plural = "khoản phân bổ"
        ordering = ["-decision_date", "-pk"]
        constraints = [
            *_goods_constraints("allocation", "Khoản phân bổ"),
            # One decision gives a commune each kind of goods (or the cash) once among the
            # allocations that count: checked by the service under the drive's lock
            # (allocations/services.py), since a reversed allocation may be given again.
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(confirmed_on__gte=F("decision_date")),
                name="allocation_confirmed_after_decision",
                violation_error_message="Ngày xã nhận không thể trước ngày quyết định.",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "ward"])]

    def __str__(self):
        what = self.goods_text if self.is_in_kind else f"{self.amount} đ"
        return f"QĐ {self.decision_number} – {self.ward_id} – {what}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_on is not None


class AllocationReversal(Reversal):
    """The counter-entry of an allocation: it no longer counts on either side."""

    allocation = models.OneToOneField(
        Allocation,
        on_delete=models.PROTECT,
        related_name="reversal",
        verbose_name="khoản phân bổ",
    )

    class Meta:
        verbose_name = "điều chỉnh phân bổ"
        verbose_name_plural = "điều chỉnh phân bổ"

    def __str__(self):
        return f"Điều chỉnh {self.allocation}"


class Household(models.Model):
    """A beneficiary household; personal data stays on the ward's own pages."""

    class Category(models.TextChoices):
        POOR = "poor", "Hộ nghèo"
        NEAR_POOR = "near_poor", "Hộ cận nghèo"
        HARDSHIP = "hardship", "Hộ có hoàn cảnh khó khăn"
        POLICY = "policy", "Gia đình chính sách"

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="households", verbose_name="phường, xã"
    )
    head_name = models.CharField("họ tên chủ hộ", max_length=150)
    id_number = models.CharField("số CCCD chủ hộ", max_length=12, blank=True)
    area = models.ForeignKey(
        ResidentialArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="khu dân cư",
    )
    category = models.CharField("diện", max_length=10, choices=Category.choices)
    certificate_year = models.PositiveSmallIntegerField("năm được công nhận", null=True, blank=True)
    members = models.PositiveSmallIntegerField("số nhân khẩu", null=True, blank=True)

    class Meta:
        verbose_name = "hộ được hỗ trợ"
        verbose_name_plural = "hộ được hỗ trợ"
        ordering = [by_vietnamese("head_name")]

    def __str__(self):
        return self.head_name


class Disbursement(CashOrGoods):
    """Money paid out of a fund, or goods the fund received handed out (not cash out)."""

    Form = GiftForm

    class Purpose(models.TextChoices):
        BUILD = "build", "Xây nhà"
        REPAIR = "repair", "Sửa nhà"
        SCHOLARSHIP = "scholarship", "Học bổng"
        TET_GIFT = "tet_gift", "Quà Tết"
        ILLNESS = "illness", "Hỗ trợ ốm đau"
        DISASTER = "disaster", "Hỗ trợ thiên tai"
        OTHER = "other", "Khác"

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name="chi từ quỹ",
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="disbursements", verbose_name="phường, xã"
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disbursements",
        verbose_name="hộ nhận",
    )
    purpose = models.CharField("mục đích", max_length=12, choices=Purpose.choices)
    description = models.CharField("nội dung", max_length=255, blank=True)
    decision_reference = models.CharField("số quyết định", max_length=100)
    paid_on = models.DateField("ngày chi")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khoản chi"
        verbose_name_plural = "khoản chi"
        ordering = ["-paid_on", "-pk"]
        constraints = [
            *_goods_constraints("disbursement", "Khoản chi"),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | ~Q(description=""),
                name="disbursement_has_recipient_or_purpose",
                violation_error_message="Chọn hộ nhận hoặc ghi rõ nội dung chi.",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "paid_on"])]

    def __str__(self):
        what = self.goods_text if self.is_in_kind else self.amount
        return f"{self.get_purpose_display()} – {what}"


class House(models.Model):
    """A nhà Đại đoàn kết built or repaired for a household, with its stages and funding."""

    class Kind(models.TextChoices):
        NEW = "new", "Xây mới"
        REPAIR = "repair", "Sửa chữa"

    class Stage(models.TextChoices):
        SURVEYED = "surveyed", "Khảo sát"
        STARTED = "started", "Khởi công"
        COMPLETED = "completed", "Hoàn thành"
        HANDED_OVER = "handed_over", "Bàn giao"

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="houses")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="houses", verbose_name="hộ"
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="houses",
        verbose_name="chương trình",
    )
    kind = models.CharField("loại", max_length=8, choices=Kind.choices)
    estimated_cost = models.PositiveBigIntegerField("dự toán (đồng)", null=True, blank=True)
    final_cost = models.PositiveBigIntegerField("quyết toán (đồng)", null=True, blank=True)
    from_fund = models.PositiveBigIntegerField("từ Quỹ (đồng)", default=0)
    from_social = models.PositiveBigIntegerField("xã hội hóa (đồng)", default=0)
    from_household = models.PositiveBigIntegerField("hộ gia đình tự có (đồng)", default=0)
    from_other = models.PositiveBigIntegerField("nguồn khác (đồng)", default=0)
    surveyed_on = models.DateField("ngày khảo sát", null=True, blank=True)
    started_on = models.DateField("ngày khởi công", null=True, blank=True)
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    handed_over_on = models.DateField("ngày bàn giao", null=True, blank=True)

    class Meta:
        verbose_name = "nhà Đại đoàn kết"
        verbose_name_plural = "nhà Đại đoàn kết"
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["ward", "started_on"]),
            models.Index(fields=["ward", "handed_over_on"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.household}"

    @property
    def stage(self):
        for stage, day in (
            (self.Stage.HANDED_OVER, self.handed_over_on),
            (self.Stage.COMPLETED, self.completed_on),
            (self.Stage.STARTED, self.started_on),
            (self.Stage.SURVEYED, self.surveyed_on),
        ):
            if day:
                return stage
        return None

    @property
    def total_funding(self):
        return self.from_fund + self.from_social + self.from_household + self.from_other


class HousePhoto(models.Model):
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("ảnh", upload_to="houses/%Y/")
    caption = models.CharField("chú thích", max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.caption or self.image.name


class GovernmentSupport(models.Model):
    """State support the ward only passes on (e.g. under a government resolution).

    Kept apart from fund money: it is never a receipt of any campaign's fund.
    """

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="government_supports")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, verbose_name="hộ nhận"
    )
    programme = models.CharField("chính sách, văn bản", max_length=255)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    paid_on = models.DateField("ngày chi trả")
    note = models.CharField("ghi chú", max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khoản hỗ trợ của Nhà nước (chi hộ)"
        verbose_name_plural = "khoản hỗ trợ của Nhà nước (chi hộ)"
        ordering = ["-paid_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="government_support_amount_positive",
                violation_error_message="Số tiền phải lớn hơn 0.",
            ),
        ]

    def __str__(self):
        return f"{self.programme} – {self.amount}"
