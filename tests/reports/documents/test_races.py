"""Documents under concurrent use: a number issued once per ward, symbol and year even when two
drafts are issued at the same moment; an edit saved meanwhile by someone else is never
overwritten silently, the editor shows both texts instead."""

import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reports.documents import services
from reports.documents.models import Block, Document
from tests import factories
from tests.once import at_once, logged_in
from tests.reports.documents.conftest import frame_form

HTMX = {"HTTP_HX_REQUEST": "true"}


def create(world, kind=Document.Kind.YEAR):
    return factories.document(ward_obj=world.ward_x, user=world.users["ward_officer"], kind=kind)


def url(name, document, *extra):
    return reverse(name, args=[document.ward.code, document.pk, *extra])


def version_of(response) -> str:
    match = re.search(r'name="version" value="(\d+)"', response.content.decode())
    assert match, "the edit form carries no version"
    return match.group(1)


def conflict_texts(response) -> tuple[list[str], list[str]]:
    """(saved meanwhile, yours) as the conflict notice shows them."""
    page = response.content.decode()
    saved = re.findall(r'class="conflict-saved[^"]*">(.*?)</div>', page, re.S)
    yours = re.findall(r'class="conflict-yours[^"]*">(.*?)</div>', page, re.S)
    return saved, yours


