"""The same document as a Word file (python-docx), so officers can keep editing it in Word.

Same frame, numbering and figures as the PDF (frame.py, the blocks' snapshots), in Times New
Roman — the font every Word user has — at the official sizes: A4, margins 20/20/30/15 mm,
header as a borderless two-column table, figure tables whose header row repeats on each page,
page numbers centered in the header from page 2, "Nơi nhận" beside the signature block.
Charts are not drawn: the figure table beside them already holds their numbers.
"""

from io import BytesIO

import docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports.documents import richtext
from reports.documents.frame import Frame, NumberedSection, frame, numbered_sections
from reports.documents.models import Block, Document, Section
from reports.documents.pdf import figure_context

FONT = "Times New Roman"
BODY_SIZE = 14
TEXT_WIDTH_MM = 210 - 30 - 15
FIRST_LINE_INDENT = Cm(1)
CLOSING_SLOGAN_MAX = 80  # characters; as report.html decides
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
# Schema order of the paragraph properties python-docx does not place itself.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def render_docx(document: Document) -> bytes:
    word = docx.Document()
    _page_setup(word)
    document_frame = frame(document)
    _header(word, document_frame)
    _title(word, document_frame)
    for entry in numbered_sections(document):
        _heading(word, entry)
        for block in entry.blocks:
            if block.is_figure:
                _figure(word, block)
            else:
                _text(word, block.text)
    for line in document_frame.closing_lines:
        # A slogan is centered; a closing sentence runs as a bold paragraph.
        sentence = len(line) > CLOSING_SLOGAN_MAX
        _paragraph(
            word,
            line,
            align="justify" if sentence else "center",
            indent=sentence,
            bold=True,
            space_before=10,
        )
    _signature(word, document_frame)
    output = BytesIO()
    word.save(output)
    return output.getvalue()


def _page_setup(word):
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _use_font_everywhere(word)

    # Page numbers centered in the header, none on the first page.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.first_line_indent = Cm(0)
    _page_field(number)


def _use_font_everywhere(word):
    """Times New Roman for every script (Latin, East Asian, complex), Vietnamese proofing."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(run_defaults)
    language = run_defaults.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "vi-VN")
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr())
    paragraph = normal.paragraph_format
    paragraph.space_before, paragraph.space_after = Pt(0), Pt(6)
    paragraph.line_spacing = 1.0


def _set_fonts(run_properties):
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def _page_field(paragraph):
    """A PAGE field, one run per part as Word writes it."""
    parts = [("w:fldChar", "begin"), ("w:instrText", " PAGE "), ("w:fldChar", "separate")]
    parts += [("w:t", "2"), ("w:fldChar", "end")]
    for tag, value in parts:
        run = paragraph.add_run()
        run.font.size = Pt(13)
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), value)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)


def _paragraph(
    container,
    text="",
    *,
    align="left",
    bold=False,
    italic=False,
    underline=False,
    size=BODY_SIZE,
    indent=False,
    space_before=0,
    space_after=0,
    keep_with_next=False,
    paragraph=None,
):
    paragraph = paragraph if paragraph is not None else container.add_paragraph()
    fmt = paragraph.paragraph_format
    paragraph.alignment = ALIGN[align]
    fmt.first_line_indent = FIRST_LINE_INDENT if indent else Cm(0)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    fmt.keep_with_next = keep_with_next or None
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        run.font.size = Pt(size)
    return paragraph


def _rule(container, *, width_fraction, column_mm, space_after=0):
    """A short centered line: an empty paragraph's bottom border, narrowed by its indents."""
    paragraph = _paragraph(container, space_after=space_after)
    side = Mm(column_mm * (1 - width_fraction) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)
    return paragraph


def _two_columns(word, rows, left_fraction):
    table = word.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _column_widths(table, [left_fraction, 1 - left_fraction])
    return table


def _column_widths(table, fractions):
    """Grid and cell widths both: Word lays out from the grid, other editors from the cells."""
    widths = [Mm(TEXT_WIDTH_MM * fraction) for fraction in fractions]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _header(word, document_frame: Frame):
    table = _two_columns(word, rows=2, left_fraction=0.4)
    issuer, nation = table.rows[0].cells
    number, place_date = table.rows[1].cells
    for index, (text, bold) in enumerate(document_frame.issuer_lines):
        existing = issuer.paragraphs[0] if index == 0 else None
        _paragraph(issuer, text, align="center", bold=bold, size=13, paragraph=existing)
    _rule(issuer, width_fraction=0.4, column_mm=TEXT_WIDTH_MM * 0.4)
    _paragraph(
        nation,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        align="center",
        bold=True,
        size=12.5,
        paragraph=nation.paragraphs[0],
    )
    _paragraph(nation, "Độc lập - Tự do - Hạnh phúc", align="center", bold=True, underline=True)
    _paragraph(
        number,
        document_frame.number_and_symbol,
        align="center",
        size=13,
        space_before=6,
        paragraph=number.paragraphs[0],
    )
    _paragraph(
        place_date,
        document_frame.place_and_date,
        align="center",
        italic=True,
        space_before=6,
        paragraph=place_date.paragraphs[0],
    )


