"""Dashboards of a ward, a province and the country: figures, charts, tables, CSV and XLSX."""

from functools import partial

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

from core.collation import vietnamese_key
from core.spreadsheets import workbook_response
from reports.dashboards import figures as dashboards
from reports.dashboards import progress
from reports.dashboards.tables import (
    FORMATS,
    RATING_KEY,
    download,
    month_label,
    province_summary_table,
    unit_table,
    ward_tables,
)
from reports.excel import period_filename, province_period_workbook
from reports.models import MonthlyReport
from reports.selectors import indicators_in_use, province_period_figures, reports_visible_to
from wards import page_cache
from wards.selectors import (
    ADMIN,
    PROVINCE_ROLES,
    province_page_or_error,
    role_of,
    visible_ward_or_404,
)

DRAFTS_NOTE = "Bao gồm số liệu chưa duyệt"
MONEY_SERIES = ("raised", "in_kind", "disbursed")


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


# --- Ward -------------------------------------------------------------------------------


def _ward_charts(data: dashboards.WardDashboard, today) -> list[dict]:
    """The two trend charts. A month without an approved figure (not reported, or not yet
    approved) is null, which the chart draws as a gap, never as a zero; money comes from
    the books, where a month without gifts is a real 0, but a month still ahead is null."""
    labels = [month_label(month) for month, _before, _values in data.trend]
    this_month = today.replace(day=1)

    def series(key, index):
        ahead = key in MONEY_SERIES and index == 0
        return [
            None if ahead and month > this_month else values[key][index]
            for month, _b, values in data.trend
        ]

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
        tables = ward_tables(data, lambda key: _downloads(request, bang=key))
        wanted = request.GET.get("bang") or "so-lieu"
        table = next((t for t in tables if t.key == wanted), tables[0])
        return download(table, f"tong-quan-{ward.code}-{table.key}-{period.slug}", file_format)

    role = role_of(request.user)

    def render_body():
        data = dashboards.ward_dashboard(ward, period, today, include_drafts=include_drafts)
        tables = ward_tables(data, lambda key: _downloads(request, bang=key))
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
            "rating_tables": [t for t in tables if t.key.startswith(RATING_KEY)],
            "charts": {"charts": _ward_charts(data, today)},
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
            "show_province_link": role in (ADMIN, *PROVINCE_ROLES),
            "breadcrumbs": ["Tổng quan"],
        },
    )


# --- Province and country ------------------------------------------------------------------


def _drill_down(request, url_name):
    """unit → the unit's dashboard for the same period (URL built once, not per row)."""
    placeholder = "MA-DON-VI"
    template = reverse(url_name, args=[placeholder]) + _query(request, sap_xep=None)
    return lambda unit: template.replace(placeholder, unit.code)


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


def _units_dashboard(
    request, rows_for, *, total_label, key, title, unit_label, drill_to, stem, template, context
):
    """The province and the national dashboard: a ranking of units (`rows_for` reads them
    for a period) with its chart, or the ranking as a file. `context(period)` adds what one
    of the two pages shows beside."""
    today, period, errors, include_drafts = _read_period(request)
    rows = rows_for(period, today, include_drafts=include_drafts)
    total = dashboards.totals_row(rows, total_label)
    table = unit_table(
        rows,
        total,
        key=key,
        title=title,
        unit_label=unit_label,
        sort=request.GET.get("sap_xep"),
        query=lambda **changes: _query(request, **changes),
        downloads=_downloads(request),
        link=_drill_down(request, drill_to),
    )
    file_format = _wanted_format(request)
    if file_format:
        return download(table, f"{stem}-{period.slug}", file_format)
    return render(
        request,
        template,
        {
            **context(period),
            "table": table,
            "total": total,
            "charts": {"charts": [_top_chart(rows, "bieu-do-xep-hang", "Tiền mặt vận động")]},
            **_period_context(request, period, errors, include_drafts),
        },
    )


