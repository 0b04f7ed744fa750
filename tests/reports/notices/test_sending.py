"""`manage.py send_notices` mails each notice once through a real SMTP server: due soon →
officer, overdue → officer and chair, submitted → chair, returned with the comment →
officer, approved → officer; a rerun sends nothing; a kind switched off is not sent."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reports import deadlines, periods, services
from reports.models import MonthlyReport
from reports.notices import services as notice_services
from reports.notices.models import Kind, Notice
from tests.once import at_once
from tests.reports.notices.conftest import NOW, free_port, smtp_mailer

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
OCTOBER, SEPTEMBER = datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)
SUBMITTED, RETURNED, APPROVED = (datetime.date(2026, m, 1) for m in (6, 7, 8))
COMMENT = "Số buổi sinh hoạt tháng 7 chưa khớp với biên bản;\nđề nghị kiểm tra lại."


@pytest.fixture
def people(world):
    """Ward X's officer and chair with addresses; the other roles have none."""
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    officer.email, chair.email = "canbo@mythoi.example.vn", "chutich@mythoi.example.vn"
    officer.save(update_fields=["email"])
    chair.save(update_fields=["email"])
    return officer, chair


@pytest.fixture
def workflow(world, people, clock):
    """An hour ago: one month submitted, one returned with a comment, one approved."""
    officer, chair = people
    clock.set(NOW - 3 * HOUR)
    reports = {}
    for period in (SUBMITTED, RETURNED, APPROVED):
        report = MonthlyReport.objects.create(ward=world.ward_x, period=period)
        reports[period] = services.report_submit(report=report, user=officer, confirm_outliers=True)
    clock.set(NOW - HOUR)
    services.report_return(report=reports[RETURNED], user=chair, comment=COMMENT)
    services.report_approve(report=reports[APPROVED], user=chair)
    clock.set(NOW)
    return reports


def month(period):
    return f"tháng {period:%m/%Y}"


def expected_mails(officer, chair):
    """(recipient, words of the subject) the situation calls for, from the rules."""
    return sorted(
        [
            (officer.email, f"Báo cáo {month(OCTOBER)} của Phường Mỹ Thới sắp đến hạn nộp"),
            (officer.email, f"Báo cáo {month(SEPTEMBER)} của Phường Mỹ Thới đã quá hạn nộp"),
            (chair.email, f"Báo cáo {month(SEPTEMBER)} của Phường Mỹ Thới đã quá hạn nộp"),
            (chair.email, f"Báo cáo {month(SUBMITTED)} của Phường Mỹ Thới đã được gửi"),
            (officer.email, f"Báo cáo {month(RETURNED)} của Phường Mỹ Thới bị trả lại để sửa"),
            (officer.email, f"Báo cáo {month(APPROVED)} của Phường Mỹ Thới đã được duyệt"),
        ]
    )


def received(smtp):
    return sorted((to, subject) for to, subject in smtp.received())


def matches(mails, expected):
    """Each mail's subject starts with [MTTQ] and contains its expected words, one for one."""
    assert len(mails) == len(expected), mails
    for (to, subject), (want_to, words) in zip(mails, expected, strict=True):
        assert to == want_to and subject.startswith("[MTTQ] ") and words in subject, (
            to,
            subject,
            want_to,
            words,
        )
    return True


def test_each_notice_arrives_once_and_a_rerun_sends_nothing(smtp, people, workflow, capsys):
    officer, chair = people

    call_command("send_notices")

    expected = expected_mails(officer, chair)
    assert matches(received(smtp), sorted(expected, key=lambda pair: pair))
    assert f"Đã tạo {len(expected)} thông báo, gửi {len(expected)} thư." in capsys.readouterr().out
    returned = smtp.body_of(officer.email, "bị trả lại")
    assert COMMENT in returned
    link = reverse("reports:entry", args=["30301", RETURNED.year, RETURNED.month])
    assert f"https://mttq.example.vn{link}" in returned
    assert "https://mttq.example.vn" + reverse("reports:notice_preferences") in returned
    due = deadlines.due_date(OCTOBER.year, OCTOBER.month)
    soon = smtp.body_of(officer.email, "sắp đến hạn")
    assert f"{due:%d/%m/%Y}" in soon and f"còn {(due - NOW.date()).days} ngày" in soon

    call_command("send_notices")
    call_command("send_notices")

    assert len(smtp.messages) == len(expected)
    assert Notice.objects.count() == len(expected)
    assert "Đã tạo 0 thông báo, gửi 0 thư." in capsys.readouterr().out


def test_the_same_event_is_never_stored_twice_even_by_two_runs_at_once(smtp, people, workflow):
    officer, _chair = people
    drafts = notice_services.events.pending(today=NOW.date(), now=NOW)
    first = notice_services.notices_create(today=NOW.date(), now=NOW)
    assert first == len({(d.user_id, d.kind, d.event_key) for d in drafts}) > 0

    # A second run that read the table before the first wrote: its rows meet the constraint.
    Notice.objects.bulk_create(
        [
            Notice(
                user_id=d.user_id,
                kind=d.kind,
                event_key=d.event_key,
                ward=d.ward,
                period=d.period,
                title=d.title,
                body=d.body,
                link=d.link,
            )
            for d in drafts
        ],
        ignore_conflicts=True,
    )
    assert Notice.objects.count() == first
    existing = Notice.objects.filter(user=officer).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            user=officer,
            kind=existing.kind,
            event_key=existing.event_key,
            ward=existing.ward,
            period=existing.period,
            title="lần hai",
            body="",
            link="/",
        )

    # A notice another run has claimed is not mailed by this one; the rest are, once.
    claimed = Notice.objects.order_by("pk").first()
    Notice.objects.filter(pk=claimed.pk).update(email_claimed_at=NOW)
    mailed, failed = notice_services.notices_mail(now=NOW)
    assert (mailed, failed) == (first - 1, 0)
    assert claimed.title not in {subject[len("[MTTQ] ") :] for _to, subject in smtp.received()}
    assert notice_services.notices_mail(now=NOW) == (0, 0)


