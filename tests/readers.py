"""Read back the files the portal sends (workbooks, PDFs) the way tests compare them."""

import io
import unicodedata
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_workbook(response):
    """The workbook a response sends, after checking that it sent one."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def xlsx_sheet(response):
    """The first sheet of the workbook a response sends."""
    return xlsx_workbook(response).active


def pdf_reader(content: bytes | Path) -> PdfReader:
    """A PDF given as bytes or as the path of a file."""
    return PdfReader(content if isinstance(content, Path) else io.BytesIO(content))


def pdf_pages(content: bytes | Path) -> list[str]:
    """Each page's text in NFC (WeasyPrint may write decomposed marks), blanks collapsed."""
    return [
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split())
        for page in pdf_reader(content).pages
    ]


def pdf_text(content: bytes | Path) -> str:
    """The text of every page as one line (lines wrap anywhere)."""
    return " ".join(pdf_pages(content))