# --- Issuing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_number_issued_twice_in_a_year(world, make_document):
    fields = {"status": Document.Status.ISSUED, "number": 7, "issued_year": 2024}
    make_document(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_document(**fields)
    # Another year, another symbol, or a draft may carry the number.
    make_document(**{**fields, "issued_year": 2025})
    make_document(**{**fields, "symbol": "BC-BTT"})
    make_document(number=7)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_two_drafts_issued_at_the_same_moment_with_one_number(world, transactional_db, monkeypatch):
    drafts = [create(world), create(world, kind=Document.Kind.HALF)]
    chair = world.users["ward_chair"]
    clients = [logged_in(chair), logged_in(chair)]
    # Both requests pass the "number already used?" check before either writes.
    checked = threading.Barrier(2, timeout=20)
    refresh_all = services._refresh_all

    def refresh_then_wait(document):
        count = refresh_all(document)
        checked.wait()
        return count

    monkeypatch.setattr(services, "_refresh_all", refresh_then_wait)
    responses = at_once(
        *(
            lambda client=client, draft=draft: client.post(
                url("reports:document_issue", draft), {"number": "5"}
            )
            for client, draft in zip(clients, drafts, strict=True)
        )
    )
    assert sorted(response.status_code for response in responses) == [302, 400]
    issued = Document.objects.filter(status=Document.Status.ISSUED)
    assert issued.count() == 1
    refused = next(response for response in responses if response.status_code == 400)
    year = issued.get().issued_on.year
    assert (
        f"Số 05/BC-MTTQ năm {year} đã dùng cho một văn bản đã ban hành khác."
        in refused.content.decode()
    )


# --- Concurrent edits ------------------------------------------------------------------------


@pytest.fixture
def two_editors(world):
    """The ward's officer and chair, each in their own browser."""
    return logged_in(world.users["ward_officer"]), logged_in(world.users["ward_chair"])


def test_a_text_edited_meanwhile_is_shown_next_to_yours_and_kept(world, two_editors):
    officer, chair = two_editors
    document = create(world)
    section = document.sections.first()
    block = services.block_add_text(
        section=section, user=world.users["ward_officer"], text="<p>Bản đầu</p>"
    )
    edit_url = url("reports:document_block_edit", document, block.pk)
    officer_form = officer.get(edit_url)
    chair_form = chair.get(edit_url)
    saved = chair.post(
        edit_url, {"text": "<p>Bản của Chủ tịch</p>", "version": version_of(chair_form)}
    )
    assert saved.status_code == 302

    response = officer.post(
        edit_url, {"text": "<p>Bản của <em>cán bộ</em></p>", "version": version_of(officer_form)}
    )
    assert response.status_code == 409
    assert "Người khác đã lưu đoạn văn này sau khi bạn mở trang" in response.content.decode()
    assert conflict_texts(response) == (
        ["<p>Bản của Chủ tịch</p>"],
        ["<p>Bản của <em>cán bộ</em></p>"],
    )
    assert "Bản của &lt;em&gt;cán bộ&lt;/em&gt;" in response.content.decode()  # still typed
    block.refresh_from_db()
    assert block.text == "<p>Bản của Chủ tịch</p>"

    # Having read both, the officer saves again from the conflict page: that is a decision.
    again = officer.post(
        edit_url, {"text": "<p>Bản của <em>cán bộ</em></p>", "version": version_of(response)}
    )
    assert again.status_code == 302
    block.refresh_from_db()
    assert block.text == "<p>Bản của <em>cán bộ</em></p>"


def test_in_place_editing_shows_the_conflict_where_the_form_was(world, two_editors):
    officer, chair = two_editors
    document = create(world)
    block = services.block_add_text(
        section=document.sections.first(), user=world.users["ward_officer"], text="<p>Cũ</p>"
    )
    edit_url = url("reports:document_block_edit", document, block.pk)
    stale = version_of(officer.get(edit_url, **HTMX))
    chair.post(edit_url, {"text": "<p>Mới</p>", "version": version_of(chair.get(edit_url))})
    response = officer.post(edit_url, {"text": "<p>Của tôi</p>", "version": stale}, **HTMX)
    assert response["HX-Retarget"] == f"#block-{block.pk}"
    assert conflict_texts(response) == (["<p>Mới</p>"], ["<p>Của tôi</p>"])
    block.refresh_from_db()
    assert block.text == "<p>Mới</p>"


def test_a_figure_block_edited_meanwhile_is_not_overwritten(world, two_editors):
    officer, chair = two_editors
    document = create(world)
    block = Block.objects.filter(section__document=document, kind=Block.Kind.FUNDS).first()
    edit_url = url("reports:document_block_edit", document, block.pk)
    stale = version_of(officer.get(edit_url))
    chair.post(
        edit_url, {"caption": "Quỹ của Chủ tịch", "version": version_of(chair.get(edit_url))}
    )
    response = officer.post(
        edit_url, {"caption": "Quỹ của cán bộ", "chart": "on", "version": stale}
    )
    assert response.status_code == 409
    saved, yours = conflict_texts(response)
    assert (saved[0], yours[0]) == ("Quỹ của Chủ tịch", "Quỹ của cán bộ")
    block.refresh_from_db()
    assert block.caption == "Quỹ của Chủ tịch"


def test_a_heading_edited_meanwhile_is_not_overwritten(world, two_editors):
    officer, chair = two_editors
    document = create(world)
    section = document.sections.first()
    edit_url = url("reports:document_section_edit", document, section.pk)
    stale = version_of(officer.get(edit_url))
    chair.post(
        edit_url,
        {
            "level": "2",
            "heading": "Tiêu đề của Chủ tịch",
            "version": version_of(chair.get(edit_url)),
        },
    )
    response = officer.post(
        edit_url, {"level": "2", "heading": "Tiêu đề của cán bộ", "version": stale}
    )
    assert response.status_code == 409
    assert "Người khác đã lưu tiêu đề mục này" in response.content.decode()
    saved, yours = conflict_texts(response)
    assert "Tiêu đề của Chủ tịch" in saved and "Tiêu đề của cán bộ" in yours
    section.refresh_from_db()
    assert section.heading == "Tiêu đề của Chủ tịch"


def test_a_frame_saved_meanwhile_is_not_overwritten(world, two_editors):
    officer, chair = two_editors
    document = create(world)
    frame_url = url("reports:document_frame", document)
    stale = version_of(officer.get(frame_url))
    chair.post(
        frame_url,
        frame_form(document, signer_name="Trần Văn Hùng", version=version_of(chair.get(frame_url))),
    )
    response = officer.post(
        frame_url, frame_form(document, signer_name="Lê Văn Tám", version=stale)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Người khác đã lưu khung văn bản này" in page
    saved, yours = conflict_texts(response)
    assert (saved, yours) == (["Trần Văn Hùng"], ["Lê Văn Tám"])  # only what differs
    assert 'value="Lê Văn Tám"' in page
    document.refresh_from_db()
    assert document.signer_name == "Trần Văn Hùng"


def test_an_edit_without_its_version_is_a_conflict(world, login):
    client = login(world.users["ward_officer"])
    document = create(world)
    block = services.block_add_text(
        section=document.sections.first(), user=world.users["ward_officer"], text="<p>Cũ</p>"
    )
    response = client.post(
        url("reports:document_block_edit", document, block.pk), {"text": "<p>X</p>"}
    )
    assert response.status_code == 409
    assert "không cho biết bạn đang sửa bản nào, nên chưa lưu gì" in response.content.decode()
    block.refresh_from_db()
    assert block.text == "<p>Cũ</p>"