def test_a_kind_switched_off_is_not_sent_and_the_others_are(smtp, people, workflow, client):
    officer, chair = people
    client.force_login(officer)
    page = client.get(reverse("reports:notice_preferences")).content.decode()
    for _kind, label in Kind.choices:
        assert label in page
    keep = [kind for kind in Kind.values if kind not in (Kind.APPROVED, Kind.DUE_SOON)]

    response = client.post(reverse("reports:notice_preferences"), {k: "on" for k in keep})

    assert response.status_code == 302
    page = client.get(reverse("reports:notice_preferences")).content.decode()
    assert "Đã lưu cài đặt thông báo." in page
    for kind in Kind.values:
        box = page.split(f'name="{kind}"')[1].split(">")[0]
        assert ("checked" in box) == (kind in keep), kind

    call_command("send_notices")

    switched_off = ("sắp đến hạn", "đã được duyệt")
    expected = [
        (to, words)
        for to, words in expected_mails(officer, chair)
        if not (to == officer.email and any(w in words for w in switched_off))
    ]
    assert matches(received(smtp), expected)
    assert not Notice.objects.filter(user=officer, kind__in=[Kind.APPROVED, Kind.DUE_SOON])


def test_a_failed_mail_is_kept_and_sent_by_the_next_run(settings, smtp, people, workflow):
    officer, chair = people
    settings.MAILERS = smtp_mailer(free_port())  # nobody listens there

    with pytest.raises(CommandError, match="thư chưa gửi được"):
        call_command("send_notices")

    expected = expected_mails(officer, chair)
    assert Notice.objects.filter(emailed_at__isnull=True).count() == len(expected)
    assert smtp.messages == []
    settings.MAILERS = smtp_mailer(smtp.port)

    call_command("send_notices")
    call_command("send_notices")

    assert matches(received(smtp), expected)


def test_nobody_is_told_about_a_month_already_sent_or_a_step_undone(smtp, world, people, clock):
    officer, chair = people
    for period in (OCTOBER, SEPTEMBER):
        report = MonthlyReport.objects.create(ward=world.ward_x, period=period)
        services.report_submit(report=report, user=officer, confirm_outliers=True)
    clock.set(NOW + HOUR)
    services.report_approve(report=MonthlyReport.objects.get(period=OCTOBER), user=chair)
    services.report_reopen(
        report=MonthlyReport.objects.get(period=OCTOBER), user=chair, reason="Sửa số hộ."
    )
    clock.set(NOW + 2 * HOUR)

    call_command("send_notices")

    # October was reopened (its approval undone): the officer hears of the reopening only;
    # September waits for the chair.
    assert matches(
        received(smtp),
        sorted(
            [
                (chair.email, f"Báo cáo {month(SEPTEMBER)} của Phường Mỹ Thới đã được gửi"),
                (officer.email, f"Báo cáo {month(OCTOBER)} của Phường Mỹ Thới bị trả lại"),
            ]
        ),
    )
    assert "Sửa số hộ." in smtp.body_of(officer.email, "bị trả lại")


def test_only_months_near_their_deadline_are_told(smtp, world, people, clock, settings):
    """Overdue only within the lookback, due soon only within NOTICE_DUE_SOON_DAYS."""
    officer, _chair = people
    early = NOW - datetime.timedelta(days=settings.NOTICE_DUE_SOON_DAYS + 2)
    clock.set(early)

    call_command("send_notices")

    today = early.date()
    told = {(n.kind, n.period) for n in Notice.objects.filter(user=officer)}
    for back in range(1, 5):
        period = periods.add_months(today.replace(day=1), -back)
        left = deadlines.days_until_due(period.year, period.month, today)
        if 0 <= left <= settings.NOTICE_DUE_SOON_DAYS:
            assert (Kind.DUE_SOON, period) in told
        elif -settings.NOTICE_OVERDUE_LOOKBACK_DAYS <= left < 0:
            assert (Kind.OVERDUE, period) in told
        else:
            assert period not in {p for _k, p in told}
    assert (Kind.DUE_SOON, OCTOBER) not in told


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency: the PostgreSQL run"
)
def test_three_runs_at_the_same_moment_mail_each_notice_once(smtp, people, workflow):
    """Real commits here: each step also made its notices as it was saved (the chair heard of
    every submission at the time), so every stored notice is what must arrive, once."""
    officer, chair = people

    at_once(*(lambda: call_command("send_notices", stdout=io.StringIO()) for _ in range(3)))

    stored = Notice.objects.select_related("user")
    assert sorted(received(smtp)) == sorted((n.user.email, f"[MTTQ] {n.title}") for n in stored)
    told = {(n.user.email, n.title) for n in stored}
    for to, words in expected_mails(officer, chair):
        assert any(email == to and words in title for email, title in told), (to, words)
    assert not stored.filter(emailed_at__isnull=True).exists()
