"""Bank statements (CSV or XLSX) read into proposed bank-transfer donations.

Pure functions: `read_statement` turns an uploaded file into credit rows plus every problem
found (with its row number) and notes on rows skipped; `flag_duplicates` marks rows that look
already recorded, given the ward's existing donations as plain values. Nothing here queries or
writes the database; campaigns/bank/views.py reads, and services.donation_record writes.
"""

import csv
import datetime
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl.utils.datetime import from_excel

from campaigns.models import Donation
from core import dates, uploads
from core.numbers import (
    NotAWholeNumber,
    WholeNumberField,
    format_dong,
    format_number,
    parse_whole_number,
)
from core.uploads import HEADER_SEARCH_ROWS, MAX_COLUMNS, UnreadableFile

__all__ = [
    "UnreadableFile",
    "Balance",
    "Existing",
    "ParsedStatement",
    "StatementRow",
    "flag_duplicates",
    "guess_donor",
    "parse_amount",
    "parse_date",
    "read_statement",
]

MAX_ROWS = 5000  # lines of a statement file, debits included
# Each proposed donation posts three fields (tick, name, kind); Django accepts 1,000 fields.
MAX_CREDIT_ROWS = 300
MAX_VALUE = WholeNumberField.MAX
NAME_MAX_LENGTH = Donation._meta.get_field("donor_name").max_length
REFERENCE_MAX_LENGTH = Donation._meta.get_field("bank_reference").max_length
DESCRIPTION_MAX_LENGTH = 500  # kept for the preview only

DATE, AMOUNT, REFERENCE, DESCRIPTION = "date", "amount", "reference", "description"
BALANCE = "balance"  # optional: the account's balance after each transaction
REQUIRED = (DATE, AMOUNT, REFERENCE)
COLUMN_LABELS = {
    DATE: "Ngày giao dịch",
    AMOUNT: "Số tiền",
    REFERENCE: "Số tham chiếu",
    DESCRIPTION: "Nội dung",
}


def fold(text) -> str:
    """Lower case without Vietnamese accents, one character for one: "Ủng Hộ" → "ung ho"."""
    folded = []
    for char in unicodedata.normalize("NFC", str(text)):
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        base = base.replace("đ", "d").replace("Đ", "D").lower()
        folded.append(base if len(base) == 1 else char)
    return "".join(folded)


