"""An officer creates a term report, writes a section in the rich text editor, inserts a
figure block, exports the PDF and downloads it."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.documents.models import Document
from tests import factories
from tests.e2e.test_monthly_workflow import log_in


@pytest.fixture
def immediate_tasks(settings):
    # The live server runs in this process: the PDF is rendered within the request.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db(transaction=True)
def test_term_report_written_with_figures_and_exported(live_server, page, world, immediate_tasks):
    officer = world.users["ward_officer"]
    fund = factories.fund(
        ward_obj=world.ward_x, name="Quỹ Vì người nghèo", starts_on=datetime.date(2015, 1, 1)
    )
    factories.donation(
        fund_obj=fund, user=officer, received_on=datetime.date(2016, 11, 18), amount=1_804_000_000
    )

    log_in(page, live_server, officer)
    page.get_by_role("link", name="Văn bản, báo cáo").click()
    expect(page.get_by_text("Chưa có văn bản nào.")).to_be_visible()
    page.get_by_role("link", name="Tạo văn bản").click()
    page.get_by_label("Báo cáo nhiệm kỳ").check()
    page.get_by_label("Từ ngày").fill("01/10/2014")
    page.get_by_label("Đến ngày").fill("30/09/2019")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_text("Đã tạo dự thảo báo cáo nhiệm kỳ.")).to_be_visible()
    expect(page.get_by_role("heading", name="PHẦN THỨ NHẤT", exact=False).first).to_be_visible()

    document = Document.objects.get()
    section = document.sections.get(heading="Tình hình chung")
    section_box = page.locator(f"#section-{section.pk}")

    # Narrative text in the rich text editor, with a bold figure; the page updates in place.
    page.get_by_role("link", name="Thêm đoạn văn vào mục 1. Tình hình chung").click()
    expect(section_box.locator(".richtext-editor")).to_be_visible()
    editor = section_box.get_by_role("textbox", name="Nội dung")
    editor.click()
    editor.press_sequentially("Phường có ")
    section_box.get_by_role("button", name="In đậm (Ctrl+B)").click()
    editor.press_sequentially("6.688")
    section_box.get_by_role("button", name="In đậm (Ctrl+B)").click()
    editor.press_sequentially(" cử tri.")
    section_box.get_by_role("button", name="Thêm đoạn văn").click()
    expect(page.locator("#editor-status")).to_have_text("Đã thêm đoạn văn.")
    expect(section_box.locator(".doc-text strong")).to_have_text("6.688")
    expect(section_box.locator(".doc-text")).to_contain_text("Phường có 6.688 cử tri.")

    # A figure block placed after the text, computed from the ward's data.
    page.get_by_role("link", name="Thêm bảng số liệu vào mục 1. Tình hình chung").click()
    section_box.get_by_label("Loại bảng số liệu").select_option("funds")
    section_box.get_by_label("Tên bảng").fill("Quỹ Vì người nghèo cả nhiệm kỳ")
    section_box.get_by_role("button", name="Thêm bảng số liệu").click()
    expect(page.locator("#editor-status")).to_have_text(
        "Đã thêm bảng số liệu, tính theo dữ liệu hiện có."
    )
    figure = section_box.locator("figure")
    expect(figure).to_contain_text("Quỹ Vì người nghèo cả nhiệm kỳ")
    expect(figure).to_contain_text("1.804.000.000")

    # Nothing was lost to a reload: the page from the server shows the same.
    page.reload()
    expect(section_box.locator(".doc-text strong")).to_have_text("6.688")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
