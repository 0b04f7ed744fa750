"""Record a cash and an in-kind donation, print the receipt, find both on the public page,
disburse to a household and see the cash balance drop; the goods are never cash."""

import datetime

import pytest
from playwright.sync_api import expect

from campaigns.models import Household
from tests import factories
from tests.e2e.test_monthly_workflow import log_in


@pytest.mark.django_db(transaction=True)
def test_donations_receipt_public_page_and_disbursement(live_server, page, world):
    officer = world.users["ward_officer"]
    fund = factories.fund(ward_obj=world.ward_x)
    Household.objects.create(
        ward=world.ward_x, head_name="Đinh Văn Sáu", category="poor", area=world.area_x
    )
    today = datetime.date.today().strftime("%d/%m/%Y")
    log_in(page, live_server, officer)
    page.get_by_role("link", name="Cuộc vận động, quỹ").first.click()
    page.get_by_role("link", name="Quỹ Vì người nghèo 2026").click()

    page.get_by_role("link", name="Ghi nhận ủng hộ").click()
    page.get_by_label("Ngày nhận").fill(today)
    page.get_by_label("Người ủng hộ là").select_option("individual")
    page.get_by_label("Tên người, đơn vị ủng hộ").fill("Nguyễn Văn Bình")
    page.get_by_label("Hình thức").select_option("cash")
    page.get_by_label("Kênh nhận").select_option("cash")
    # Only the chosen kind's fields show.
    expect(page.get_by_label("Tên hiện vật")).to_be_hidden()
    page.get_by_label("Số tiền (đồng)").fill("5.000.000")
    page.get_by_role("button", name="Ghi nhận và cấp biên nhận").click()
    expect(page.get_by_role("heading", name="Biên nhận số 00001/")).to_be_visible()

    receipt_url = page.get_by_role("link", name="In biên nhận (PDF)").get_attribute("href")
    receipt = page.request.get(f"{live_server.url}{receipt_url}")
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")

    page.get_by_role("link", name="Quỹ Vì người nghèo 2026").first.click()
    page.get_by_role("link", name="Ghi nhận ủng hộ").click()
    page.get_by_label("Ngày nhận").fill(today)
    page.get_by_label("Người ủng hộ là").select_option("anonymous")
    page.get_by_label("Hình thức").select_option("in_kind")
    page.get_by_label("Kênh nhận").select_option("other")
    expect(page.get_by_label("Số tiền (đồng)")).to_be_hidden()
    page.get_by_label("Tên hiện vật").fill("Gạch xây nhà")
    page.get_by_label("Đơn vị tính").fill("viên")
    page.get_by_label("Giá trị quy đổi (đồng, không bắt buộc)").fill("2.600.000")
    page.get_by_role("button", name="Ghi nhận và cấp biên nhận").click()
    # Goods need a quantity: refused with what was typed kept.
    expect(page.get_by_text("Nhập số lượng hiện vật.")).to_be_visible()
    expect(page.get_by_label("Tên hiện vật")).to_have_value("Gạch xây nhà")
    page.get_by_label("Số lượng").fill("2.000")
    page.get_by_role("button", name="Ghi nhận và cấp biên nhận").click()
    expect(page.get_by_role("heading", name="Biên nhận số 00002/")).to_be_visible()

    page.goto(f"{live_server.url}/cong-khai/{world.ward_x.code}/{fund.pk}/")
    expect(page.get_by_text("Nguyễn V. B.")).to_be_visible()
    expect(page.get_by_text("Nhà hảo tâm").first).to_be_visible()
    expect(page.get_by_text("Nguyễn Văn Bình")).to_have_count(0)

    page.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/van-dong/{fund.pk}/")
    # The bricks' equivalent is shown apart and never counted as cash.
    expect(page.locator("#balance")).to_have_text("5.000.000 đ")
    expect(page.locator("#in-kind")).to_have_text("2.600.000 đ")
    expect(page.locator("#grand-total")).to_have_text("7.600.000 đ")
    page.get_by_role("link", name="Ghi khoản chi").click()
    page.get_by_label("Ngày chi").fill(today)
    page.get_by_label("Hộ nhận").select_option(label="Đinh Văn Sáu")
    page.get_by_label("Mục đích").select_option("illness")
    page.get_by_label("Hình thức").select_option("cash")
    page.get_by_label("Số tiền (đồng)").fill("3.000.000")
    page.get_by_label("Số quyết định").fill("07/QĐ-BVĐ")
    page.get_by_role("button", name="Ghi khoản chi").click()
    expect(page.get_by_text("Đã ghi khoản chi.")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("2.000.000 đ")

    # Handing out goods is goods out: the cash balance does not move.
    page.get_by_role("link", name="Ghi trao hiện vật").click()
    page.get_by_label("Ngày chi").fill(today)
    page.get_by_label("Hộ nhận").select_option(label="Đinh Văn Sáu")
    page.get_by_label("Mục đích").select_option("build")
    expect(page.get_by_label("Hình thức")).to_have_value("in_kind")
    page.get_by_label("Tên hiện vật").fill("gạch xây nhà")
    page.get_by_label("Số lượng").fill("500")
    page.get_by_label("Đơn vị tính").fill("viên")
    page.get_by_label("Số quyết định").fill("08/QĐ-BVĐ")
    page.get_by_role("button", name="Ghi khoản chi").click()
    expect(page.get_by_text("Đã ghi khoản chi.")).to_be_visible()
    expect(page.locator("#balance")).to_have_text("2.000.000 đ")
    expect(page.locator("#goods tbody tr").first).to_contain_text("1.500")
