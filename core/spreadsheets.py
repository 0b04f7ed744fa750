"""Cells for exported spreadsheets (XLSX and CSV) that no spreadsheet program runs as a formula.

A donor may type "=HYPERLINK(...)" as a name; Excel and LibreOffice would evaluate it when an
officer opens the export (CSV/formula injection, OWASP). Text cells starting with a formula
trigger get a leading apostrophe, the convention spreadsheet users read as "literal text".
Numbers, dates and None pass through unchanged so sums and formats keep working.

Every CSV download is written by `csv_lines` / `csv_response`, for Excel on a Vietnamese
system: UTF-8 with a byte-order mark, ";" between fields (the list separator where the
decimal mark is ","), whole numbers as plain digits (no thousands separator, so Excel reads
them as numbers), decimals with a comma ("82,03"), dates as dd/mm/yyyy, text formula-safe.

XLSX downloads leave as `workbook_response`; a plain titled table (a ledger) is built by
`table_workbook`.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.uploads import XLSX_TYPE

# "=", "+", "-", "@" start a formula; tab and carriage return let a cell break out of a CSV
# field in some importers. Full-width variants are read as formula starts by some locales.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value):
    """Return `value` ready for a spreadsheet cell: risky text gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """`safe_cell` applied to every value of a row (for `csv.writer.writerow`, `ws.append`)."""
    return [safe_cell(value) for value in values]


CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"


def csv_value(value) -> str:
    """One CSV field as Excel with Vietnamese settings reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # As many decimals as the value holds: a rate rounded to one decimal keeps it ("90,0").
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return safe_cell(str(value))


class _Line:
    """A file whose write() hands the line back, so csv.writer yields lines one by one."""

    def write(self, line):
        return line


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The header and rows as CSV lines, the first with the byte-order mark."""
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER)
    yield BYTE_ORDER_MARK + writer.writerow([csv_value(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_value(value) for value in row])


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str):
    """A CSV download, streamed as its rows are read."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


THOUSANDS_FORMAT = "#,##0"
DAY_FORMAT = "dd/mm/yyyy"


def workbook_response(workbook, filename: str) -> HttpResponse:
    """Send an openpyxl workbook as a file download that no cache keeps."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def table_workbook(
    *,
    sheet_title: str,
    preamble: Iterable[Iterable],
    header: Sequence[str],
    rows: Iterable[Iterable],
    widths: Sequence[int] = (),
):
    """One sheet: the preamble lines, the bold header, then the rows; every cell formula-safe,
    whole numbers in the rows with thousands separators, days as dd/mm/yyyy dates, column
    widths from the left."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    for line in preamble:
        sheet.append(safe_row(line))
    sheet.append(safe_row(header))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first_row = sheet.max_row + 1
    for row in rows:
        sheet.append(safe_row(row))
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if isinstance(cell.value, int | Decimal) and not isinstance(cell.value, bool):
                cell.number_format = THOUSANDS_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DAY_FORMAT
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    return book
