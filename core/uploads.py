"""Uploaded files judged by their size and content, never by their name alone.

Limits come from settings (UPLOAD_MAX_SPREADSHEET_BYTES, UPLOAD_MAX_PHOTO_BYTES). Every
refusal is a ValidationError with a Vietnamese message saying what to do; the readers
(reports/excel.py, campaigns/bank/statements.py) then parse only files of the expected kind.
Photos are decoded by Pillow and re-encoded as JPEG: what is stored is pixels we produced,
without the sender's metadata (phone photos carry GPS positions of households).
"""

import io
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from openpyxl import load_workbook

MEGABYTE = 1024 * 1024
SNIFF_BYTES = 4096

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
PDF = b"%PDF"
# Parts every .xlsx has; a .docx, .ods or any zip renamed .xlsx lacks them.
XLSX_PARTS = frozenset({"[Content_Types].xml", "xl/workbook.xml"})

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_MAX_PIXELS = 50_000_000  # beyond any phone camera; decoding more is a memory attack
PHOTO_MAX_SIDE = 2560  # stored photos are scaled down to this, enough for print and screen
PHOTO_QUALITY = 85


def megabytes(size: int) -> str:
    """1.5 MiB → "1,5"; whole numbers without decimals."""
    value = size / MEGABYTE
    return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")


def check_size(file, *, limit: int, advice: str) -> None:
    if file.size > limit:
        raise forms.ValidationError(
            f"Tệp nặng {megabytes(file.size)} MB, vượt quá giới hạn {megabytes(limit)} MB. {advice}"
        )


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype", b"<html", b"<?xml", b"<svg", b"<table", b"<!--"))


OLD_EXCEL = (
    "Tệp ở dạng Excel cũ (.xls) hoặc có đặt mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu nếu có, "
    "rồi lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
)
PDF_FILE = "Tệp là tài liệu PDF, không phải bảng tính. Hãy tải bản Excel (.xlsx) hoặc CSV."
WEB_PAGE = (
    "Tệp là trang web (HTML/XML) đổi đuôi, không phải bảng tính. Hãy mở bằng Excel rồi lưu lại "
    "dưới dạng “Sổ làm việc Excel (.xlsx)”."
)


def _refuse_old_excel_pdf_or_web_page(head: bytes) -> None:
    """The files officers most often pick by mistake, each with its own explanation."""
    if head.startswith(OLE):
        raise forms.ValidationError(OLD_EXCEL)
    if head.startswith(PDF):
        raise forms.ValidationError(PDF_FILE)
    if _looks_like_markup(head):
        raise forms.ValidationError(WEB_PAGE)


def check_xlsx_content(file) -> None:
    """An .xlsx is a zip archive; anything else is refused before any parsing."""
    head = _head(file)
    if head.startswith(ZIP):
        return
    _refuse_old_excel_pdf_or_web_page(head)
    raise forms.ValidationError(
        "Không đọc được tệp: tệp bị hỏng hoặc không phải bảng tính Excel (.xlsx). Hãy mở tệp "
        "bằng Excel, lưu lại dưới dạng .xlsx rồi tải lên lần nữa."
    )


def xlsx_parts_missing(archive) -> bool:
    """True when a zip archive is not a workbook (a .docx, .ods or other zip renamed)."""
    return not XLSX_PARTS.issubset(archive.namelist())


NOT_A_WORKBOOK = (
    "Không đọc được tệp: tệp nén này không phải bảng tính Excel (.xlsx) (có thể là tệp Word, "
    "LibreOffice hoặc tệp nén đổi đuôi). Hãy mở bằng Excel và lưu dưới dạng .xlsx."
)


def check_csv_content(file) -> None:
    """A .csv must be text: spreadsheets, PDFs and web pages renamed .csv are refused.

    Text that is not UTF-8 is left to the reader, which explains how to save as UTF-8.
    """
    head = _head(file)
    if head.startswith(ZIP):
        raise forms.ValidationError(
            "Tệp này là bảng tính Excel (.xlsx) nhưng mang đuôi .csv. Hãy đổi đuôi tên tệp "
            "thành .xlsx rồi tải lên lại."
        )
    _refuse_old_excel_pdf_or_web_page(head)
    file.seek(0)
    data = file.read()
    file.seek(0)
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        return
    if "\x00" in text:
        raise forms.ValidationError(
            "Tệp CSV chứa ký tự không hợp lệ (ký tự rỗng), có thể là tệp nhị phân đổi đuôi. "
            "Hãy xuất lại sao kê dạng CSV UTF-8 hoặc .xlsx."
        )


# --- Photos ----------------------------------------------------------------------------------


