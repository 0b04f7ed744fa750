"""Notices about monthly reports: one row per person, kind and event, read in the portal and
sent by email (`manage.py send_notices`); and the kinds each person switched off."""

from django.conf import settings
from django.db import models

from wards.models import Ward


class Kind(models.TextChoices):
    """What a notice is about, and who receives it (reports/notices/events.py)."""

    DUE_SOON = "due_soon", "Báo cáo tháng sắp đến hạn nộp"
    OVERDUE = "overdue", "Báo cáo tháng đã quá hạn mà chưa gửi"
    SUBMITTED = "submitted", "Báo cáo tháng được gửi lên, chờ duyệt"
    RETURNED = "returned", "Báo cáo tháng bị trả lại để sửa"
    APPROVED = "approved", "Báo cáo tháng đã được duyệt"


class Notice(models.Model):
    """One notice for one person. The unique (user, kind, event key) makes every run of the
    sender, even two at once, create it, and so mail it, once."""

    Kind = Kind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name="người nhận",
    )
    kind = models.CharField("loại thông báo", max_length=20, choices=Kind.choices)
    # What the notice is about, e.g. "30301:2026-10" (a ward's month) or "event:123" (a
    # workflow step): the same event never makes a second notice of its kind for the person.
    event_key = models.CharField("sự việc", max_length=80)
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="notices", verbose_name="phường, xã"
    )
    period = models.DateField("tháng báo cáo")
    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung")
    link = models.CharField("đường dẫn", max_length=300)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    # Email: wanted when the person had an address; claimed by one sender run at a time.
    email_wanted = models.BooleanField("gửi thư", default=True)
    email_claimed_at = models.DateTimeField("bắt đầu gửi thư lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "event_key"], name="one_notice_per_user_kind_event"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notice_by_user"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notice_unread_by_user",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
                name="notice_mail_pending",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticeOptOut(models.Model):
    """A kind of notice one person switched off: neither listed nor mailed to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_opt_outs",
        verbose_name="người dùng",
    )
    kind = models.CharField("loại thông báo", max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = "loại thông báo đã tắt"
        verbose_name_plural = "loại thông báo đã tắt"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_user_kind"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}"
