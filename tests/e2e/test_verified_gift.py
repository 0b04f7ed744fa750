"""A donor's gift from the front door to "verified", at a phone's width (390 px):

a visitor finds the commune from /cong-khai/ typing without diacritics, opens its fund, and a
phone's camera reads the fund's VietQR: the right account and the fund's reference; the ward
officer imports the bank statement whose line carries that reference, the portal matches it
and one click records it with a receipt; the public line says it was verified against the
statement, and the donor finds it by the bank's transfer reference."""

import datetime
import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from campaigns.models import Donation, StatementLine
from core import vietqr
from tests import factories
from tests.e2e.test_monthly_workflow import log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ACCOUNT = {
    "bank_bin": "970405",
    "bank_account_number": "7502205123456",
    "bank_account_name": "UY BAN MTTQ VN PHUONG MY THOI",
}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def scanned(locator) -> str:
    """What a phone's camera reads from the QR code on screen."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(locator.screenshot())))
    assert len(found) == 1
    return found[0].text


@pytest.mark.django_db(transaction=True)
def test_find_scan_import_match_verified_and_found_by_reference(
    live_server, browser, world, tmp_path
):
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2026", **ACCOUNT)
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=PHONE)
    visitor = context.new_page()
    visitor.set_default_timeout(15000)

    # The front door: the commune found without diacritics, then its fund.
    visitor.goto(f"{live_server.url}/cong-khai/")
    no_sideways_scroll(visitor)
    visitor.get_by_label("Tìm phường, xã trên cả nước").fill("my thoi")
    visitor.get_by_label("Tìm phường, xã trên cả nước").press("Enter")
    visitor.get_by_role("link", name="Phường Mỹ Thới").first.click()
    no_sideways_scroll(visitor)
    visitor.get_by_role("link", name=fund.name).first.click()
    no_sideways_scroll(visitor)

    # The camera reads the account and the fund's reference.
    transfer = vietqr.parse(scanned(visitor.locator("#give-qr svg")))
    assert (transfer.bank_bin, transfer.account_number) == (
        ACCOUNT["bank_bin"],
        ACCOUNT["bank_account_number"],
    )
    assert transfer.note == f"UNG HO {fund.reference}"

    # The bank's statement: the donor's app sent the note, the bank glued its own text to it.
    today = datetime.date.today()
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(
        "Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung\n"
        f"{today:%d/%m/%Y};2.500.000;FT26335900123;"
        f"MBVCB.9001234.NGUYEN VAN BINH chuyen tien.{transfer.note.lower()}.CT tu 0123\n",
        encoding="utf-8",
    )
    officer = context.new_page()
    officer.set_default_timeout(15000)
    officer.set_viewport_size(DESKTOP)  # the user menu, proof of login, is folded on a phone
    log_in(officer, live_server, world.users["ward_officer"])
    officer.set_viewport_size(PHONE)
    officer.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/sao-ke/")
    no_sideways_scroll(officer)
    officer.get_by_label("Tệp sao kê (.csv hoặc .xlsx)").set_input_files(str(statement))
    officer.get_by_role("button", name="Tải lên và lưu sao kê").click()
    expect(officer.locator("#matched-count")).to_have_text("1")
    no_sideways_scroll(officer)
    officer.get_by_role("button", name="Ghi 1 khoản đã khớp").click()
    expect(officer.locator("#recorded-count")).to_have_text("1")
    line = StatementLine.objects.get()
    donation = Donation.objects.get()
    assert (line.status, line.matched_by) == ("recorded", "reference")
    assert line.donation_id == donation.pk
    assert (donation.campaign_id, donation.amount) == (fund.pk, 2_500_000)

    # The public line says it was verified; the donor finds it by the bank's reference.
    visitor.reload()
    row = visitor.locator("tr", has_text=donation.receipt_label)
    expect(row).to_contain_text(f"Đã đối chiếu sao kê ngày {today:%d/%m/%Y}")
    visitor.get_by_label("Tìm khoản ủng hộ").fill("ft26335900123")
    visitor.get_by_role("button", name="Tra cứu").click()
    no_sideways_scroll(visitor)
    found = visitor.locator("tr", has_text=donation.receipt_label)
    expect(found).to_contain_text("2.500.000")
    expect(found).to_contain_text("Đã đối chiếu sao kê")
    expect(visitor.locator("body")).not_to_contain_text("NGUYEN VAN BINH")
    context.close()
