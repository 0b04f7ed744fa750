"""The ward page and the officer's home read the ward's figures from the page cache
(wards/page_cache.py): each change of the ward's data or of the catalogue shows at once."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reports import periods
from reports.models import MonthlyReport, ReportEvent
from tests import factories


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from wards import page_cache

    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    cache.clear()
    page_cache.forget_local_pages()
    yield
    cache.clear()
    page_cache.forget_local_pages()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write as a committed transaction (the page versions move on commit)."""

    def _committed(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return _committed


def test_ward_page_follows_its_areas_memberships_and_organisation_names(login, world, committed):
    officer = login(world.users["ward_officer"])
    url = reverse("wards:detail", args=[world.ward_x.code])
    first = officer.get(url).content.decode()
    assert "Khu dân cư (1)" in first and "Khu dân cư (1)" in officer.get(url).content.decode()
    committed(lambda: factories.area(ward_obj=world.ward_x, name="Khóm Tây Thạnh"))
    page = officer.get(url).content.decode()
    assert "Khu dân cư (2)" in page and "Khóm Tây Thạnh" in page
    membership = world.membership_x
    membership.members = 95
    committed(membership.save)
    assert ">95<" in officer.get(url).content.decode()
    organisation = membership.organisation
    organisation.name = "Hội Cựu chiến binh"
    committed(organisation.save)
    assert "Hội Cựu chiến binh" in officer.get(url).content.decode()


def test_ward_page_keeps_each_readers_edit_links(login, client, world):
    url = reverse("wards:detail", args=[world.ward_x.code])
    create = reverse("wards:area_create", args=[world.ward_x.code])
    assert create in login(world.users["ward_officer"]).get(url).content.decode()
    client.logout()
    assert create not in login(world.users["party_viewer"]).get(url).content.decode()


def test_officer_home_follows_areas_rates_and_a_returned_report(login, world, committed):
    officer = login(world.users["ward_officer"])
    assert "80,0\u00a0%" in officer.get(reverse("home")).content.decode()
    committed(lambda: factories.area(ward_obj=world.ward_x))
    membership = world.membership_x
    membership.members = 90
    committed(membership.save)
    page = officer.get(reverse("home")).content.decode()
    assert '<p class="stat-value mb-0">2</p>' in page and "90,0\u00a0%" in page

    today = timezone.localdate()
    period = periods.add_months(periods.month_start(today.year, today.month), -2)
    report = committed(
        lambda: MonthlyReport.objects.create(
            ward=world.ward_x, period=period, status=MonthlyReport.Status.SUBMITTED
        )
    )
    assert f"Báo cáo tháng {period:%m/%Y}" not in officer.get(reverse("home")).content.decode()

    def send_back():
        report.status = MonthlyReport.Status.RETURNED
        report.save()
        ReportEvent.objects.create(
            report=report,
            action=ReportEvent.Action.RETURN,
            actor=world.users["ward_chair"],
            comment="Sửa lại số buổi",
        )

    committed(send_back)
    page = officer.get(reverse("home")).content.decode()
    assert f"Báo cáo tháng {period:%m/%Y}" in page and "Sửa lại số buổi" in page
