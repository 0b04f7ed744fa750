"""A donor on a phone (390 px): opens a fund's public page with its bank comparison, finds
their transfer by its reference and sees it verified, follows the link to the open-data API;
no page scrolls sideways (wide tables scroll inside their own box)."""

import datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.campaigns.public.world import build_bank, build_disclosure

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_donor_on_a_phone_finds_a_verified_transfer_and_the_api(live_server, page, world):
    bank = build_bank(build_disclosure(world))
    d = bank.d
    # A long name and a large amount: the rows' table is wider than the phone.
    factories.donation(
        fund_obj=d.fund,
        user=d.officer,
        amount=1_804_000_000,
        received_on=datetime.date(2026, 3, 30),
        donor_kind="organisation",
        donor_name="Tổng công ty Cổ phần Thương mại và Dịch vụ Xuất nhập khẩu Đồng bằng",
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/cong-khai/{world.ward_x.code}/{d.fund.pk}/")
    expect(page.get_by_role("heading", name="Đối chiếu với ngân hàng")).to_be_visible()
    expect(page.locator("#statement-balance")).to_have_text("3.100.000 đ")
    no_sideways_scroll(page)

    page.get_by_label("Tìm khoản ủng hộ").fill("FT26065001")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("Trần T. C.")).to_be_visible()
    expect(page.get_by_text("✓ Đã đối chiếu sao kê ngày 06/03/2026")).to_be_visible()
    no_sideways_scroll(page)
    for control in (
        page.get_by_label("Tìm khoản ủng hộ"),
        page.get_by_role("button", name="Tra cứu"),
    ):
        assert control.bounding_box()["height"] >= 44

    page.get_by_role("link", name="API đọc dữ liệu công khai").click()
    expect(
        page.get_by_role("heading", name="API dữ liệu công khai thu, chi các quỹ")
    ).to_be_visible()
    no_sideways_scroll(page)
    json = page.request.get(
        f"{live_server.url}/cong-khai/api/v1/phuong-xa/{world.ward_x.code}/quy/{d.fund.pk}/khoan/"
        "?q=FT26065001"
    )
    assert json.status == 200
    assert json.json()["results"][0]["verification"]["status"] == "bank_verified"

    page.goto(f"{live_server.url}/cong-khai/{world.ward_x.code}/")
    expect(page.get_by_role("link", name="Excel (XLSX)")).to_be_visible()
    no_sideways_scroll(page)