@login_required
def dashboard_province(request, code):
    province = province_page_or_error(
        request.user, code, "Chỉ cán bộ cấp tỉnh xem được tổng quan của tỉnh."
    )
    return _units_dashboard(
        request,
        partial(dashboards.province_rows, province),
        total_label="Toàn tỉnh",
        key="phuong-xa",
        title="Các phường, xã trong kỳ",
        unit_label="Phường, xã",
        drill_to="reports:dashboard_ward",
        stem=f"tong-quan-tinh-{province.code}",
        template="reports/dashboard_province.html",
        context=lambda period: {
            "province": province,
            "completeness_year": period.last.year,
            "summary_query": _query(request, sap_xep=None),
            "breadcrumbs": [province.name, "Tổng quan"],
        },
    )


SUMMARY_REFUSAL = "Chỉ cán bộ cấp tỉnh xem được tổng hợp chỉ tiêu của tỉnh."


@login_required
def province_summary(request, code):
    """The province's indicators summed over its communes for a period, a year earlier beside."""
    province = province_page_or_error(request.user, code, SUMMARY_REFUSAL)
    _today, period, errors, include_drafts = _read_period(request)
    data = dashboards.province_summary(province, period, include_drafts=include_drafts)
    table = province_summary_table(data, _downloads(request))
    file_format = _wanted_format(request)
    if file_format:
        return download(table, f"tong-hop-tinh-{province.code}-{period.slug}", file_format)
    return render(
        request,
        "reports/province_summary.html",
        {
            "province": province,
            "data": data,
            "table": table,
            "wards_xlsx": reverse("reports:province_summary_export", args=[province.code])
            + _query(request),
            "breadcrumbs": [province.name, "Tổng hợp chỉ tiêu"],
            **_period_context(request, period, errors, include_drafts),
        },
    )


@login_required
def province_summary_export(request, code):
    """The period's figures of every commune and the province's total row, as XLSX."""
    province = province_page_or_error(request.user, code, SUMMARY_REFUSAL)
    _today, period, _errors, include_drafts = _read_period(request)
    months = period.months
    indicators = indicators_in_use(months)
    figures, approved = province_period_figures(
        province, period.first, period.last, indicators, include_drafts=include_drafts
    )
    workbook = province_period_workbook(
        province,
        label=period.label,
        months=months,
        wards=list(province.wards.order_by("code")),
        indicators=indicators,
        figures=figures,
        approved=approved,
        include_drafts=include_drafts,
    )
    return workbook_response(workbook, period_filename(province, period.slug))


@login_required
def dashboard_national(request):
    if role_of(request.user) != ADMIN:
        raise PermissionDenied("Chỉ quản trị hệ thống xem được tổng quan toàn quốc.")
    return _units_dashboard(
        request,
        dashboards.national_rows,
        total_label="Toàn quốc",
        key="tinh",
        title="Các tỉnh, thành phố trong kỳ",
        unit_label="Tỉnh, thành phố",
        drill_to="reports:dashboard_province",
        stem="tong-quan-toan-quoc",
        template="reports/dashboard_national.html",
        context=lambda period: {"breadcrumbs": ["Tổng quan toàn quốc"]},
    )


PAGE_SIZE = 50
FIRST_YEAR = 2000


def _province_and_year(request, code, year):
    """403 for anyone but province officers and admins, 404 for another province or year."""
    province = province_page_or_error(
        request.user, code, "Chỉ cán bộ cấp tỉnh xem được tiến độ nộp báo cáo."
    )
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year + 1:
        raise Http404("Không có số liệu của năm này.")
    return province, today


@login_required
def completeness_page(request, code, year):
    province, today = _province_and_year(request, code, year)
    table = progress.completeness_table(province, year, today)
    search = request.GET.get("q", "").strip()
    slow_only = request.GET.get("cham") == "1"
    rows = progress.search_rows(table.rows, search)
    if slow_only:
        rows = progress.slow_rows(rows)
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
            "slow_only": slow_only,
            # The filters every link of the page keeps (year, pages, the switch itself).
            "filters": urlencode(
                {k: v for k, v in (("q", search), ("cham", "1" if slow_only else "")) if v}
            ),
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
