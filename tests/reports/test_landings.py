"""Each role lands on its work: the party on the ward's dashboard, the province on who is late
this month (with whom to call), the chair's review page on what changed and the decision."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import periods
from reports.models import IndicatorValue, MonthlyReport
from tests import factories
from wards.models import RoleAssignment, Ward

Status = MonthlyReport.Status
Role = RoleAssignment.Role


def section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)]


def reporting_month(today: datetime.date) -> datetime.date:
    """Last month: the one whose report falls due this month."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.mark.django_db
def test_party_viewer_lands_on_the_ward_dashboard_not_a_to_do_box(world, login):
    client = login(world.users["party_viewer"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard_ward", args=[world.ward_x.code])
    page = client.get(response["Location"]).content.decode()
    assert "Phường Mỹ Thới" in page
    assert "Việc cần làm" not in page


@pytest.mark.django_db
def test_ward_officer_still_lands_on_the_to_do_box(world, login):
    page = login(world.users["ward_officer"]).get(reverse("home")).content.decode()
    assert "Việc cần làm" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["province_officer", "province_chair", "province_viewer"])
def test_province_lands_on_who_is_late_this_month_with_the_officer_to_call(world, login, role):
    today = timezone.localdate()
    month = reporting_month(today)
    province = world.province_a
    for name in ("Xã Vĩnh Thạnh", "Xã Bình Hòa", "Phường Châu Đốc", "Xã An Phú"):
        factories.ward(province_obj=province, name=name)
    wards = {ward.name: ward for ward in Ward.objects.filter(province=province)}
    # Sent: submitted or approved; still owed: a draft, a returned report, no report at all.
    for name, status in (
        ("Phường Mỹ Thới", Status.SUBMITTED),
        ("Xã Bình Hòa", Status.APPROVED),
        ("Phường Long Xuyên", Status.DRAFT),
        ("Xã An Phú", Status.RETURNED),
    ):
        MonthlyReport.objects.create(ward=wards[name], period=month, status=status)
    # An older month not sent does not count: only the month being reported now.
    MonthlyReport.objects.create(
        ward=wards["Xã Vĩnh Thạnh"], period=periods.add_months(month, -1), status=Status.DRAFT
    )
    officer = factories.user(role=Role.WARD_OFFICER, ward_obj=wards["Phường Long Xuyên"])
    officer.first_name, officer.last_name, officer.email = "Thị Lan", "Nguyễn", "lan@example.vn"
    officer.save()
    RoleAssignment.objects.filter(user=officer).update(phone="0912 345 678")

    response = login(world.users[role]).get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    late = section(page, "late-communes")

    sent = set(
        MonthlyReport.objects.filter(
            ward__province=province,
            period=month,
            status__in=(Status.SUBMITTED, Status.APPROVED),
        ).values_list("ward__code", flat=True)
    )
    expected = {ward.code for ward in wards.values()} - sent
    assert set(re.findall(r'data-ward="([^"]+)"', late)) == expected
    assert f"Chưa nộp báo cáo tháng {month:%m/%Y}" in late
    assert f"đã nộp {len(sent)}/{len(wards)} phường, xã" in late
    assert "Phường Hoàn Kiếm" not in page  # another province's commune
    assert "Nguyễn Thị Lan" in late
    assert 'href="tel:0912345678"' in late and "0912 345 678" in late
    assert 'href="mailto:lan@example.vn"' in late
    assert "Chưa có cán bộ MTTQ phường, xã được phân công" in late  # Xã An Phú: nobody
    assert "Bị trả lại" in late and "Đang nhập" in late and "Chưa nhập" in late


@pytest.mark.django_db
def test_province_landing_says_when_every_commune_has_sent(world, login):
    month = reporting_month(timezone.localdate())
    for ward in (world.ward_x, world.ward_y):
        MonthlyReport.objects.create(ward=ward, period=month, status=Status.SUBMITTED)
    page = login(world.users["province_officer"]).get(reverse("home")).content.decode()
    assert f"Tất cả phường, xã đã nộp báo cáo tháng {month:%m/%Y}." in page
    assert "data-ward=" not in page


PREVIOUS, CURRENT = datetime.date(2025, 9, 1), datetime.date(2025, 10, 1)


@pytest.mark.django_db
def test_chair_review_starts_with_what_changed_and_the_decision(world, login):
    factories.report_values(world.ward_x, PREVIOUS, TT_BUOI=4, TT_LUOT=120, GS_KIENNGHI=2)
    factories.report_values(
        world.ward_x, CURRENT, Status.SUBMITTED, TT_BUOI=4, TT_LUOT=150, GS_GIAIQUYET=1
    )
    url = reverse("reports:entry", args=[world.ward_x.code, CURRENT.year, CURRENT.month])
    page = login(world.users["ward_chair"]).get(url).content.decode()

    def values(period):
        return dict(
            IndicatorValue.objects.filter(
                report__ward=world.ward_x, report__period=period
            ).values_list("indicator__code", "value")
        )

    before, now = values(PREVIOUS), values(CURRENT)
    changed = {code for code in before.keys() | now.keys() if before.get(code) != now.get(code)}
    start = page.index('data-testid="changes"')
    changes = page[start : page.index("</table>", start)]
    assert set(re.findall(r'data-code="([^"]+)"', changes)) == changed
    row = re.search(r'data-code="TT_LUOT".*?</tr>', changes, re.S).group(0)
    assert re.search(r">120<.*>150<", row, re.S)  # last month's value, then this month's
    assert "Thay đổi so với tháng 09/2025" in page
    # The card (changes, approve, return) comes before the long table of every indicator.
    review = page.index('id="review"')
    assert review < page.index("Duyệt báo cáo</button>") < page.index('id="entry-form"')
    assert page.index("Trả lại để sửa") < page.index('id="entry-form"')


@pytest.mark.django_db
def test_officer_sees_no_review_card(world, login):
    factories.report_values(world.ward_x, CURRENT, Status.SUBMITTED, TT_BUOI=4)
    url = reverse("reports:entry", args=[world.ward_x.code, CURRENT.year, CURRENT.month])
    page = login(world.users["ward_officer"]).get(url).content.decode()
    assert 'id="review"' not in page and "Duyệt báo cáo</button>" not in page


@pytest.mark.django_db
def test_province_landing_costs_the_same_queries_for_ten_more_late_communes(world, login):
    client = login(world.users["province_officer"])
    client.get(reverse("home"))  # the session and the user's role, read once

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    before = queries()
    for number in range(10):
        ward = factories.ward(province_obj=world.province_a, name=f"Xã Thử {number:02d}")
        factories.user(role=Role.WARD_OFFICER, ward_obj=ward)
    assert queries() == before
