"""A document as print HTML in the official layout, its PDF, and the stored copy of that PDF.

Officer text reaches the HTML only as sanitised rich text (richtext.guard of what clean()
stored) or through the template's autoescaping; WeasyPrint loads nothing but the project's
static files (core.printing.StaticFileFetcher). A PDF is kept with the SHA-256 of the HTML and
stylesheet it came from, so an unchanged document is served without being laid out again.
"""

import hashlib
from functools import lru_cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.printing import render_document, static_dir
from reports.documents import charts, richtext
from reports.documents.frame import frame, numbered_sections
from reports.documents.models import Block, Document

TEMPLATE = "documents/report.html"
STYLESHEETS = ("documents/report.css", "documents/common.css", "documents/fonts.css")
ALIGNMENTS = frozenset({"left", "right", "center"})
NO_FIGURES_YET = "Chưa có số liệu: bấm “Cập nhật số liệu” để tính."


def document_html(document: Document) -> str:
    """The complete print HTML; the same document always gives the same string."""
    sections = [
        {
            "level": entry.level,
            "label": entry.label,
            "heading": entry.heading,
            "blocks": [_block(block) for block in entry.blocks],
        }
        for entry in numbered_sections(document)
    ]
    return render_to_string(TEMPLATE, {"frame": frame(document), "sections": sections})


def _block(block: Block) -> dict:
    if not block.is_figure:
        return {"html": mark_safe(richtext.guard(block.text))}  # noqa: S308 - sanitised by nh3
    return {"figure": figure_context(block)}


def figure_context(block: Block) -> dict:
    """A figure snapshot (figures.py CONTRACT) as the template shows it; every string escaped
    by the template, alignments limited to three class names, the chart drawn here."""
    snapshot = block.snapshot if isinstance(block.snapshot, dict) else {}
    columns = [column for column in snapshot.get("columns") or [] if isinstance(column, dict)]
    aligns = [
        column.get("align") if column.get("align") in ALIGNMENTS else "left" for column in columns
    ]
    rows = []
    for row in snapshot.get("rows") or []:
        if not isinstance(row, dict):
            continue
        cells = [cell if isinstance(cell, dict) else {} for cell in row.get("cells") or []]
        rows.append(
            {
                "total": bool(row.get("total")),
                "cells": [
                    {
                        "text": _text(cell.get("t")),
                        "align": aligns[index] if index < len(aligns) else "left",
                    }
                    for index, cell in enumerate(cells)
                ],
            }
        )
    chart = snapshot.get("chart") if isinstance(snapshot.get("chart"), dict) else None
    return {
        "caption": block.caption or _text(snapshot.get("caption")),
        "unit": _text(snapshot.get("unit")),
        "period": _text(snapshot.get("period")),
        "note": _text(snapshot.get("note")),
        "columns": [{"label": _text(column.get("label"))} for column in columns],
        "rows": rows,
        "empty_text": NO_FIGURES_YET if block.snapshot is None else "Không có số liệu.",
        "chart_svg": mark_safe(charts.bar_chart_svg(chart)) if chart else "",  # noqa: S308
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def render_pdf(document: Document) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    return _render(document_html(document))


def _render(html: str) -> tuple[bytes, int]:
    rendered = render_document(html)
    return rendered.write_pdf(), len(rendered.pages)


def source_hash(html: str) -> str:
    """SHA-256 of what the PDF is made from: the HTML and the stylesheets it links."""
    digests = b""
    for name in STYLESHEETS:
        stylesheet = static_dir() / name
        status = stylesheet.stat()
        digests += _file_digest(stylesheet, status.st_mtime_ns, status.st_size)
    return hashlib.sha256(digests + html.encode()).hexdigest()


@lru_cache(maxsize=4)
def _file_digest(path, modified_ns: int, size: int) -> bytes:
    # Read again only when the file changes (a deployment, or an edit while developing).
    return hashlib.sha256(path.read_bytes()).digest()


def pdf_is_current(document: Document) -> bool:
    """Whether the stored PDF still matches the document (no layout needed to serve it)."""
    digest = source_hash(document_html(document))
    return bool(
        document.pdf_file
        and document.pdf_source_hash == digest
        and default_storage.exists(document.pdf_file.name)
    )


def stored_pdf(document: Document) -> bytes | None:
    """The stored PDF if the document has not changed since it was rendered, else None."""
    return _stored(document, source_hash(document_html(document)))


def _stored(document: Document, digest: str) -> bytes | None:
    if not document.pdf_file or document.pdf_source_hash != digest:
        return None
    try:
        with default_storage.open(document.pdf_file.name, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def stored_or_rendered_pdf(document: Document) -> bytes:
    """The stored PDF if the document has not changed since; otherwise render and store it.

    The stored copy is recorded with a queryset update, so the document's `updated_at`
    (the time of the officer's last edit) is left as it was.
    """
    html = document_html(document)
    digest = source_hash(html)
    stored = _stored(document, digest)
    if stored is not None:
        return stored
    pdf, pages = _render(html)
    previous = document.pdf_file.name if document.pdf_file else ""
    document.pdf_file.save(pdf_filename(document), ContentFile(pdf), save=False)
    document.pdf_source_hash = digest
    document.pdf_pages = pages
    Document.objects.filter(pk=document.pk).update(
        pdf_file=document.pdf_file.name, pdf_source_hash=digest, pdf_pages=pages
    )
    if previous and previous != document.pdf_file.name:
        default_storage.delete(previous)
    return pdf


def pdf_filename(document: Document) -> str:
    """ "bao-cao-30301-12.pdf" (a province's: "bao-cao-91-13.pdf")"""
    return f"bao-cao-{document.holder.code}-{document.pk}.pdf"
