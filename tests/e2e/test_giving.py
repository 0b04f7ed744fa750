"""A donor on a phone (390 px) gives by bank transfer: the fund's page shows its account and
a VietQR that a camera decodes to the account and the fund's note; a long account number
wraps inside its box; the copy button copies; a pledge code with an amount gives a VietQR
with that amount; the short link opens the page."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from campaigns.models import Pledge
from core import vietqr
from tests import factories

PHONE = {"width": 390, "height": 844}
LONG_ACCOUNT = "1234567890123456789"


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def scanned(locator) -> str:
    """What a phone's camera reads from the QR code on screen."""
    image = Image.open(io.BytesIO(locator.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


@pytest.mark.django_db(transaction=True)
def test_a_donor_scans_copies_takes_a_pledge_code_and_shares_the_short_link(
    live_server, browser, world
):
    fund = factories.fund(
        ward_obj=world.ward_x,
        bank_bin="970405",
        bank_account_number=LONG_ACCOUNT,
        bank_account_name="UY BAN MAT TRAN TO QUOC VIET NAM PHUONG MY THOI TINH AN GIANG"[:50],
    )
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/cong-khai/{world.ward_x.code}/{fund.pk}/")
    no_sideways_scroll(page)
    account = page.locator("#give-account")
    expect(account).to_have_text(LONG_ACCOUNT)
    box = page.locator("#ung-ho").bounding_box()
    number = account.bounding_box()
    assert number["x"] + number["width"] <= box["x"] + box["width"]
    transfer = vietqr.parse(scanned(page.locator("#give-qr svg")))
    assert (transfer.bank_bin, transfer.account_number, transfer.note) == (
        "970405",
        LONG_ACCOUNT,
        f"UNG HO {fund.reference}",
    )
    height = page.locator("#give-account + .btn-copy").bounding_box()["height"]
    assert height >= 44
    page.locator("#give-account + .btn-copy").click()
    expect(page.locator("#give-account + .btn-copy")).to_have_text("Đã sao chép")
    assert page.evaluate("navigator.clipboard.readText()") == LONG_ACCOUNT

    # A pledge code with an amount typed Vietnamese-style.
    page.get_by_label("Số tiền dự định (đồng, không bắt buộc)").fill("500.000")
    page.get_by_role("button", name="Nhận mã").click()
    expect(page.get_by_role("heading", name="Nhận mã chuyển khoản riêng")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Nhận mã").click()
    pledge = Pledge.objects.get()
    expect(page.locator("#pledge-reference")).to_have_text(pledge.reference)
    no_sideways_scroll(page)
    transfer = vietqr.parse(scanned(page.locator("#pledge-qr svg")))
    assert (transfer.amount, transfer.note) == (500_000, f"UNG HO {pledge.reference}")

    # The short link, typed in lower case, opens the fund's page.
    page.goto(f"{live_server.url}/q/{fund.reference.lower()}")
    expect(page.get_by_role("heading", name=f"Sao kê · {fund.name}")).to_be_visible()
    context.close()
