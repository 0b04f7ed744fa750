"""The dashboards' tables: what a page shows, and the same rows as CSV or XLSX downloads.

A cell keeps its raw value (int, Decimal percent, str or None) beside the text the page shows,
and its kind, so that a spreadsheet gets numbers it can add up: money as integer đồng with a
thousands format, rates as fractions with a percent format. Text that a spreadsheet could run
as a formula is escaped (core/spreadsheets.py).
"""

import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from campaigns.selectors import GRAND_TOTAL_LABEL
from core.numbers import format_dong, format_number
from core.spreadsheets import CSV_CONTENT_TYPE, csv_lines, safe_cell
from core.uploads import XLSX_TYPE
from reports.dashboards import figures

TEXT, COUNT, MONEY, PERCENT = "text", "count", "money", "percent"
# A rate's cell holds the exact ratio; the format shows it with one decimal.
NUMBER_FORMATS = {COUNT: "#,##0", MONEY: "#,##0", PERCENT: "0.0%"}
FORMATS = ("csv", "xlsx")


@dataclass
class Cell:
    raw: object  # what the downloads hold: int, Decimal (a percent), str or None
    text: str  # what the page shows
    link: str = ""
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT

    def html(self, *, row_header=False) -> str:
        """The <td> (or <th scope="row">) of this cell; built here rather than in the
        template because a province table has thousands of cells."""
        content = (
            format_html('<a href="{}">{}</a>', self.link, self.text) if self.link else self.text
        )
        if row_header:
            return format_html('<th scope="row">{}</th>', content)
        if self.numeric:
            return format_html('<td class="text-end">{}</td>', content)
        return format_html("<td>{}</td>", content)


def count_cell(value) -> Cell:
    return Cell(value, format_number(value) if value is not None else "—")


def money_cell(value) -> Cell:
    return Cell(value, format_dong(value), kind=MONEY)


def percent_cell(value: Decimal | None) -> Cell:
    return Cell(value, figures.percent_text(value), kind=PERCENT)


def text_cell(value, link="") -> Cell:
    return Cell(value, value, link=link, kind=TEXT)


def indicator_cell(indicator, figure) -> Cell:
    """A rolled-up indicator figure: a rate, money or a count, by the indicator's kind."""
    kind = COUNT
    if indicator.rollup == indicator.Rollup.RATIO or indicator.kind == indicator.Kind.RATIO:
        kind = PERCENT
    elif indicator.kind == indicator.Kind.MONEY:
        kind = MONEY
    return Cell(
        figures.figure_raw(indicator, figure),
        figures.figure_text(indicator, figure),
        kind=kind,
    )


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    footer: list | None = None
    download_query: dict = field(default_factory=dict)  # {"csv": "?…", "xlsx": "?…"}
    sort_links: list | None = None  # [(label, url, arrow)] when headers sort

    @property
    def csv_url(self) -> str:
        return self.download_query.get("csv", "")

    @property
    def xlsx_url(self) -> str:
        return self.download_query.get("xlsx", "")

    @property
    def all_rows(self) -> list:
        return [*self.rows, *([self.footer] if self.footer else [])]

    @property
    def body_html(self) -> str:
        """<tr>s of the rows; a first text cell heads its row."""
        return mark_safe(
            "\n".join(
                "<tr>"
                + "".join(
                    cell.html(row_header=index == 0 and not cell.numeric)
                    for index, cell in enumerate(row)
                )
                + "</tr>"
                for row in self.rows
            )
        )

    @property
    def footer_html(self) -> str:
        return mark_safe("".join(cell.html() for cell in self.footer or []))


def download(table: Table, stem: str, file_format: str) -> HttpResponse:
    """The table as `stem`.csv or `stem`.xlsx."""
    if file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_text(table), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


def csv_text(table: Table) -> str:
    """The portal's CSV (core/spreadsheets.py: BOM, ";", decimal comma); numbers plain."""
    return "".join(
        csv_lines(table.headers, ([_csv_value(cell) for cell in row] for row in table.all_rows))
    )


