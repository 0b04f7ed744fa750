"""Who reported, and on time: each ward-month classified, a province's year as a table.

Timeliness always uses the FIRST submission of a report: a returned and resubmitted report
keeps the time it was first sent (the earliest "submit" event, else `submitted_at`). A month
counts in the rates once its due date has passed; rate = reports submitted on time / months
due.
"""

import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery, TextChoices
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import numbers
from core.collation import by_vietnamese
from core.numbers import percent_of
from core.spreadsheets import safe_cell
from reports import deadlines, periods
from reports.models import MonthlyReport, ReportEvent
from wards.models import Ward
from wards.selectors import ward_officers

Status = MonthlyReport.Status
MONTHS = range(1, 13)
PERCENT_FORMAT = "0.0%"  # the exact ratio, shown with one decimal


class State(TextChoices):
    APPROVED = "approved", "Đã duyệt"
    ON_TIME = "on_time", "Nộp đúng hạn"
    LATE = "late", "Nộp trễ hạn"
    MISSING = "missing", "Chưa nộp"
    NOT_DUE = "not_due", "Chưa đến hạn"


BADGES = {
    State.APPROVED: "text-bg-success",
    State.ON_TIME: "text-bg-primary",
    State.LATE: "text-bg-warning",
    State.MISSING: "text-bg-danger",
    State.NOT_DUE: "text-bg-light border",
}

LEGEND_NOTES = {
    State.APPROVED: (
        "Đã được Chủ tịch Ủy ban MTTQ phường, xã duyệt; ghi thêm “trễ hạn” nếu gửi lần đầu "
        "sau hạn nộp."
    ),
    State.ON_TIME: "Đã gửi lần đầu trong hạn, chưa được duyệt.",
    State.LATE: "Đã gửi lần đầu sau hạn nộp, chưa được duyệt.",
    State.MISSING: "Đã quá hạn mà chưa gửi báo cáo.",
    State.NOT_DUE: "Chưa đến hạn nộp và chưa gửi.",
}

# Light fills for the spreadsheet, in the spirit of the badges.
FILLS = {
    State.APPROVED: "C6EFCE",
    State.ON_TIME: "DDEBF7",
    State.LATE: "FFEB9C",
    State.MISSING: "FFC7CE",
    State.NOT_DUE: "F2F2F2",
}


@dataclass(frozen=True)
class Standing:
    """One ward-month: its state, whether it was submitted on time, and if it counts in rates."""

    state: State
    on_time: bool = False
    submitted_on: datetime.date | None = None
    is_due: bool = False

    @property
    def label(self) -> str:
        return State(self.state).label

    @property
    def badge(self) -> str:
        return BADGES[self.state]

    @property
    def note(self) -> str:
        """Timeliness of an approved report; empty for the other states."""
        if self.state != State.APPROVED:
            return ""
        return "nộp đúng hạn" if self.on_time else "nộp trễ hạn"

    @property
    def text(self) -> str:
        """The label for a spreadsheet cell; a late approval says so."""
        late_approval = self.state == State.APPROVED and not self.on_time
        return f"{self.label} ({self.note})" if late_approval else self.label


def first_submission(report: MonthlyReport) -> datetime.datetime | None:
    """When the report was first sent: the earliest submit event, else `submitted_at`.

    Reports read through `with_first_submission` carry the event time already; an approved
    report with no trace of its submission falls back on its approval time (an upper bound).
    """
    first = getattr(report, "first_submitted_at", None) or report.submitted_at
    if first is None and report.status == Status.APPROVED:
        first = report.approved_at
    return first


def with_first_submission(reports: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    """Annotate `first_submitted_at` (earliest submit event) in the same query."""
    return reports.annotate(
        first_submitted_at=Min("events__at", filter=Q(events__action=ReportEvent.Action.SUBMIT))
    )


def classify(report: MonthlyReport | None, due: datetime.date, today: datetime.date) -> Standing:
    """The state of one ward-month given its report (or None), due date and today."""
    is_due = due < today
    first = first_submission(report) if report is not None else None
    if first is None:
        return Standing(State.MISSING if is_due else State.NOT_DUE, is_due=is_due)
    submitted_on = timezone.localtime(first).date() if timezone.is_aware(first) else first.date()
    on_time = submitted_on <= due
    if report.status == Status.APPROVED:
        state = State.APPROVED
    else:
        state = State.ON_TIME if on_time else State.LATE
    return Standing(state, on_time=on_time, submitted_on=submitted_on, is_due=is_due)


@dataclass
class Rate:
    """Reports submitted on time over months due."""

    on_time: int = 0
    due: int = 0

    def add(self, standing: Standing) -> None:
        if standing.is_due:
            self.due += 1
            self.on_time += standing.on_time

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.on_time, self.due)

    @property
    def fraction(self) -> float | None:
        """For spreadsheets: the exact ratio, shown with a percent format."""
        return None if not self.due else self.on_time / self.due

    @property
    def text(self) -> str:
        """Vietnamese percent: "83,3 %"; "—" when no month is due."""
        return percent_text(self.percent)