def _label(value) -> str:
    """A header cell as a key: accents, case, units in brackets and punctuation removed."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", fold(value))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# Header labels (as _label gives them) by column role. Credit columns win over a plain
# "amount" column when a statement has both.
HEADERS = {
    DATE: {
        "ngay giao dich",
        "ngay",
        "ngay gd",
        "ngay hach toan",
        "ngay hieu luc",
        "date",
        "transaction date",
        "posting date",
        "value date",
    },
    AMOUNT: {"so tien", "amount", "so tien giao dich", "transaction amount"},
    REFERENCE: {
        "so tham chieu",
        "ma giao dich",
        "so but toan",
        "ma gd",
        "so gd",
        "ma tham chieu",
        "reference",
        "reference no",
        "ref",
        "ref no",
        "transaction id",
        "transaction no",
    },
    DESCRIPTION: {
        "noi dung",
        "dien giai",
        "mo ta",
        "noi dung giao dich",
        "noi dung chuyen khoan",
        "chi tiet giao dich",
        "description",
        "details",
        "transaction details",
        "narrative",
    },
    BALANCE: {
        "so du",
        "so du cuoi",
        "so du sau giao dich",
        "so du tai khoan",
        "balance",
        "running balance",
        "available balance",
    },
}
CREDIT_HEADERS = {"so tien ghi co", "ghi co", "so tien co", "credit", "credit amount", "co"}


# --- Values ---------------------------------------------------------------------------------


class BadValue(ValueError):
    pass


_CURRENCY = re.compile(r"(vnd|vnđ|dong|đồng|đ|d)\.?$", re.IGNORECASE)
_DOT_GROUPS = re.compile(r"^\d{1,3}(\.\d{3})+(,0{1,2})?$")
_COMMA_GROUPS = re.compile(r"^\d{1,3}(,\d{3})+(\.0{1,2})?$")
_SPACE_GROUPS = re.compile(r"^\d{1,3}( \d{3})+$")
_ZERO_DECIMALS = re.compile(r"^\d+[.,]0{1,2}$")


def parse_amount(value) -> int | None:
    """A statement amount as whole đồng, negative for a debit; None when the cell is empty.

    "1.000.000", "1,000,000", "1000000", "1 000 000", "1.000.000 VND", "+500.000",
    "-200.000", "(200.000)", "1,000,000.00" and spreadsheet numbers are accepted; a fraction
    of a đồng raises BadValue.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            return parse_whole_number(value)
        except (NotAWholeNumber, TypeError):
            raise BadValue(value) from None
    text = " ".join(value.replace("\u00a0", " ").split()).lstrip("'")
    if not text:
        return None
    if len(text) > 60:
        raise BadValue(value)  # no amount is that long; keeps int() below its digit limit
    sign = 1
    if text.startswith("(") and text.endswith(")"):
        sign, text = -1, text[1:-1].strip()
    if text[:1] in "+-":
        sign, text = (-1 if text[0] == "-" else sign), text[1:].strip()
    text = _CURRENCY.sub("", text).strip()
    if text.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        number = int(text)
    elif _DOT_GROUPS.match(text):
        number = int(text.split(",")[0].replace(".", ""))
    elif _COMMA_GROUPS.match(text):
        number = int(text.split(".")[0].replace(",", ""))
    elif _SPACE_GROUPS.match(text):
        number = int(text.replace(" ", ""))
    elif _ZERO_DECIMALS.match(text):
        number = int(re.split(r"[.,]", text)[0])
    else:
        raise BadValue(value)
    return sign * number


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")


def parse_date(value) -> datetime.date | None:
    """dd/mm/yyyy (also with a time after it), yyyy-mm-dd, or a real spreadsheet date."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its format: Excel's serial day number.
        if 20000 < value < 80000:
            return from_excel(value).date()
        raise BadValue(value)
    text = str(value).strip().lstrip("'")
    if not text:
        return None
    day = text.split()[0].split("T")[0]  # "15/01/2026 08:30:00", "2026-01-15T08:30"
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(day, pattern).date()
        except ValueError:
            continue
    raise BadValue(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a reference typed as a number
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return " ".join(text.split()).lstrip("'")


def _shown(value) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value).strip()


# --- Donor guessed from the description ----------------------------------------------------

_SUPPORT = re.compile(r"\bung\s*ho\b")
_SEPARATORS = " \t-–—:;,.+/|_*#"
_ORGANISATION_WORDS = re.compile(
    r"\b(cong ty|cty|tnhh|co phan|doanh nghiep|ngan hang|chi nhanh|truong|benh vien|"
    r"uy ban|ubnd|hop tac xa|htx|tap doan|tong cong ty|van phong)\b"
)


def guess_donor(description: str) -> tuple[str, str]:
    """(donor name, donor kind) proposed from a transfer's description.

    The text after "ỦNG HỘ"/"UNG HO" if any, else the text before it, else the whole
    description; an organisation when the name reads like one. The officer corrects both.
    """
    text = " ".join(unicodedata.normalize("NFC", description).split())
    match = _SUPPORT.search(fold(text))
    if match:
        after = text[match.end() :].strip(_SEPARATORS)
        name = after or text[: match.start()].strip(_SEPARATORS)
    else:
        name = text.strip(_SEPARATORS)
    name = name[:NAME_MAX_LENGTH].strip()
    kind = (
        Donation.DonorKind.ORGANISATION
        if _ORGANISATION_WORDS.search(fold(name))
        else Donation.DonorKind.INDIVIDUAL
    )
    return name, str(kind)


def name_key(name: str) -> str:
    """Names compared without case, accents or spacing: "Nguyễn Văn  An" = "NGUYEN VAN AN"."""
    return " ".join(fold(name).split())


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class StatementRow:
    """One credit line of the statement, proposed as a donation."""

    row: int
    received_on: datetime.date
    amount: int
    reference: str
    description: str
    donor_name: str
    donor_kind: str
    duplicates: list[str] = field(default_factory=list)

    @property
    def is_duplicate(self) -> bool:
        return bool(self.duplicates)

    @property
    def amount_text(self) -> str:
        return format_dong(self.amount)

    def to_data(self) -> list:
        """A JSON-able list for the signed confirmation token."""
        return [
            self.row,
            self.received_on.isoformat(),
            self.amount,
            self.reference,
            self.description,
            self.donor_name,
            self.donor_kind,
            self.duplicates,
        ]

    @classmethod
    def from_data(cls, data: list) -> "StatementRow":
        row, received_on, amount, reference, description, name, kind, duplicates = data
        return cls(
            row=int(row),
            received_on=datetime.date.fromisoformat(received_on),
            amount=int(amount),
            reference=str(reference),
            description=str(description),
            donor_name=str(name),
            donor_kind=str(kind),
            duplicates=[str(reason) for reason in duplicates],
        )


@dataclass(frozen=True)
class Balance:
    """The account's balance the bank printed after one transaction (credit or debit)."""

    row: int
    booked_on: datetime.date
    amount: int


