"""Cells for exported spreadsheets (XLSX and CSV) that no spreadsheet program runs as a formula.

A donor may type "=HYPERLINK(...)" as a name; Excel and LibreOffice would evaluate it when an
officer opens the export (CSV/formula injection, OWASP). Text cells starting with a formula
trigger get a leading apostrophe, the convention spreadsheet users read as "literal text".
Numbers, dates and None pass through unchanged so sums and formats keep working.

Every CSV download is written by `csv_lines` / `csv_response`, for Excel on a Vietnamese
system: UTF-8 with a byte-order mark, ";" between fields (the list separator where the
decimal mark is ","), decimals with a comma ("82,03"), dates as dd/mm/yyyy, text
formula-safe.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

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
