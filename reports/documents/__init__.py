"""Term and period reports as official documents (báo cáo nhiệm kỳ, sơ kết, tổng kết).

models.py     the document, its sections and blocks (narrative text or figures)
richtext.py   the only HTML officers may write: paragraphs, lists, bold, italic
figures.py    figure blocks computed from the data for the document's dates
outline.py    default outlines (congress report, period report)
frame.py      the official frame shared by HTML/PDF and DOCX (header, title, signature)
charts.py     server-side SVG charts (WeasyPrint runs no JavaScript)
pdf.py        the print HTML and its PDF; docx.py the same document for Word
services.py   writes: create, edit, reorder, refresh figures, issue (freeze)
tasks.py      background rendering with Django's tasks framework
"""
