"""Spreadsheets: the monthly entry template, reading it back, and the year and province exports.

Pure functions: they take objects and figures already read and return openpyxl workbooks, or
read an uploaded workbook into typed entries plus every problem found. Nothing here queries
or writes the database; the views read, and services.report_save writes.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import uploads
from core.numbers import (
    NotAWholeNumber,
    WholeNumberField,
    format_number,
    parse_whole_number,
    percent_text,
)
from core.spreadsheets import safe_cell
from core.uploads import HEADER_SEARCH_ROWS, MAX_COLUMNS, UnreadableFile
from reports.models import Indicator, MonthlyReport
from reports.selectors import Figure, IndicatorRow, aggregate
from reports.services import Entry

NUMBER_FORMAT = "#,##0"
# Ratios are written as the exact fraction (0.333…) shown as a percent with one decimal (33.3%).
PERCENT_FORMAT = "0.0%"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
COMPUTED_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="A6A6A6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# The default upload limit; forms read settings.UPLOAD_MAX_SPREADSHEET_BYTES at request time.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000  # the catalogue has ~50 indicators; anything far beyond is not our template
MAX_VALUE = WholeNumberField.MAX

CODE = "Mã chỉ tiêu"
GROUP = "Nhóm"
NAME = "Tên chỉ tiêu"
UNIT = "Đơn vị tính"
LAST_MONTH = "Tháng trước"
VALUE = "Số liệu tháng này"
DENOMINATOR = "Mẫu số (chỉ tiêu tỷ lệ)"
NOTE = "Ghi chú"
ENTRY_HEADERS = [CODE, GROUP, NAME, UNIT, LAST_MONTH, VALUE, DENOMINATOR, NOTE]
ENTRY_HEADER_ROW = 4
COMPUTED_NOTE = "Cổng tự tính"
NO_REPORT = "Chưa có báo cáo"

# Custom document properties naming the ward and month a template was made for.
PROP_WARD = "mttq_ward"
PROP_PERIOD = "mttq_period"


# --- Writing -------------------------------------------------------------------------------

safe_text = safe_cell  # the name this module's callers knew


def write_row(ws, row: int, values, *, fill=None) -> list:
    """Write one row from column A: text escaped, whole numbers grouped, ratios as percents."""
    cells = []
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column, value=safe_cell(value))
        if isinstance(value, Decimal):
            cell.number_format = PERCENT_FORMAT
        elif isinstance(value, int) and not isinstance(value, bool):
            cell.number_format = NUMBER_FORMAT
        if fill is not None:
            cell.fill = fill
        cells.append(cell)
    return cells


def write_header(ws, row: int, labels) -> list:
    """A bold, shaded, bordered, wrapped header row."""
    cells = write_row(ws, row, labels, fill=HEADER_FILL)
    for cell in cells:
        cell.font = Font(bold=True)
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return cells


def _title(ws, lines: list[str]) -> None:
    for row, text in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=safe_cell(text)).font = Font(
            bold=row == 1, size=13 if row == 1 else 11
        )


def _widths(ws, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def percent(figure: Figure) -> Decimal | None:
    """numerator / denominator as the exact fraction (the cell's format shows the percent)."""
    if figure.value is None or not figure.denominator:
        return None
    return Decimal(figure.value) / Decimal(figure.denominator)


def cell_value(indicator: Indicator, figure: Figure):
    """A figure as one cell: a whole number, or a percent for ratio indicators."""
    if indicator.kind == Indicator.Kind.RATIO:
        return percent(figure)
    return figure.value


def unit_of(indicator: Indicator) -> str:
    return "%" if indicator.kind == Indicator.Kind.RATIO else indicator.unit


def status_label(status: str | None) -> str:
    return MonthlyReport.Status(status).label if status else NO_REPORT


def month_label(period: datetime.date) -> str:
    return f"{period.month:02d}/{period.year}"


def entry_filename(ward, period: datetime.date) -> str:
    return f"bao-cao-{ward.code}-{period.year}-{period.month:02d}.xlsx"


def year_filename(ward, year: int) -> str:
    return f"bao-cao-{ward.code}-{year}.xlsx"


def province_filename(province, period: datetime.date) -> str:
    return f"bao-cao-tinh-{province.code}-{period.year}-{period.month:02d}.xlsx"


def entry_workbook(
    ward, period: datetime.date, rows: list[IndicatorRow], computed: dict[str, Figure]
) -> Workbook:
    """The month's entry sheet: one row per active indicator, this month's figures prefilled.

    Rows the portal computes (`computed`, keyed by code) are shaded and noted; the import
    ignores whatever is typed there.
    """
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"Tháng {period.month:02d}-{period.year}"
    _title(
        ws,
        [
            f"Báo cáo công tác Mặt trận tháng {month_label(period)} – {ward.name} (mã {ward.code})",
            "Nhập số nguyên, không có phần lẻ, ví dụ 1804000000. Chỉ tiêu tỷ lệ: nhập tử số ở "
            f"cột “{VALUE}” và mẫu số ở cột “{DENOMINATOR}”.",
            f"Dòng tô xám do cổng tự tính ({COMPUTED_NOTE}); số ghi ở các dòng này không được "
            "nhập vào cổng. Không đổi mã chỉ tiêu.",
        ],
    )
    write_header(ws, ENTRY_HEADER_ROW, ENTRY_HEADERS)
    first = ENTRY_HEADER_ROW + 1
    for offset, row in enumerate(rows):
        indicator = row.indicator
        is_ratio = indicator.kind == Indicator.Kind.RATIO
        current = computed.get(indicator.code, row.current)
        note = ""
        if indicator.code in computed:
            note = f"{COMPUTED_NOTE}: {row.source_label}" if row.source_label else COMPUTED_NOTE
        elif is_ratio:
            note = "Tử số ở cột số liệu, mẫu số ở cột mẫu số."
        write_row(
            ws,
            first + offset,
            [
                indicator.code,
                indicator.group.name,
                indicator.name,
                indicator.unit,
                _last_month(indicator, row.last_month),
                current.value,
                current.denominator if is_ratio else None,
                note,
            ],
            fill=COMPUTED_FILL if indicator.code in computed else None,
        )
        if indicator.code in computed:
            ws.cell(row=first + offset, column=6).comment = Comment(
                f"{COMPUTED_NOTE}, không nhập từ tệp.", "Cổng báo cáo MTTQ"
            )
    last = first + len(rows) - 1
    if rows:
        whole = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Số liệu không hợp lệ",
            error="Nhập số nguyên không âm, không có phần lẻ.",
        )
        whole.add(f"F{first}:G{last}")
        ws.add_data_validation(whole)
    ws.freeze_panes = ws.cell(row=first, column=4)
    _widths(ws, [16, 28, 60, 12, 16, 20, 20, 42])
    workbook.custom_doc_props.append(StringProperty(name=PROP_WARD, value=ward.code))
    workbook.custom_doc_props.append(StringProperty(name=PROP_PERIOD, value=period.isoformat()))
    return workbook


