"""Typing is never lost (390 × 844): the entry form keeps a draft in the browser as the officer
types, offers it back after a reload or an idle logout, drops it once saved; the installable
web app opens the month's form offline with the last figures it saw and sends a save made
offline once the connection is back, through the server's version check; logging out leaves
nothing of it in the browser."""

import datetime
import re
import time

import pytest
from playwright.sync_api import expect

from reports.models import Indicator, IndicatorValue
from tests import factories
from tests.e2e.test_monthly_workflow import log_in, log_out
from tests.e2e.test_phone_entry import DESKTOP, PHONE, entry_url

# What the portal keeps of the officer's typing (not whose pages the web app holds).
PORTAL_KEYS = (
    "Object.keys(localStorage).filter(key => key.startsWith('mttq:') && key !== 'mttq:pages-owner')"
)
EVERY_KEY = "Object.keys(localStorage).filter(key => key.startsWith('mttq:'))"
BANNER = re.compile(r"Có bản nháp chưa lưu từ \d\d:\d\d \d\d/\d\d/\d{4}")


def saved_value(ward, code):
    return (
        IndicatorValue.objects.filter(
            report__ward=ward, report__period=datetime.date(2025, 10, 1), indicator__code=code
        )
        .values_list("value", flat=True)
        .first()
    )


def phone_officer(page, live_server, world):
    page.set_viewport_size(DESKTOP)  # the user menu folds away on a phone
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)


@pytest.mark.django_db(transaction=True)
def test_a_draft_comes_back_after_a_reload_and_goes_once_saved(live_server, page, world):
    phone_officer(page, live_server, world)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    sessions = page.get_by_label(Indicator.objects.get(code="TT_BUOI").name)
    visits = page.get_by_label(Indicator.objects.get(code="TT_LUOT").name)
    sessions.fill("7")
    visits.fill("1250")
    page.on("dialog", lambda dialog: dialog.accept())  # leave despite the unsaved typing
    page.reload()
    expect(sessions).to_have_value("")
    banner = page.locator("#draft-banner")
    expect(banner).to_have_text(BANNER)
    banner.get_by_role("button", name="Khôi phục").click()
    expect(banner).to_have_count(0)
    expect(sessions).to_have_value("7")
    expect(visits).to_have_value("1250")
    assert page.evaluate("document.getElementById('entry-form').hasAttribute('data-dirty')")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    assert saved_value(world.ward_x, "TT_BUOI") == 7
    assert saved_value(world.ward_x, "TT_LUOT") == 1250
    assert page.evaluate(PORTAL_KEYS) == []
    page.reload()
    expect(sessions).to_have_value("7")
    expect(page.locator("#draft-banner")).to_have_count(0)

    # A draft the officer drops is gone.
    sessions.fill("9")
    page.reload()
    page.locator("#draft-banner").get_by_role("button", name="Bỏ bản nháp").click()
    expect(page.locator("#draft-banner")).to_have_count(0)
    expect(sessions).to_have_value("7")
    assert page.evaluate(PORTAL_KEYS) == []


