from io import BytesIO

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from reports.documents.docx import render_docx


def read_back(document):
    return docx.Document(BytesIO(render_docx(document)))


def body_texts(word) -> list[str]:
    return [paragraph.text for paragraph in word.paragraphs if paragraph.text.strip()]


def cell_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def figure_table(word):
    return next(table for table in word.tables if table.rows[0].cells[0].text == "Quỹ")


@pytest.mark.django_db
def test_the_docx_has_the_official_frame(term_report):
    word = read_back(term_report)
    header, signature = word.tables[0], word.tables[-1]

    assert cell_texts(header) == [
        [
            "ỦY BAN MTTQ VIỆT NAM\nPHƯỜNG MỸ THỚI\nBAN THƯỜNG TRỰC\n",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        ],
        ["Số: 05/BC-MTTQ", "Mỹ Thới, ngày 25 tháng 10 năm 2019"],
    ]
    texts = body_texts(word)
    assert texts[:2] == ["BÁO CÁO", "Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019"]
    assert "ĐOÀN KẾT - DÂN CHỦ - ĐỔI MỚI - PHÁT TRIỂN" in texts
    recipients, signer = signature.rows[0].cells
    assert recipients.text.split("\n") == [
        "Nơi nhận:",
        "- Đảng ủy phường;",
        "- HĐND, UBND phường;",
        "- Lưu: VT.",
    ]
    assert [line for line in signer.text.split("\n") if line] == [
        "TM. BAN THƯỜNG TRỰC",
        "CHỦ TỊCH",
        "Nguyễn Văn An",
    ]


@pytest.mark.django_db
def test_the_header_and_signature_tables_have_no_borders(term_report):
    word = read_back(term_report)

    for table in (word.tables[0], word.tables[-1]):
        assert table.style is None or table.style.name == "Normal Table"
        assert table._tbl.tblPr.find(qn("w:tblBorders")) is None


@pytest.mark.django_db
def test_the_docx_has_the_headings_numbered_in_order(term_report, term_report_headings):
    texts = body_texts(read_back(term_report))
    headings = [
        text for text in texts if text.startswith(("PHẦN THỨ", "I.", "II.", "1.", "2.", "a)", "b)"))
    ]

    assert headings == term_report_headings


@pytest.mark.django_db
def test_the_docx_keeps_bold_italic_and_lists(term_report):
    word = read_back(term_report)
    paragraph = next(p for p in word.paragraphs if p.text.startswith("Nội dung mục 1:"))

    assert paragraph.text == "Nội dung mục 1: đoàn kết và đồng thuận."
    assert [run.text for run in paragraph.runs if run.bold] == ["đoàn kết"]
    assert [run.text for run in paragraph.runs if run.italic] == ["đồng thuận"]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert paragraph.paragraph_format.first_line_indent > 0
    assert "- Vận động hộ nghèo." in body_texts(word)


@pytest.mark.django_db
def test_the_docx_figure_table_shows_the_figures(term_report):
    word = read_back(term_report)
    table = figure_table(word)
    texts = body_texts(word)

    assert cell_texts(table) == [
        ["Quỹ", "Đã vận động", "Đã chi"],
        ["Quỹ Vì người nghèo", "1.804.000.000", "1.650.500.000"],
        ["Quỹ Cứu trợ", "412.300.000", "398.000.000"],
        ["Tổng cộng", "2.216.300.000", "2.048.500.000"],
    ]
    assert "Kết quả vận động Quỹ Vì người nghèo" in texts
    assert "Đơn vị: đồng" in texts
    assert "(01/10/2014 – 30/09/2019)" in texts


@pytest.mark.django_db
def test_the_docx_figure_table_repeats_its_bold_header_and_aligns_numbers(term_report):
    table = figure_table(read_back(term_report))
    header, first_row, total = table.rows[0], table.rows[1], table.rows[-1]

    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert first_row._tr.trPr.find(qn("w:tblHeader")) is None
    assert table.style.name == "Table Grid"
    for cell in header.cells:
        assert all(run.bold for run in cell.paragraphs[0].runs)
        assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert first_row.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert first_row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert not any(run.bold for run in first_row.cells[1].paragraphs[0].runs)
    assert all(run.bold for cell in total.cells for run in cell.paragraphs[0].runs)


@pytest.mark.django_db
def test_the_docx_page_is_a4_with_the_official_margins(term_report):
    section = read_back(term_report).sections[0]

    def mm(length):  # Word keeps twentieths of a point
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)


@pytest.mark.django_db
def test_the_docx_numbers_pages_in_the_header_from_page_two(term_report):
    section = read_back(term_report).sections[0]
    instructions = [element.text for element in section.header._element.iter(qn("w:instrText"))]

    assert section.different_first_page_header_footer
    assert [text.strip() for text in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert section.first_page_header.paragraphs[0].text == ""
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))


@pytest.mark.django_db
def test_the_docx_is_in_times_new_roman_for_every_script(term_report):
    word = read_back(term_report)
    normal = word.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts"))

    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(script)) == "Times New Roman"
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    default_fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert default_fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert default_fonts.get(qn("w:asciiTheme")) is None