def percent_text(value: Decimal | None) -> str:
    """One decimal: "83,3 %" (core.numbers, the portal's one way to show a rate)."""
    return numbers.percent_text(value)


@dataclass
class WardRow:
    ward: Ward
    cells: list[Standing]
    rate: Rate


@dataclass
class CompletenessTable:
    province: object
    year: int
    due_dates: list[datetime.date]
    rows: list[WardRow] = field(default_factory=list)
    month_rates: list[Rate] = field(default_factory=list)
    overall: Rate = field(default_factory=Rate)

    @property
    def months(self):
        return list(zip(MONTHS, self.due_dates, self.month_rates, strict=True))


def completeness_table(province, year: int, today: datetime.date) -> CompletenessTable:
    """Every ward of the province × every month of the year, with rates over all wards.

    Two queries whatever the size of the province: its wards, and its reports of the year
    with their first submission time.
    """
    due_dates = [deadlines.due_date(year, month) for month in MONTHS]
    wards = list(
        Ward.objects.filter(province=province)
        .only("code", "name", "kind")
        .order_by(by_vietnamese("name"), "code")
    )
    reports = with_first_submission(
        MonthlyReport.objects.filter(
            ward__province=province,
            period__gte=periods.month_start(year, 1),
            period__lte=periods.month_start(year, 12),
        )
        .only("ward_id", "period", "status", "submitted_at", "approved_at")
        .order_by()
    )
    by_ward_month = {(r.ward_id, r.period.month): r for r in reports}

    table = CompletenessTable(
        province=province, year=year, due_dates=due_dates, month_rates=[Rate() for _ in MONTHS]
    )
    for ward in wards:
        cells, rate = [], Rate()
        for index, month in enumerate(MONTHS):
            standing = classify(by_ward_month.get((ward.pk, month)), due_dates[index], today)
            cells.append(standing)
            rate.add(standing)
            table.month_rates[index].add(standing)
            table.overall.add(standing)
        table.rows.append(WardRow(ward=ward, cells=cells, rate=rate))
    return table


