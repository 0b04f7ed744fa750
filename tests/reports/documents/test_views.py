"""The document pages as officers, chairs and readers use them: list, create, edit in place
(htmx or plain forms), issue, copy, export; and who may see or change what."""

import datetime

import pytest
from django.urls import reverse

from reports.documents import services
from reports.documents.models import Block, Document
from tests import factories
from tests.readers import pdf_text

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run inside the request (django.tasks resets its backends on the change)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def fund(make_fund):
    return make_fund(datetime.date(2015, 1, 1))


def donate(world, fund, amount, on=datetime.date(2016, 3, 5)):
    return factories.donation(
        fund_obj=fund, user=world.users["ward_officer"], amount=amount, received_on=on
    )


def create(world, ward=None, kind=Document.Kind.TERM, user=None):
    return services.document_create(
        ward=ward or world.ward_x,
        kind=kind,
        starts_on=datetime.date(2014, 10, 1),
        ends_on=datetime.date(2019, 9, 30),
        user=user or world.users["ward_officer"],
    )


def url(name, document, *extra):
    return reverse(name, args=[document.ward.code, document.pk, *extra])


def page_text(response) -> str:
    return response.content.decode()


# --- List and creation -------------------------------------------------------------------------


def test_the_list_starts_empty_then_shows_searches_and_pages(world, login):
    client = login(world.users["ward_officer"])
    list_url = reverse("reports:documents", args=[world.ward_x.code])
    empty = page_text(client.get(list_url))
    assert "Chưa có văn bản nào." in empty
    assert "Tạo văn bản" in empty

    create(world)
    for _ in range(20):
        create(world, kind=Document.Kind.MONTH)
    first_page = page_text(client.get(list_url))
    assert "Trang 1 / 2" in first_page
    found = page_text(client.get(list_url, {"q": "nhiệm kỳ"}))
    assert found.count("Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019") == 1
    assert "Trang 1 / 2" not in found
    nothing = page_text(client.get(list_url, {"q": "không có đâu"}))
    assert "Không có văn bản nào khớp “không có đâu”." in nothing


def test_readers_see_the_list_without_the_create_button(world, login):
    create(world)
    page = page_text(
        login(world.users["party_viewer"]).get(
            reverse("reports:documents", args=[world.ward_x.code])
        )
    )
    assert "Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019" in page
    assert "Tạo văn bản" not in page


def test_an_officer_creates_a_term_report_with_its_outline(world, login):
    client = login(world.users["ward_officer"])
    response = client.post(
        reverse("reports:document_new", args=[world.ward_x.code]),
        {"kind": "term", "starts_on": "01/10/2014", "ends_on": "30/09/2019"},
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("reports:document", document)
    page = page_text(client.get(response["Location"]))
    assert "Đã tạo dự thảo báo cáo nhiệm kỳ." in page
    assert "PHẦN THỨ NHẤT" in page
    assert "I. Tình hình khối đại đoàn kết toàn dân tộc" in page
    assert "PHẦN THỨ HAI" in page
    assert "Kỳ báo cáo: 01/10/2014 – 30/09/2019" in page
    assert page.index("Bài học kinh nghiệm") < page.index("Mục tiêu chung")


def test_a_month_report_takes_the_whole_month_when_the_end_is_left_empty(world, login):
    client = login(world.users["ward_chair"])
    client.post(
        reverse("reports:document_new", args=[world.ward_x.code]),
        {"kind": "month", "starts_on": "15/10/2025", "ends_on": ""},
    )
    document = Document.objects.get()
    assert (document.starts_on, document.ends_on) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 10, 31),
    )


