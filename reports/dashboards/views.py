"""Dashboards of a ward, a province and the country: figures, charts, tables, CSV and XLSX."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from campaigns.selectors import GRAND_TOTAL_LABEL
from core.collation import vietnamese_key
from reports.dashboards import figures as dashboards
from reports.dashboards import progress
from reports.dashboards.tables import (
    FORMATS,
    Cell,
    Table,
    count_cell,
    download,
    indicator_cell,
    money_cell,
    percent_cell,
    text_cell,
)
from reports.models import MonthlyReport
from reports.selectors import reports_visible_to
from wards import page_cache
from wards.selectors import ADMIN, Role, role_of, visible_province_or_404, visible_ward_or_404

DRAFTS_NOTE = "Bao gồm số liệu chưa duyệt"


def _query(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if k not in ("format", "bang")}
    params.update(changes)
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _downloads(request, **changes) -> dict:
    """{"csv": query, "xlsx": query}: this page's table as each file."""
    return {name: _query(request, format=name, **changes) for name in FORMATS}


def _wanted_format(request) -> str | None:
    wanted = request.GET.get("format")
    return wanted if wanted in FORMATS else None


def _period_context(request, period, errors, include_drafts):
    return {
        "period": period,
        "period_errors": errors,
        "presets": dashboards.PRESETS.items(),
        "form_values": {
            "ky": request.GET.get("ky") or period.preset,
            "tu": request.GET.get("tu") or f"{period.first:%m/%Y}",
            "den": request.GET.get("den") or f"{period.last:%m/%Y}",
        },
        "include_drafts": include_drafts,
        "drafts_note": DRAFTS_NOTE,
    }


def _read_period(request):
    today = timezone.localdate()
    period, errors = dashboards.parse_period(request.GET, today)
    include_drafts = request.GET.get("nhap") == "1"
    return today, period, errors, include_drafts


def _month_label(month) -> str:
    return f"{month:%m/%Y}"


# --- Ward -------------------------------------------------------------------------------


def _ward_tables(request, data: dashboards.WardDashboard) -> list[Table]:
    def downloads(key):
        return _downloads(request, bang=key)

    key_figures = Table(
        "so-lieu",
        "Số liệu chính trong kỳ",
        ["Nội dung", "Kỳ này", "Cùng kỳ năm trước"],
        download_query=downloads("so-lieu"),
    )
    for code in dashboards.KEY_CODES:
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
    for _key, label in dashboards.TREND_COLUMNS:
        trend_headers += [label, f"{label} – năm trước"]
    trend = Table(
        "xu-huong", "Diễn biến theo tháng", trend_headers, download_query=downloads("xu-huong")
    )
    for month, before, values in data.trend:
        row = [text_cell(_month_label(month)), text_cell(_month_label(before))]
        for key, _label in dashboards.TREND_COLUMNS:
            make = money_cell if key in dashboards.MONEY_COLUMNS else count_cell
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
    return [key_figures, trend, funds, members, indicators]


def _ward_charts(data: dashboards.WardDashboard) -> list[dict]:
    labels = [_month_label(month) for month, _before, _values in data.trend]

    def series(key, index):
        return [values[key][index] or 0 for _m, _b, values in data.trend]

    return [
        {
            "id": "bieu-do-tien",
            "type": "bar",
            "money": True,
            "labels": labels,
            "datasets": [
                {"label": "Tiền mặt vận động", "data": series("raised", 0)},
                {"label": "Tiền mặt vận động – cùng kỳ năm trước", "data": series("raised", 1)},
                {"label": "Hiện vật quy đổi", "data": series("in_kind", 0)},
                {"label": "Tiền mặt đã chi", "data": series("disbursed", 0)},
            ],
        },
        {
            "id": "bieu-do-hoat-dong",
            "type": "line",
            "money": False,
            "labels": labels,
            "datasets": [
                {"label": "Buổi tuyên truyền", "data": series("TT_BUOI", 0)},
                {"label": "Buổi tuyên truyền – năm trước", "data": series("TT_BUOI", 1)},
                {"label": "Kiến nghị tiếp nhận", "data": series("GS_KIENNGHI", 0)},
                {"label": "Kiến nghị đã giải quyết", "data": series("GS_GIAIQUYET", 0)},
            ],
        },
    ]