@dataclass
class ParsedStatement:
    rows: list[StatementRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows skipped on purpose (debits, totals)
    balances: list[Balance] = field(default_factory=list)  # from a "Số dư" column, if any
    stated_closing: int | None = None  # from a "Số dư cuối kỳ" line under the table

    @property
    def closing_balance(self) -> int | None:
        """What the file says the account held at its end: its closing line, else the
        balance after its latest transaction (files come oldest or newest first)."""
        if self.stated_closing is not None:
            return self.stated_closing
        if not self.balances:
            return None
        first, last = self.balances[0], self.balances[-1]
        return first.amount if first.booked_on > last.booked_on else last.amount

    @property
    def days(self) -> list[datetime.date]:
        """Every transaction day the file names, credits and (through balances) debits."""
        return [row.received_on for row in self.rows] + [b.booked_on for b in self.balances]

    @property
    def total(self) -> int:
        return sum(row.amount for row in self.rows)

    @property
    def total_text(self) -> str:
        return format_dong(self.total)

    @property
    def duplicate_count(self) -> int:
        return sum(1 for row in self.rows if row.is_duplicate)


# --- Reading a file --------------------------------------------------------------------------


def read_statement(file, *, today: datetime.date | None = None) -> ParsedStatement:
    """Read a .csv or .xlsx statement; every problem is collected, never only the first.

    Raises UnreadableFile when the file cannot be opened at all.
    """
    name = (getattr(file, "name", "") or "").lower()
    is_xlsx = name.endswith(".xlsx")
    lines = _xlsx_lines(file) if is_xlsx else _csv_lines(file)
    parsed = ParsedStatement()
    _read_lines(lines, parsed, today=today, strict_width=not is_xlsx)
    return parsed


def _csv_lines(file) -> list[tuple[int, list]]:
    data = file.read()
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                "Tệp CSV không ở mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi. Trong Excel, chọn "
                "“Lưu thành” → “CSV UTF-8 (phân cách bằng dấu phẩy)”, hoặc lưu dạng .xlsx "
                "rồi tải lên lại."
            ) from error
    text = text.lstrip("\ufeff")
    best = None
    for delimiter in (";", ",", "\t"):
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as error:
            raise UnreadableFile(
                "Không đọc được tệp CSV (dấu ngoặc kép không khớp). Hãy xuất lại sao kê "
                "từ ngân hàng."
            ) from error
        lines = list(enumerate(records[: MAX_ROWS + 1], start=1))
        header = _find_header(lines)
        score = len(header[1]) if header else 0
        if best is None or score > best[0]:
            best = (score, lines)
    return best[1]


