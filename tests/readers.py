"""Read back the files the portal sends (workbooks, PDFs) the way tests compare them."""

import io
import re
import unicodedata
from pathlib import Path

import zxingcpp
from openpyxl import load_workbook
from PIL import Image, ImageDraw
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


_QR_SVG = re.compile(
    r'<svg viewBox="0 0 (\d+) (\d+)"[^>]*>.*?<path class="qrline"[^>]* d="([^"]+)"', re.S
)
_PATH_STEP = re.compile(r"([Mmh])(-?\d+(?:\.\d+)?)(?:[ ,](-?\d+(?:\.\d+)?))?")


def _qr_image(size: int, path: str, scale: int = 8) -> Image.Image:
    """segno's SVG path (rows of "M x y.5 h n m dx dy" strokes, 1 unit wide) drawn back
    onto a white image, as a phone's camera would see the code."""
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, first, second in _PATH_STEP.findall(path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            length = float(first)
            top = int(y - 0.5) * scale
            draw.rectangle(
                [int(x) * scale, top, int(x + length) * scale - 1, top + scale - 1], fill=0
            )
            x += length
    return image


def qr_texts(html: str) -> list[str]:
    """The text of every QR code drawn as inline SVG in a page, decoded by zxing-cpp."""
    texts = []
    for width, _height, path in _QR_SVG.findall(html):
        found = zxingcpp.read_barcodes(_qr_image(int(width), path))
        assert len(found) == 1, "a QR code on the page does not decode"
        texts.append(found[0].text)
    return texts
