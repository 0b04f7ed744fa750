"""The party committee viewer opens the ward dashboard, changes the period, sees the chart and
the table follow, and downloads the table as XLSX and CSV."""

import datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.models import Indicator, IndicatorValue, MonthlyReport
from tests.e2e.test_monthly_workflow import log_in

SESSIONS_COLUMN = 6  # Tháng, Cùng tháng năm trước, money raised and paid (this and last year)


def approved(ward, period, **figures):
    report = MonthlyReport.objects.create(
        ward=ward, period=period, status=MonthlyReport.Status.APPROVED
    )
    for code, value in figures.items():
        IndicatorValue.objects.create(
            report=report, indicator=Indicator.objects.get(code=code), value=value
        )


def chart_labels(page, chart_id):
    return page.evaluate(f"document.getElementById('{chart_id}').chart.data.labels")


@pytest.mark.django_db(transaction=True)
def test_party_viewer_reads_the_ward_dashboard(live_server, page, world, tmp_path):
    approved(world.ward_x, datetime.date(2025, 1, 1), TT_BUOI=3)
    approved(world.ward_x, datetime.date(2025, 2, 1), TT_BUOI=4)
    approved(world.ward_x, datetime.date(2025, 3, 1), TT_BUOI=1234)

    log_in(page, live_server, world.users["party_viewer"])
    page.goto(f"{live_server.url}/phuong-xa/{world.ward_x.code}/tong-quan/?tu=01/2025&den=02/2025")
    expect(page.get_by_role("heading", name="Tổng quan công tác Mặt trận")).to_be_visible()
    expect(page.get_by_test_id("stat-sessions")).to_have_text("7")
    expect(page.locator("#bieu-do-hoat-dong[data-ready='1']")).to_be_attached()
    assert chart_labels(page, "bieu-do-hoat-dong") == ["01/2025", "02/2025"]
    trend = page.get_by_test_id("table-xu-huong")
    expect(trend.locator("tbody tr")).to_have_count(2)

    page.get_by_label("Đến tháng").fill("03/2025")
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page.get_by_test_id("period-label")).to_have_text("từ tháng 01/2025 đến tháng 03/2025")
    expect(page.get_by_test_id("stat-sessions")).to_have_text("1.241")
    expect(trend.locator("tbody tr")).to_have_count(3)
    expect(trend.locator("tbody tr").nth(2)).to_contain_text("1.234")
    expect(page.locator("canvas#bieu-do-hoat-dong[data-ready='1']")).to_be_visible()
    expect(page.locator("canvas#bieu-do-tien[data-ready='1']")).to_be_visible()
    assert chart_labels(page, "bieu-do-hoat-dong") == ["01/2025", "02/2025", "03/2025"]

    with page.expect_download() as started:
        page.get_by_test_id("xlsx-xu-huong").click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][SESSIONS_COLUMN] == "Buổi tuyên truyền"
    march = next(row for row in rows if row[0] == "03/2025")
    assert march[SESSIONS_COLUMN] == 1234

    with page.expect_download() as started:
        page.get_by_test_id("csv-xu-huong").click()
    csv_file = tmp_path / "xu-huong.csv"
    started.value.save_as(csv_file)
    assert "03/2025" in csv_file.read_text(encoding="utf-8-sig")