def _last_month(indicator: Indicator, figure: Figure):
    if indicator.kind == Indicator.Kind.RATIO and figure.value is not None:
        return f"{format_number(figure.value)} / {format_number(figure.denominator)}"
    return figure.value


def ward_year_workbook(
    ward,
    year: int,
    indicators: list[Indicator],
    figures: dict[tuple[int, int], Figure],
    statuses: dict[int, str],
) -> Workbook:
    """Indicators × months 1–12 and the year's roll-up; `figures` keyed (indicator id, month).

    Every saved figure is shown; the second header row gives each month's report status so
    figures not yet approved are recognisable.
    """
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"Năm {year}"
    _title(
        ws,
        [
            f"Số liệu công tác Mặt trận năm {year} – {ward.name} (mã {ward.code})",
            "Gồm mọi số liệu đã lưu; dòng “Trạng thái báo cáo” cho biết tháng nào đã duyệt. "
            "Cột “Cả năm”: chỉ tiêu cộng dồn lấy tổng, chỉ tiêu thời điểm lấy số mới nhất, "
            "tỷ lệ tính từ tổng tử số và tổng mẫu số (tỷ lệ của số thời điểm, như tỷ lệ tập "
            "hợp: tử số và mẫu số của tháng mới nhất).",
        ],
    )
    months = range(1, 13)
    write_header(ws, 4, [CODE, GROUP, NAME, UNIT, *(f"Tháng {m}" for m in months), "Cả năm"])
    write_header(
        ws,
        5,
        ["", "", "Trạng thái báo cáo", "", *(status_label(statuses.get(m)) for m in months), ""],
    )
    for offset, indicator in enumerate(indicators):
        monthly = {m: figures.get((indicator.pk, m), Figure()) for m in months}
        whole_year = aggregate(indicator, months, monthly)
        cells = write_row(
            ws,
            6 + offset,
            [
                indicator.code,
                indicator.group.name,
                indicator.name,
                unit_of(indicator),
                *(cell_value(indicator, f) for f in monthly.values()),
                cell_value(indicator, whole_year),
            ],
        )
        if whole_year.as_of:
            cells[-1].comment = Comment(
                f"Số liệu tháng {whole_year.as_of} (tháng mới nhất có số liệu).",
                "Cổng báo cáo MTTQ",
            )
    ws.freeze_panes = "E6"
    _widths(ws, [16, 24, 50, 10, *([14] * 12), 16])
    return workbook