def _csv_value(cell: Cell):
    if cell.kind == PERCENT and cell.raw is not None:  # as the page shows it, one decimal
        return Decimal(cell.raw).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return cell.raw


def xlsx_bytes(table: Table) -> bytes:
    """One sheet: a bold header row, numbers as numbers, the footer (totals) in bold."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append([safe_cell(header) for header in table.headers])
    for header in sheet[1]:
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.all_rows:
        sheet.append([_xlsx_value(cell) for cell in row])
        for cell, written in zip(row, sheet[sheet.max_row], strict=True):
            if cell.kind in NUMBER_FORMATS and not isinstance(cell.raw, str):
                written.number_format = NUMBER_FORMATS[cell.kind]
    if table.footer:
        for written in sheet[sheet.max_row]:
            written.font = Font(bold=True)
    for index, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(len(header), 40))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(cell: Cell):
    if cell.raw is None or cell.raw == "":
        return None
    if isinstance(cell.raw, str):
        return safe_cell(cell.raw)
    if cell.kind == PERCENT:
        return float(Decimal(cell.raw) / 100)
    return int(cell.raw) if cell.kind in (COUNT, MONEY) else cell.raw


def _sheet_title(title: str) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31] or "Bảng"


# --- The dashboards' tables ------------------------------------------------------------------


def month_label(month) -> str:
    return f"{month:%m/%Y}"


def ward_tables(data: figures.WardDashboard, downloads) -> list[Table]:
    """The ward dashboard's tables; `downloads(key)` gives a table's download links."""
    key_figures = Table(
        "so-lieu",
        "Số liệu chính trong kỳ",
        ["Nội dung", "Kỳ này", "Cùng kỳ năm trước"],
        download_query=downloads("so-lieu"),
    )
    for code in figures.KEY_CODES:
        figure = data.key(code)
        if figure is None:
            continue
        key_figures.rows.append(
            [
                text_cell(figure.indicator.name),
                count_cell(figure.current.value),
                count_cell(figure.year_earlier.value),
            ]
        )
    key_figures.rows += [
        [text_cell("Nhà khởi công"), count_cell(data.houses.started), text_cell("")],
        [text_cell("Nhà bàn giao"), count_cell(data.houses.handed_over), text_cell("")],
        [
            text_cell("Tỷ lệ tập hợp đoàn viên, hội viên (cuối kỳ)"),
            percent_cell(data.membership_rate),
            text_cell(""),
        ],
        [
            text_cell("Báo cáo tháng đã gửi"),
            count_cell(data.reports["submitted"]),
            text_cell(""),
        ],
        [text_cell("Báo cáo tháng đã duyệt"), count_cell(data.reports["approved"]), text_cell("")],
        [
            text_cell("Tỷ lệ báo cáo gửi đúng hạn"),
            percent_cell(data.on_time_rate),
            text_cell(""),
        ],
    ]

    trend_headers = ["Tháng", "Cùng tháng năm trước"]
    for _key, label in figures.TREND_COLUMNS:
        trend_headers += [label, f"{label} – năm trước"]
    trend = Table(
        "xu-huong", "Diễn biến theo tháng", trend_headers, download_query=downloads("xu-huong")
    )
    for month, before, values in data.trend:
        row = [text_cell(month_label(month)), text_cell(month_label(before))]
        for key, _label in figures.TREND_COLUMNS:
            make = money_cell if key in figures.MONEY_COLUMNS else count_cell
            row += [make(values[key][0]), make(values[key][1])]
        trend.rows.append(row)

    funds = Table(
        "quy",
        "Tiền mặt, hiện vật vận động và đã chi theo quỹ, cuộc vận động",
        [
            "Cuộc vận động",
            "Nguồn quỹ",
            "Tiền mặt vận động trong kỳ (tại phường, xã)",
            "Tiền mặt đã chi trong kỳ",
            "Lũy kế tiền mặt toàn cuộc vận động",
            "Chỉ tiêu (đồng)",
            "Đạt chỉ tiêu (tiền mặt)",
            "Hiện vật quy đổi trong kỳ (tại phường, xã)",
            GRAND_TOTAL_LABEL,
        ],
        download_query=downloads("quy"),
    )
    for line in data.campaigns:
        campaign = line.campaign
        funds.rows.append(
            [
                text_cell(campaign.name),
                text_cell(campaign.get_fund_display()),
                money_cell(line.raised),
                money_cell(line.disbursed),
                money_cell(line.raised_to_date),
                money_cell(campaign.target_amount),
                percent_cell(line.amount_percent),
                money_cell(line.in_kind),
                money_cell(line.grand_total),
            ]
        )
    for fund in data.funds:
        funds.rows.append(
            [
                text_cell(f"Cộng {fund.label}"),
                text_cell(fund.label),
                money_cell(fund.raised),
                money_cell(fund.disbursed),
                text_cell(""),
                money_cell(fund.target),
                percent_cell(fund.target_percent),
                money_cell(fund.in_kind),
                money_cell(fund.grand_total),
            ]
        )

    members = Table(
        "tap-hop",
        "Tỷ lệ tập hợp theo tổ chức (số liệu mới nhất đến cuối kỳ)",
        ["Tổ chức", "Tính đến ngày", "Đoàn viên, hội viên", "Trong diện tập hợp", "Tỷ lệ"],
        download_query=downloads("tap-hop"),
    )
    for line in data.memberships:
        members.rows.append(
            [
                text_cell(str(line.organisation)),
                text_cell(f"{line.as_of:%d/%m/%Y}"),
                count_cell(line.members),
                count_cell(line.eligible),
                percent_cell(line.rate),
            ]
        )
    if data.memberships:
        members.footer = [
            text_cell("Chung"),
            text_cell(""),
            count_cell(data.membership_total[0]),
            count_cell(data.membership_total[1]),
            percent_cell(data.membership_rate),
        ]

    organisations = Table(
        "to-chuc",
        "Theo tổ chức thành viên",
        [
            "Tổ chức",
            "Đoàn viên, hội viên",
            "Trong diện tập hợp",
            "Tỷ lệ tập hợp",
            "Kết nạp mới trong kỳ",
            "Chi hội, chi đoàn, tổ",
            "Tiền mặt vận động trong kỳ (cuộc vận động của tổ chức)",
            "Hiện vật quy đổi trong kỳ (cuộc vận động của tổ chức)",
        ],
        download_query=downloads("to-chuc"),
    )

    def organisation_cells(label, line):
        return [
            text_cell(label),
            count_cell(line.members),
            count_cell(line.eligible),
            percent_cell(line.rate),
            count_cell(line.figure("MOI")),
            count_cell(line.figure("CHIHOI")),
            money_cell(line.cash),
            money_cell(line.in_kind),
        ]

    for line in data.organisations:
        organisations.rows.append(organisation_cells(str(line.organisation), line))
    if data.organisations:
        organisations.footer = organisation_cells("Tổng cộng", data.organisation_total)

    indicators = Table(
        "chi-tieu",
        "Tổng hợp các chỉ tiêu trong kỳ",
        ["Mã", "Chỉ tiêu", "Đơn vị", "Kỳ này", "Cùng kỳ năm trước"],
        download_query=downloads("chi-tieu"),
    )
    ordered = sorted(
        data.indicators.values(),
        key=lambda f: (
            f.indicator.group.display_order,
            f.indicator.display_order,
            f.indicator.code,
        ),
    )
    for figure in ordered:
        indicator = figure.indicator
        indicators.rows.append(
            [
                text_cell(indicator.code),
                text_cell(indicator.name),
                text_cell(indicator.unit),
                indicator_cell(indicator, figure.current),
                indicator_cell(indicator, figure.year_earlier),
            ]
        )
    return [
        key_figures,
        trend,
        funds,
        members,
        organisations,
        indicators,
        *rating_tables(data.ratings, downloads),
    ]


RATING_KEY = "xep-loai-"


def rating_tables(ratings, downloads) -> list[Table]:
    """One table per rating indicator: the count of each category and its share of the
    rated total, recomputed from the counts."""
    tables = []
    for rating in ratings:
        indicator = rating.indicator
        key = RATING_KEY + indicator.code.lower().replace("_", "-")
        title = indicator.name
        if rating.as_of:
            title += f" (số liệu tháng {rating.as_of:%m/%Y})"
        table = Table(
            key,
            title,
            ["Xếp loại", f"Số lượng ({indicator.unit})", "Tỷ lệ"],
            download_query=downloads(key),
        )
        for line in rating.lines:
            table.rows.append(
                [
                    text_cell(line.category.name),
                    count_cell(line.figure.value),
                    percent_cell(line.share),
                ]
            )
        table.footer = [text_cell("Tổng số"), count_cell(rating.total), text_cell("")]
        tables.append(table)
    return tables


def unit_table(rows, total, *, key, title, unit_label, sort, query, downloads, link) -> Table:
    """The ranking of provinces or wards, sortable by each column; `query(**changes)` gives a
    link to this page with changed parameters, `link(unit)` a unit's own dashboard."""
    sort = sort or figures.DEFAULT_SORT
    rows, sort = figures.sort_rows(rows, sort)
    links = [("Hạng", "", "")]
    for column, (label, _key) in figures.SORT_COLUMNS.items():
        label = unit_label if column == "ten" else label
        descending = sort == f"-{column}"
        ascending = sort == column
        target = column if descending else f"-{column}"
        if column == "ten" and not (ascending or descending):
            target = column
        arrow = " ▼" if descending else (" ▲" if ascending else "")
        links.append((label, query(sap_xep=target), arrow))
    links.insert(2, ("Mã", "", ""))
    headers = [label for label, _u, _a in links]
    table = Table(
        key,
        title,
        headers,
        download_query=downloads,
        sort_links=links,
    )
    for row in rows:
        table.rows.append(_unit_cells(row, link(row.unit)))
    table.footer = _unit_cells(total, "")
    table.footer[0] = text_cell("")
    return table


