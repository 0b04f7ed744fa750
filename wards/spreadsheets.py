"""Cells for exported spreadsheets (XLSX and CSV) that no spreadsheet program runs as a formula.

A donor may type "=HYPERLINK(...)" as a name; Excel and LibreOffice would evaluate it when an
officer opens the export (CSV/formula injection, OWASP). Text cells starting with a formula
trigger get a leading apostrophe, the convention spreadsheet users read as "literal text".
Numbers, dates and None pass through unchanged so sums and formats keep working.
"""

from collections.abc import Iterable

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