@pytest.mark.django_db(transaction=True)
def test_a_draft_is_offered_again_after_an_idle_logout(live_server, page, world, settings):
    phone_officer(page, live_server, world)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    # The worker keeps the page with a request of its own: done before the session may end,
    # or that request, not the save, would be the one to find it idle.
    assert page.evaluate(KEPT_BY_WORKER, url.removeprefix(live_server.url))
    sessions = page.get_by_label(Indicator.objects.get(code="TT_BUOI").name)
    sessions.fill("12")
    # The officer walks away; the session ends on the next request, the save.
    settings.SESSION_IDLE_SECONDS = 0
    time.sleep(1.1)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Phiên làm việc đã hết hạn")).to_be_visible()
    settings.SESSION_IDLE_SECONDS = 30 * 60
    assert saved_value(world.ward_x, "TT_BUOI") is None
    page.get_by_label("Tên đăng nhập").fill(world.users["ward_officer"].username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # Back on the form, the figures typed before the logout are offered again.
    banner = page.locator("#draft-banner")
    expect(banner).to_have_text(BANNER)
    banner.get_by_role("button", name="Khôi phục").click()
    expect(sessions).to_have_value("12")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    assert saved_value(world.ward_x, "TT_BUOI") == 12


@pytest.mark.django_db(transaction=True)
def test_logout_leaves_no_draft_in_the_browser(live_server, page, world):
    phone_officer(page, live_server, world)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    assert page.evaluate(KEPT_BY_WORKER, url.removeprefix(live_server.url))
    page.get_by_label(Indicator.objects.get(code="TT_BUOI").name).fill("3")
    assert len(page.evaluate(PORTAL_KEYS)) == 1
    page.evaluate("sessionStorage.setItem('mttq:pending-save', '{}')")
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(DESKTOP)
    log_out(page)
    assert page.evaluate(EVERY_KEY) == []
    assert page.evaluate(EVERY_KEY.replace("localStorage", "sessionStorage")) == []
    # Nor a page the service worker kept (static files are nobody's).
    kept = page.evaluate("async () => (await caches.keys()).filter(n => n.startsWith('mttq-'))")
    assert not [name for name in kept if name.startswith("mttq-pages")], kept
    once = KEPT_BY_WORKER.replace("i < 300", "i < 1")
    assert not page.evaluate(once, url.removeprefix(live_server.url))


KEPT_BY_WORKER = """async (path) => {
  for (let i = 0; i < 300; i++) {
    for (const name of await caches.keys()) {
      if (await (await caches.open(name)).match(path, { ignoreVary: true })) { return true; }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}"""
OFFLINE = "Đang ngoại tuyến: số liệu được giữ trên máy, sẽ lưu khi có mạng"


def offline_with_the_form(page, live_server, world):
    """The officer opened the month's form once, online; then the connection drops and the
    page is reloaded: it opens from the service worker's copy with the figures it saw."""
    factories.report_values(world.ward_x, datetime.date(2025, 10, 1), status="draft", TT_BUOI=4)
    phone_officer(page, live_server, world)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    assert page.evaluate(KEPT_BY_WORKER, url.removeprefix(live_server.url))
    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    sessions = page.get_by_label(Indicator.objects.get(code="TT_BUOI").name)
    expect(sessions).to_have_value("4")
    sessions.fill("6")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#offline-notice")).to_have_text(OFFLINE)
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_enabled()
    assert len(page.evaluate(PORTAL_KEYS)) == 1  # the draft keeps the figures
    return sessions


@pytest.mark.django_db(transaction=True)
def test_a_save_made_offline_is_sent_once_the_connection_is_back(live_server, page, world):
    offline_with_the_form(page, live_server, world)
    assert saved_value(world.ward_x, "TT_BUOI") == 4
    page.context.set_offline(False)
    expect(page.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    assert saved_value(world.ward_x, "TT_BUOI") == 6
    assert page.evaluate(PORTAL_KEYS) == []


@pytest.mark.django_db(transaction=True)
def test_a_queued_save_that_conflicts_shows_both_values_and_overwrites_nothing(
    live_server, page, browser, world
):
    sessions = offline_with_the_form(page, live_server, world)
    # Meanwhile the chair saves the same figure from another device.
    chair = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    try:
        chair.set_viewport_size(DESKTOP)
        log_in(chair, live_server, world.users["ward_chair"])
        chair.goto(entry_url(live_server, world.ward_x))
        chair.get_by_label(Indicator.objects.get(code="TT_BUOI").name).fill("8")
        chair.get_by_role("button", name="Lưu nháp").click()
        expect(chair.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    finally:
        chair.context.close()
    assert saved_value(world.ward_x, "TT_BUOI") == 8

    page.context.set_offline(False)
    conflict = page.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("TT_BUOI")
    expect(conflict).to_contain_text("4 → 8")
    expect(sessions).to_have_value("6")  # what the officer typed, beside the chair's 8
    assert saved_value(world.ward_x, "TT_BUOI") == 8
    assert len(page.evaluate(PORTAL_KEYS)) == 1  # the draft stays


FOCUSED = """() => { const e = document.activeElement;
  return e ? (e.name || e.textContent.trim()) : null; }"""


def focus_by_keyboard(page, name, *, limit=400):
    """Tab from where the focus is until the field named `name` (or the button saying it) has
    it: no mouse, no click."""
    for _ in range(limit):
        if page.evaluate(FOCUSED) == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}")


@pytest.mark.django_db(transaction=True)
def test_a_month_filled_by_keyboard_survives_going_offline_a_reload_and_comes_back_saved(
    live_server, page, world
):
    """The issue's walk at 390 px: fill by keyboard, lose the connection, keep typing, reload,
    get the draft back, reconnect, save."""
    phone_officer(page, live_server, world)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    assert page.evaluate(KEPT_BY_WORKER, url.removeprefix(live_server.url))
    page.keyboard.press("Tab")
    focus_by_keyboard(page, "v_TT_BUOI")
    page.keyboard.type("5")
    focus_by_keyboard(page, "v_TT_LUOT")
    page.keyboard.type("640")

    page.context.set_offline(True)
    # Still typing without a connection, then the page is reloaded (from the web app's copy).
    page.keyboard.press("Shift+Tab")
    focus_by_keyboard(page, "v_TT_LUOT")
    page.keyboard.press("Control+A")
    page.keyboard.type("720")
    page.on("dialog", lambda dialog: dialog.accept())
    assert page.reload().from_service_worker
    banner = page.locator("#draft-banner")
    expect(banner).to_have_text(BANNER)
    page.keyboard.press("Tab")
    focus_by_keyboard(page, "Khôi phục")
    page.keyboard.press("Enter")
    sessions = page.get_by_label(Indicator.objects.get(code="TT_BUOI").name)
    visits = page.get_by_label(Indicator.objects.get(code="TT_LUOT").name)
    expect(sessions).to_have_value("5")
    expect(visits).to_have_value("720")

    page.context.set_offline(False)
    focus_by_keyboard(page, "v_TT_LUOT")
    page.keyboard.press("Enter")  # Enter in a field sends the form, as the save button does
    expect(page.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    assert saved_value(world.ward_x, "TT_BUOI") == 5
    assert saved_value(world.ward_x, "TT_LUOT") == 720
    assert page.evaluate(PORTAL_KEYS) == []


@pytest.mark.django_db(transaction=True)
def test_the_next_user_of_a_shared_phone_never_gets_the_pages_kept_for_the_last(
    live_server, page, world
):
    """The officer is signed out for being idle (nothing cleared, so the draft waits); the
    chair signs in on the same phone: the officer's kept pages are dropped."""
    phone_officer(page, live_server, world)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    path = url.removeprefix(live_server.url)
    assert page.evaluate(KEPT_BY_WORKER, path)
    page.get_by_label(Indicator.objects.get(code="TT_BUOI").name).fill("3")
    page.context.clear_cookies()  # the session ended on the server; the browser kept all
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_chair"])
    page.goto(f"{live_server.url}/thong-bao/")
    gone = KEPT_BY_WORKER.replace("i < 300", "i < 1")
    expect(page.get_by_role("heading", name="Thông báo")).to_be_visible()
    page.wait_for_function(
        "async (path) => { for (const n of await caches.keys()) {"
        " if (n.startsWith('mttq-pages') && await (await caches.open(n)).match(path,"
        " { ignoreVary: true })) { return false; } } return true; }",
        arg=path,
    )
    assert not page.evaluate(gone, path)
    # The officer's draft stays for the officer (keyed by user; the chair is not offered it).
    drafts = "Object.keys(localStorage).filter(key => key.startsWith('mttq:draft:'))"
    assert len(page.evaluate(drafts)) == 1