def _fold(text: str) -> str:
    """Lower case without diacritics, so "my thoi" finds "Mỹ Thới"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_rows(rows: list[WardRow], search: str) -> list[WardRow]:
    """Rows whose ward name contains the search (ignoring case and accents), or code equals it."""
    search = search.strip()
    if not search:
        return rows
    folded = _fold(search)
    return [row for row in rows if folded in _fold(row.ward.name) or row.ward.code == search]


# --- Spreadsheet export ------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """Text a spreadsheet will never run as a formula (the portal-wide rule)."""
    return safe_cell(value)


def completeness_headers() -> list[str]:
    return ["Mã", "Phường, xã", *(f"Tháng {month}" for month in MONTHS), "Tỷ lệ đúng hạn"]


def completeness_xlsx(table: CompletenessTable) -> bytes:
    """The table as an .xlsx file: a row per ward, text labels, a last row of monthly rates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Tiến độ {table.year}"
    sheet.append(completeness_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for row in table.rows:
        sheet.append(
            [
                safe_text(row.ward.code),
                safe_text(row.ward.name),
                *(standing.text for standing in row.cells),
                row.rate.fraction,
            ]
        )
        for standing, cell in zip(row.cells, sheet[sheet.max_row][2:14], strict=True):
            cell.fill = PatternFill("solid", fgColor=FILLS[standing.state])

    sheet.append(
        [
            "",
            "Tỷ lệ đúng hạn theo tháng",
            *(rate.fraction for rate in table.month_rates),
            table.overall.fraction,
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)

    rate_columns = [*range(3, 15)]
    last_column = len(completeness_headers())
    for row_cells in sheet.iter_rows(min_row=2):
        row_cells[last_column - 1].number_format = PERCENT_FORMAT
    for column in rate_columns:
        sheet.cell(row=sheet.max_row, column=column).number_format = PERCENT_FORMAT

    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 28
    for column in range(3, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = "C2"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- What a ward still owes ----------------------------------------------------------------

NO_REPORT_LABEL = "Chưa nhập"


@dataclass(frozen=True)
class DueItem:
    """A month the ward has not (re)submitted yet."""

    ward_code: str
    period: datetime.date
    due: datetime.date
    overdue_days: int
    days_left: int
    status_label: str
    comment: str = ""  # the chair's, when the report was returned or reopened

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def month(self) -> int:
        return self.period.month

    @property
    def month_label(self) -> str:
        return f"{self.period:%m/%Y}"


def due_items(ward, today: datetime.date) -> list[DueItem]:
    """What the ward still has to send, newest first: the months of the last twelve (up to
    last month) without a report or with one being entered, and every report the chair
    returned (this month's or an older one too), with the chair's comment. One query.
    """
    current = periods.month_start(today.year, today.month)
    first, last = periods.add_months(current, -12), periods.add_months(current, -1)
    returned = Status.RETURNED
    # The comment of the latest return (or reopening) of each returned report.
    comment = Subquery(
        ReportEvent.objects.filter(
            report=OuterRef("pk"),
            action__in=(ReportEvent.Action.RETURN, ReportEvent.Action.REOPEN),
        )
        .order_by("-at", "-pk")
        .values("comment")[:1]
    )
    found = {
        period: (status, text or "")
        for period, status, text in MonthlyReport.objects.filter(ward=ward)
        .filter(Q(period__gte=first, period__lte=last) | Q(status=returned))
        .annotate(comment=comment)
        .order_by()
        .values_list("period", "status", "comment")
    }
    owed = set(periods.months_between(first, last)) | {
        period for period, (status, _) in found.items() if status == returned
    }
    owed = {period for period in owed if ward.accepts_month(period)}  # none after abolition
    items = []
    for period in sorted(owed, reverse=True):
        status, text = found.get(period, (None, ""))
        if status not in (None, *MonthlyReport.EDITABLE):
            continue
        due = deadlines.due_date(period.year, period.month)
        items.append(
            DueItem(
                ward_code=ward.code,
                period=period,
                due=due,
                overdue_days=max((today - due).days, 0),
                days_left=max((due - today).days, 0),
                status_label=Status(status).label if status else NO_REPORT_LABEL,
                comment=text if status == returned else "",
            )
        )
    return items


# --- Who is late this month (the province's landing) ---------------------------------------


@dataclass
class LateCommune:
    ward: Ward
    status_label: str  # "Chưa nhập", "Đang nhập", "Bị trả lại"
    officers: list = field(default_factory=list)  # its officers' RoleAssignments (phone, user)


@dataclass
class LateMonth:
    """The communes of a province that have not sent the month now being reported."""

    period: datetime.date
    due: datetime.date
    overdue_days: int
    ward_count: int
    communes: list[LateCommune] = field(default_factory=list)

    @property
    def month_label(self) -> str:
        return f"{self.period:%m/%Y}"

    @property
    def sent_count(self) -> int:
        return self.ward_count - len(self.communes)


def reporting_month(today: datetime.date) -> datetime.date:
    """The month being reported now: last month (its report falls due this month)."""
    year, month = deadlines.previous_month(today)
    return periods.month_start(year, month)


def late_communes(province, today: datetime.date) -> LateMonth:
    """The province's current communes that have not sent (or resent) this reporting month's
    report, by name, each with its commune officers (name, phone, e-mail) to call. Three
    queries: the communes, the month's reports, the officers."""
    period = reporting_month(today)
    due = deadlines.due_date(period.year, period.month)
    wards = list(
        Ward.objects.filter(province=province)
        .only("code", "name", "kind", "province_id")
        .order_by(by_vietnamese("name"), "code")
    )
    statuses = dict(
        MonthlyReport.objects.filter(ward__province=province, period=period)
        .order_by()
        .values_list("ward_id", "status")
    )
    # Current communes only (`Ward.objects`): each one owes every month.
    late = [ward for ward in wards if statuses.get(ward.pk) in (None, *MonthlyReport.EDITABLE)]
    officers = ward_officers([ward.pk for ward in late])
    return LateMonth(
        period=period,
        due=due,
        overdue_days=max((today - due).days, 0),
        ward_count=len(wards),
        communes=[
            LateCommune(
                ward=ward,
                status_label=Status(statuses[ward.pk]).label
                if ward.pk in statuses
                else NO_REPORT_LABEL,
                officers=officers.get(ward.pk, []),
            )
            for ward in late
        ],
    )


def slow_rows(rows: list[WardRow]) -> list[WardRow]:
    """Rows of communes that missed a due month or first sent one after its due date (the
    matrix's "chỉ phường, xã chậm")."""
    return [row for row in rows if any(cell.is_due and not cell.on_time for cell in row.cells)]
