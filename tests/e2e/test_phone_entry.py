"""An officer on a phone (390 × 844): the month's form as one card per indicator, no page that
scrolls sideways, inputs big enough to touch, focus on the first error after a refused save,
save buttons that show the save is under way, and a warning before leaving unsaved typing."""

import datetime

import pytest
from playwright.sync_api import expect

from reports.models import Indicator
from tests import factories
from tests.e2e.test_monthly_workflow import log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
MIN_TOUCH = 44

SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
INPUT_HEIGHTS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.id || e.name, e.getBoundingClientRect().height])"""


def entry_url(live_server, ward, year=2025, month=10):
    return f"{live_server.url}/phuong-xa/{ward.code}/bao-cao/{year}/{month}/"


def small_inputs(page):
    return [(name, height) for name, height in page.evaluate(INPUT_HEIGHTS) if height < MIN_TOUCH]


@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_and_inputs_are_touch_sized(live_server, page, fuzz_world):
    world = fuzz_world
    ward = world.ward_x
    # Wide figures, as a real ward has them.
    factories.house(
        ward_obj=ward,
        household_obj=factories.household(ward_obj=ward, head_name="Nguyễn Thị Bích Ngọc"),
        started_on=datetime.date(2026, 1, 10),
        from_fund=120_000_000,
        from_social=85_500_000,
        from_household=40_000_000,
        from_other=12_000_000,
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dang-nhap/")
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    assert page.evaluate(INPUT_HEIGHTS) and small_inputs(page) == []

    page.set_viewport_size(DESKTOP)  # the user menu folds away on a phone
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    base = f"{live_server.url}/phuong-xa/{ward.code}"
    pages = {
        "entry": entry_url(live_server, ward),
        "documents": f"{base}/van-ban/",
        "houses": f"{base}/nha/",
        "ledger": f"{base}/van-dong/{world.fund.pk}/so-quy/",
        "campaigns": f"{base}/van-dong/",
        "campaign detail": f"{base}/van-dong/{world.fund.pk}/",
        "membership history": f"{base}/tap-hop/",
    }
    for name, url in pages.items():
        assert page.goto(url).status == 200, name
        assert not page.evaluate(SCROLLS_SIDEWAYS), name
        assert small_inputs(page) == [], name
    # The houses' wide table scrolls inside its own box, which the keyboard can reach.
    page.goto(pages["houses"])
    box = page.locator(".table-responsive").first
    expect(box).to_have_attribute("tabindex", "0")


@pytest.mark.django_db(transaction=True)
def test_the_entry_form_is_one_card_per_indicator_on_a_phone(live_server, page, world):
    name = Indicator.objects.get(code="TT_LUOT").name
    factories.report_values(world.ward_x, datetime.date(2025, 9, 1), TT_LUOT=640)
    factories.report_values(world.ward_x, datetime.date(2024, 10, 1), TT_LUOT=512)
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_officer"])
    page.goto(entry_url(live_server, world.ward_x))
    # A desktop keeps the table, its header row and its columns.
    expect(page.locator(".entry-table thead").first).to_be_visible()
    expect(page.locator("#row-TT_LUOT .entry-hint-label").first).to_be_hidden()

    page.set_viewport_size(PHONE)
    expect(page.locator(".entry-table thead").first).to_be_hidden()
    card = page.locator("#row-TT_LUOT")
    field = page.get_by_label(name)
    # A large input, with the earlier months as labelled hints.
    assert field.bounding_box()["width"] >= 200
    assert field.bounding_box()["height"] >= 48
    expect(card).to_contain_text("Tháng trước 640")
    expect(card).to_contain_text("Cùng kỳ năm trước 512")
    expect(card.get_by_text("Tháng trước", exact=True)).to_be_visible()
    # The group index jumps to a group.
    page.get_by_role("navigation", name="Các nhóm chỉ tiêu").get_by_role(
        "link", name="Bầu cử (khi có)"
    ).click()
    assert page.evaluate("location.hash").startswith("#group-")
    legend = page.locator(f"fieldset{page.evaluate('location.hash')} legend")
    expect(legend).to_be_in_viewport()
    # Moving from field to field by keyboard, the field is never under the save bar.
    page.evaluate("window.scrollTo(0, 0)")
    field.focus()
    clear_of_bar = """() => { const field = document.activeElement;
        if (field.tagName !== "INPUT") { return true; }
        const r = field.getBoundingClientRect();
        const bar = document.querySelector(".entry-save-bar").getBoundingClientRect();
        return r.top >= 0 && r.bottom <= bar.top + 1; }"""
    for _ in range(12):
        page.keyboard.press("Tab")
        page.wait_for_function(clear_of_bar, timeout=3000)  # scrolling may be smooth


@pytest.mark.django_db(transaction=True)
def test_a_refused_save_puts_focus_on_the_first_error(live_server, page, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    page.goto(entry_url(live_server, world.ward_x))
    first = Indicator.objects.get(code="TT_LUOT").name
    later = Indicator.objects.get(code="TT_HOITHI").name
    page.get_by_label(first).fill("nhiều")
    page.get_by_label(later).fill("ba")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("#error-summary")).to_contain_text("Chưa lưu: 2 ô cần sửa")
    expect(page.get_by_label(first)).to_be_focused()
    expect(page.get_by_label(first)).to_have_class("form-control text-end is-invalid")
    expect(page.get_by_label(first)).to_be_in_viewport()
    # A summary line leads to its field.
    page.locator("#error-summary").get_by_role("link", name=later).click()
    expect(page.get_by_label(later)).to_be_focused()
    expect(page.get_by_label(later)).to_be_in_viewport()


@pytest.mark.django_db(transaction=True)
def test_a_blocked_submission_puts_focus_on_a_row_behind_the_rule(live_server, page, world):
    factories.report_values(
        world.ward_x, datetime.date(2025, 10, 1), status="draft", BC_CUTRI=6688, BC_DIBAU=6700
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    page.goto(entry_url(live_server, world.ward_x))
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.get_by_text("Báo cáo chưa gửi được")).to_be_visible()
    focused = page.locator("tr.rule-error input:focus")
    expect(focused).to_have_count(1)
    assert focused.get_attribute("id") in {"id_v_BC_CUTRI", "id_v_BC_DIBAU"}
    expect(focused.locator("xpath=ancestor::tr")).to_contain_text("Lỗi kiểm tra:")


@pytest.mark.django_db(transaction=True)
def test_save_shows_work_under_way_and_cannot_be_pressed_twice(live_server, page, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    page.goto(entry_url(live_server, world.ward_x))
    page.get_by_label(Indicator.objects.get(code="TT_BUOI").name).fill("5")
    # Hold the form back once the page's own handler has run, to see the button meanwhile.
    page.evaluate(
        """window.sent = 0; window.addEventListener('submit', e => {
             if (!e.defaultPrevented) { window.sent += 1; } e.preventDefault(); })"""
    )
    save = page.locator("button[value=save]")
    save.click()
    expect(save).to_be_disabled()
    expect(save).to_have_text("Đang lưu…")
    expect(page.locator("button[value=submit]")).to_be_disabled()
    # What was pressed still goes with the form, and a second send is stopped.
    expect(page.locator("#entry-form input[type=hidden][name=action]")).to_have_value("save")
    page.evaluate("document.getElementById('entry-form').requestSubmit()")
    assert page.evaluate("window.sent") == 1


@pytest.mark.django_db(transaction=True)
def test_a_campaign_form_says_it_is_saving(live_server, page, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/van-dong/them/")
    page.evaluate("window.addEventListener('submit', e => e.preventDefault())")
    button = page.locator("form[data-busy] input[type=submit]")
    label = button.get_attribute("value")
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_value("Đang xử lý…")
    expect(page.locator("form[data-busy] input[type=hidden][name=submit]")).to_have_value(label)


@pytest.mark.django_db(transaction=True)
def test_leaving_with_unsaved_typing_asks_first_and_saving_does_not(live_server, page, world):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.users["ward_officer"])
    page.set_viewport_size(PHONE)
    url = entry_url(live_server, world.ward_x)
    page.goto(url)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    field = page.get_by_label(Indicator.objects.get(code="TT_BUOI").name)
    field.click()
    page.keyboard.type("7")
    page.get_by_role("link", name="Trang chủ").click()
    expect(field).to_have_value("7")
    assert dialogs == ["beforeunload"]
    assert page.url == url

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp báo cáo tháng 10/2025.")).to_be_visible()
    assert dialogs == ["beforeunload"]
    # Saved: leaving asks nothing.
    page.goto(f"{live_server.url}/")
    assert dialogs == ["beforeunload"]