def test_bad_dates_are_explained_and_kept(world, login):
    client = login(world.users["ward_officer"])
    new_url = reverse("reports:document_new", args=[world.ward_x.code])
    response = client.post(new_url, {"kind": "term", "starts_on": "31/02/2019", "ends_on": ""})
    page = page_text(response)
    assert response.status_code == 400
    assert "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm" in page
    assert 'value="31/02/2019"' in page
    response = client.post(new_url, {"kind": "term", "starts_on": "01/10/2019", "ends_on": ""})
    assert "Báo cáo nhiệm kỳ cần ngày kết thúc." in page_text(response)
    response = client.post(
        new_url, {"kind": "range", "starts_on": "01/10/2019", "ends_on": "01/01/2019"}
    )
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in page_text(response)
    assert not Document.objects.exists()


# --- Editing -----------------------------------------------------------------------------------


def test_text_written_in_place_is_cleaned_and_shown(world, login):
    document = create(world)
    section = document.sections.get(heading="Tình hình chung")
    client = login(world.users["ward_officer"])
    add_url = url("reports:document_block_add_text", document, section.pk)

    form = client.get(add_url, **HTMX)
    assert "data-richtext" in page_text(form)
    assert "<html" not in page_text(form)

    hostile = (
        '<p>Dân số <strong>26.000</strong> người.</p><script>alert("x")</script>'
        '<img src="file:///etc/passwd" onerror="alert(1)">'
    )
    response = client.post(add_url, {"text": hostile, "position": "0"}, **HTMX)
    fragment = page_text(response)
    assert response.status_code == 200
    assert f'id="section-{section.pk}"' in fragment
    assert "26.000" in fragment
    assert "Đã thêm đoạn văn." in fragment
    editor = page_text(client.get(url("reports:document", document)))
    assert "Dân số <strong>26.000" in editor
    assert 'alert("x")' not in editor
    assert "/etc/passwd" not in editor


def test_element_ids_never_group_thousands(world, login):
    # Ids are targets of htmx swaps; "section-1.266" would break them once ids pass 999.
    document = create(world)
    section = document.sections.first()
    Block.objects.filter(section__document=document).delete()
    document.sections.filter(pk=section.pk).update(id=12345)
    client = login(world.users["ward_officer"])
    editor = page_text(client.get(url("reports:document", document)))
    assert 'id="section-12345"' in editor
    assert "section-12.345" not in editor


def test_empty_text_is_refused_and_the_form_comes_back(world, login):
    document = create(world)
    section = document.sections.first()
    client = login(world.users["ward_officer"])
    add_url = url("reports:document_block_add_text", document, section.pk)
    response = client.post(add_url, {"text": "<p> </p>", "position": "0"}, **HTMX)
    assert "Đoạn văn đang trống, hãy viết nội dung." in page_text(response)
    assert response["HX-Retarget"] == f"#section-{section.pk}-new"
    plain = client.post(add_url, {"text": "<p><b>  </b></p>", "position": "0"})
    assert plain.status_code == 400
    assert "Đoạn văn đang trống, hãy viết nội dung." in page_text(plain)
    assert not section.blocks.exists()


def test_edited_text_survives_an_error_elsewhere(world, login):
    document = create(world)
    section = document.sections.first()
    block = services.block_add_text(
        section=section, user=world.users["ward_officer"], text="<p>Bản cũ</p>"
    )
    client = login(world.users["ward_officer"])
    edit_url = url("reports:document_block_edit", document, block.pk)
    assert "Bản cũ" in page_text(client.get(edit_url))
    response = client.post(edit_url, {"text": "<p>Bản <em>mới</em></p>", "version": block.version})
    assert response.status_code == 302
    assert "Bản <em>mới</em>" in page_text(client.get(url("reports:document", document)))


