"""Cached public pages and dashboards: served from the cache, never stale after a write.

The cache is on here as in production (PAGE_CACHE_SECONDS > 0). Writes run with their commit
callbacks executed, as a real commit would: that is when versions are bumped.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.models import Donation
from reports.models import MonthlyReport
from tests import factories
from wards.models import Ward

D = datetime.date


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from wards import page_cache

    settings.PAGE_CACHE_SECONDS = 600
    # Each process's own copies are tested on their own (test_each_process_keeps...).
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    cache.clear()
    page_cache.forget_local_pages()
    yield
    cache.clear()
    page_cache.forget_local_pages()


@pytest.fixture(autouse=True)
def world_committed(page_cache_on, world):
    """The shared rows as if committed before the test began: their versions published (a
    test's own transaction never commits, and a value read inside a transaction that wrote
    rows of its ward is computed afresh)."""
    from django.db import connection

    for _, callback, *_ in connection.run_on_commit:
        if getattr(callback, "done", True) is False:
            callback()


@pytest.fixture
def donate(world, fund, django_capture_on_commit_callbacks):
    def _donate(amount, name="Công ty TNHH Minh Phát", ward=None):
        with django_capture_on_commit_callbacks(execute=True):
            return factories.donation(
                fund_obj=fund,
                ward_obj=ward,
                user=world.users["ward_officer"],
                amount=amount,
                donor_kind="organisation",
                donor_name=name,
            )

    return _donate


def fund_url(world, fund, **query):
    url = reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk])
    return url + "".join(f"?{k}={v}" for k, v in query.items())


def test_public_page_is_served_from_the_cache_until_a_donation_is_recorded(
    client, world, fund, donate
):
    donate(1_000_000)
    assert "1.000.000" in client.get(fund_url(world, fund)).content.decode()
    # A write that bypasses the models is not seen: the page came from the cache.
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")
    assert "Sửa Thẳng" not in client.get(fund_url(world, fund)).content.decode()

    donate(2_500_000, name="Hợp tác xã Bình Minh")

    page = client.get(fund_url(world, fund)).content.decode()
    assert "3.500.000" in page
    assert "Hợp tác xã Bình Minh" in page
    assert "Sửa Thẳng" in page  # rebuilt from the database


def test_a_donation_at_another_ward_keeps_this_wards_page(client, world, fund, donate):
    donate(1_000_000)
    client.get(fund_url(world, fund))
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")
    other = factories.fund(ward_obj=world.ward_y, name="Quỹ phường Long Xuyên")
    factories.donation(fund_obj=other, user=world.users["admin"], amount=5_000)
    assert "Sửa Thẳng" not in client.get(fund_url(world, fund)).content.decode()


def test_each_search_is_its_own_page(client, world, fund, donate):
    donate(1_000_000, name="Công ty TNHH Minh Phát")
    donate(2_000_000, name="Hợp tác xã Bình Minh")
    found = client.get(fund_url(world, fund, q="Minh Phát")).content.decode()
    other = client.get(fund_url(world, fund, q="Bình Minh")).content.decode()
    assert "Minh Phát" in found and "Hợp tác xã Bình Minh" not in found
    assert "Hợp tác xã Bình Minh" in other


def test_a_cached_page_carries_the_nonce_of_its_own_response(client, world, fund, donate):
    donate(1_000_000)
    first = client.get(fund_url(world, fund))
    second = client.get(fund_url(world, fund))
    nonces = []
    for response in (first, second):
        in_page = re.search(r'"inlineScriptNonce": "([^"]+)"', response.content.decode())[1]
        assert f"'nonce-{in_page}'" in response["Content-Security-Policy"]
        nonces.append(in_page)
    assert nonces[0] != nonces[1]


def test_a_page_from_the_processs_memory_carries_the_nonce_of_its_own_response(
    client, world, fund, donate, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    donate(1_000_000)
    responses = [client.get(fund_url(world, fund)) for _ in range(3)]
    nonces = []
    for response in responses:
        in_page = re.search(r'"inlineScriptNonce": "([^"]+)"', response.content.decode())[1]
        assert f"'nonce-{in_page}'" in response["Content-Security-Policy"]
        nonces.append(in_page)
    assert len(set(nonces)) == 3
    assert "1.000.000" in responses[2].content.decode()


def test_a_page_from_the_processs_memory_skips_the_other_middleware_but_keeps_its_headers(
    client, world, fund, donate, settings, sessions_opened
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    donate(1_000_000)
    built = client.get(fund_url(world, fund))
    sessions_opened.clear()  # the page was built through the whole chain
    kept = client.get(fund_url(world, fund))
    assert sessions_opened == []  # answered before the session middleware
    assert_same_page_with_its_own_nonce(kept, built)

    # Anyone signed in, or holding a message, goes through the whole chain.
    client.cookies["messages"] = "x"
    client.get(fund_url(world, fund))
    assert sessions_opened == [fund_url(world, fund)]


def test_a_page_fresh_in_the_shared_cache_skips_the_other_middleware_until_a_write(
    client, world, fund, donate, sessions_opened
):
    """Without this process's memory (PAGE_CACHE_LOCAL_SECONDS 0 here): a page it passed on
    before is served from the shared cache before the session middleware, while fresh."""
    donate(1_000_000)
    built = client.get(fund_url(world, fund))
    sessions_opened.clear()  # the page was built through the whole chain
    early = client.get(fund_url(world, fund))
    assert sessions_opened == []
    assert_same_page_with_its_own_nonce(early, built)

    donate(2_500_000, name="Hợp tác xã Bình Minh")
    rebuilt = client.get(fund_url(world, fund))
    assert sessions_opened == [fund_url(world, fund)]  # outdated: down the chain to the view
    assert "Hợp tác xã Bình Minh" in rebuilt.content.decode()
    assert "3.500.000" in rebuilt.content.decode()
    again = client.get(fund_url(world, fund)).content.decode()
    assert sessions_opened == [fund_url(world, fund)] and "Hợp tác xã Bình Minh" in again


def test_a_kept_page_still_refuses_a_host_outside_allowed_hosts(client, world, fund, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    assert client.get(fund_url(world, fund)).status_code == 200
    assert client.get(fund_url(world, fund), HTTP_HOST="attacker.example").status_code == 400


def _nonce(response) -> str:
    return re.search(r'"inlineScriptNonce": "([^"]+)"', response.content.decode())[1]


@pytest.fixture
def sessions_opened(monkeypatch):
    """The paths of the requests that reached the session middleware."""
    from django.contrib.sessions.middleware import SessionMiddleware

    opened = []
    original = SessionMiddleware.process_request

    def counted(self, request):
        opened.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", counted)
    return opened


def assert_same_page_with_its_own_nonce(served, built):
    """`served` (before the middleware) is `built` (through all of it) but for its nonce."""
    assert served.content.replace(_nonce(served).encode(), b"") == built.content.replace(
        _nonce(built).encode(), b""
    )
    assert int(served["Content-Length"]) == len(served.content)
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type"):
        assert served[header] == built[header]
    assert served["Content-Security-Policy"] == built["Content-Security-Policy"].replace(
        _nonce(built), _nonce(served)
    )
    assert _nonce(served) != _nonce(built)


def test_while_one_visitor_rebuilds_the_page_others_get_it_as_it_was(client, world, fund, donate):
    from wards import page_cache

    donate(1_000_000)
    client.get(fund_url(world, fund))
    donate(2_500_000, name="Hợp tác xã Bình Minh")
    key = f"anonymous-page:{page_cache._digest(fund_url(world, fund))}"
    # Another request is rebuilding it (it holds the lock).
    cache.add(f"rebuilding:{key}", 1, page_cache.REBUILD_LOCK_SECONDS)

    meanwhile = client.get(fund_url(world, fund)).content.decode()
    assert "1.000.000" in meanwhile
    assert "Hợp tác xã Bình Minh" not in meanwhile

    cache.delete(f"rebuilding:{key}")
    rebuilt = client.get(fund_url(world, fund)).content.decode()
    assert "3.500.000" in rebuilt
    assert "Hợp tác xã Bình Minh" in rebuilt
    assert cache.get(f"rebuilding:{key}") is None  # released by the request that rebuilt


def test_each_process_keeps_the_pages_it_served_for_a_moment(
    client, world, fund, donate, settings, monkeypatch
):
    """Without asking Redis for PAGE_CACHE_LOCAL_SECONDS: a donation shows after that."""
    from wards import page_cache

    settings.PAGE_CACHE_LOCAL_SECONDS = 1.5
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    donate(1_000_000)
    assert "1.000.000" in client.get(fund_url(world, fund)).content.decode()
    donate(2_500_000, name="Hợp tác xã Bình Minh")

    now[0] += 1.0
    within = client.get(fund_url(world, fund)).content.decode()
    assert "Hợp tác xã Bình Minh" not in within
    now[0] += 1.0
    after = client.get(fund_url(world, fund)).content.decode()
    assert "Hợp tác xã Bình Minh" in after
    assert "3.500.000" in after


def test_signed_in_visitors_never_get_a_processs_kept_page(
    client, login, world, fund, donate, settings
):
    settings.PAGE_CACHE_LOCAL_SECONDS = 60
    donate(1_000_000)
    client.get(fund_url(world, fund))
    donate(2_500_000, name="Hợp tác xã Bình Minh")
    officer = login(world.users["ward_officer"])
    assert "Hợp tác xã Bình Minh" in officer.get(fund_url(world, fund)).content.decode()


def csv_url(world, fund):
    return reverse("campaigns:public_fund_csv", args=[world.ward_x.code, fund.pk])


def downloaded(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def test_the_csv_download_is_cached_until_a_donation_is_recorded(client, world, fund, donate):
    donate(1_000_000)
    first = client.get(csv_url(world, fund))
    assert "Công ty TNHH Minh Phát" in downloaded(first)
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")

    again = client.get(csv_url(world, fund))
    assert downloaded(again) == downloaded(first)
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]

    donate(2_500_000, name="Hợp tác xã Bình Minh")
    rows = downloaded(client.get(csv_url(world, fund)))
    assert "Hợp tác xã Bình Minh" in rows
    assert "Sửa Thẳng" in rows


def test_a_csv_larger_than_the_limit_streams_and_is_not_cached(
    client, world, fund, donate, monkeypatch
):
    from wards import page_cache

    monkeypatch.setattr(page_cache, "MAX_STORED_DOWNLOAD_BYTES", 10)
    donate(1_000_000)
    response = client.get(csv_url(world, fund))
    assert response.streaming
    assert "Công ty TNHH Minh Phát" in downloaded(response)
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")
    assert "Sửa Thẳng" in downloaded(client.get(csv_url(world, fund)))


def test_renaming_the_ward_or_the_fund_shows_at_once(
    client, world, fund, donate, django_capture_on_commit_callbacks
):
    donate(1_000_000)
    client.get(fund_url(world, fund))
    with django_capture_on_commit_callbacks(execute=True):
        fund.name = "Quỹ Vì người nghèo năm 2026"
        fund.save()
    assert "Quỹ Vì người nghèo năm 2026" in client.get(fund_url(world, fund)).content.decode()
    ward_page = reverse("campaigns:public_ward", args=[world.ward_x.code])
    client.get(ward_page)
    with django_capture_on_commit_callbacks(execute=True):
        ward = Ward.objects.get(pk=world.ward_x.pk)
        ward.name = "Phường Mỹ Thới mới"
        ward.save()
    assert "Phường Mỹ Thới mới" in client.get(ward_page).content.decode()


def test_signed_in_visitors_and_pending_messages_bypass_the_cache(
    client, login, world, fund, donate
):
    donate(1_000_000)
    client.get(fund_url(world, fund))  # cached for anonymous visitors
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")
    officer = login(world.users["ward_officer"])
    page = officer.get(fund_url(world, fund)).content.decode()
    assert "Sửa Thẳng" in page
    assert "Đăng xuất" in page  # their own navigation, not the anonymous one
    officer.logout()
    client.cookies["messages"] = "pending"
    assert "Sửa Thẳng" in client.get(fund_url(world, fund)).content.decode()


def test_nothing_is_cached_without_a_shared_cache(client, settings, world, fund, donate):
    settings.PAGE_CACHE_SECONDS = 0
    donate(1_000_000)
    client.get(fund_url(world, fund))
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")
    assert "Sửa Thẳng" in client.get(fund_url(world, fund)).content.decode()


# --- The ward dashboard ------------------------------------------------------------------


def dashboard(client, world):
    url = reverse("reports:dashboard_ward", args=[world.ward_x.code])
    return client.get(url, {"tu": "01/2026", "den": "12/2026"}).content.decode()


def test_dashboard_follows_a_donation(login, world, fund, donate):
    viewer = login(world.users["party_viewer"])
    donate(1_000_000)
    assert "1.000.000\u00a0đ" in dashboard(viewer, world)
    donate(2_500_000)
    assert "3.500.000\u00a0đ" in dashboard(viewer, world)


def test_dashboard_follows_a_report_approval(login, world, django_capture_on_commit_callbacks):
    viewer = login(world.users["party_viewer"])
    with django_capture_on_commit_callbacks(execute=True):
        report = MonthlyReport.objects.create(ward=world.ward_x, period=D(2026, 2, 1))
    assert "Chưa có báo cáo nào được duyệt" in dashboard(viewer, world)
    with django_capture_on_commit_callbacks(execute=True):
        report.status = MonthlyReport.Status.APPROVED
        report.save()
    assert "Báo cáo tháng 02/2026" in dashboard(viewer, world)


def test_dashboard_keeps_each_roles_navigation(login, client, world, fund, donate):
    donate(1_000_000)
    viewer_page = dashboard(login(world.users["party_viewer"]), world)
    client.logout()
    province_page = dashboard(login(world.users["province_officer"]), world)
    province_link = reverse("wards:province", args=[world.province_a.code])
    assert province_link not in viewer_page
    assert province_link in province_page


# --- The monthly entry page's computed figures ------------------------------------------------


def test_entry_page_figures_from_the_fund_follow_each_donation(login, world, fund, donate):
    officer = login(world.users["ward_officer"])
    url = reverse("reports:entry", args=[world.ward_x.code, 2026, 3])
    donate(1_000_000, name="Công ty TNHH Minh Phát")
    assert officer.get(url).context["form"]["v_VNN_THU"].value() == "1.000.000"
    donate(2_500_000, name="Hợp tác xã Bình Minh")
    assert officer.get(url).context["form"]["v_VNN_THU"].value() == "3.500.000"


def test_entry_page_figures_from_the_fund_outlive_a_save_of_the_report(
    login, world, fund, donate, django_capture_on_commit_callbacks
):
    """A report's save does not recompute what the fund received (it changed nothing there);
    the shares computed from the report's own counts follow the save at once."""
    officer = login(world.users["ward_officer"])
    url = reverse("reports:entry", args=[world.ward_x.code, 2026, 3])
    donate(1_000_000)
    page = officer.get(url)
    assert page.context["form"]["v_VNN_THU"].value() == "1.000.000"
    # Seen only when the figures are computed again: a write that bypasses the models.
    Donation.objects.update(amount=4_000_000)
    data = {
        "version": page.context["form"].initial["version"],
        "opened_at": page.context["form"].initial["opened_at"].isoformat(),
        "action": "save",
        "v_TQ_TO": "8",
        "v_TQ_ONDINH": "6",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(url, data).status_code == 302
    form = officer.get(url).context["form"]
    assert form["v_VNN_THU"].value() == "1.000.000"
    # A share is its two counts, shown as the page's numerator and denominator.
    assert (form["v_TQ_TYLE_ONDINH"].value(), form["d_TQ_TYLE_ONDINH"].value()) == ("6", "8")

    donate(500_000)
    assert officer.get(url).context["form"]["v_VNN_THU"].value() == "4.500.000"


def test_entry_page_part_of_each_organisation_follows_its_memberships(
    login, world, django_capture_on_commit_callbacks
):
    officer = login(world.users["ward_officer"])
    url = reverse("reports:entry", args=[world.ward_x.code, 2026, 3])
    organisation = factories.organisation()

    def members_shown():
        page = officer.get(url).content.decode()
        row = page[page.index(f'<tr data-organisation="{organisation.pk}">') :]
        return re.search(r'<td class="num">([^<]*)</td>', row)[1]

    with django_capture_on_commit_callbacks(execute=True):
        factories.membership(ward_obj=world.ward_x, org=organisation, members=1_200, eligible=1_500)
    assert members_shown() == "1.200"
    with django_capture_on_commit_callbacks(execute=True):
        factories.membership(
            ward_obj=world.ward_x,
            org=organisation,
            members=1_350,
            eligible=1_500,
            as_of=D(2026, 2, 28),
        )
    assert members_shown() == "1.350"


# --- The signed-in user -----------------------------------------------------------------------


def test_a_deactivated_officer_is_signed_out_at_once(
    login, world, django_capture_on_commit_callbacks
):
    officer = world.users["ward_officer"]
    client = login(officer)
    home = client.get(reverse("home"))
    assert home.status_code == 200 and world.ward_x.name in home.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        officer.is_active = False
        officer.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_moved_officer_works_in_the_new_ward_at_once(
    login, world, django_capture_on_commit_callbacks
):
    officer = world.users["ward_officer"]
    client = login(officer)
    entry_x = reverse("reports:entry", args=[world.ward_x.code, 2026, 3])
    entry_y = reverse("reports:entry", args=[world.ward_y.code, 2026, 3])
    assert client.get(entry_x).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assignment = officer.role_assignment
        assignment.ward = world.ward_y
        assignment.save()
    assert client.get(entry_x).status_code == 404
    assert client.get(entry_y).status_code == 200


def test_dashboard_follows_a_value_corrected_in_the_admin(
    login, world, django_capture_on_commit_callbacks
):
    from reports.models import Indicator, IndicatorValue

    with django_capture_on_commit_callbacks(execute=True):
        report = MonthlyReport.objects.create(
            ward=world.ward_x, period=D(2026, 2, 1), status=MonthlyReport.Status.APPROVED
        )
        value = IndicatorValue.objects.create(
            report=report, indicator=Indicator.objects.get(code="TT_BUOI"), value=7
        )
    viewer = login(world.users["party_viewer"])
    assert 'data-testid="stat-sessions">7<' in dashboard(viewer, world)
    with django_capture_on_commit_callbacks(execute=True):
        value.value = 12
        value.save()
    assert 'data-testid="stat-sessions">12<' in dashboard(viewer, world)


def test_entry_page_follows_an_indicator_renamed_in_the_admin(
    login, world, django_capture_on_commit_callbacks
):
    from reports.models import Indicator

    officer = login(world.users["ward_officer"])
    url = reverse("reports:entry", args=[world.ward_x.code, 2026, 3])
    assert "Số buổi tuyên truyền" in officer.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        indicator = Indicator.objects.get(code="TT_BUOI")
        indicator.name = "Số buổi tuyên truyền, phổ biến"
        indicator.save()
    assert "Số buổi tuyên truyền, phổ biến" in officer.get(url).content.decode()


def test_each_process_hands_out_the_catalogue_it_read_until_the_catalogue_changes(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    """The catalogue is read from the shared cache once per process, not unpickled on every
    page; its version, still read each time, retires it at the first change."""
    import pickle

    from reports.models import Indicator
    from reports.selectors import active_indicators

    month = D(2026, 3, 1)
    first = active_indicators(month)
    loaded = []
    real_loads = pickle.loads

    def loads(*args, **kwargs):
        loaded.append(real_loads(*args, **kwargs))
        return loaded[-1]

    monkeypatch.setattr(pickle, "loads", loads)
    again = active_indicators(month)
    assert again[0] is first[0] and [i.pk for i in again] == [i.pk for i in first]
    # Only the versions were read from the cache (short tokens), not the catalogue.
    assert loaded and all(isinstance(value, str) for value in loaded)
    with django_capture_on_commit_callbacks(execute=True):
        indicator = Indicator.objects.get(code="TT_BUOI")
        indicator.name = "Số buổi tuyên truyền, phổ biến"
        indicator.save()
    renamed = {i.code: i.name for i in active_indicators(month)}
    assert renamed["TT_BUOI"] == "Số buổi tuyên truyền, phổ biến"
    # Another process (its own memory empty) reads the renamed catalogue from the cache too.
    from wards import page_cache

    page_cache.forget_local_pages()
    assert {i.code: i.name for i in active_indicators(month)} == renamed


def test_money_no_ward_holds_renews_every_cached_page(world, django_capture_on_commit_callbacks):
    """A province committee's own donation and its allocations show on province pages, which
    span many wards: they renew everything, as a campaign does."""
    from wards import page_cache

    drive = factories.province_drive(province_obj=world.province_a)
    officer = factories.user(role="province_officer", province_obj=world.province_a)
    built = []

    def page():
        built.append(len(built) + 1)
        return built[-1]

    def shown():
        return page_cache.cached(["trang-thu"], page, wards=[world.ward_y.code])

    assert shown() == shown() == 1
    with django_capture_on_commit_callbacks(execute=True):
        factories.donation(fund_obj=drive, user=officer, amount=3_000_000)
    assert shown() == shown() == 2
    with django_capture_on_commit_callbacks(execute=True):
        factories.allocation(drive=drive, ward_obj=world.ward_x, user=officer, amount=1_000_000)
    assert shown() == 3


# --- With a read replica -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_page_built_before_the_replica_replayed_the_donation_is_not_kept(
    replica, client, world, fund, donate, monkeypatch
):
    """The public page reads from the replica. A donation committed at WAL position 0/2000 is
    seen at once on the primary; a page built while the replica stands at 0/1000 may show it
    or not, so it is served but not stored; once the replica has replayed every write the
    versions name, pages are cached again."""
    from wards import page_cache

    replayed = {"at": 0x1000}
    monkeypatch.setattr(page_cache, "_written_at", lambda: "@0/2000")
    monkeypatch.setattr(page_cache, "_replayed_position", lambda: replayed["at"])
    donate(1_000_000)

    assert "1.000.000" in client.get(fund_url(world, fund)).content.decode()
    Donation.objects.update(donor_name="Công ty CP Sửa Thẳng")
    # Rebuilt: the page before was not kept.
    assert "Sửa Thẳng" in client.get(fund_url(world, fund)).content.decode()

    replayed["at"] = 2**64 - 1  # past every write, the fixtures' own included
    assert "Sửa Thẳng" in client.get(fund_url(world, fund)).content.decode()
    Donation.objects.update(donor_name="Hợp tác xã Bình Minh")
    # Kept: built once the replica had the donation.
    assert "Bình Minh" not in client.get(fund_url(world, fund)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_with_a_replica_versions_carry_the_primarys_wal_position(replica, world, donate):
    """On PostgreSQL a version names the primary's WAL position after the commit (SQLite has
    no WAL position to name: versions are plain tokens there)."""
    from django.db import connection

    from wards import page_cache

    donate(1_000_000)
    version = cache.get(f"page-version:ward:{world.ward_x.code}")

    if connection.vendor == "postgresql":
        assert re.fullmatch(r"[0-9a-f]{12}@[0-9A-F]{1,8}/[0-9A-F]{1,8}", version)
        # The test mirror is no standby: it has nothing to replay, so pages are kept.
        assert page_cache._replayed_position() is None
    else:
        assert re.fullmatch(r"[0-9a-f]{12}", version)


def test_a_transaction_that_wrote_a_wards_records_reads_them_afresh_and_keeps_nothing(world, fund):
    """A writer that reads back a ward's records it has just written (and may roll back)
    sees its own writes, and what it saw is not kept for others."""
    from django.db import transaction

    from wards import page_cache

    computed = []

    def received():
        computed.append(1)
        return sum(Donation.objects.filter(ward=world.ward_x).values_list("amount", flat=True))

    def read():
        return page_cache.cached(("test-received",), received, records=[world.ward_x.code])

    assert (read(), read(), len(computed)) == (0, 0, 1)  # the second from the cache

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        factories.donation(fund_obj=fund, user=world.users["ward_officer"], amount=700_000)
        assert read() == 700_000
        raise RolledBack

    assert read() == 0
    assert len(computed) == 2  # afresh inside the transaction only
