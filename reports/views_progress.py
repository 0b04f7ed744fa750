"""Province progress: which wards reported each month, and on time."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wards.selectors import ADMIN, Role, role_of, visible_province_or_404

from reports import completeness

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
    table = completeness.completeness_table(province, year, today)
    search = request.GET.get("q", "").strip()
    rows = completeness.search_rows(table.rows, search)
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
                (completeness.BADGES[state], state.label, completeness.LEGEND_NOTES[state])
                for state in completeness.State
            ],
            "breadcrumbs": [province.name, f"Tiến độ nộp báo cáo năm {year}"],
        },
    )


@login_required
def completeness_export(request, code, year):
    province, today = _province_and_year(request, code, year)
    table = completeness.completeness_table(province, year, today)
    response = HttpResponse(
        completeness.completeness_xlsx(table), content_type=completeness.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tien-do-bao-cao-{province.code}-{year}.xlsx"'
    )
    return response
