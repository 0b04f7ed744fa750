"""The notice list (unread count in the navigation, pages, mark read), its scoping, and a
ward's reporting calendar."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import deadlines, periods
from reports.models import MonthlyReport
from reports.notices import views
from reports.notices.models import Kind, Notice
from tests.reports.conftest import post_entry
from tests.reports.notices.conftest import NOW

pytestmark = pytest.mark.django_db


def make_notices(user, ward, count, *, kind=Kind.APPROVED):
    return Notice.objects.bulk_create(
        Notice(
            user=user,
            kind=kind,
            event_key=f"test{n}",
            ward=ward,
            period=datetime.date(2026, 1, 1),
            title=f"Thông báo số {n} của {user.username}",
            body=f"Nội dung {n}",
            link=reverse("reports:entry", args=[ward.code, 2026, 1]),
        )
        for n in range(count)
    )


def navbar_unread(html):
    """The unread count the navigation bar shows (and names), 0 when it shows none."""
    found = re.search(r'<a [^>]*id="nav-notices"[^>]*>(.*?)</a>', html, re.S)
    assert found, "no notices link in the navigation"
    link = found.group(0)
    badge = re.search(r'class="badge[^"]*">(\d+)</span>', found.group(1))
    count = int(badge.group(1)) if badge else 0
    named = f'aria-label="Thông báo ({count} chưa đọc)"' if count else 'aria-label="Thông báo"'
    assert named in link, link
    return count


def test_the_list_shows_the_sent_notices_with_the_unread_count(world, clock, client):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    call_command("send_notices")  # October due soon, September overdue (no addresses: no mail)
    mine = Notice.objects.filter(user=officer)
    assert mine.count() == 2 and Notice.objects.filter(user=chair).count() == 1
    assert not Notice.objects.filter(emailed_at__isnull=False).exists()

    client.force_login(officer)
    page = client.get(reverse("reports:notices")).content.decode()

    for notice in mine:
        assert notice.title in page
    assert navbar_unread(page) == mine.count()
    assert f"{mine.count()} thông báo chưa đọc." in page
    # The officer opens one: it is read, and the browser goes to the report.
    first = mine.order_by("pk").first()
    response = client.post(reverse("reports:notice_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == first.link
    page = client.get(reverse("reports:notices")).content.decode()
    assert navbar_unread(page) == mine.count() - 1
    response = client.post(reverse("reports:notices_read_all"), follow=True)
    page = response.content.decode()
    assert f"Đã đánh dấu {mine.count() - 1} thông báo là đã đọc." in page
    assert navbar_unread(page) == 0 and "Không có thông báo chưa đọc." in page


def test_nobody_sees_or_marks_another_users_notices(world, client):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    theirs = make_notices(officer, world.ward_x, 3)
    make_notices(chair, world.ward_x, 1)
    for role in ("ward_chair", "party_viewer", "province_officer", "admin", "unassigned"):
        client.force_login(world.users[role])
        page = client.get(reverse("reports:notices")).content.decode()
        for notice in theirs:
            assert notice.title not in page, role
        own = Notice.objects.filter(user=world.users[role]).count()
        assert navbar_unread(page) == own
        response = client.post(reverse("reports:notice_open", args=[theirs[0].pk]))
        assert response.status_code == 404, role
        client.post(reverse("reports:notices_read_all"))
    assert Notice.objects.filter(user=officer, read_at__isnull=True).count() == len(theirs)


def test_the_list_is_paged_newest_first(world, client):
    officer = world.users["ward_officer"]
    count = views.NOTICES_PER_PAGE + 3
    make_notices(officer, world.ward_x, count)
    client.force_login(officer)
    newest_first = list(
        Notice.objects.filter(user=officer)
        .order_by("-created_at", "-pk")
        .values_list("title", flat=True)
    )

    first = client.get(reverse("reports:notices")).content.decode()
    second = client.get(reverse("reports:notices"), {"page": 2}).content.decode()

    on_first = [t for t in newest_first if f"{t}</h2>" in first]
    on_second = [t for t in newest_first if f"{t}</h2>" in second]
    assert on_first == newest_first[: views.NOTICES_PER_PAGE]
    assert on_second == newest_first[views.NOTICES_PER_PAGE :]
    assert "Trang 1 / 2" in first and "Trang 2 / 2" in second


def test_the_calendar_says_what_is_due_and_when(world, clock, client):
    ward = world.ward_x
    today = NOW.date()
    september = periods.add_months(today.replace(day=1), -2)
    august = periods.add_months(today.replace(day=1), -3)
    MonthlyReport.objects.create(
        ward=ward,
        period=august,
        status=MonthlyReport.Status.APPROVED,
        submitted_at=NOW - datetime.timedelta(days=70),
        approved_at=NOW - datetime.timedelta(days=60),
    )
    client.force_login(world.users["party_viewer"])

    page = client.get(reverse("reports:calendar", args=[ward.code])).content.decode()

    october = periods.add_months(today.replace(day=1), -1)
    due = deadlines.due_date(october.year, october.month)
    assert (
        f"Báo cáo tháng {october:%m/%Y}: hạn {due:%d/%m/%Y} (còn {(due - today).days} ngày)" in page
    )
    overdue = deadlines.due_date(september.year, september.month)
    assert f"hạn {overdue:%d/%m/%Y}, quá hạn {(today - overdue).days} ngày" in page
    months = page.split('id="calendar-months"')[1].split("</ul>")[0]
    listed = re.findall(r"Tháng (\d\d/\d{4})</a>", months)
    assert listed == [f"{m:%m/%Y}" for m in deadlines.recent_months(today, 12)]
    assert "(đang diễn ra)" in months
    august_row = months.split(f"Tháng {august:%m/%Y}</a>")[1].split("</li>")[0]
    assert "Đã duyệt" in august_row and "quá hạn" not in august_row


def test_a_step_is_in_the_list_at_once_and_mailed_once_by_the_sender(
    world, smtp, client, django_capture_on_commit_callbacks
):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    chair.email = "chutich@mythoi.example.vn"
    chair.save(update_fields=["email"])
    period = datetime.date(2025, 10, 1)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_entry(client, world.ward_x, action="submit", TT_BUOI="5")
    assert response.status_code == 302
    assert MonthlyReport.objects.get(ward=world.ward_x, period=period).status == "submitted"

    client.force_login(chair)
    page = client.get(reverse("reports:notices")).content.decode()

    title = f"Báo cáo tháng {period:%m/%Y} của {world.ward_x.name} đã được gửi, chờ duyệt"
    assert title in page and navbar_unread(page) == 1
    assert not Notice.objects.filter(user=officer).exists()  # the officer sent it

    call_command("send_notices")
    call_command("send_notices")

    assert [(to, subject) for to, subject in smtp.received() if "đã được gửi" in subject] == [
        (chair.email, f"[MTTQ] {title}")
    ]


def test_a_notice_read_in_the_portal_is_not_mailed_after(
    world, smtp, client, django_capture_on_commit_callbacks
):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    chair.email = "chutich@mythoi.example.vn"
    chair.save(update_fields=["email"])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        post_entry(client, world.ward_x, action="submit", TT_BUOI="5")
    notice = Notice.objects.get(user=chair, kind=Kind.SUBMITTED)
    client.force_login(chair)
    client.post(reverse("reports:notice_open", args=[notice.pk]))

    call_command("send_notices")

    assert (chair.email, f"[MTTQ] {notice.title}") not in smtp.received()
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.emailed_at is None