def _xlsx_lines(file) -> list[tuple[int, list]]:
    workbook = uploads.open_workbook(
        file,
        unreadable=(
            "Không đọc được tệp: tệp bị hỏng hoặc không phải bảng tính Excel (.xlsx). Hãy mở "
            "tệp sao kê bằng Excel, lưu lại dưới dạng .xlsx hoặc CSV UTF-8 rồi tải lên lần nữa."
        ),
        too_big="Tệp chứa quá nhiều dữ liệu so với một bản sao kê.",
    )
    try:
        fallback = None
        for ws in workbook.worksheets:
            rows = ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
            lines = [(number, list(values)) for number, values in enumerate(rows, start=1)]
            if _find_header(lines):
                return lines
            fallback = fallback or lines
        return fallback or []
    except Exception as error:  # a sheet openpyxl opened but cannot iterate
        raise UnreadableFile("Không đọc được nội dung tệp Excel.") from error
    finally:
        workbook.close()


def _find_header(lines) -> tuple[int, dict[str, int]] | None:
    """(row number, column index by role) of the first row naming a date and an amount."""
    for number, values in lines[:HEADER_SEARCH_ROWS]:
        columns: dict[str, int] = {}
        credit = None
        for index, value in enumerate(values[:MAX_COLUMNS]):
            label = _label(value) if value is not None else ""
            if not label:
                continue
            if label in CREDIT_HEADERS and credit is None:
                credit = index
                continue
            for role, labels in HEADERS.items():
                if label in labels and role not in columns:
                    columns[role] = index
        if credit is not None:
            columns[AMOUNT] = credit
            columns["credit_only"] = 1
        if DATE in columns and AMOUNT in columns:
            return number, columns
    return None


_TOTALS = re.compile(
    r"^(tong(?! cong ty)|cong phat sinh|cong\b|total|so du|du dau|du cuoi|balance|closing|opening)"
)


def _read_lines(lines, parsed: ParsedStatement, *, today, strict_width: bool) -> None:
    header = _find_header(lines)
    if header is None:
        parsed.problems.append(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu: cần có các cột "
            "“Ngày giao dịch”, “Số tiền” (hoặc “Số tiền ghi có”), “Số tham chiếu” (hoặc "
            "“Mã giao dịch”, “Số bút toán”) và “Nội dung” (hoặc “Diễn giải”)."
        )
        return
    header_row, columns = header
    missing = [COLUMN_LABELS[role] for role in REQUIRED if role not in columns]
    if missing:
        names = ", ".join(f"“{label}”" for label in missing)
        parsed.problems.append(f"Dòng {header_row}: thiếu cột {names}.")
        return
    width = _width(dict(lines)[header_row]) if strict_width else None
    for number, values in lines:
        if number <= header_row:
            continue
        if number > MAX_ROWS:
            parsed.problems.append(
                f"Tệp có hơn {format_number(MAX_ROWS)} dòng; hãy tách sao kê thành nhiều tệp."
            )
            break
        if width is not None and _width(values) > width:
            parsed.problems.append(
                f"Dòng {number}: có nhiều ô hơn dòng tiêu đề. Nếu số tiền viết có dấu phẩy "
                "(1,000,000) thì ô đó phải nằm trong dấu ngoặc kép, hoặc dùng dấu chấm phẩy (;) "
                "để phân cách các cột."
            )
            continue
        _read_line(number, values, columns, parsed, today)
    if len(parsed.rows) > MAX_CREDIT_ROWS:
        parsed.problems.append(
            f"Tệp có {len(parsed.rows)} khoản ghi có; mỗi lần chỉ nhập được tối đa "
            f"{MAX_CREDIT_ROWS} khoản. Hãy tách sao kê theo khoảng thời gian ngắn hơn."
        )
    if not parsed.rows and not parsed.problems:
        parsed.problems.append("Tệp không có khoản ghi có (tiền vào) nào để nhập.")


def _width(values) -> int:
    """Cells up to the last non-empty one."""
    filled = [index for index, value in enumerate(values) if _text(value)]
    return filled[-1] + 1 if filled else 0


