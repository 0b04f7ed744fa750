"""The writes of notices: making them (`notices_create`), mailing them (`notices_mail`, both
run by `manage.py send_notices`), marking them read, and each person's switched-off kinds.

Safe to run again, and twice at once: a notice is inserted with ON CONFLICT DO NOTHING on the
unique (user, kind, event key), and a mail is sent by the run that claimed its notice with a
conditional UPDATE (one row changed: this run sends; none: another run has it).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reports.notices import events
from reports.notices.models import Kind, Notice, NoticeOptOut

logger = logging.getLogger(__name__)

# A claim older than this is taken to be a sender that died before it finished.
CLAIM_EXPIRES = datetime.timedelta(minutes=30)
# Mail about something older than this is no longer worth sending (the list keeps it).
MAIL_MAX_AGE = datetime.timedelta(days=3)


@dataclass(frozen=True)
class SendResult:
    created: int
    mailed: int
    failed: int


def notices_send(*, now: datetime.datetime | None = None) -> SendResult:
    """One run of the sender: make what is due, then mail what is waiting."""
    now = now or timezone.now()
    created = notices_create(today=timezone.localdate(now), now=now)
    mailed, failed = notices_mail(now=now)
    return SendResult(created=created, mailed=mailed, failed=failed)


def notices_create(*, today: datetime.date, now: datetime.datetime) -> int:
    """Make the notices the situation calls for that do not exist yet; the count made."""
    return _store(events.pending(today=today, now=now))


def notices_for_step(*, event) -> int:
    """Make the notices of one workflow step as soon as it is recorded (after its commit):
    the chair sees a submitted report in the list at once; the sender mails it later."""
    return _store(events.step_drafts(event))


def _store(drafts) -> int:
    if not drafts:
        return 0
    user_ids = {d.user_id for d in drafts}
    switched_off = set(
        NoticeOptOut.objects.filter(user_id__in=user_ids).values_list("user_id", "kind")
    )
    same_events = Notice.objects.filter(
        user_id__in=user_ids, event_key__in={d.event_key for d in drafts}
    )
    existing = set(same_events.values_list("user_id", "kind", "event_key"))
    new = [
        Notice(
            user_id=d.user_id,
            kind=d.kind,
            event_key=d.event_key,
            ward=d.ward,
            period=d.period,
            title=d.title,
            body=d.body,
            link=d.link,
            email_wanted=bool(d.email),
        )
        for d in drafts
        if (d.user_id, d.kind) not in switched_off
        and (d.user_id, d.kind, d.event_key) not in existing
    ]
    if not new:
        return 0
    # Another run may insert the same rows meanwhile: the unique constraint keeps one.
    Notice.objects.bulk_create(new, ignore_conflicts=True)
    return same_events.count() - len(existing)


def notices_mail(*, now: datetime.datetime) -> tuple[int, int]:
    """Mail every notice waiting for its mail, each by the one run that claims it (one
    already read in the portal needs none). (mailed, failed); a failed mail is tried again by
    the next run."""
    waiting = (
        Notice.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - MAIL_MAX_AGE,
        )
        .filter(Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_EXPIRES))
        .select_related("user")
        .order_by("created_at", "pk")
    )
    waiting = list(waiting)
    if not waiting:
        return 0, 0
    switched_off = set(
        NoticeOptOut.objects.filter(user_id__in={n.user_id for n in waiting}).values_list(
            "user_id", "kind"
        )
    )
    mailed = failed = 0
    mailer = mailers.default  # each message opens its own connection: one failure is one
    for notice in waiting:
        if (notice.user_id, notice.kind) in switched_off or not notice.user.email:
            Notice.objects.filter(pk=notice.pk).update(email_wanted=False)
            continue
        if not _claim(notice, now):
            continue  # another run is sending it
        try:
            mailer.send_messages([_message(notice)])
        except Exception:
            logger.exception("Notice %s: the mail to %s failed", notice.pk, notice.user.email)
            Notice.objects.filter(pk=notice.pk).update(email_claimed_at=None)
            failed += 1
            continue
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
        mailed += 1
    return mailed, failed


def _claim(notice, now) -> bool:
    claimable = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_EXPIRES)
    return (
        Notice.objects.filter(claimable, pk=notice.pk, emailed_at__isnull=True).update(
            email_claimed_at=now
        )
        == 1
    )


def _absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{path}" if settings.PUBLIC_BASE_URL else path


def _message(notice) -> EmailMessage:
    lines = [
        notice.body,
        "",
        f"Mở báo cáo: {_absolute(notice.link)}",
        f"Tất cả thông báo: {_absolute(reverse('reports:notices'))}",
        "",
        "Không muốn nhận loại thông báo này nữa? Tắt tại "
        f"{_absolute(reverse('reports:notice_preferences'))}",
        "",
        "Cổng báo cáo MTTQ",
    ]
    return EmailMessage(
        subject=f"[MTTQ] {notice.title}",
        body="\n".join(lines),
        to=[notice.user.email],
    )


def notice_open(*, user, notice_id: int) -> Notice:
    """Mark one of the user's notices read; Notice.DoesNotExist for anyone else's."""
    notice = Notice.objects.get(pk=notice_id, user=user)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_read_all(*, user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notice_preferences_save(*, user, enabled: set[str]) -> None:
    """Switch off every kind not in `enabled`, switch on those in it."""
    off = set(Kind.values) - set(enabled)
    NoticeOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    NoticeOptOut.objects.bulk_create(
        [NoticeOptOut(user=user, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )
