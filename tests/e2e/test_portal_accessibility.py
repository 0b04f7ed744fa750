"""Signed-in pages in a real browser at a desktop's and a phone's width: axe-core finds no
serious or critical violation (WCAG AA contrast among them) on the officer's entry page, the
chair's review page, the landings and the dashboards of a ward and a province; the charts
fill a box of a readable height and draw months not approved as gaps.

Set A11Y_SCREENSHOTS=<folder> to keep a full-page screenshot of each page and width.
"""

import datetime

import pytest

from campaigns.models import Campaign
from reports import periods
from reports.models import MonthlyReport
from tests import factories
from tests.e2e.test_public_accessibility import (
    VIEWPORTS,
    blocking_violations,
    keep_screenshot,
    violation_report,
)

Status = MonthlyReport.Status
PREVIOUS, CURRENT = datetime.date(2025, 9, 1), datetime.date(2025, 10, 1)


@pytest.fixture
def portal(world):
    """Ward X: September approved, October sent for approval (the chair's review), a draft
    month for the officer; a dozen communes in province A, some of them late."""
    ward = world.ward_x
    for number in range(12):
        factories.ward(province_obj=world.province_a, name=f"Xã Thử Nghiệm Có Tên Dài {number:02d}")
    factories.report_values(ward, PREVIOUS, TT_BUOI=4, TT_LUOT=120, GS_KIENNGHI=2)
    factories.report_values(
        ward, CURRENT, Status.SUBMITTED, TT_BUOI=5, TT_LUOT=150, GS_KIENNGHI=2, GS_GIAIQUYET=1
    )
    factories.report_values(ward, datetime.date(2025, 11, 1), Status.DRAFT, TT_BUOI=3)
    factories.report_values(world.ward_y, PREVIOUS, TT_BUOI=2)
    fund = factories.fund(ward_obj=ward)
    factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        amount=12_000_000,
        received_on=datetime.date(2025, 9, 3),
        donor_kind="individual",
        donor_name="Nguyễn Văn Bình",
    )
    code, province = ward.code, world.province_a.code
    period = "?tu=07/2025&den=12/2025"
    return {
        "ward_officer": {
            "trang-chu-can-bo": "/",
            "nhap-bao-cao": f"/phuong-xa/{code}/bao-cao/2025/11/",
        },
        "ward_chair": {
            "duyet-bao-cao": f"/phuong-xa/{code}/bao-cao/2025/10/",
            "tong-quan-phuong-xa": f"/phuong-xa/{code}/tong-quan/{period}",
        },
        "party_viewer": {"trang-chu-dang-uy": "/"},
        "province_officer": {
            "trang-chu-tinh": "/",
            "tong-quan-tinh": f"/tinh/{province}/tong-quan/{period}",
            "tien-do-cham": f"/tinh/{province}/tien-do/2025/?cham=1",
        },
    }


def signed_in(browser, live_server, user, viewport):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#user-menu").wait_for(state="attached")  # in the collapsed menu on a phone
    return context, page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_signed_in_pages_have_no_serious_accessibility_violations(
    live_server, browser, world, portal, size
):
    viewport = VIEWPORTS[size]
    reports = []
    for role, pages in portal.items():
        context, page = signed_in(browser, live_server, world.users[role], viewport)
        try:
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{role} {path}: {response.status}"
                page.wait_for_load_state("load")
                for canvas in page.locator("canvas").all():  # charts drawn before axe reads
                    canvas.wait_for()
                keep_screenshot(page, name, viewport)
                found = blocking_violations(page)
                if found:
                    reports.append(violation_report(name, viewport["width"], found))
        finally:
            context.close()
    assert not reports, "axe-core found serious or critical violations:\n" + "\n\n".join(reports)


