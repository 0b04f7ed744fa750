from io import BytesIO
from unittest import mock
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from core.printing import static_dir
from reports.documents import pdf
from reports.documents.charts import bar_chart_svg
from reports.documents.frame import numbered_sections, section_label
from reports.documents.models import Block, Document, Section
from reports.documents.pdf import (
    document_html,
    pdf_is_current,
    render_pdf,
    stored_or_rendered_pdf,
    stored_pdf,
)
from tests.readers import pdf_pages, pdf_reader

TOP_MARGIN_PT = 20 / 25.4 * 72


def texts_in_top_margin(content: bytes) -> list[list[str]]:
    """Per page, the texts drawn in the top 20 mm of the page."""
    reader = PdfReader(BytesIO(content))
    found = []
    for page in reader.pages:
        top = float(page.mediabox.top)
        in_margin = []

        def visit(text, cm, tm, font, size, top=top, in_margin=in_margin):
            y = cm[3] * tm[5] + cm[5]  # WeasyPrint draws in a flipped, scaled space
            if text.strip() and top - y < TOP_MARGIN_PT:
                in_margin.append(text.strip())

        page.extract_text(visitor_text=visit)
        found.append(in_margin)
    return found


def in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def long_table(document, rows=70):
    section = Section.objects.create(
        document=document, position=99, level=Section.Level.ROMAN, heading="Phụ lục số liệu"
    )
    return Block.objects.create(
        section=section,
        position=1,
        kind=Block.Kind.INDICATORS,
        snapshot={
            "caption": "Kết quả các chỉ tiêu",
            "unit": "Đơn vị: người",
            "columns": [
                {"label": "Chỉ tiêu", "align": "left"},
                {"label": "Kết quả", "align": "right"},
            ],
            "rows": [
                {"cells": [{"t": f"Chỉ tiêu số {n}", "v": None}, {"t": "1.000", "v": 1000}]}
                for n in range(1, rows + 1)
            ],
        },
    )


@pytest.mark.django_db
def test_the_pdf_shows_the_official_frame(term_report):
    content, pages = render_pdf(term_report)
    texts = pdf_pages(content)
    first, everything = texts[0], " ".join(texts)

    assert content.startswith(b"%PDF")
    assert pages == len(texts)
    for part in [
        "ỦY BAN MTTQ VIỆT NAM",
        "PHƯỜNG MỸ THỚI",
        "BAN THƯỜNG TRỰC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-MTTQ",
        "Mỹ Thới, ngày 25 tháng 10 năm 2019",
        "BÁO CÁO",
        "Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019",
    ]:
        assert part in first, part
    assert in_order(
        everything,
        [
            "ĐOÀN KẾT - DÂN CHỦ - ĐỔI MỚI - PHÁT TRIỂN",
            "Nơi nhận: - Đảng ủy phường; - HĐND, UBND phường; - Lưu: VT.",
            "TM. BAN THƯỜNG TRỰC CHỦ TỊCH Nguyễn Văn An",
        ],
    )


@pytest.mark.django_db
def test_the_pdf_shows_the_section_headings_numbered_in_order(term_report, term_report_headings):
    everything = " ".join(pdf_pages(render_pdf(term_report)[0]))

    # Blanks are collapsed in the PDF's text: the part titles follow on the same line.
    assert in_order(everything, [heading.replace("\n", " ") for heading in term_report_headings])


@pytest.mark.django_db
def test_the_pdf_shows_text_and_figures_as_formatted(term_report):
    everything = " ".join(pdf_pages(render_pdf(term_report)[0]))

    assert "Nội dung mục 3: đoàn kết và đồng thuận." in everything
    assert "- Vận động hộ nghèo." in everything
    assert "Kết quả vận động Quỹ Vì người nghèo" in everything
    assert "(01/10/2014 – 30/09/2019)" in everything
    assert "Đơn vị: đồng" in everything
    assert "Quỹ Đã vận động Đã chi" in everything
    assert "Quỹ Vì người nghèo 1.804.000.000 1.650.500.000" in everything
    assert "Tổng cộng 2.216.300.000 2.048.500.000" in everything
    # The chart, in millions.
    assert "Đơn vị: triệu đồng" in everything
    assert "310" in everything and "342" in everything