def province_month_workbook(
    province,
    period: datetime.date,
    wards,
    indicators: list[Indicator],
    figures: dict[tuple[int, int], Figure],
    statuses: dict[int, str],
) -> Workbook:
    """Wards × indicators for one month; `figures` keyed (ward id, indicator id)."""
    workbook = Workbook()
    _province_sheet(
        workbook.active,
        sheet_title=f"Tháng {period.month:02d}-{period.year}",
        title=[
            f"Số liệu công tác Mặt trận tháng {month_label(period)} – {province.name}",
            "Gồm mọi số liệu đã lưu; cột “Trạng thái” cho biết báo cáo nào đã duyệt. "
            "Chỉ tiêu tỷ lệ ghi theo phần trăm.",
        ],
        status_header="Trạng thái",
        wards=wards,
        indicators=indicators,
        figure=lambda ward, indicator: figures.get((ward.pk, indicator.pk), Figure()),
        status=lambda ward: status_label(statuses.get(ward.pk)),
    )
    return workbook


PROVINCE_TOTAL = "Toàn tỉnh"


def province_period_workbook(
    province,
    *,
    label: str,
    months: list[datetime.date],
    wards,
    indicators: list[Indicator],
    figures: dict[tuple[int, int], dict],
    approved: dict[int, int],
    include_drafts: bool,
) -> Workbook:
    """Wards × indicators over a period and the province's total row; `figures` keyed
    (ward id, indicator id) → {month: Figure}, `approved` ward id → approved months.

    Each commune's figure and the total roll up through reports.selectors.aggregate: flows
    summed, stocks the sum of each commune's latest value in the period, rates from the summed
    numerators and denominators (never a sum or an average of percents)."""
    workbook = Workbook()

    def months_of(ward, indicator):
        return figures.get((ward.pk, indicator.pk), {})

    _province_sheet(
        workbook.active,
        sheet_title="Tổng hợp toàn tỉnh",
        title=[
            f"Số liệu công tác Mặt trận {label} – {province.name}",
            (
                "Bao gồm số liệu chưa duyệt (báo cáo đang nhập, chờ duyệt hoặc bị trả lại)."
                if include_drafts
                else "Chỉ gồm báo cáo tháng đã duyệt."
            )
            + " Chỉ tiêu cộng dồn lấy tổng các tháng, chỉ tiêu thời điểm lấy số mới nhất trong "
            "kỳ của từng phường, xã; dòng “Toàn tỉnh” cộng các phường, xã, tỷ lệ tính từ tổng "
            "tử số và tổng mẫu số. Tiền mặt và hiện vật quy đổi ở các cột riêng.",
        ],
        status_header=f"Tháng đã duyệt (trên {len(months)})",
        wards=wards,
        indicators=indicators,
        figure=lambda ward, indicator: aggregate(indicator, months, months_of(ward, indicator)),
        status=lambda ward: approved.get(ward.pk, 0),
        total=[
            aggregate(indicator, months, *(months_of(ward, indicator) for ward in wards))
            for indicator in indicators
        ],
    )
    return workbook


def period_filename(province, slug: str) -> str:
    return f"tong-hop-tinh-{province.code}-{slug}.xlsx"


def _province_sheet(
    ws, *, sheet_title, title, status_header, wards, indicators, figure, status, total=None
) -> None:
    """A province's sheet: a row per ward (`figure(ward, indicator)`, `status(ward)`), and the
    `total` figures (one per indicator) in a bold last row when given."""
    ws.title = sheet_title
    _title(ws, title)
    write_header(ws, 4, ["Mã đơn vị", "Phường, xã", status_header, *(i.code for i in indicators)])
    write_header(ws, 5, ["", "", "", *(f"{i.name} ({unit_of(i)})" for i in indicators)])
    for offset, ward in enumerate(wards):
        write_row(
            ws,
            6 + offset,
            [
                ward.code,
                ward.name,
                status(ward),
                *(cell_value(i, figure(ward, i)) for i in indicators),
            ],
        )
    if total is not None:
        cells = write_row(
            ws,
            6 + len(wards),
            [
                "",
                PROVINCE_TOTAL,
                sum(status(ward) for ward in wards),
                *(cell_value(i, f) for i, f in zip(indicators, total, strict=True)),
            ],
        )
        for cell in cells:
            cell.font = Font(bold=True)
    ws.freeze_panes = "D6"
    ws.row_dimensions[5].height = 90
    _widths(ws, [10, 28, 18, *([18] * len(indicators))])


