"""Public pages and the navigation bar in a real browser: axe-core finds no serious or critical
violation (WCAG AA contrast among them) at a desktop's and a phone's width, and nothing
scrolls sideways on the phone.

axe-core comes bundled in axe-playwright-python (a dev dependency); nothing is downloaded.
Set A11Y_SCREENSHOTS=<folder> to keep a full-page screenshot of each page and width.
"""

import datetime
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from campaigns import services
from campaigns.models import Household
from tests import factories
from tests.e2e.test_monthly_workflow import log_in

D = datetime.date
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = ("serious", "critical")
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS")


@pytest.fixture
def public_site(world):
    """A province with a drive allocated to a commune that paid a household, a commune fund
    with every kind of line (a reversed gift, goods, a payment), and many communes."""
    officer = world.users["ward_officer"]
    province_officer = world.users["province_officer"]
    for number in range(60):
        factories.ward(province_obj=world.province_a, name=f"Xã Thử Nghiệm {number:02d}")
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2026")
    factories.fund(ward_obj=world.ward_x, name="Nhà Đại đoàn kết 2026", kind="housing")

    def give(amount, on, **donor):
        return factories.donation(
            fund_obj=fund, user=officer, amount=amount, received_on=on, **donor
        )

    give(5_000_000, D(2026, 3, 2), donor_kind="individual", donor_name="Nguyễn Văn Bình")
    give(12_000_000, D(2026, 3, 3), donor_kind="organisation", donor_name="Công ty TNHH Mỹ Thới")
    wrong = give(300_000, D(2026, 3, 4), donor_kind="anonymous")
    services.donation_reverse(donation=wrong, user=officer, reason="Ghi trùng", on=D(2026, 3, 5))
    give(
        None,
        D(2026, 3, 6),
        donor_kind="collective",
        donor_name="Chi hội Phụ nữ khóm 1",
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_unit="kg",
        in_kind_quantity=200,
    )
    household = Household.objects.create(
        ward=world.ward_x, head_name="Đinh Văn Sáu", category="poor", area=world.area_x
    )
    factories.payment(
        fund_obj=fund,
        user=officer,
        amount=2_000_000,
        paid_on=D(2026, 3, 10),
        household=household,
        purpose="illness",
        decision_reference="05/QĐ-MTTQ",
    )
    drive = factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão số 3")
    factories.donation(
        fund_obj=drive,
        user=province_officer,
        amount=50_000_000,
        received_on=D(2026, 3, 1),
        donor_kind="organisation",
        donor_name="Công ty CP Lương thực An Giang",
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_x,
        user=province_officer,
        amount=20_000_000,
        confirmed_on=D(2026, 4, 2),
        confirmed_by=officer,
    )
    province, ward = world.province_a.code, world.ward_x.code
    return {
        "cong-khai": "/cong-khai/",
        "tinh": f"/cong-khai/tinh/{province}/",
        "tim-kiem": "/cong-khai/?q=my+thoi",
        "tim-khong-thay": "/cong-khai/?q=khong+co+xa+nay",
        "phuong-xa": f"/cong-khai/{ward}/",
        "quy": f"/cong-khai/{ward}/{fund.pk}/",
        "quy-tra-cuu": f"/cong-khai/{ward}/{fund.pk}/?q=nguyen&loai=thu",
        "dong-tien": f"/cong-khai/tinh/{province}/{drive.pk}/",
        "dong-tien-xa": f"/cong-khai/tinh/{province}/{drive.pk}/{ward}/",
        "dang-nhap": "/dang-nhap/",
    }


def violation_report(name, width, violations) -> str:
    """One readable block per violation: rule, impact, help, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{name} @ {width} px] {violation['id']} ({violation['impact']}): "
            f"{violation['help']} — {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}")
            lines.append(f"      {node['html'][:200]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def blocking_violations(page, context=None) -> list[dict]:
    results = Axe().run(page, context=context, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def keep_screenshot(page, name, viewport):
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{name}-{viewport['width']}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_public_pages_have_no_serious_accessibility_violations(
    live_server, page, public_site, size
):
    viewport = VIEWPORTS[size]
    page.set_viewport_size(viewport)
    reports, overflowing = [], []
    for name, path in public_site.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path}: {response.status}"
        keep_screenshot(page, name, viewport)
        found = blocking_violations(page)
        if found:
            reports.append(violation_report(name, viewport["width"], found))
        if size == "phone" and (extra := sideways_overflow(page)) > 0:
            overflowing.append(f"{path}: {extra} px wider than the window")
    assert not reports, "axe-core found serious or critical violations:\n" + "\n\n".join(reports)
    assert not overflowing, "Sideways scroll at 390 px:\n" + "\n".join(overflowing)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_officers_navigation_bar_meets_contrast(live_server, page, world, size):
    """The signed-in bar (every ward link, the user menu), opened on the phone."""
    viewport = VIEWPORTS[size]
    log_in(page, live_server, world.users["ward_officer"])  # its menu shows at full width
    page.set_viewport_size(viewport)
    if size == "phone":
        page.get_by_role("button", name="Mở menu").click()
        page.locator("#main-nav.show").wait_for()
    keep_screenshot(page, "thanh-dieu-huong", viewport)
    found = blocking_violations(page, context="nav.navbar")
    assert not found, violation_report("navbar", viewport["width"], found)
    # The search box and the public link on the phone: tap targets at least 44 px tall.
    page.goto(live_server.url + "/cong-khai/")
    assert page.get_by_role("searchbox").bounding_box()["height"] >= 44
    assert page.get_by_role("button", name="Tìm").bounding_box()["height"] >= 44