def _unit_cells(row: figures.UnitRow, link: str) -> list[Cell]:
    return [
        count_cell(row.rank),
        text_cell(str(row.unit), link=link),
        text_cell(getattr(row.unit, "code", "")),
        money_cell(row.raised),
        money_cell(row.disbursed),
        count_cell(row.houses_handed_over),
        count_cell(row.sessions),
        percent_cell(row.membership_rate),
        percent_cell(row.on_time_rate),
        # Goods last (SORT_COLUMNS): never added to cash but in the labelled total.
        money_cell(row.in_kind),
        money_cell(row.grand_total),
    ]


def _money_unit(line: figures.ProvinceLine) -> str:
    if line.indicator is None:
        return "đồng (tiền mặt và hiện vật quy đổi)"
    return f"{line.indicator.unit} ({'hiện vật quy đổi' if line.is_in_kind else 'tiền mặt'})"


def province_summary_table(data: figures.ProvinceSummary, downloads) -> Table:
    """The province's indicators summed over its communes, a year earlier and the change; money
    rows say whether they are cash or goods, added up only on the row labelled so."""
    table = Table(
        "chi-tieu-toan-tinh",
        "Tổng hợp các chỉ tiêu toàn tỉnh trong kỳ",
        ["Mã", "Chỉ tiêu", "Đơn vị", "Kỳ này", "Cùng kỳ năm trước", "Thay đổi"],
        download_query=downloads,
    )
    for line in data.lines:
        if line.indicator is None:
            table.rows.append(
                [
                    text_cell(""),
                    text_cell(line.label),
                    text_cell(_money_unit(line)),
                    money_cell(line.current.value),
                    money_cell(line.year_earlier.value),
                    text_cell(line.change),
                ]
            )
            continue
        indicator = line.indicator
        unit = _money_unit(line) if line.is_money else ("%" if line.is_rate else indicator.unit)
        table.rows.append(
            [
                text_cell(indicator.code),
                text_cell(indicator.name),
                text_cell(unit),
                indicator_cell(indicator, line.current),
                indicator_cell(indicator, line.year_earlier),
                text_cell(line.change),
            ]
        )
    return table