def test_the_frame_form_keeps_typed_values_and_saves_them(world, login):
    document = create(world)
    client = login(world.users["ward_officer"])
    frame_url = url("reports:document_frame", document)
    values = {
        name: value
        for name, value in ((field, getattr(document, field)) for field in services.FRAME_FIELDS)
        if value is not None
    }
    for name, value in values.items():
        if isinstance(value, datetime.date):
            values[name] = value.strftime("%d/%m/%Y")
    values.update(signer_name="Trần Văn Hùng", issued_on="32/10/2019", symbol="BC-MTTQ")
    values["version"] = document.version
    bad = client.post(frame_url, values)
    assert bad.status_code == 400
    assert "Ngày không hợp lệ" in page_text(bad)
    assert 'value="Trần Văn Hùng"' in page_text(bad)
    document.refresh_from_db()
    assert document.signer_name == ""

    values["issued_on"] = "25/10/2019"
    assert client.post(frame_url, values).status_code == 302
    page = page_text(client.get(url("reports:document", document)))
    assert "Mỹ Thới, ngày 25 tháng 10 năm 2019" in page
    assert "Trần Văn Hùng" in page


def test_sections_move_with_buttons_and_are_renumbered(world, login):
    document = create(world, kind=Document.Kind.YEAR)
    client = login(world.users["ward_officer"])
    first, second = document.sections.all()[:2]
    response = client.post(
        url("reports:document_section_move", document, second.pk), {"direction": "up"}, **HTMX
    )
    fragment = page_text(response)
    assert 'id="outline"' in fragment
    assert fragment.index(second.heading) < fragment.index(first.heading)
    assert f"1. {second.heading}" in fragment
    assert f"I. {first.heading}" in fragment
    refused = client.post(
        url("reports:document_section_move", document, second.pk), {"direction": "up"}
    )
    assert refused.status_code == 302
    assert "Mục này đã ở đầu văn bản." in page_text(client.get(refused["Location"]))


def test_a_section_is_added_edited_and_deleted_after_confirmation(world, login):
    document = create(world, kind=Document.Kind.YEAR)
    client = login(world.users["ward_officer"])
    response = client.post(
        url("reports:document_section_add", document),
        {"new-level": "2", "new-heading": "Công tác đối ngoại nhân dân", "new-position": "0"},
    )
    assert response.status_code == 302
    section = document.sections.get(heading="Công tác đối ngoại nhân dân")
    assert section.position == 0
    bad = client.post(
        url("reports:document_section_add", document),
        {"new-level": "2", "new-heading": "", "new-position": "0"},
        **HTMX,
    )
    assert "Hãy nhập tiêu đề của mục." in page_text(bad)

    client.post(
        url("reports:document_section_edit", document, section.pk),
        {"level": "3", "heading": "Đối ngoại nhân dân", "version": section.version},
    )
    section.refresh_from_db()
    assert (section.level, section.heading) == (3, "Đối ngoại nhân dân")

    delete_url = url("reports:document_section_delete", document, section.pk)
    confirm = page_text(client.get(delete_url))
    assert "Xóa mục “Đối ngoại nhân dân”? Không khôi phục được." in confirm
    client.post(delete_url)
    assert not document.sections.filter(pk=section.pk).exists()


def test_a_figure_block_shows_the_data_in_vietnamese_format(world, fund, login):
    donate(world, fund, 1_804_000_000)
    document = create(world, kind=Document.Kind.RANGE)
    section = document.sections.first()
    client = login(world.users["ward_officer"])
    response = client.post(
        url("reports:document_block_add_figure", document, section.pk),
        {"kind": "funds", "caption": "Quỹ Vì người nghèo nhiệm kỳ", "chart": "on", "position": "0"},
        **HTMX,
    )
    fragment = page_text(response)
    assert "Quỹ Vì người nghèo nhiệm kỳ" in fragment
    assert "1.804.000.000" in fragment
    assert "<svg" in fragment
    block = section.blocks.get(caption="Quỹ Vì người nghèo nhiệm kỳ")
    assert block.options == {"chart": True}

    indicators = client.post(
        url("reports:document_block_add_figure", document, section.pk),
        {"kind": "indicators", "codes": [], "position": "0"},
        **HTMX,
    )
    assert "Chọn ít nhất một chỉ tiêu." in page_text(indicators)
    client.post(
        url("reports:document_block_add_figure", document, section.pk),
        {"kind": "indicators", "codes": ["TT_BUOI", "TT_LUOT"], "position": "0"},
    )
    assert section.blocks.get(kind="indicators").options == {"codes": ["TT_BUOI", "TT_LUOT"]}