# --- Reading an upload ----------------------------------------------------------------------


@dataclass
class ParsedUpload:
    """What an entry sheet says: valid figures by code, and every problem with its row."""

    entries: dict[str, Entry] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # code → spreadsheet row
    ignored: dict[str, int] = field(default_factory=dict)  # computed indicators in the file
    problems: list[str] = field(default_factory=list)

    @property
    def figure_count(self) -> int:
        return sum(1 for entry in self.entries.values() if entry.value is not None)


def _normal(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _shown(value) -> str:
    """A raw cell value as the officer typed it, for an error message."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_entry_upload(
    file, *, ward, period: datetime.date, indicators: list[Indicator], computed_codes: set[str]
) -> ParsedUpload:
    """Read an entry sheet; check every row and collect every problem, never stop at the first.

    Raises UnreadableFile when the file is not an .xlsx workbook at all.
    """
    workbook = uploads.open_workbook(
        file,
        too_big="Tệp chứa quá nhiều dữ liệu so với một mẫu báo cáo. Hãy dùng tệp mẫu tải từ cổng.",
    )
    try:
        parsed = ParsedUpload()
        _check_origin(workbook, ward, period, parsed)
        _read_rows(workbook, indicators, computed_codes, parsed)
        return parsed
    except UnreadableFile:
        raise
    except Exception as error:  # a sheet openpyxl opened but cannot iterate
        raise UnreadableFile(
            "Không đọc được nội dung tệp Excel. Hãy dùng tệp mẫu tải từ cổng."
        ) from error
    finally:
        workbook.close()


def _check_origin(workbook, ward, period, parsed: ParsedUpload) -> None:
    """A template made for another ward or month is refused, so figures do not land wrongly."""
    props = {prop.name: prop.value for prop in workbook.custom_doc_props}
    made_for_ward = props.get(PROP_WARD)
    made_for_period = props.get(PROP_PERIOD)
    if made_for_ward and made_for_ward != ward.code:
        parsed.problems.append(
            f"Tệp này là mẫu báo cáo của đơn vị mã {made_for_ward}, không phải của "
            f"{ward.name} (mã {ward.code}). Hãy tải mẫu của đúng phường, xã."
        )
    if made_for_period and made_for_period != period.isoformat():
        try:
            shown = month_label(datetime.date.fromisoformat(made_for_period))
        except ValueError:
            shown = made_for_period
        parsed.problems.append(
            f"Tệp này là mẫu báo cáo tháng {shown}, không phải tháng {month_label(period)}. "
            "Hãy tải mẫu của tháng này rồi nhập số liệu vào đó."
        )


def _find_header(ws):
    """(header row number, column index by role) or None; roles: code, value, denominator."""
    rows = ws.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        columns = {}
        for index, value in enumerate(values):
            if _is_blank(value):
                continue
            label = _normal(value)
            if label == _normal(CODE):
                columns["code"] = index
            elif label == _normal(VALUE):
                columns["value"] = index
            elif label.startswith(_normal("Mẫu số")):
                columns["denominator"] = index
        if "code" in columns:
            return number, columns
    return None


def _read_rows(workbook, indicators, computed_codes, parsed: ParsedUpload) -> None:
    found = next(
        ((ws, *header) for ws in workbook.worksheets if (header := _find_header(ws))), None
    )
    if found is None:
        parsed.problems.append(
            f"Không tìm thấy dòng tiêu đề có cột “{CODE}” trong {HEADER_SEARCH_ROWS} dòng đầu. "
            "Hãy dùng tệp mẫu tải từ cổng."
        )
        return
    ws, header_row, columns = found
    if "value" not in columns:
        parsed.problems.append(f"Dòng {header_row}: không có cột “{VALUE}”.")
        return
    by_code = {_normal(i.code): i for i in indicators}
    rows = ws.iter_rows(
        min_row=header_row + 1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True
    )
    for number, values in enumerate(rows, start=header_row + 1):
        if number > MAX_ROWS:
            parsed.problems.append(
                f"Tệp có hơn {MAX_ROWS} dòng; mẫu báo cáo chỉ có vài chục dòng. "
                "Hãy dùng tệp mẫu tải từ cổng."
            )
            break
        _read_row(number, values, columns, by_code, computed_codes, parsed)
    if not parsed.entries and not parsed.problems:
        parsed.problems.append("Tệp không có số liệu nào để nhập.")


def _read_row(number, values, columns, by_code, computed_codes, parsed: ParsedUpload) -> None:
    raw_code = values[columns["code"]]
    raw_value = values[columns["value"]]
    raw_denominator = values[columns["denominator"]] if "denominator" in columns else None
    problems = parsed.problems
    if _is_blank(raw_code):
        if not (_is_blank(raw_value) and _is_blank(raw_denominator)):
            problems.append(f"Dòng {number}: có số liệu nhưng thiếu mã chỉ tiêu.")
        return
    code_text = str(raw_code).strip().lstrip("'")
    indicator = by_code.get(_normal(code_text))
    if indicator is None:
        problems.append(f"Dòng {number}: mã chỉ tiêu {code_text} không có trong danh mục.")
        return
    code = indicator.code
    first_row = parsed.rows.get(code) or parsed.ignored.get(code)
    if first_row:
        problems.append(f"Dòng {number}: mã chỉ tiêu {code} bị lặp (đã có ở dòng {first_row}).")
        return
    if code in computed_codes:
        parsed.ignored[code] = number
        return
    parsed.rows[code] = number

    before = len(problems)
    value = _whole_number(number, raw_value, "", problems)
    denominator = _whole_number(number, raw_denominator, "mẫu số ", problems)
    if len(problems) > before:
        return
    if indicator.kind == Indicator.Kind.RATIO:
        if value is not None and denominator is None:
            problems.append(f"Dòng {number}: chỉ tiêu tỷ lệ {code} cần có mẫu số.")
        elif value is None and denominator is not None:
            problems.append(
                f"Dòng {number}: chỉ tiêu tỷ lệ {code} có mẫu số nhưng thiếu tử số (cột “{VALUE}”)."
            )
        elif value is not None and value > denominator:
            problems.append(
                f"Dòng {number}: tử số ({format_number(value)}) lớn hơn mẫu số "
                f"({format_number(denominator)})."
            )
    elif denominator is not None:
        problems.append(
            f"Dòng {number}: chỉ tiêu {code} không có mẫu số; hãy để trống cột “{DENOMINATOR}”."
        )
    if len(problems) == before:
        parsed.entries[code] = Entry(value, denominator)


def _whole_number(number: int, raw, what: str, problems: list[str]) -> int | None:
    """The cell as a whole number (None if empty); a problem is added when it is not one."""
    if _is_blank(raw):
        return None
    try:
        value = parse_whole_number(raw.strip().lstrip("'") if isinstance(raw, str) else raw)
    except NotAWholeNumber:
        problems.append(f"Dòng {number}: {what}“{_shown(raw)}” không phải số nguyên.")
        return None
    if value < 0:
        problems.append(f"Dòng {number}: {what or 'số liệu '}không được âm ({value}).")
        return None
    if value > MAX_VALUE:
        problems.append(f"Dòng {number}: {what or 'số liệu '}quá lớn ({format_number(value)}).")
        return None
    return value


# --- Preview --------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    indicator: Indicator
    row: int
    old: Figure
    new: Figure | None  # None: computed by the portal, the file's figure is ignored

    @property
    def changed(self) -> bool:
        return self.new is not None and (self.old.value, self.old.denominator) != (
            self.new.value,
            self.new.denominator,
        )

    @property
    def old_text(self) -> str:
        return figure_text(self.indicator, self.old)

    @property
    def new_text(self) -> str:
        return figure_text(self.indicator, self.new) if self.new else COMPUTED_NOTE


def figure_text(indicator: Indicator, figure: Figure) -> str:
    """ "1.804.000.000 đ", "12 / 40 (30,0 %)", "—" for an empty figure."""
    if figure.value is None:
        return "—"
    if indicator.kind == Indicator.Kind.RATIO:
        text = f"{format_number(figure.value)} / {format_number(figure.denominator)}"
        if figure.percent is not None:
            text += f" ({percent_text(figure.percent)})"
        return text
    if indicator.kind == Indicator.Kind.MONEY:
        return f"{format_number(figure.value)} đ"
    return format_number(figure.value)


def preview_rows(rows: list[IndicatorRow], parsed: ParsedUpload) -> list[PreviewRow]:
    """The file's indicators in catalogue order, each with the saved figure and the new one."""
    preview = []
    for row in rows:
        code = row.indicator.code
        if code in parsed.entries:
            entry = parsed.entries[code]
            new = Figure(entry.value, entry.denominator)
            preview.append(PreviewRow(row.indicator, parsed.rows[code], row.current, new))
        elif code in parsed.ignored:
            preview.append(PreviewRow(row.indicator, parsed.ignored[code], row.current, None))
    return preview
