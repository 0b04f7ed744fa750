"""Money followed from a province drive down to a household, each step by the role that does
it, at a phone's width: the province's committee receives a gift and allocates part of it to a
commune; the commune confirms receipt and pays a household from it; the public trail shows
both steps, with the household masked."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from campaigns.models import Allocation, Disbursement, Donation, Household
from tests import factories
from tests.e2e.test_monthly_workflow import log_in, log_out

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_province_drive_allocation_commune_receipt_household_payment_public_trail(
    live_server, page, world
):
    drive = factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão số 3")
    Household.objects.create(
        ward=world.ward_x, head_name="Đinh Văn Sáu", category="poor", area=world.area_x
    )
    today = datetime.date.today().strftime("%d/%m/%Y")

    # The province officer records a gift at the committee…
    log_in(page, live_server, world.users["province_officer"])
    page.set_viewport_size(PHONE)  # the pages at a phone's width; the user menu is wider
    page.goto(f"{live_server.url}/tinh/{world.province_a.code}/van-dong/")
    page.get_by_role("link", name=drive.name).click()
    page.get_by_role("link", name="Ghi nhận ủng hộ").click()
    page.get_by_label("Ngày nhận").fill(today)
    page.get_by_label("Người ủng hộ là").select_option("organisation")
    page.get_by_label("Tên người, đơn vị ủng hộ").fill("Công ty CP Lương thực An Giang")
    page.get_by_label("Hình thức").select_option("cash")
    page.get_by_label("Kênh nhận").select_option("cash")
    page.get_by_label("Số tiền (đồng)").fill("50.000.000")
    page.get_by_role("button", name="Ghi nhận và cấp biên nhận").click()
    expect(page.get_by_role("heading", name="Biên nhận số 00001/")).to_be_visible()

    # …and allocates part of it to the commune; more than it holds is refused, typing kept.
    page.goto(f"{live_server.url}/tinh/{world.province_a.code}/van-dong/{drive.pk}/")
    page.get_by_role("link", name="Phân bổ cho phường, xã").first.click()
    page.get_by_role("link", name="Ghi phân bổ").click()
    no_sideways_scroll(page)
    page.get_by_label("Phường, xã nhận").select_option(
        label=f"{world.ward_x.name} ({world.ward_x.code})"
    )
    page.get_by_label("Số quyết định").fill("15/QĐ-MTTQ")
    page.get_by_label("Ngày quyết định").fill(today)
    page.get_by_label("Mục đích").fill("Hỗ trợ hộ bị sập nhà do bão")
    page.get_by_label("Hình thức").select_option("cash")
    page.get_by_label("Số tiền (đồng)").fill("60.000.000")
    page.get_by_role("button", name="Ghi phân bổ").click()
    expect(page.get_by_text("chỉ còn 50.000.000")).to_be_visible()
    expect(page.get_by_label("Số quyết định")).to_have_value("15/QĐ-MTTQ")
    assert not Allocation.objects.exists()
    page.get_by_label("Số tiền (đồng)").fill("20.000.000")
    page.get_by_role("button", name="Ghi phân bổ").click()
    expect(page.get_by_text("chờ xã xác nhận").first).to_be_visible()
    no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    log_out(page)

    # The commune confirms receipt, then pays a household from what it received.
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/van-dong/")
    page.get_by_role("link", name="Phân bổ từ tỉnh").first.click()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Xác nhận đã nhận").click()
    expect(page.get_by_text(re.compile(r"đã nhận|Đã xác nhận")).first).to_be_visible()
    page.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/van-dong/{drive.pk}/")
    page.get_by_role("link", name="Ghi khoản chi").first.click()
    page.get_by_label("Ngày chi").fill(today)
    page.get_by_label("Hộ nhận").select_option(label="Đinh Văn Sáu")
    page.get_by_label("Mục đích").select_option("disaster")
    page.get_by_label("Hình thức").select_option("cash")
    page.get_by_label("Số tiền (đồng)").fill("5.000.000")
    page.get_by_label("Số quyết định").fill("21/QĐ-UBND")
    page.get_by_role("button", name="Ghi khoản chi").click()
    expect(page.get_by_text("Đã ghi khoản chi.")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    log_out(page)
    page.set_viewport_size(PHONE)

    gift = Donation.objects.get(campaign=drive)
    allocation = Allocation.objects.get(campaign=drive)
    payment = Disbursement.objects.get(campaign=drive)
    assert (gift.ward, gift.province, gift.amount) == (None, world.province_a, 50_000_000)
    assert allocation.confirmed_on == datetime.date.today()
    assert (payment.ward, payment.amount) == (world.ward_x, 5_000_000)

    # The public follows it: the drive, the commune's row, the household (masked).
    page.goto(f"{live_server.url}/cong-khai/{world.ward_x.code}/")
    page.get_by_role("link", name="Theo dõi dòng tiền cả tỉnh").first.click()
    expect(page.get_by_text("15/QĐ-MTTQ").first).to_be_visible()
    expect(page.get_by_text("20.000.000").first).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("link", name=re.compile(re.escape(world.ward_x.name))).first.click()
    expect(page.get_by_text("Đinh V. S.").first).to_be_visible()
    expect(page.get_by_text("Đinh Văn Sáu")).to_have_count(0)
    expect(page.get_by_text("21/QĐ-UBND").first).to_be_visible()
    no_sideways_scroll(page)