def test_refresh_shows_new_data_in_a_draft(world, fund, login):
    document = create(world)
    client = login(world.users["ward_officer"])
    donate(world, fund, 25_000_000)
    block = Block.objects.get(section__document=document, kind="funds")
    response = client.post(url("reports:document_block_refresh", document, block.pk), **HTMX)
    assert "25.000.000" in page_text(response)
    assert "Đã cập nhật số liệu của bảng." in page_text(response)


# --- Issuing and copying -----------------------------------------------------------------------


def test_only_the_chair_issues_and_then_the_document_is_read_only(world, fund, login):
    donate(world, fund, 1_804_000_000)
    document = create(world)
    officer = login(world.users["ward_officer"])
    assert officer.get(url("reports:document_issue", document)).status_code == 403
    assert "Ban hành</a>" not in page_text(officer.get(url("reports:document", document)))

    chair = login(world.users["ward_chair"])
    missing = chair.post(url("reports:document_issue", document), {"number": ""})
    assert "Hãy ghi số văn bản trước khi ban hành." in page_text(missing)
    issued = chair.post(url("reports:document_issue", document), {"number": "5"})
    assert issued.status_code == 302
    page = page_text(chair.get(issued["Location"]))
    assert "Đã ban hành" in page
    assert "Số: 05/BC-MTTQ" in page
    assert "Sao chép thành dự thảo mới" in page
    assert "+ Thêm đoạn văn" not in page
    assert "1.804.000.000" in page


def test_issued_documents_keep_their_figures(world, fund, login, immediate_tasks):
    donate(world, fund, 1_804_000_000)
    document = create(world)
    services.document_issue(document=document, user=world.users["ward_chair"], number=5)
    donate(world, fund, 1_000_000)
    client = login(world.users["ward_officer"])
    block = Block.objects.get(section__document=document, kind="funds")

    refused = client.post(url("reports:document_block_refresh", document, block.pk))
    assert "Văn bản đã ban hành, không sửa được." in page_text(client.get(refused["Location"]))
    refused = client.post(url("reports:document_refresh", document), **HTMX)
    assert refused["HX-Redirect"] == url("reports:document", document)
    assert client.get(url("reports:document_block_edit", document, block.pk)).status_code == 302

    page = page_text(client.get(url("reports:document", document)))
    assert "1.804.000.000" in page
    assert "1.805.000.000" not in page
    text = pdf_text(client.get(url("reports:document_pdf", document)).content)
    assert "1.804.000.000" in text
    assert "1.805.000.000" not in text


def test_an_issued_document_is_copied_into_a_draft(world, login):
    document = create(world)
    services.document_issue(document=document, user=world.users["ward_chair"], number=5)
    client = login(world.users["ward_officer"])
    response = client.post(url("reports:document_copy", document))
    copy = Document.objects.exclude(pk=document.pk).get()
    assert response["Location"] == url("reports:document", copy)
    page = page_text(client.get(response["Location"]))
    assert "Đã sao chép thành dự thảo mới." in page
    assert "Dự thảo" in page
    assert "+ Thêm đoạn văn" in page


def test_a_draft_is_deleted_after_confirmation(world, login):
    document = create(world)
    client = login(world.users["ward_officer"])
    confirm = page_text(client.get(url("reports:document_delete", document)))
    assert "không khôi phục được" in confirm
    response = client.post(url("reports:document_delete", document))
    assert response["Location"] == reverse("reports:documents", args=[world.ward_x.code])
    assert not Document.objects.exists()


