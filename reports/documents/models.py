"""A report document: its official frame, ordered sections and the blocks inside them.

A section's blocks are narrative text (sanitised rich text) or figure blocks. A figure block
stores the figures it last showed (`snapshot`, plain JSON of integers and labels): a draft's
blocks can be refreshed from the data; an issued document keeps them as they were.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from wards.models import Province, Ward


class Document(models.Model):
    class Kind(models.TextChoices):
        TERM = "term", "Báo cáo nhiệm kỳ"
        MONTH = "month", "Báo cáo tháng"
        QUARTER = "quarter", "Báo cáo quý"
        HALF = "half", "Báo cáo sơ kết 6 tháng"
        NINE_MONTHS = "nine", "Báo cáo 9 tháng"
        YEAR = "year", "Báo cáo tổng kết năm"
        RANGE = "range", "Báo cáo theo khoảng thời gian"

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        ISSUED = "issued", "Đã ban hành"

    # A document is the commune's (ward set) or the province committee's (province set).
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="phường, xã",
        null=True,
        blank=True,
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="tỉnh, thành phố",
        null=True,
        blank=True,
    )
    kind = models.CharField("loại báo cáo", max_length=10, choices=Kind.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The dates the figures cover, and optionally the previous term to compare with.
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    previous_starts_on = models.DateField("kỳ trước từ ngày", null=True, blank=True)
    previous_ends_on = models.DateField("kỳ trước đến ngày", null=True, blank=True)

    # The official frame (Nghị định 30/2020/NĐ-CP).
    parent_body = models.CharField(
        "cơ quan chủ quản", max_length=150, default="ỦY BAN MTTQ VIỆT NAM"
    )
    issuing_body = models.CharField("cơ quan ban hành", max_length=150)
    issuing_board = models.CharField(
        "bộ phận ban hành", max_length=150, blank=True, help_text="Ví dụ: BAN THƯỜNG TRỰC."
    )
    number = models.PositiveIntegerField("số", null=True, blank=True)
    symbol = models.CharField("ký hiệu", max_length=40, default="BC-MTTQ")
    place = models.CharField("địa danh", max_length=80)
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("tên loại văn bản", max_length=40, default="BÁO CÁO")
    summary = models.CharField("trích yếu", max_length=300)
    addressee = models.CharField(
        "kính gửi", max_length=200, blank=True, help_text="Để trống nếu không gửi lên cấp trên."
    )
    closing = models.TextField(
        "câu kết", blank=True, help_text="Ví dụ: khẩu hiệu của Đại hội, một dòng."
    )
    signer_authority = models.CharField(
        "thẩm quyền ký", max_length=100, default="TM. BAN THƯỜNG TRỰC"
    )
    signer_title = models.CharField("chức vụ người ký", max_length=100, default="CHỦ TỊCH")
    signer_name = models.CharField("họ tên người ký", max_length=100, blank=True)
    recipients = models.TextField(
        "nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận; dòng cuối thường là “Lưu: VT.”"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Each save of the frame moves it on: a frame form posted against an older one is a
    # concurrent edit (sections and blocks keep their own).
    version = models.PositiveIntegerField("phiên bản", default=0, editable=False)
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)
    # The year of issued_on, set when issued: an issued number is unique per ward, symbol (the
    # kind of document, "BC-…") and year, in the database.
    issued_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    # The last rendered PDF and the hash of the HTML it came from: an unchanged document is
    # served from here instead of being laid out again.
    pdf_file = models.FileField(upload_to="documents/%Y/", blank=True)
    pdf_source_hash = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo định kỳ, nhiệm kỳ"
        verbose_name_plural = "báo cáo định kỳ, nhiệm kỳ"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="document_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(previous_starts_on__isnull=True, previous_ends_on__isnull=True)
                | Q(previous_ends_on__gte=models.F("previous_starts_on")),
                name="document_previous_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["ward", "symbol", "issued_year", "number"],
                condition=Q(status="issued"),
                name="issued_number_unique_per_ward_symbol_year",
            ),
            models.UniqueConstraint(
                fields=["province", "symbol", "issued_year", "number"],
                condition=Q(status="issued"),
                name="issued_number_unique_per_province_symbol_year",
            ),
            models.CheckConstraint(
                condition=Q(ward__isnull=False, province__isnull=True)
                | Q(ward__isnull=True, province__isnull=False),
                name="document_belongs_to_ward_or_province",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.summary}"

    @property
    def holder(self) -> Ward | Province:
        """The commune or the province whose document this is."""
        return self.ward if self.ward_id else self.province

    @property
    def is_province(self) -> bool:
        return self.ward_id is None

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def number_and_symbol(self) -> str:
        """ "Số: 05/BC-MTTQ" — numbers below 10 with a leading 0; blank number while drafting."""
        number = f"{self.number:02d}" if self.number else "     "
        return f"Số: {number}/{self.symbol}"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class Section(models.Model):
    """A heading of the outline; numbering (Phần thứ…, I., 1., a)) follows from level and order."""

    class Level(models.IntegerChoices):
        PART = 1, "Phần (Phần thứ nhất, …)"
        ROMAN = 2, "Mục lớn (I, II, …)"
        ARABIC = 3, "Mục (1., 2., …)"
        LETTER = 4, "Tiểu mục (a), b), …)"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField("thứ tự")
    level = models.PositiveSmallIntegerField("cấp", choices=Level.choices, default=Level.ROMAN)
    heading = models.CharField("tiêu đề", max_length=300)
    version = models.PositiveIntegerField("phiên bản", default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "mục"
        verbose_name_plural = "mục"

    def __str__(self):
        return self.heading


class Block(models.Model):
    """Narrative text or a figure block, in the order the officer placed them in a section."""

    class Kind(models.TextChoices):
        TEXT = "text", "Đoạn văn"
        FUNDS = "funds", "Số liệu: thu, chi các quỹ"
        HOUSES = "houses", "Số liệu: nhà Đại đoàn kết"
        MEMBERSHIPS = "memberships", "Số liệu: tỷ lệ tập hợp đoàn viên, hội viên"
        INDICATORS = "indicators", "Số liệu: tổng các chỉ tiêu đã chọn"
        # Province documents: the committee's own drives, and what it allocated to communes.
        DRIVES = "drives", "Số liệu: cuộc vận động của tỉnh (tiếp nhận, phân bổ, còn giữ)"
        ALLOCATIONS = "allocations", "Số liệu: các khoản phân bổ về phường, xã"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField("thứ tự")
    kind = models.CharField("loại", max_length=12, choices=Kind.choices)
    # TEXT: sanitised HTML (richtext.clean); nothing else is ever stored here.
    text = models.TextField("nội dung", blank=True)
    # Figure blocks: what to show (e.g. {"codes": [...], "chart": true}) and what it showed.
    options = models.JSONField("tùy chọn", default=dict, blank=True)
    caption = models.CharField("tên bảng", max_length=200, blank=True)
    snapshot = models.JSONField("số liệu", null=True, blank=True)
    computed_at = models.DateTimeField("tính lúc", null=True, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "khối nội dung"
        verbose_name_plural = "khối nội dung"

    def __str__(self):
        return self.caption or self.get_kind_display()

    @property
    def is_figure(self) -> bool:
        return self.kind != self.Kind.TEXT