def _cell(values, columns, role):
    index = columns.get(role)
    if index is None or index >= len(values):
        return None
    value = values[index]
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _is_date(value) -> bool:
    try:
        return parse_date(value) is not None
    except BadValue:
        return False


_CLOSING = re.compile(r"^(so du cuoi|closing)")


def _amount_or_none(value) -> int | None:
    try:
        return parse_amount(value)
    except BadValue:
        return None


def _closing_amount(values, columns, default):
    """The amount on a "Số dư cuối kỳ" line: in the balance column, else its last number."""
    candidates = [_cell(values, columns, BALANCE)] if BALANCE in columns else []
    candidates += [value for value in reversed(values) if value is not None][:3]
    for value in candidates:
        amount = _amount_or_none(value)
        if amount is not None and abs(amount) <= MAX_VALUE:
            return amount
    return default


def _read_balance(number, raw_date, raw_balance, parsed: ParsedStatement) -> None:
    """The balance printed after a transaction, when it and the date read cleanly; a balance
    is only informative, so one that does not read is left out, never a problem."""
    balance = _amount_or_none(raw_balance)
    try:
        booked_on = parse_date(raw_date)
    except BadValue:
        return
    if balance is not None and booked_on is not None and abs(balance) <= MAX_VALUE:
        parsed.balances.append(Balance(number, booked_on, balance))


def _read_line(number, values, columns, parsed: ParsedStatement, today) -> None:
    raw_date = _cell(values, columns, DATE)
    raw_amount = _cell(values, columns, AMOUNT)
    raw_reference = _cell(values, columns, REFERENCE)
    raw_description = _cell(values, columns, DESCRIPTION)
    texts = [fold(_text(value)) for value in values if _text(value)]
    if not texts:
        return
    if raw_reference is None and _TOTALS.match(texts[0]) and not _is_date(raw_date):
        if _CLOSING.match(texts[0]):
            parsed.stated_closing = _closing_amount(values, columns, parsed.stated_closing)
        parsed.notes.append(f"Dòng {number}: dòng tổng cộng hoặc số dư, bỏ qua.")
        return
    if raw_date is None and raw_amount is None and raw_reference is None:
        return  # a line of text only (a title or a note under the table)
    _read_balance(number, raw_date, _cell(values, columns, BALANCE), parsed)

    problems = parsed.problems
    before = len(problems)
    try:
        amount = parse_amount(raw_amount)
    except BadValue:
        problems.append(f"Dòng {number}: số tiền “{_shown(raw_amount)}” không phải số nguyên đồng.")
        amount = None
    if amount is None and len(problems) == before:
        if "credit_only" in columns:
            parsed.notes.append(f"Dòng {number}: không có số tiền ghi có (khoản chi), bỏ qua.")
            return
        problems.append(f"Dòng {number}: thiếu số tiền.")
    if amount is not None and amount <= 0:
        parsed.notes.append(
            f"Dòng {number}: khoản ghi nợ hoặc bằng 0 ({format_dong(amount)}), bỏ qua."
        )
        return
    if amount is not None and amount > MAX_VALUE:
        problems.append(f"Dòng {number}: số tiền quá lớn ({format_dong(amount)}).")

    try:
        received_on = parse_date(raw_date)
    except BadValue:
        problems.append(
            f"Dòng {number}: ngày “{_shown(raw_date)}” không đúng dạng ngày/tháng/năm "
            "(ví dụ 15/01/2026)."
        )
        received_on = None
    else:
        if received_on is None:
            problems.append(f"Dòng {number}: thiếu ngày giao dịch.")
        elif not dates.in_range(received_on):
            problems.append(
                f"Dòng {number}: ngày “{_shown(raw_date)}” nằm ngoài khoảng 01/01/1900 – "
                "31/12/2100, kiểm tra lại sao kê."
            )
        elif today is not None and received_on > today:
            problems.append(
                f"Dòng {number}: ngày {received_on:%d/%m/%Y} chưa đến, kiểm tra lại sao kê."
            )

    reference = _text(raw_reference)
    if not reference:
        problems.append(f"Dòng {number}: thiếu số tham chiếu (mã giao dịch) của ngân hàng.")
    elif len(reference) > REFERENCE_MAX_LENGTH:
        problems.append(f"Dòng {number}: số tham chiếu dài quá {REFERENCE_MAX_LENGTH} ký tự.")

    if len(problems) > before:
        return
    description = _text(raw_description)[:DESCRIPTION_MAX_LENGTH]
    donor_name, donor_kind = guess_donor(description)
    parsed.rows.append(
        StatementRow(
            row=number,
            received_on=received_on,
            amount=amount,
            reference=reference,
            description=description,
            donor_name=donor_name,
            donor_kind=donor_kind,
        )
    )