@pytest.mark.django_db(transaction=True)
def test_charts_fill_a_readable_box_and_leave_gaps_on_a_phone(live_server, browser, world):
    current = datetime.date.today().replace(day=1)
    months = [periods.add_months(current, offset) for offset in (-4, -3, -2, -1)]
    factories.report_values(world.ward_x, months[0], TT_BUOI=3)
    factories.report_values(world.ward_x, months[1], Status.SUBMITTED, TT_BUOI=5)
    factories.report_values(world.ward_x, months[3], TT_BUOI=7)
    for number in range(20):
        name = f"Phường Mỹ Thới Mở Rộng Số {number:02d}"
        factories.ward(province_obj=world.province_a, name=name)
    chair = world.users["ward_chair"]
    context, page = signed_in(browser, live_server, chair, VIEWPORTS["phone"])
    try:
        page.goto(
            f"{live_server.url}/phuong-xa/{world.ward_x.code}/tong-quan/"
            f"?tu={months[0]:%m/%Y}&den={months[3]:%m/%Y}"
        )
        page.locator("#bieu-do-hoat-dong[data-ready='1']").wait_for()
        box = page.locator("#bieu-do-hoat-dong").bounding_box()
        assert box["height"] >= 250 and box["width"] <= 390
        options = page.evaluate(
            "(() => { const c = document.getElementById('bieu-do-hoat-dong').chart;"
            " const d = c.data.datasets[0];"
            " return {data: d.data, tension: d.tension, spanGaps: d.spanGaps,"
            " keep: c.options.maintainAspectRatio}; })()"
        )
        assert options == {
            "data": [3, None, None, 7],
            "tension": 0,
            "spanGaps": False,
            "keep": False,
        }
    finally:
        context.close()

    context, page = signed_in(
        browser, live_server, world.users["province_officer"], VIEWPORTS["phone"]
    )
    try:
        page.goto(f"{live_server.url}/tinh/{world.province_a.code}/tong-quan/")
        page.locator("#bieu-do-xep-hang[data-ready='1']").wait_for()
        ranked = page.evaluate(
            "(() => { const c = document.getElementById('bieu-do-xep-hang').chart;"
            " const y = c.scales.y;"
            " return {bars: c.data.labels.length, ticks: y.ticks.length,"
            " labels: y.ticks.map(t => [].concat(y.getLabelForValue(t.value)).join(' ')),"
            " height: c.height}; })()"
        )
        # Every bar has its own tick, and each tick is the commune's whole name.
        assert ranked["ticks"] == ranked["bars"] >= 20
        names = page.evaluate("document.getElementById('bieu-do-xep-hang').chart.data.labels")
        assert ranked["labels"] == names
        assert ranked["height"] >= ranked["bars"] * 25
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_other_signed_in_pages_have_no_serious_accessibility_violations(
    live_server, browser, world, portal, size
):
    """The same on the rest of a ward's, a province's and an admin's pages."""
    viewport = VIEWPORTS[size]
    code, province = world.ward_x.code, world.province_a.code
    fund = Campaign.objects.get(ward=world.ward_x)  # the portal's fund, with a gift
    pages = {
        "ward_officer": {
            "phuong-xa": f"/phuong-xa/{code}/",
            "bao-cao-thang": f"/phuong-xa/{code}/bao-cao/",
            "lich-su": f"/phuong-xa/{code}/bao-cao/2025/10/lich-su/",
            "van-dong": f"/phuong-xa/{code}/van-dong/",
            "quy": f"/phuong-xa/{code}/van-dong/{fund.pk}/",
            "so-quy": f"/phuong-xa/{code}/van-dong/{fund.pk}/so-quy/",
            "ho": f"/phuong-xa/{code}/ho/",
            "nha": f"/phuong-xa/{code}/nha/",
            "tap-hop": f"/phuong-xa/{code}/tap-hop/",
            "van-ban": f"/phuong-xa/{code}/van-ban/",
        },
        "province_officer": {
            "danh-sach-phuong-xa": f"/tinh/{province}/",
            "tien-do": f"/tinh/{province}/tien-do/2025/",
            "tong-hop": f"/tinh/{province}/tong-hop/?tu=07/2025&den=12/2025",
        },
        "admin": {"trang-chu-quan-tri": "/", "toan-quoc": "/toan-quoc/tong-quan/"},
    }
    reports = []
    for role, paths in pages.items():
        context, page = signed_in(browser, live_server, world.users[role], viewport)
        try:
            for name, path in paths.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{role} {path}: {response.status}"
                keep_screenshot(page, name, viewport)
                found = blocking_violations(page)
                if found:
                    reports.append(violation_report(name, viewport["width"], found))
        finally:
            context.close()
    assert not reports, "axe-core found serious or critical violations:\n" + "\n\n".join(reports)


@pytest.mark.django_db(transaction=True)
def test_the_commune_column_stays_in_view_while_the_months_scroll(live_server, browser, world):
    context, page = signed_in(
        browser, live_server, world.users["province_officer"], VIEWPORTS["phone"]
    )
    try:
        page.goto(f"{live_server.url}/tinh/{world.province_a.code}/tien-do/2025/?cham=1")
        box = page.locator(".table-responsive").first
        name = page.get_by_role("rowheader", name="Phường Mỹ Thới")
        left = box.bounding_box()["x"]
        box.evaluate("element => { element.scrollLeft = 600; }")
        assert box.evaluate("element => element.scrollLeft") > 0  # the months did scroll
        assert abs(name.bounding_box()["x"] - left) < 2  # the name did not
        # The filter is on, and the search form keeps it.
        assert page.get_by_label("Chỉ phường, xã chậm").is_checked()
    finally:
        context.close()