@pytest.mark.django_db
def test_the_embedded_fonts_are_the_bundled_liberation_serif(term_report):
    reader = pdf_reader(render_pdf(term_report)[0])
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = descriptor.get_object()["/FontFile2"].get_data()

    # "MTTQ Serif" is the private family name of static/fonts/liberation in fonts.css.
    assert {name.split("+")[1] for name in fonts} == {
        "MTTQ-Serif",
        "MTTQ-Serif-Bold",
        "MTTQ-Serif-Italic",
        "MTTQ-Serif-Bold-Italic",
    }
    for program in fonts.values():
        assert "Liberation Serif".encode("utf-16-be") in program


@pytest.mark.django_db
def test_pages_are_numbered_from_page_two_in_the_top_margin(term_report):
    long_table(term_report)

    content, pages = render_pdf(term_report)
    margins = texts_in_top_margin(content)

    assert 2 <= pages <= 8
    assert margins[0] == []
    assert margins[1] == ["2"]
    assert margins[-1] == [str(pages)]


@pytest.mark.django_db
def test_a_long_table_repeats_its_header_on_the_next_page(term_report):
    long_table(term_report)

    texts = pdf_pages(render_pdf(term_report)[0])
    pages_with_rows = [text for text in texts if "Chỉ tiêu số" in text]

    assert len(pages_with_rows) >= 2
    for text in pages_with_rows:
        assert "Chỉ tiêu Kết quả" in text
    assert "Chỉ tiêu số 70 1.000" in texts[-1] or "Chỉ tiêu số 70 1.000" in texts[-2]


@pytest.mark.django_db
def test_a_figure_block_not_yet_computed_says_so(make_document, add_block):
    document = make_document()
    add_block(document, Block.Kind.FUNDS, caption="Thu, chi các quỹ")

    everything = " ".join(pdf_pages(render_pdf(document)[0]))

    assert "Thu, chi các quỹ" in everything
    assert "Chưa có số liệu" in everything


@pytest.mark.django_db
def test_a_draft_without_a_number_leaves_room_for_it(make_document):
    document = make_document(number=None, symbol="BC-MTTQ-BTT")

    first = pdf_pages(render_pdf(document)[0])[0]

    assert "Số:" in first and "/BC-MTTQ-BTT" in first
    assert "None" not in first


@pytest.mark.django_db
def test_addressee_is_printed_under_the_title(make_document):
    document = make_document(addressee="Kính gửi: Ban Thường trực UB MTTQ VN thành phố")

    first = pdf_pages(render_pdf(document)[0])[0]

    assert "Kính gửi: Ban Thường trực UB MTTQ VN thành phố" in first
    assert "Kính gửi: Kính gửi" not in first


@pytest.mark.django_db
def test_the_print_html_links_only_its_stylesheet(term_report):
    html = document_html(term_report)

    assert '<link rel="stylesheet" href="documents/report.css">' in html
    assert "bootstrap" not in html.lower()
    assert "<script" not in html


@pytest.mark.django_db
def test_numbering_restarts_under_each_parent(term_report):
    labels = [entry.label for entry in numbered_sections(term_report)]

    assert labels == [
        "PHẦN THỨ NHẤT",
        "I.",
        "1.",
        "a)",
        "b)",
        "2.",
        "II.",
        "PHẦN THỨ HAI",
        "I.",
    ]


@pytest.mark.parametrize(
    ("level", "index", "label"),
    [
        (1, 3, "PHẦN THỨ BA"),
        (1, 4, "PHẦN THỨ TƯ"),
        (2, 4, "IV."),
        (2, 9, "IX."),
        (2, 14, "XIV."),
        (3, 12, "12."),
        (4, 5, "đ)"),
        (4, 6, "e)"),
        (4, 7, "g)"),
    ],
)
def test_section_labels_follow_the_official_numbering(level, index, label):
    assert section_label(level, index) == label


