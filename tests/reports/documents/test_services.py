"""Writing documents: creation from the outline, sections and blocks in order, figures
computed from the data, issuing (frozen) and copying an issued document into a new draft."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.documents import outline, services
from reports.documents.models import Block, Document, Section

TERM = (datetime.date(2020, 1, 1), datetime.date(2024, 12, 31))


@pytest.fixture
def fund(make_fund):
    return make_fund(datetime.date(2020, 1, 1))


@pytest.fixture
def donate(fund, record_donation):
    def _donate(amount, on=datetime.date(2022, 3, 5)):
        return record_donation(fund, amount, on)

    return _donate


@pytest.fixture
def term_report(world):
    return services.document_create(
        ward=world.ward_x,
        kind=Document.Kind.TERM,
        starts_on=TERM[0],
        ends_on=TERM[1],
        user=world.users["ward_officer"],
    )


def headings(document):
    return list(document.sections.values_list("heading", flat=True))


def positions(queryset):
    return list(queryset.values_list("position", flat=True))


def funds_total(block):
    block.refresh_from_db()
    total_row = block.snapshot["rows"][-1]
    return total_row["cells"][1]["t"]


def funds_block(document):
    return Block.objects.get(section__document=document, kind=Block.Kind.FUNDS)


def test_a_term_report_starts_with_the_congress_outline_and_its_figures(world, donate, term_report):
    donate(1_804_000_000)
    expected = [s.heading for s in outline.default_sections(Document.Kind.TERM)]
    assert headings(term_report) == expected
    assert positions(term_report.sections) == list(range(len(expected)))
    assert term_report.status == Document.Status.DRAFT
    assert term_report.issuing_body == "PHƯỜNG MỸ THỚI"
    assert "nhiệm kỳ 2020 – 2024" in term_report.summary
    figures = Block.objects.filter(section__document=term_report).exclude(kind="text")
    assert figures.exists()
    assert all(block.snapshot and block.computed_at for block in figures)


def test_figures_are_computed_when_the_document_is_created(world, donate):
    donate(1_804_000_000)
    document = services.document_create(
        ward=world.ward_x,
        kind=Document.Kind.TERM,
        starts_on=TERM[0],
        ends_on=TERM[1],
        user=world.users["ward_chair"],
    )
    assert funds_total(funds_block(document)) == "1.804.000.000"


def test_creating_needs_dates_in_order_and_a_writer(world):
    with pytest.raises(ValidationError) as error:
        services.document_create(
            ward=world.ward_x,
            kind=Document.Kind.YEAR,
            starts_on=datetime.date(2025, 12, 31),
            ends_on=datetime.date(2025, 1, 1),
            user=world.users["ward_officer"],
        )
    assert "Ngày kết thúc kỳ báo cáo phải bằng hoặc sau ngày bắt đầu." in str(error.value)
    with pytest.raises(PermissionDenied):
        services.document_create(
            ward=world.ward_x,
            kind=Document.Kind.YEAR,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 12, 31),
            user=world.users["party_viewer"],
        )
    with pytest.raises(PermissionDenied):
        services.document_create(
            ward=world.ward_y,
            kind=Document.Kind.YEAR,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 12, 31),
            user=world.users["ward_officer"],
        )
    assert not Document.objects.exists()


def test_sections_are_added_moved_and_deleted_with_dense_positions(world, term_report):
    officer = world.users["ward_officer"]
    added = services.section_add(
        document=term_report, user=officer, level=2, heading="  Công tác  thi đua ", position=1
    )
    assert added.heading == "Công tác thi đua"
    assert headings(term_report)[1] == "Công tác thi đua"
    services.section_move(section=added, user=officer, direction=services.UP)
    assert headings(term_report)[0] == "Công tác thi đua"
    with pytest.raises(services.DocumentRefusal, match="Mục này đã ở đầu văn bản."):
        services.section_move(section=added, user=officer, direction=services.UP)
    services.section_delete(section=added, user=officer)
    count = term_report.sections.count()
    assert positions(term_report.sections) == list(range(count))
    assert "Công tác thi đua" not in headings(term_report)
    with pytest.raises(ValidationError, match="Hãy nhập tiêu đề của mục."):
        services.section_add(document=term_report, user=officer, level=2, heading="  ")


def test_text_is_cleaned_and_blocks_go_where_they_are_put(world, term_report):
    officer = world.users["ward_officer"]
    section = term_report.sections.get(heading="Tình hình chung")
    first = services.block_add_text(
        section=section,
        user=officer,
        text='<p onclick="x()">Dân số <b>26.000</b> người<script>alert(1)</script></p>',
    )
    assert first.text.startswith("<p>Dân số <strong>26.000")
    assert "người</p>" in first.text
    assert "script" not in first.text and "onclick" not in first.text
    second = services.block_add_text(section=section, user=officer, text="Đầu mục", position=0)
    assert list(section.blocks.values_list("pk", flat=True)) == [second.pk, first.pk]
    services.block_move(block=second, user=officer, direction=services.DOWN)
    assert list(section.blocks.values_list("pk", flat=True)) == [first.pk, second.pk]
    assert positions(section.blocks) == [0, 1]
    with pytest.raises(ValidationError, match="Đoạn văn đang trống"):
        services.block_add_text(section=section, user=officer, text="<p> <script>x</script></p>")
    services.block_delete(block=first, user=officer)
    assert positions(section.blocks) == [0]


def test_figure_options_are_checked(world, term_report):
    section = term_report.sections.first()
    with pytest.raises(ValidationError) as error:
        services.block_add_figure(
            section=section,
            user=world.users["ward_officer"],
            kind=Block.Kind.INDICATORS,
            options={"codes": ["KHONG_CO"]},
        )
    assert error.value.message_dict["codes"] == ["Mã chỉ tiêu không tồn tại: KHONG_CO."]
    block = services.block_add_figure(
        section=section,
        user=world.users["ward_officer"],
        kind=Block.Kind.INDICATORS,
        options={"codes": ["TT_BUOI"]},
        caption="Tuyên truyền",
        position=0,
    )
    assert block.snapshot["caption"] == "Tuyên truyền"
    assert block.options == {"codes": ["TT_BUOI"]}


def test_refresh_takes_in_new_data(world, donate, term_report):
    block = funds_block(term_report)
    assert funds_total(block) == "0"
    donate(5_000_000)
    services.block_refresh(block=block, user=world.users["ward_officer"])
    assert funds_total(block) == "5.000.000"
    donate(1_000_000)
    assert services.document_refresh_figures(document=term_report, user=world.users["ward_chair"])
    assert funds_total(block) == "6.000.000"


def test_changing_the_dates_recomputes_the_figures(world, donate, term_report):
    donate(7_000_000, on=datetime.date(2025, 6, 1))
    block = funds_block(term_report)
    assert funds_total(block) == "0"
    services.document_update_frame(
        document=term_report,
        user=world.users["ward_officer"],
        values={"ends_on": datetime.date(2025, 12, 31), "signer_name": "Nguyễn Văn Minh"},
    )
    assert funds_total(block) == "7.000.000"
    term_report.refresh_from_db()
    assert term_report.signer_name == "Nguyễn Văn Minh"
    with pytest.raises(ValidationError, match="Ký hiệu viết liền"):
        services.document_update_frame(
            document=term_report, user=world.users["ward_officer"], values={"symbol": "BC MTTQ"}
        )


def test_issuing_is_for_the_chair_needs_a_number_and_freezes_the_document(
    world, donate, term_report
):
    donate(1_000_000)
    with pytest.raises(PermissionDenied):
        services.document_issue(document=term_report, user=world.users["ward_officer"], number=5)
    with pytest.raises(ValidationError, match="Hãy ghi số văn bản trước khi ban hành."):
        services.document_issue(document=term_report, user=world.users["ward_chair"])
    issued = services.document_issue(document=term_report, user=world.users["ward_chair"], number=5)
    assert issued.status == Document.Status.ISSUED
    assert issued.issued_by == world.users["ward_chair"]
    assert issued.number_and_symbol == "Số: 05/BC-MTTQ"
    block = funds_block(issued)
    assert funds_total(block) == "1.000.000"  # figures computed one last time

    section = issued.sections.first()
    refused = [
        lambda user: services.block_refresh(block=block, user=user),
        lambda user: services.document_refresh_figures(document=issued, user=user),
        lambda user: services.section_add(document=issued, user=user, level=2, heading="Mới"),
        lambda user: services.section_move(section=section, user=user, direction="down"),
        lambda user: services.section_delete(section=section, user=user),
        lambda user: services.block_add_text(section=section, user=user, text="Thêm"),
        lambda user: services.block_delete(block=block, user=user),
        lambda user: services.document_update_frame(
            document=issued, user=user, values={"signer_name": "Khác"}
        ),
        lambda user: services.document_issue(document=issued, user=user, number=6),
        lambda user: services.document_delete(document=issued, user=user),
    ]
    donate(9_000_000)
    for attempt in refused:
        with pytest.raises(services.DocumentRefusal, match="Văn bản đã ban hành, không sửa được."):
            attempt(world.users["ward_chair"])
    assert funds_total(block) == "1.000.000"
    assert Section.objects.filter(document=issued).count() == len(
        outline.default_sections(Document.Kind.TERM)
    )


def test_a_number_is_used_once_a_year(world, term_report):
    chair = world.users["ward_chair"]
    services.document_issue(document=term_report, user=chair, number=3)
    other = services.document_create(
        ward=world.ward_x, kind="year", starts_on=TERM[0], ends_on=TERM[1], user=chair
    )
    with pytest.raises(ValidationError, match="đã dùng cho một văn bản đã ban hành khác"):
        services.document_issue(document=other, user=chair, number=3)


def test_an_issued_document_is_copied_into_a_new_draft(world, donate, term_report):
    donate(2_000_000)
    section = term_report.sections.get(heading="Tình hình chung")
    services.block_add_text(
        section=section, user=world.users["ward_officer"], text="<p>Nội dung</p>"
    )
    issued = services.document_issue(document=term_report, user=world.users["ward_chair"], number=5)
    copy = services.document_copy_as_draft(document=issued, user=world.users["ward_officer"])
    assert copy.pk != issued.pk
    assert copy.status == Document.Status.DRAFT
    assert copy.number is None and copy.issued_at is None
    assert copy.created_by == world.users["ward_officer"]
    assert headings(copy) == headings(issued)
    assert copy.sections.get(heading="Tình hình chung").blocks.get().text == "<p>Nội dung</p>"
    assert funds_total(funds_block(copy)) == "2.000.000"
    services.section_add(document=copy, user=world.users["ward_officer"], level=2, heading="Mới")
    assert "Mới" not in headings(issued)
    with pytest.raises(PermissionDenied):
        services.document_copy_as_draft(document=issued, user=world.users["party_viewer"])
