"""On a phone (390 px): the officer submits; the chair sees the notice's count in the bar
without opening the menu, opens it and lands on the report; the calendar and the notice
pages neither scroll sideways nor have serious accessibility violations; a kind switched
off stays off."""

import pytest
from playwright.sync_api import expect

from reports.notices.models import Kind, NoticeOptOut
from tests import factories
from tests.e2e.test_public_accessibility import (
    VIEWPORTS,
    blocking_violations,
    keep_screenshot,
    sideways_overflow,
    violation_report,
)

PHONE = VIEWPORTS["phone"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, live_server, user):
    """As on a phone: the user menu is in the collapsed menu, the notices link is not."""
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#nav-notices")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Mở menu").click()
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def readable(page, name):
    assert sideways_overflow(page) <= 0, f"{name} scrolls sideways at {PHONE['width']} px"
    keep_screenshot(page, f"notices-{name.replace(' ', '-')}", PHONE)
    found = blocking_violations(page)
    assert not found, violation_report(name, PHONE["width"], found)


@pytest.mark.django_db(transaction=True)
def test_a_submitted_report_reaches_the_chair_on_a_phone(live_server, phone, world):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    ward = world.ward_x
    entry = f"{live_server.url}/phuong-xa/{ward.code}/bao-cao/2025/10/"

    log_in(phone, live_server, officer)
    phone.goto(f"{live_server.url}/phuong-xa/{ward.code}/lich-bao-cao/")
    expect(phone.get_by_role("heading", name="Lịch báo cáo tháng")).to_be_visible()
    readable(phone, "calendar")
    phone.goto(entry)
    phone.get_by_label("Số buổi tuyên truyền, phổ biến chủ trương, chính sách, pháp luật").fill("5")
    phone.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(phone.locator("#report-status")).to_have_text("Đã gửi, chờ duyệt")
    log_out(phone)

    log_in(phone, live_server, chair)
    badge = phone.locator("#nav-notices .badge")
    expect(badge).to_be_visible()  # in the bar, the menu still closed
    expect(badge).to_have_text("1")
    expect(phone.get_by_role("link", name="Thông báo (1 chưa đọc)")).to_be_visible()
    phone.locator("#nav-notices").click()
    expect(phone.get_by_role("heading", name="Thông báo", exact=True)).to_be_visible()
    notice = phone.locator("#notice-list li").first
    expect(notice).to_contain_text(f"Báo cáo tháng 10/2025 của {ward.name} đã được gửi, chờ duyệt")
    readable(phone, "notices")
    notice.get_by_role("button", name="Mở báo cáo").click()
    expect(phone).to_have_url(entry)
    expect(phone.locator("#nav-notices .badge")).to_have_count(0)

    phone.goto(f"{live_server.url}/thong-bao/cai-dat/")
    box = phone.get_by_label("Báo cáo tháng được gửi lên, chờ duyệt")
    expect(box).to_be_checked()
    box.uncheck()
    phone.get_by_role("button", name="Lưu cài đặt").click()
    expect(phone.get_by_text("Đã lưu cài đặt thông báo.")).to_be_visible()
    expect(phone.get_by_label("Báo cáo tháng được gửi lên, chờ duyệt")).not_to_be_checked()
    readable(phone, "notice preferences")
    assert list(NoticeOptOut.objects.filter(user=chair).values_list("kind", flat=True)) == [
        Kind.SUBMITTED
    ]


@pytest.mark.django_db(transaction=True)
def test_the_notices_bell_stays_in_the_bar_on_a_desktop(live_server, page, world):
    page.set_viewport_size(VIEWPORTS["desktop"])
    chair = world.users["ward_chair"]
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(chair.username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#user-menu")).to_be_visible()
    link = page.get_by_role("link", name="Thông báo")
    expect(link).to_be_visible()
    menu = page.locator("nav.navbar .container").bounding_box()
    bell = link.bounding_box()
    assert bell["x"] + bell["width"] <= menu["x"] + menu["width"], "the bell leaves the bar"
    assert sideways_overflow(page) <= 0
    link.click()
    expect(page.get_by_text("Chưa có thông báo nào.")).to_be_visible()
    keep_screenshot(page, "notices-desktop", VIEWPORTS["desktop"])
    found = blocking_violations(page)
    assert not found, violation_report("notices", VIEWPORTS["desktop"]["width"], found)