# The stored PDF.


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_the_first_download_renders_and_stores_the_pdf(term_report, media):
    edited_at = term_report.updated_at

    content = stored_or_rendered_pdf(term_report)

    term_report.refresh_from_db()
    assert content.startswith(b"%PDF")
    assert (media / term_report.pdf_file.name).read_bytes() == content
    assert term_report.pdf_pages == len(pdf_reader(content).pages)
    assert len(term_report.pdf_source_hash) == 64
    assert term_report.updated_at == edited_at
    assert pdf_is_current(term_report)


@pytest.mark.django_db
def test_an_unchanged_document_is_served_from_its_stored_pdf(term_report, media):
    first = stored_or_rendered_pdf(term_report)
    reloaded = Document.objects.get(pk=term_report.pk)

    with mock.patch.object(pdf, "render_document", side_effect=AssertionError("laid out")):
        again = stored_or_rendered_pdf(reloaded)
        stored = stored_pdf(reloaded)

    assert again == first
    assert stored == first


@pytest.mark.django_db
def test_an_edited_document_is_rendered_again_and_replaces_its_stored_pdf(term_report, media):
    stored_or_rendered_pdf(term_report)
    old_name = term_report.pdf_file.name
    block = Block.objects.filter(section__document=term_report, kind=Block.Kind.TEXT).first()
    block.text = "<p>Đoạn văn đã sửa.</p>"
    block.save()

    assert not pdf_is_current(term_report)
    assert stored_pdf(term_report) is None
    content = stored_or_rendered_pdf(term_report)

    term_report.refresh_from_db()
    assert "Đoạn văn đã sửa." in " ".join(pdf_pages(content))
    assert (media / term_report.pdf_file.name).read_bytes() == content
    assert not (media / old_name).exists() or old_name == term_report.pdf_file.name
    assert pdf_is_current(term_report)


@pytest.mark.django_db
def test_a_missing_stored_file_is_rendered_again(term_report, media):
    stored_or_rendered_pdf(term_report)
    (media / term_report.pdf_file.name).unlink()

    assert not pdf_is_current(term_report)
    assert stored_or_rendered_pdf(term_report).startswith(b"%PDF")
    assert pdf_is_current(term_report)


# Charts.


def test_a_chart_of_large_money_is_drawn_in_millions():
    svg = bar_chart_svg(
        {
            "title": "Quỹ Vì người nghèo",
            "unit": "đồng",
            "labels": ["2018", "2019"],
            "series": [{"name": "Thu", "values": [1804000000, 12500000]}],
        }
    )
    texts = [element.text for element in ElementTree.fromstring(svg).iter() if element.text]

    assert "Đơn vị: triệu đồng" in texts
    assert "1.804" in texts and "12,5" in texts
    assert {"2018", "2019", "Thu", "Quỹ Vì người nghèo"} <= set(texts)


def test_a_chart_of_counts_keeps_its_unit_and_uses_the_bundled_font():
    svg = bar_chart_svg(
        {"unit": "căn", "labels": ["Xây mới"], "series": [{"name": "Nhà", "values": [26]}]}
    )
    root = ElementTree.fromstring(svg)

    assert "MTTQ Serif" in root.get("font-family")
    assert root.get("width") == "160mm"
    assert "Đơn vị: căn" in [element.text for element in root.iter()]


def test_nothing_to_chart_draws_nothing():
    assert bar_chart_svg({"labels": [], "series": []}) == ""
    assert bar_chart_svg({"labels": ["a"], "series": "x"}) == ""


def test_the_stylesheet_sets_the_official_page():
    # The report's stylesheet with the font faces it imports.
    css = "".join(
        (static_dir() / "documents" / name).read_text() for name in ("report.css", "fonts.css")
    )

    assert "size: A4 portrait" in css
    assert "margin: 20mm 15mm 20mm 30mm" in css
    assert "@page :first" in css
    assert "fonts/liberation/LiberationSerif-Regular.ttf" in css


@pytest.mark.django_db
def test_the_same_document_gives_the_same_html(term_report):
    # What the stored PDF's hash is taken from must not vary between requests.
    assert document_html(term_report) == document_html(Document.objects.get(pk=term_report.pk))