# --- Duplicates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    """An already recorded donation of the ward, as the duplicate check needs it."""

    received_on: datetime.date
    amount: int
    donor_name: str
    bank_reference: str
    label: str  # "biên nhận 00012/2026 (Quỹ Vì người nghèo 2026)"


def reference_key(reference: str) -> str:
    return " ".join(reference.split()).upper()


def _books(existing: Iterable[Existing]) -> tuple[dict, dict]:
    """The recorded donations by bank reference, and by (day, amount, donor name)."""
    by_reference: dict[str, list[Existing]] = {}
    by_day: dict[tuple, list[Existing]] = {}
    for donation in existing:
        if donation.bank_reference.strip():
            by_reference.setdefault(reference_key(donation.bank_reference), []).append(donation)
        if name_key(donation.donor_name):
            key = (donation.received_on, donation.amount, name_key(donation.donor_name))
            by_day.setdefault(key, []).append(donation)
    return by_reference, by_day


def _same_reference(row, by_reference) -> list[str]:
    return [
        f"Số tham chiếu đã được ghi ở {donation.label}."
        for donation in by_reference.get(reference_key(row.reference), [])
    ]


def _same_day(row, by_reference, by_day) -> list[str]:
    name = name_key(row.donor_name)
    if not name:
        return []
    same_reference = by_reference.get(reference_key(row.reference), [])
    return [
        f"Trùng ngày, số tiền và tên người ủng hộ với {donation.label}."
        for donation in by_day.get((row.received_on, row.amount, name), [])
        if donation not in same_reference
    ]


def flag_duplicates(rows: list[StatementRow], existing: Iterable[Existing]) -> None:
    """Give each row that looks already recorded its reasons; earlier rows of the file win.

    A row is a duplicate when its bank reference is that of a recorded donation or of an
    earlier row, or when its date, amount and donor name (case and accents ignored) are those
    of a recorded donation or of an earlier row.
    """
    by_reference, by_day = _books(existing)
    seen_reference: dict[str, int] = {}
    seen_day: dict[tuple, int] = {}
    for row in rows:
        reasons = _same_reference(row, by_reference)
        reference = reference_key(row.reference)
        if reference in seen_reference:
            reasons.append(f"Trùng số tham chiếu với dòng {seen_reference[reference]} của tệp.")
        seen_reference.setdefault(reference, row.row)
        reasons += _same_day(row, by_reference, by_day)
        name = name_key(row.donor_name)
        if name:
            key = (row.received_on, row.amount, name)
            if key in seen_day:
                reasons.append(
                    f"Trùng ngày, số tiền và tên người ủng hộ với dòng {seen_day[key]} của tệp."
                )
            seen_day.setdefault(key, row.row)
        row.duplicates = reasons


def recorded_reasons(rows: list[StatementRow], existing: Iterable[Existing]) -> list[list[str]]:
    """For each row, why it looks like a donation already in the books; rows are not compared
    with each other (two donors giving the same amount on one day are two gifts)."""
    by_reference, by_day = _books(existing)
    return [
        _same_reference(row, by_reference) + _same_day(row, by_reference, by_day) for row in rows
    ]


# --- The file itself --------------------------------------------------------------------------


def file_digest(file) -> str:
    """sha256 of the uploaded file's bytes: the same statement file has the same digest."""
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk if isinstance(chunk, bytes) else chunk.encode())
    file.seek(0)
    return digest.hexdigest()
