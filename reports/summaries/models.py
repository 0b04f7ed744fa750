"""One row per ward and month: the figures the province and national dashboards add up."""

from django.db import models

from wards.models import Province, Ward


class WardMonth(models.Model):
    """A ward's month, computed from the raw rows by reports/summaries/maintain.py only.

    Membership figures are kept as changes: the ward's total of each active organisation's
    latest record up to the end of the month, minus the same total a month earlier; summing
    the changes up to a month gives the totals as of that month's end.
    """

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    month = models.DateField("tháng", help_text="Ngày đầu tháng.")
    month_end = models.DateField("ngày cuối tháng")
    # Cash and goods apart: an in-kind gift's money equivalent is never cash.
    raised = models.PositiveBigIntegerField("tiền mặt vận động (đồng)", default=0)
    in_kind_raised = models.PositiveBigIntegerField("hiện vật quy đổi (đồng)", default=0)
    disbursed = models.PositiveBigIntegerField("tiền mặt đã chi (đồng)", default=0)
    houses_handed_over = models.PositiveIntegerField("nhà bàn giao", default=0)
    sessions = models.BigIntegerField("buổi tuyên truyền (báo cáo đã duyệt)", default=0)
    sessions_all = models.BigIntegerField("buổi tuyên truyền (mọi báo cáo)", default=0)
    report_status = models.CharField("trạng thái báo cáo tháng", max_length=10, blank=True)
    first_sent_at = models.DateTimeField("gửi lần đầu lúc", null=True, blank=True)
    members_change = models.BigIntegerField("thay đổi số đoàn viên, hội viên", default=0)
    eligible_change = models.BigIntegerField("thay đổi số người trong diện tập hợp", default=0)

    class Meta:
        verbose_name = "số liệu tổng hợp tháng của phường, xã"
        verbose_name_plural = "số liệu tổng hợp tháng của phường, xã"
        constraints = [
            models.UniqueConstraint(fields=["ward", "month"], name="one_summary_per_ward_month"),
        ]
        indexes = [
            models.Index(fields=["month"], name="ward_month_by_month"),
            # The few rows where memberships changed, read up to a month for the totals.
            models.Index(
                fields=["month", "ward"],
                condition=~models.Q(members_change=0, eligible_change=0),
                name="ward_month_membership_changes",
            ),
        ]

    def __str__(self):
        return f"{self.ward_id} – {self.month:%m/%Y}"


class ProvinceIndicatorMonth(models.Model):
    """One indicator's month added up over a province's communes, from the raw value rows by
    reports/summaries/indicators.py only: the province summary's flows (sums and ratios of
    sums) read these instead of every commune's rows. NULL where no commune has a value."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey("reports.Indicator", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("tháng", help_text="Ngày đầu tháng.")
    value = models.BigIntegerField("tổng (báo cáo đã duyệt)", null=True)
    denominator = models.BigIntegerField("tổng mẫu số (báo cáo đã duyệt)", null=True)
    value_all = models.BigIntegerField("tổng (mọi báo cáo)", null=True)
    denominator_all = models.BigIntegerField("tổng mẫu số (mọi báo cáo)", null=True)

    class Meta:
        verbose_name = "số liệu tổng hợp tháng của tỉnh theo chỉ tiêu"
        verbose_name_plural = "số liệu tổng hợp tháng của tỉnh theo chỉ tiêu"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "month", "indicator"], name="one_figure_per_province_month"
            ),
        ]

    def __str__(self):
        return f"{self.province_id} – {self.indicator_id} – {self.month:%m/%Y}"


class WardIndicatorMonth(models.Model):
    """A commune's value of one indicator in one month (a copy of the raw row with its
    province) and the next month that has a value, of any report and of an approved one: a
    stock's latest month within a period is the row of the period whose next month is after
    the period, so the province summary reads one row per commune instead of every month."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey("reports.Indicator", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("tháng", help_text="Ngày đầu tháng.")
    approved = models.BooleanField("báo cáo đã duyệt")
    value = models.BigIntegerField("giá trị")
    denominator = models.BigIntegerField("mẫu số", null=True)
    next_month = models.DateField("tháng kế tiếp có số liệu", null=True)
    next_approved = models.DateField("tháng kế tiếp có số liệu đã duyệt", null=True)

    class Meta:
        verbose_name = "số liệu tháng của phường, xã theo chỉ tiêu"
        verbose_name_plural = "số liệu tháng của phường, xã theo chỉ tiêu"
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "indicator", "month"], name="one_figure_per_ward_month"
            ),
        ]
        indexes = [
            # Every column the province summary reads: an index-only scan in PostgreSQL.
            models.Index(
                fields=[
                    *("province", "indicator", "month", "approved", "next_month"),
                    *("next_approved", "value", "denominator"),
                ],
                name="ward_figure_by_province",
            ),
        ]

    def __str__(self):
        return f"{self.ward_id} – {self.indicator_id} – {self.month:%m/%Y}"