class PhotoField(forms.ImageField):
    """A JPEG, PNG or WebP photo within UPLOAD_MAX_PHOTO_BYTES, returned re-encoded as JPEG.

    SVG, HTML and anything Pillow cannot decode are refused; nothing is stored by the field.
    """

    default_error_messages = {
        "invalid_image": (
            "Tệp không phải ảnh hoặc ảnh bị hỏng. Chỉ nhận ảnh chụp dạng JPG, PNG hoặc WebP."
        ),
    }

    def to_python(self, data):
        if data and getattr(data, "size", None) is not None:
            check_size(
                data,
                limit=settings.UPLOAD_MAX_PHOTO_BYTES,
                advice="Hãy giảm kích thước ảnh rồi tải lên lại.",
            )
        file = super().to_python(data)
        if file is None:
            return None
        image = file.image
        if image.format not in PHOTO_FORMATS:
            raise forms.ValidationError(
                f"Ảnh dạng {image.format or 'không rõ'} không được nhận. Chỉ nhận ảnh JPG, PNG "
                "hoặc WebP.",
                code="invalid_image",
            )
        width, height = image.size
        if width * height > PHOTO_MAX_PIXELS:
            raise forms.ValidationError(
                f"Ảnh quá lớn ({width} × {height} điểm ảnh). Hãy giảm kích thước ảnh.",
                code="invalid_image",
            )
        return reencoded_photo(file)


def reencoded_photo(file) -> ContentFile:
    """Decode fully (a truncated or hostile file fails here) and save a clean JPEG."""
    from PIL import Image, ImageOps

    file.seek(0)
    try:
        with Image.open(file) as image:
            image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))  # JPEG: decode scaled down
            image = ImageOps.exif_transpose(image)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            else:
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    except Exception as error:  # Pillow raises many types for broken or hostile data
        raise forms.ValidationError(
            PhotoField.default_error_messages["invalid_image"], code="invalid_image"
        ) from error
    stem = Path(file.name or "anh").stem[:80] or "anh"
    return ContentFile(buffer.getvalue(), name=f"{stem}.jpg")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An .xlsx is a zip: refuse archives that unpack far beyond any real upload (zip bombs).
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 20
UNREADABLE_WORKBOOK = (
    "Không đọc được tệp: tệp bị hỏng hoặc không phải bảng tính Excel (.xlsx). "
    "Hãy mở tệp bằng Excel, lưu lại dưới dạng .xlsx rồi tải lên lần nữa."
)


class UnreadableFile(Exception):
    """The upload is not a workbook we can open; the message is shown to the user."""


def open_workbook(file, *, unreadable: str = UNREADABLE_WORKBOOK, too_big: str):
    """The uploaded .xlsx opened read-only, after checking it is a workbook of sane size.

    Raises UnreadableFile with `unreadable` for anything openpyxl cannot open and `too_big`
    for archives that unpack beyond MAX_UNPACKED_BYTES. The caller closes the workbook.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            not_a_workbook = xlsx_parts_missing(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(unreadable) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(too_big)
    if not_a_workbook:
        raise UnreadableFile(NOT_A_WORKBOOK)
    file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types (zip, XML, key) for broken files
        raise UnreadableFile(unreadable) from error


class SpreadsheetUploadForm(forms.Form):
    """One spreadsheet file, refused in Vietnamese when it is missing, empty, of the wrong kind
    or too large. Subclasses name the file (`label`, `required_message`, `help_intro`), the
    endings they take (`suffixes`, `accept`, `wrong_suffix_message`) and what to do about a
    file that is too large (`size_advice`)."""

    label = "Tệp Excel (.xlsx)"
    required_message = "Hãy chọn tệp Excel (.xlsx) để tải lên."
    help_intro = ""
    suffixes = (".xlsx",)
    accept = f".xlsx,{XLSX_TYPE}"
    wrong_suffix_message = ""
    size_advice = ""

    file = forms.FileField(
        error_messages={
            "empty": "Tệp tải lên không có nội dung.",
            "invalid": "Không nhận được tệp; hãy chọn lại tệp.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.label = self.label
        field.error_messages["required"] = self.required_message
        field.widget = forms.ClearableFileInput(attrs={"accept": self.accept})
        limit = megabytes(settings.UPLOAD_MAX_SPREADSHEET_BYTES)
        field.help_text = f"{self.help_intro}; dung lượng tối đa {limit} MB."

    def clean_file(self):
        file = self.cleaned_data["file"]
        name = file.name.lower()
        if not name.endswith(self.suffixes):
            raise forms.ValidationError(self.wrong_suffix_message)
        check_size(file, limit=settings.UPLOAD_MAX_SPREADSHEET_BYTES, advice=self.size_advice)
        if name.endswith(".xlsx"):
            check_xlsx_content(file)
        else:
            check_csv_content(file)
        return file


class StalePreview(Exception):
    """A preview's confirmation that is forged, expired, or for another page or user."""


def sign_preview(*, salt: str, scope: dict, payload: dict) -> str:
    """What an import preview read, signed into the confirm form, so the confirmation writes
    exactly what the officer saw without keeping the upload on the server."""
    return signing.dumps({**payload, **scope}, salt=salt, compress=True)


def read_preview(token: str, *, salt: str, scope: dict, max_age: int) -> dict:
    """The payload signed by sign_preview for this `scope` (ward, user, …); StalePreview if
    the token is forged, older than `max_age` seconds or signed for another scope."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as error:
        raise StalePreview from error
    if not isinstance(data, dict) or any(data.get(key) != value for key, value in scope.items()):
        raise StalePreview
    return data
