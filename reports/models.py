"""Indicators as data, monthly reports, their values and the approval trail."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from wards.models import MassOrganisation, ResidentialArea, Ward


class IndicatorGroup(models.Model):
    name = models.CharField("tên nhóm", max_length=150, unique=True)
    display_order = models.PositiveSmallIntegerField("thứ tự hiển thị", default=100)

    class Meta:
        verbose_name = "nhóm chỉ tiêu"
        verbose_name_plural = "nhóm chỉ tiêu"
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One figure a ward reports each month; the catalogue is data, edited in the admin."""

    class Kind(models.TextChoices):
        COUNT = "count", "Số lượng"
        MONEY = "money", "Tiền (đồng)"
        RATIO = "ratio", "Tỷ lệ (tử số / mẫu số)"
        # Counts per category of a yearly rating (xếp loại), e.g. Ban công tác Mặt trận rated
        # "Vững mạnh": one count per RatingCategory, kept in RatingValue.
        RATING = "rating", "Xếp loại (số lượng theo từng loại)"

    class Rollup(models.TextChoices):
        """How months add up (units are then added up, ratios from their summed parts)."""

        SUM = "sum", "Cộng các tháng (số phát sinh: buổi, lượt, tiền)"
        LAST = "last", "Lấy số mới nhất trong kỳ (số thời điểm: người, hộ, tổ, khu; cả tỷ lệ)"
        RATIO = "ratio", "Cộng tử số và mẫu số các tháng rồi chia"

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên chỉ tiêu", max_length=255)
    group = models.ForeignKey(
        IndicatorGroup, on_delete=models.PROTECT, related_name="indicators", verbose_name="nhóm"
    )
    unit = models.CharField("đơn vị tính", max_length=30)
    kind = models.CharField("loại giá trị", max_length=10, choices=Kind.choices)
    rollup = models.CharField("cách cộng dồn", max_length=10, choices=Rollup.choices)
    active_from = models.DateField("áp dụng từ", null=True, blank=True)
    active_to = models.DateField("áp dụng đến", null=True, blank=True)
    display_order = models.PositiveSmallIntegerField("thứ tự hiển thị", default=100)
    by_area = models.BooleanField(
        "chi tiết theo khu dân cư",
        default=False,
        help_text="Cho phép nhập thêm số liệu của từng khu dân cư (không bắt buộc).",
    )
    source = models.CharField(
        "nguồn số liệu tự động",
        max_length=60,
        blank=True,
        help_text="Để trống nếu cán bộ tự nhập; nếu chọn, cổng tự điền và khóa ô nhập.",
    )
    # The member organisation whose part of the month this figure is: its organisation
    # officer types it; the ward's officers may too.
    organisation = models.ForeignKey(
        MassOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="tổ chức thành viên",
        help_text="Chỉ tiêu riêng của một tổ chức thành viên; để trống nếu là chỉ tiêu chung.",
    )

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["group__display_order", "display_order", "code"]
        constraints = [
            # A ratio adds up its parts: summed over months (a ratio of flows) or the latest
            # month's (a ratio of stocks, e.g. the membership rate); other kinds never divide.
            models.CheckConstraint(
                condition=Q(kind="ratio", rollup__in=["ratio", "last"])
                | (~Q(kind="ratio") & ~Q(rollup="ratio")),
                name="ratio_kind_rolls_up_by_its_parts",
                violation_error_message=(
                    "Chỉ tiêu tỷ lệ cộng dồn theo tử số và mẫu số (cộng các tháng, hoặc lấy "
                    "tháng mới nhất nếu là tỷ lệ của số thời điểm); chỉ tiêu khác không chia."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def clean(self):
        from reports.sources import SOURCES

        if self.source and self.source not in SOURCES:
            raise ValidationError({"source": "Nguồn số liệu không tồn tại."})
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": "Ngày kết thúc phải sau ngày bắt đầu."})
        if self.kind == self.Kind.RATING and (self.rollup != self.Rollup.LAST or self.source):
            raise ValidationError(
                {
                    "rollup": "Chỉ tiêu xếp loại lấy số mới nhất trong kỳ (số của năm) và do cán "
                    "bộ tự nhập, không có nguồn tự động."
                }
            )

    @property
    def is_rating(self) -> bool:
        return self.kind == self.Kind.RATING

    def is_active_in(self, period: datetime.date) -> bool:
        return (self.active_from is None or self.active_from <= period_end(period)) and (
            self.active_to is None or self.active_to >= period
        )


def period_end(period: datetime.date) -> datetime.date:
    next_month = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


class ValidationRule(models.Model):
    """A check between indicators, e.g. "BC_DIBAU <= BC_CUTRI"; each side a sum of codes."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        EQ = "==", "="
        GE = ">=", "≥"

    class Severity(models.TextChoices):
        ERROR = "error", "Lỗi (chặn gửi báo cáo)"
        WARNING = "warning", "Cảnh báo (cần giải trình)"

    left = models.CharField("vế trái", max_length=200, help_text="Mã chỉ tiêu, nối bằng dấu +")
    operator = models.CharField("phép so sánh", max_length=2, choices=Operator.choices)
    right = models.CharField("vế phải", max_length=200, help_text="Mã chỉ tiêu, nối bằng dấu +")
    severity = models.CharField("mức độ", max_length=10, choices=Severity.choices)
    message = models.CharField("thông báo", max_length=255)
    is_active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "quy tắc kiểm tra"
        verbose_name_plural = "quy tắc kiểm tra"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.left} {self.get_operator_display()} {self.right}"

    @staticmethod
    def codes_of(side: str) -> list[str]:
        return [part.strip() for part in side.split("+") if part.strip()]

    def clean(self):
        known = set(Indicator.objects.values_list("code", flat=True))
        for field in ("left", "right"):
            codes = self.codes_of(getattr(self, field))
            unknown = [c for c in codes if c not in known]
            if not codes or unknown:
                raise ValidationError(
                    {field: f"Mã chỉ tiêu không tồn tại: {', '.join(unknown) or '(trống)'}."}
                )


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Đang nhập"
        SUBMITTED = "submitted", "Đã gửi, chờ duyệt"
        RETURNED = "returned", "Bị trả lại"
        APPROVED = "approved", "Đã duyệt"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name="phường, xã"
    )
    period = models.DateField("tháng báo cáo", help_text="Ngày đầu tháng.")
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField("phiên bản", default=0)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    approved_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "báo cáo tháng"
        verbose_name_plural = "báo cáo tháng"
        ordering = ["-period", "ward__name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "period"], name="one_report_per_ward_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="period_is_first_of_month"),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self):
        return f"{self.ward} – tháng {self.period:%m/%Y}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def label(self):
        return f"tháng {self.period:%m/%Y}"


class IndicatorValue(models.Model):
    """A ward's figure for one indicator in one month; ratios keep numerator and denominator."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.BigIntegerField("giá trị", null=True, blank=True)
    denominator = models.BigIntegerField("mẫu số", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "số liệu"
        verbose_name_plural = "số liệu"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="one_value_per_report_indicator"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="denominator_not_negative",
            ),
        ]
        indexes = [
            # One indicator across every report (dashboards) is read from the index alone.
            models.Index(fields=["indicator", "report", "value"], name="value_by_indicator"),
        ]

    def __str__(self):
        return f"{self.indicator.code} = {self.value}"


class AreaValue(models.Model):
    """Optional breakdown of an indicator by residential area."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="area_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    area = models.ForeignKey(ResidentialArea, on_delete=models.CASCADE)
    value = models.PositiveBigIntegerField("giá trị")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator", "area"], name="one_area_value_per_report"
            ),
        ]

    def __str__(self):
        return f"{self.indicator_id} / {self.area} = {self.value}"


class RatingCategory(models.Model):
    """One category of a rating indicator ("Vững mạnh xuất sắc", "Vững mạnh" …), in order."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name="chỉ tiêu xếp loại",
        limit_choices_to={"kind": Indicator.Kind.RATING},
    )
    name = models.CharField("tên loại", max_length=100)
    display_order = models.PositiveSmallIntegerField("thứ tự hiển thị", default=100)

    class Meta:
        verbose_name = "loại xếp loại"
        verbose_name_plural = "loại xếp loại"
        ordering = ["indicator__code", "display_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "name"], name="one_rating_category_name_per_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} – {self.name}"

    def clean(self):
        if self.indicator_id and self.indicator.kind != Indicator.Kind.RATING:
            raise ValidationError({"indicator": "Chỉ chọn chỉ tiêu có loại giá trị “Xếp loại”."})


class RatingValue(models.Model):
    """A ward's count of one rating category in one month's report (usually December's)."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="rating_values"
    )
    category = models.ForeignKey(RatingCategory, on_delete=models.PROTECT, related_name="values")
    value = models.PositiveBigIntegerField("số lượng")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "số liệu xếp loại"
        verbose_name_plural = "số liệu xếp loại"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "category"], name="one_rating_value_per_report_category"
            ),
        ]

    def __str__(self):
        return f"{self.category} = {self.value}"


class WarningExplanation(models.Model):
    """The officer's short explanation for a warning rule the report breaks."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="explanations")
    rule = models.ForeignKey(ValidationRule, on_delete=models.CASCADE)
    text = models.CharField("giải trình", max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "rule"], name="one_explanation_per_rule"),
        ]

    def __str__(self):
        return self.text


class ReportEvent(models.Model):
    """The workflow trail: who submitted, approved, returned or reopened, when, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Gửi duyệt"
        APPROVE = "approve", "Duyệt"
        RETURN = "return", "Trả lại"
        REOPEN = "reopen", "Mở lại để sửa"
        IMPORT = "import", "Nhập từ Excel"

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="người thực hiện"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    comment = models.TextField("ý kiến, lý do", blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "lịch sử xử lý báo cáo"
        verbose_name_plural = "lịch sử xử lý báo cáo"

    def __str__(self):
        return f"{self.get_action_display()} – {self.at:%d/%m/%Y %H:%M}"


# Term and period report documents live in their own module; Django finds models here.
from reports.documents.models import Block, Document, Section  # noqa: E402, F401
from reports.notices.models import Notice, NoticeOptOut  # noqa: E402, F401
from reports.summaries.models import (  # noqa: E402, F401
    ProvinceIndicatorMonth,
    WardIndicatorMonth,
    WardMonth,
)