def _title(word, document_frame: Frame):
    _paragraph(word, document_frame.title, align="center", bold=True, space_before=18)
    for line in document_frame.summary_lines:
        _paragraph(word, line, align="center", bold=True)
    _rule(word, width_fraction=0.3, column_mm=TEXT_WIDTH_MM, space_after=12)
    if document_frame.addressee:
        _paragraph(word, f"Kính gửi: {document_frame.addressee}", align="center", space_after=12)


def _heading(word, entry: NumberedSection):
    if entry.level == Section.Level.PART:
        paragraph = _paragraph(
            word, align="center", space_before=12, space_after=10, keep_with_next=True
        )
        run = paragraph.add_run(f"{entry.label}\n{entry.heading}")
        run.bold = True
    else:
        paragraph = _paragraph(
            word, align="justify", indent=True, space_before=6, space_after=6, keep_with_next=True
        )
        run = paragraph.add_run(entry.full_heading)
        run.bold = True
        run.italic = entry.level == Section.Level.LETTER or None
    # Word's navigation pane and table of contents see the outline.
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(entry.level - 1))
    paragraph._p.get_or_add_pPr().insert_element_before(outline, *_AFTER_OUTLINE)


def _text(word, html: str):
    for item in richtext.paragraphs(html):
        paragraph = _paragraph(word, align="justify", indent=True, space_after=6)
        if item.level:
            paragraph.paragraph_format.left_indent = Cm(item.level)
        if item.kind == "bullet":
            paragraph.add_run("- ")
        elif item.kind == "numbered" and item.number:
            paragraph.add_run(f"{item.number}. ")
        for part in item.runs:
            run = paragraph.add_run(part.text)  # "\n" becomes a line break
            run.bold, run.italic = part.bold or None, part.italic or None


def _figure(word, block: Block):
    figure = figure_context(block)
    if figure["caption"]:
        _paragraph(word, figure["caption"], align="center", bold=True, size=13, keep_with_next=True)
    if figure["period"]:
        _paragraph(
            word, f"({figure['period']})", align="center", italic=True, size=12, keep_with_next=True
        )
    if figure["unit"]:
        _paragraph(word, figure["unit"], align="right", italic=True, size=12, keep_with_next=True)
    if not figure["rows"]:
        _paragraph(word, figure["empty_text"], align="center", italic=True, space_after=6)
        return
    columns = max(len(figure["columns"]), *(len(row["cells"]) for row in figure["rows"]))
    table = word.add_table(rows=1 + len(figure["rows"]), cols=columns)
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _full_width(table)
    # The label column wider than the figures.
    first = 0.4 if columns > 2 else 0.6 if columns == 2 else 1
    _column_widths(table, [first] + [(1 - first) / (columns - 1)] * (columns - 1))
    header = table.rows[0]
    _row_properties(header, repeat=True)
    for cell, column in zip(header.cells, figure["columns"], strict=False):
        _cell(cell, column["label"], align="center", bold=True)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    last = len(figure["rows"]) - 1
    for index, (row, data) in enumerate(zip(table.rows[1:], figure["rows"], strict=True)):
        _row_properties(row, repeat=False)
        for cell, value in zip(row.cells, data["cells"], strict=False):
            _cell(cell, value["text"], align=value["align"], bold=data["total"])
            # Rows kept with the next: a table that fits on a page is not split.
            cell.paragraphs[0].paragraph_format.keep_with_next = index < last or None
    # A paragraph after the table keeps the next table or heading from touching it.
    _paragraph(word, figure["note"], italic=True, size=12, space_before=3, space_after=6)


def _full_width(table):
    properties = table._tbl.tblPr
    width = properties.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        properties.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")


def _row_properties(row, *, repeat: bool):
    """Rows never split across pages; the header row repeats on each page (w:tblHeader)."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if repeat:
        properties.append(OxmlElement("w:tblHeader"))


def _cell(cell, text, *, align, bold):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _paragraph(cell, text, align=align, bold=bold, size=12, paragraph=cell.paragraphs[0])


def _signature(word, document_frame: Frame):
    table = _two_columns(word, rows=1, left_fraction=0.48)
    recipients, signer = table.rows[0].cells
    first = recipients.paragraphs[0]
    if document_frame.recipients:
        _paragraph(
            recipients, "Nơi nhận:", bold=True, italic=True, size=12, space_before=12,
            paragraph=first,
        )  # fmt: skip
        for line in document_frame.recipients:
            _paragraph(recipients, line, size=11)
    lines = [
        (document_frame.signer_authority, True),
        (document_frame.signer_title, True),
        *[("", False)] * 4,
        (document_frame.signer_name, True),
    ]
    for index, (text, bold) in enumerate(lines):
        existing = signer.paragraphs[0] if index == 0 else None
        _paragraph(
            signer, text, align="center", bold=bold, space_before=12 if index == 0 else 0,
            paragraph=existing,
        )  # fmt: skip