@login_required
def dashboard_ward(request, code):
    ward = visible_ward_or_404(request.user, code)
    today, period, errors, include_drafts = _read_period(request)
    file_format = _wanted_format(request)
    if file_format:
        data = dashboards.ward_dashboard(ward, period, today, include_drafts=include_drafts)
        tables = _ward_tables(request, data)
        wanted = request.GET.get("bang") or "so-lieu"
        table = next((t for t in tables if t.key == wanted), tables[0])
        return download(table, f"tong-quan-{ward.code}-{table.key}-{period.slug}", file_format)

    role = role_of(request.user)

    def render_body():
        data = dashboards.ward_dashboard(ward, period, today, include_drafts=include_drafts)
        tables = _ward_tables(request, data)
        latest = (
            reports_visible_to(request.user)
            .filter(ward=ward, status=MonthlyReport.Status.APPROVED)
            .order_by("-period")
            .first()
        )
        context = {
            "ward": ward,
            "data": data,
            "tables": {t.key.replace("-", "_"): t for t in tables},
            "charts": {"charts": _ward_charts(data)},
            "latest_report": latest,
            "due_items": progress.due_items(ward, today),
            **_period_context(request, period, errors, include_drafts),
        }
        return render_to_string("reports/partials/dashboard_ward_body.html", context, request)

    # The same for everyone with this role who may see the ward, until its data changes.
    parts = ("dashboard-ward", ward.pk, str(role), today, request.get_full_path())
    body = page_cache.cached(parts, render_body, wards=[ward.code])
    return render(
        request,
        "reports/dashboard_ward.html",
        {
            "ward": ward,
            "body": mark_safe(body),
            "show_province_link": role in (ADMIN, Role.PROVINCE_OFFICER),
            "breadcrumbs": ["Tổng quan"],
        },
    )


# --- Province and country ------------------------------------------------------------------


def _drill_down(request, url_name):
    """unit → the unit's dashboard for the same period (URL built once, not per row)."""
    placeholder = "MA-DON-VI"
    template = reverse(url_name, args=[placeholder]) + _query(request, sap_xep=None)
    return lambda unit: template.replace(placeholder, unit.code)


def _unit_table(request, rows, total, *, key, title, unit_label, link) -> Table:
    sort = request.GET.get("sap_xep") or dashboards.DEFAULT_SORT
    rows, sort = dashboards.sort_rows(rows, sort)
    links = [("Hạng", "", "")]
    for column, (label, _key) in dashboards.SORT_COLUMNS.items():
        label = unit_label if column == "ten" else label
        descending = sort == f"-{column}"
        ascending = sort == column
        target = column if descending else f"-{column}"
        if column == "ten" and not (ascending or descending):
            target = column
        arrow = " ▼" if descending else (" ▲" if ascending else "")
        links.append((label, _query(request, sap_xep=target), arrow))
    links.insert(2, ("Mã", "", ""))
    headers = [label for label, _u, _a in links]
    table = Table(
        key,
        title,
        headers,
        download_query=_downloads(request),
        sort_links=links,
    )
    for row in rows:
        table.rows.append(_unit_cells(row, link(row.unit)))
    table.footer = _unit_cells(total, "")
    table.footer[0] = text_cell("")
    return table


def _unit_cells(row: dashboards.UnitRow, link: str) -> list[Cell]:
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


def _top_chart(rows, chart_id, title) -> dict:
    top = sorted(rows, key=lambda r: (-r.raised, vietnamese_key(r.unit.name)))[:20]
    return {
        "id": chart_id,
        "type": "bar",
        "money": True,
        "horizontal": True,
        "labels": [str(row.unit) for row in top],
        "datasets": [{"label": title, "data": [row.raised for row in top]}],
    }


