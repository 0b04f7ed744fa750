"""The province officer opens the province summary on a phone (390 px wide): no sideways
scroll, the wide table scrolls inside its own box, and the communes' workbook downloads."""

import datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import Indicator, IndicatorValue, MonthlyReport
from tests.e2e.test_monthly_workflow import log_in


def approved(ward, period, **figures):
    report = MonthlyReport.objects.create(
        ward=ward, period=period, status=MonthlyReport.Status.APPROVED
    )
    for code, value in figures.items():
        IndicatorValue.objects.create(
            report=report, indicator=Indicator.objects.get(code=code), value=value
        )


@pytest.mark.django_db(transaction=True)
def test_province_summary_reads_on_a_phone(live_server, page, world, tmp_path):
    approved(world.ward_x, datetime.date(2025, 1, 1), TT_BUOI=3, VNN_THU=1_804_000_000)
    approved(world.ward_y, datetime.date(2025, 2, 1), TT_BUOI=1234)
    log_in(page, live_server, world.users["province_officer"])
    page.set_viewport_size({"width": 390, "height": 844})  # the menu folds away at this width
    page.goto(f"{live_server.url}/tinh/{world.province_a.code}/tong-hop/?ky=quy&den=03/2025")
    expect(page.get_by_role("heading", name="Tổng hợp chỉ tiêu toàn tỉnh")).to_be_visible()
    table = page.get_by_test_id("table-chi-tieu-toan-tinh")
    expect(table.locator("tr", has_text="TT_BUOI")).to_contain_text("1.237")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = table.locator("xpath=..")
    assert "table-responsive" in box.get_attribute("class")

    with page.expect_download() as started:
        page.get_by_test_id("xlsx-wards").click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(min_row=4, values_only=True))
    column = rows[0].index("TT_BUOI")
    total = next(row for row in rows if row[1] == "Toàn tỉnh")
    assert total[column] == 1237