# --- Exports -----------------------------------------------------------------------------------


def test_the_pdf_downloads_and_an_unchanged_document_is_served_as_stored(
    world, fund, login, immediate_tasks
):
    donate(world, fund, 1_804_000_000)
    document = create(world)
    client = login(world.users["party_viewer"])
    response = client.get(url("reports:document_pdf", document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "PHẦN THỨ NHẤT" in text
    assert "1.804.000.000" in text
    document.refresh_from_db()
    stored = document.pdf_file.name
    assert stored
    again = client.get(url("reports:document_pdf", document))
    assert again.content == response.content
    document.refresh_from_db()
    assert document.pdf_file.name == stored


def test_a_failed_rendering_says_so_and_offers_a_retry(world, login, immediate_tasks, monkeypatch):
    from reports.documents import tasks

    def broken(document):
        raise RuntimeError("font missing")

    monkeypatch.setattr(tasks.pdf, "stored_or_rendered_pdf", broken)
    document = create(world)
    response = login(world.users["ward_officer"]).get(url("reports:document_pdf", document))
    page = page_text(response)
    assert "Không tạo được tệp PDF." in page
    assert f'href="{url("reports:document_pdf", document)}">Thử lại</a>' in page


def test_docx_and_print_preview(world, fund, login):
    donate(world, fund, 1_804_000_000)
    document = create(world)
    client = login(world.users["province_officer"])
    docx = client.get(url("reports:document_docx", document))
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx.content.startswith(b"PK")
    preview = page_text(client.get(url("reports:document_preview", document)))
    assert '<base href="/static/">' in preview
    assert "PHẦN THỨ NHẤT" in preview
    assert "1.804.000.000" in preview


# --- Who sees and changes what -----------------------------------------------------------------


def test_another_wards_documents_are_not_found(world, login):
    document_y = create(world, ward=world.ward_y, user=world.users["admin"])
    client = login(world.users["ward_officer"])
    assert client.get(url("reports:document", document_y)).status_code == 404
    smuggled = reverse("reports:document", args=[world.ward_x.code, document_y.pk])
    assert client.get(smuggled).status_code == 404
    section = document_y.sections.first()
    add = reverse(
        "reports:document_block_add_text", args=[world.ward_x.code, document_y.pk, section.pk]
    )
    assert client.post(add, {"text": "x", "position": "0"}).status_code == 404
    assert client.post(url("reports:document_copy", document_y)).status_code == 404
    assert not section.blocks.exists()


def test_readers_read_but_cannot_write(world, login):
    document = create(world)
    section = document.sections.first()
    viewer = login(world.users["party_viewer"])
    assert viewer.get(url("reports:document", document)).status_code == 200
    page = page_text(viewer.get(url("reports:document", document)))
    assert "+ Thêm đoạn văn" not in page
    writes = [
        (url("reports:document_block_add_text", document, section.pk), {"text": "x"}),
        (url("reports:document_section_move", document, section.pk), {"direction": "down"}),
        (url("reports:document_refresh", document), {}),
        (url("reports:document_copy", document), {}),
        (url("reports:document_issue", document), {"number": "1"}),
    ]
    for target, data in writes:
        assert viewer.post(target, data).status_code == 403, target
    assert not section.blocks.exists()
    assert Document.objects.get().status == Document.Status.DRAFT


def test_the_province_officer_reads_the_provinces_documents_only(world, login):
    document_y = create(world, ward=world.ward_y, user=world.users["admin"])
    document_z = create(world, ward=world.ward_z, user=world.users["admin"])
    client = login(world.users["province_officer"])
    assert client.get(url("reports:document", document_y)).status_code == 200
    assert client.get(url("reports:document_pdf", document_z)).status_code == 404
    assert client.get(url("reports:document", document_z)).status_code == 404
    assert client.post(url("reports:document_refresh", document_y)).status_code == 403
