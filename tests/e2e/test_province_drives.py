"""A province officer at 390 px: opens the province's drives from the navigation, records a
donation at the committee and reads its receipt number; no page scrolls sideways."""

import datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_monthly_workflow import log_in

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.mark.django_db(transaction=True)
def test_the_province_officer_records_a_donation_at_the_committee_on_a_phone(
    live_server, page, world
):
    drive = factories.province_drive(province_obj=world.province_a, target_amount=500_000_000)
    log_in(page, live_server, world.users["province_officer"])
    expect(page.get_by_role("link", name="Cuộc vận động của tỉnh")).to_be_visible()
    page.set_viewport_size(PHONE)  # the menu folds away: the link is reached by its address
    page.goto(f"{live_server.url}/tinh/{world.province_a.code}/van-dong/")
    no_sideways_scroll(page)
    page.get_by_role("link", name=drive.name).click()
    no_sideways_scroll(page)
    page.get_by_role("link", name="Ghi nhận ủng hộ").click()
    page.get_by_label("Ngày nhận").fill(datetime.date.today().strftime("%d/%m/%Y"))
    page.get_by_label("Người ủng hộ là").select_option("organisation")
    page.get_by_label("Tên người, đơn vị ủng hộ").fill("Công ty CP Lương thực An Giang")
    page.get_by_label("Hình thức").select_option("cash")
    page.get_by_label("Kênh nhận").select_option("cash")
    page.get_by_label("Số tiền (đồng)").fill("50.000.000")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Ghi nhận và cấp biên nhận").click()
    expect(page.get_by_role("heading", name="Biên nhận số 00001/")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("link", name=drive.name).first.click()
    expect(page.locator("#raised")).to_have_text("50.000.000 đ")
    expect(page.locator("#balance")).to_have_text("50.000.000 đ")
    page.get_by_role("link", name="Sổ quỹ của tỉnh").click()
    expect(page.get_by_role("columnheader", name="Chi phân bổ")).to_be_visible()
    no_sideways_scroll(page)
