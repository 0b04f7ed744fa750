"""An officer fills a month, saves, submits; the chair returns it; the officer fixes and
resubmits; the chair approves; the form is then read-only."""

import pytest
from playwright.sync_api import expect

from tests import factories


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#user-menu")).to_be_visible()


def log_out(page):
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_monthly_report_round_trip(live_server, page, world):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    url = f"{live_server.url}/phuong-xa/{world.ward_x.code}/bao-cao/2025/10/"

    log_in(page, live_server, officer)
    page.goto(url)
    page.get_by_label("Số buổi tuyên truyền, phổ biến chủ trương, chính sách, pháp luật").fill("5")
    page.get_by_label("Số lượt người tham dự tuyên truyền").fill("852")
    page.get_by_label("Tiền cán bộ, đảng viên, công chức thực hành tiết kiệm").fill("1.804.000.000")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    expect(
        page.get_by_label("Tiền cán bộ, đảng viên, công chức thực hành tiết kiệm")
    ).to_have_value("1.804.000.000")
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.locator("#report-status")).to_have_text("Đã gửi, chờ duyệt")
    log_out(page)

    log_in(page, live_server, chair)
    page.goto(url)
    page.get_by_label("Ý kiến khi trả lại").fill("Số lượt người chưa khớp sổ theo dõi.")
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator("#report-status")).to_have_text("Bị trả lại")
    log_out(page)

    log_in(page, live_server, officer)
    expect(page.get_by_text("Việc cần làm")).to_be_visible()
    page.goto(url)
    expect(page.locator(".alert-warning")).to_contain_text("Số lượt người chưa khớp sổ theo dõi.")
    page.get_by_label("Số lượt người tham dự tuyên truyền").fill("862")
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.locator("#report-status")).to_have_text("Đã gửi, chờ duyệt")
    log_out(page)

    log_in(page, live_server, chair)
    page.goto(url)
    page.get_by_role("button", name="Duyệt báo cáo").click()
    expect(page.locator("#report-status")).to_have_text("Đã duyệt")
    expect(page.get_by_label("Số lượt người tham dự tuyên truyền")).to_be_disabled()
    expect(page.get_by_label("Số lượt người tham dự tuyên truyền")).to_have_value("862")
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
