"""A ward officer reconciles the ward's bank account on a phone (390 px): imports a statement,
records the matched lines with one button, then works through the queue. No page scrolls
sideways (wide tables scroll in their own box) and every input and button is at least 44 px
tall."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Donation, StatementLine
from tests import factories
from tests.e2e.test_monthly_workflow import log_in

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def controls_are_touch_sized(page):
    """Every visible input, select and button of the page's content is at least 44 px tall."""
    small = page.evaluate(
        """() => [...document.querySelectorAll(
            'main input:not([type=hidden]):not([type=checkbox]), main select, main button')]
            .filter(el => el.offsetParent !== null)
            .filter(el => !el.closest('.alert'))  /* the notices' close buttons */
            .map(el => [el.name || el.textContent.trim(), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)"""
    )
    assert not small, f"{page.url}: controls under 44 px: {small}"


@pytest.mark.django_db(transaction=True)
def test_the_officer_reconciles_a_statement_on_a_phone(live_server, page, world, tmp_path):
    fund = factories.fund(ward_obj=world.ward_x, bank_account_number="0071000123456")
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(
        "Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung;Số dư\n"
        f"05/03/2026;500.000;FT26064000123;UNG HO {fund.reference} NGUYEN VAN AN;10.500.000\n"
        "06/03/2026;250.000;FT26065000456;LAI TIEN GUI THANG 3 TAI KHOAN THANH TOAN;10.750.000\n"
        "07/03/2026;300.000;FT26066000789;CHUYEN TIEN TRAN THI BE;11.050.000\n",
        encoding="utf-8",
    )
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/van-dong/")
    page.locator("#bank-statements-link").click()
    no_sideways_scroll(page)
    controls_are_touch_sized(page)
    page.get_by_label("Tệp sao kê (.csv hoặc .xlsx)").set_input_files(str(statement))
    page.get_by_role("button", name="Tải lên và lưu sao kê").click()

    expect(page.get_by_role("heading", name="Sao kê ngày 05/03/2026 – 07/03/2026")).to_be_visible()
    no_sideways_scroll(page)
    controls_are_touch_sized(page)
    expect(page.locator("#matched-count")).to_have_text("1")
    expect(page.locator("#waiting-count")).to_have_text("2")
    page.get_by_label("Tên người ủng hộ, dòng 2").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Ghi 1 khoản đã khớp").click()
    expect(page.get_by_text("Đã ghi 1 khoản ủng hộ")).to_be_visible()
    donation = Donation.objects.get()
    assert (donation.donor_name, donation.amount, donation.campaign) == (
        "Nguyễn Văn An",
        500_000,
        fund,
    )

    page.get_by_role("link", name="Xử lý các dòng chờ").click()
    no_sideways_scroll(page)
    controls_are_touch_sized(page)
    interest = page.locator("article", has_text="LAI TIEN GUI")
    interest.get_by_text("Không phải khoản ủng hộ? Để riêng").click()
    interest.get_by_label("Lý do để riêng").fill("Lãi tiền gửi tháng 3")
    interest.get_by_role("button", name="Để riêng").click()
    expect(page.get_by_text("Đã để riêng dòng 3")).to_be_visible()

    gift = page.locator("article", has_text="TRAN THI BE")
    gift.get_by_label("Quỹ nhận").select_option(label=fund.name)
    gift.get_by_label("Tên người, đơn vị ủng hộ").fill("Trần Thị Bé")
    gift.get_by_role("button", name="Ghi thành khoản ủng hộ").click()
    expect(page.get_by_text("Không có dòng sao kê nào chờ xử lý.")).to_be_visible()
    no_sideways_scroll(page)
    assert sorted(StatementLine.objects.values_list("status", flat=True)) == [
        "recorded",
        "recorded",
        "set_aside",
    ]