@login_required
def dashboard_province(request, code):
    if role_of(request.user) not in (ADMIN, Role.PROVINCE_OFFICER):
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh xem được tổng quan của tỉnh.")
    province = visible_province_or_404(request.user, code)
    today, period, errors, include_drafts = _read_period(request)
    rows = dashboards.province_rows(province, period, today, include_drafts=include_drafts)
    total = dashboards.totals_row(rows, "Toàn tỉnh")
    table = _unit_table(
        request,
        rows,
        total,
        key="phuong-xa",
        title="Các phường, xã trong kỳ",
        unit_label="Phường, xã",
        link=_drill_down(request, "reports:dashboard_ward"),
    )
    file_format = _wanted_format(request)
    if file_format:
        return download(table, f"tong-quan-tinh-{province.code}-{period.slug}", file_format)
    return render(
        request,
        "reports/dashboard_province.html",
        {
            "province": province,
            "table": table,
            "total": total,
            "charts": {"charts": [_top_chart(rows, "bieu-do-xep-hang", "Tiền mặt vận động")]},
            "completeness_year": period.last.year,
            "breadcrumbs": [province.name, "Tổng quan"],
            **_period_context(request, period, errors, include_drafts),
        },
    )


@login_required
def dashboard_national(request):
    if role_of(request.user) != ADMIN:
        raise PermissionDenied("Chỉ quản trị hệ thống xem được tổng quan toàn quốc.")
    today, period, errors, include_drafts = _read_period(request)
    rows = dashboards.national_rows(period, today, include_drafts=include_drafts)
    total = dashboards.totals_row(rows, "Toàn quốc")
    table = _unit_table(
        request,
        rows,
        total,
        key="tinh",
        title="Các tỉnh, thành phố trong kỳ",
        unit_label="Tỉnh, thành phố",
        link=_drill_down(request, "reports:dashboard_province"),
    )
    file_format = _wanted_format(request)
    if file_format:
        return download(table, f"tong-quan-toan-quoc-{period.slug}", file_format)
    return render(
        request,
        "reports/dashboard_national.html",
        {
            "table": table,
            "total": total,
            "charts": {"charts": [_top_chart(rows, "bieu-do-xep-hang", "Tiền mặt vận động")]},
            "breadcrumbs": ["Tổng quan toàn quốc"],
            **_period_context(request, period, errors, include_drafts),
        },
    )


PAGE_SIZE = 50
FIRST_YEAR = 2000


def _province_and_year(request, code, year):
    """403 for anyone but province officers and admins, 404 for another province or year."""
    if role_of(request.user) not in (ADMIN, Role.PROVINCE_OFFICER):
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh xem được tiến độ nộp báo cáo.")
    province = visible_province_or_404(request.user, code)
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year + 1:
        raise Http404("Không có số liệu của năm này.")
    return province, today


@login_required
def completeness_page(request, code, year):
    province, today = _province_and_year(request, code, year)
    table = progress.completeness_table(province, year, today)
    search = request.GET.get("q", "").strip()
    rows = progress.search_rows(table.rows, search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/completeness.html",
        {
            "province": province,
            "year": year,
            "table": table,
            "page": page,
            "search": search,
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < today.year else None,
            "legend": [
                (progress.BADGES[state], state.label, progress.LEGEND_NOTES[state])
                for state in progress.State
            ],
            "breadcrumbs": [province.name, f"Tiến độ nộp báo cáo năm {year}"],
        },
    )


@login_required
def completeness_export(request, code, year):
    province, today = _province_and_year(request, code, year)
    table = progress.completeness_table(province, year, today)
    response = HttpResponse(
        progress.completeness_xlsx(table), content_type=progress.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tien-do-bao-cao-{province.code}-{year}.xlsx"'
    )
    return response
