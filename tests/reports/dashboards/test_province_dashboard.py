"""The province summary: every indicator summed over the province's communes by its rule, a
year earlier beside it, rates' changes in points, cash and goods apart; its period workbook
with a row per commune and the province's total. Expected figures are recomputed here from the
raw rows the test writes."""

import datetime
import html
import re
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.selectors import GRAND_TOTAL_LABEL
from reports.models import Indicator, IndicatorValue, MonthlyReport
from reports.summaries import maintain
from tests.readers import xlsx_sheet
from wards.models import Ward

Status = MonthlyReport.Status
NBSP = "\u00a0"
Q1 = {"ky": "quy", "den": "03/2025"}
JAN, FEB, MAR = (datetime.date(2025, m, 1) for m in (1, 2, 3))
JAN_2024, FEB_2024 = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
DRAFTS_NOTE = "Bao gồm số liệu chưa duyệt"

# (ward key, month, status, {code: value or (numerator, denominator)})
RAW = [
    # This period, approved.
    ("x", JAN, Status.APPROVED, {"TT_BUOI": 3, "TQ_TO": 7, "VH_TANG_VM": (1, 3)}),
    ("x", JAN, Status.APPROVED, {"VNN_THU": 1_000_000, "VNN_HIENVAT": 400_000}),
    ("x", FEB, Status.APPROVED, {"TT_BUOI": 4, "TQ_TO": 9, "VH_TANG_VM": (1, 3)}),
    ("y", JAN, Status.APPROVED, {"TT_BUOI": 10, "TQ_TO": 20, "VH_TANG_VM": (5, 6)}),
    ("y", FEB, Status.APPROVED, {"VNN_THU": 2_500_000}),
    # This period, not approved: counted only when drafts are asked for.
    ("x", MAR, Status.SUBMITTED, {"TT_BUOI": 5, "TQ_TO": 30, "VNN_HIENVAT": 50_000}),
    ("y", MAR, Status.DRAFT, {"TQ_TO": 22, "VH_TANG_VM": (0, 6)}),
    # A year earlier, approved.
    ("x", JAN_2024, Status.APPROVED, {"TT_BUOI": 2, "TQ_TO": 5, "VH_TANG_VM": (2, 4)}),
    ("x", JAN_2024, Status.APPROVED, {"VNN_THU": 2_000_000}),
    ("y", FEB_2024, Status.APPROVED, {"VH_TANG_VM": (3, 5), "TQ_TO": 12}),
    # Another province: never in province A's figures.
    ("z", JAN, Status.APPROVED, {"TT_BUOI": 100, "TQ_TO": 100, "VNN_THU": 9_000_000}),
]


def _write(world, raw=RAW):
    wards = {"x": world.ward_x, "y": world.ward_y, "z": world.ward_z}
    indicators = {i.code: i for i in Indicator.objects.all()}
    for key, month, status, figures in raw:
        report, _ = MonthlyReport.objects.get_or_create(
            ward=wards[key], period=month, defaults={"status": status}
        )
        for code, figure in figures.items():
            value, denominator = figure if isinstance(figure, tuple) else (figure, None)
            IndicatorValue.objects.create(
                report=report, indicator=indicators[code], value=value, denominator=denominator
            )


@pytest.fixture
def data(world):
    _write(world)
    return world


# --- Recomputation from RAW ----------------------------------------------------------------


def _rows(wards, months, drafts):
    for key, month, status, figures in RAW:
        if key in wards and month in months and (drafts or status == Status.APPROVED):
            yield key, month, figures


def flow(code, months, wards=("x", "y"), drafts=False):
    values = [f[code] for _k, _m, f in _rows(wards, months, drafts) if code in f]
    return sum(values) if values else None


def stock(code, months, wards=("x", "y"), drafts=False):
    """Each commune's latest month with a value, added up."""
    latest = {}
    for key, month, figures in _rows(wards, months, drafts):
        if code in figures and (key not in latest or month > latest[key][0]):
            latest[key] = (month, figures[code])
    return sum(value for _month, value in latest.values()) if latest else None


def stock_text(code, months, wards=("x", "y"), drafts=False) -> str:
    """The stock as shown: with the earliest commune's month when that is before the last."""
    latest = {}
    for key, month, figures in _rows(wards, months, drafts):
        if code in figures and (key not in latest or month > latest[key]):
            latest[key] = month
    text = str(stock(code, months, wards, drafts))
    older = [month for month in latest.values() if month < months[-1]]
    return text + (f" (số liệu tháng {min(older):%m/%Y})" if older else "")


def ratio(code, months, wards=("x", "y"), drafts=False) -> Fraction:
    parts = [f[code] for _k, _m, f in _rows(wards, months, drafts) if code in f]
    return Fraction(sum(n for n, _d in parts), sum(d for _n, d in parts))


def percent_text(rate: Fraction) -> str:
    tenths = int(rate * 1000 + Fraction(1, 2))  # half up, one decimal
    return f"{tenths // 10},{tenths % 10}{NBSP}%"


def dong(value: int) -> str:
    return f"{value:,}".replace(",", ".") + f"{NBSP}đ"


def points(current: Fraction, previous: Fraction) -> str:
    hundredths = int(abs(current - previous) * 10000 + Fraction(1, 2))
    direction = "tăng" if current > previous else "giảm"
    return f"{direction} {hundredths // 100},{hundredths % 100:02d}{NBSP}điểm{NBSP}%"


THIS = [JAN, FEB, MAR]
EARLIER = [datetime.date(2024, m, 1) for m in (1, 2, 3)]


# --- Reading the page ------------------------------------------------------------------------


def summary_url(province):
    return reverse("reports:province_summary", args=[province.code])


def export_url(province):
    return reverse("reports:province_summary_export", args=[province.code])


def page_rows(response) -> dict[str, list[str]]:
    """{code, or the row's label when it has no code: [cells as text]} of the summary table."""
    page = response.content.decode()
    table = re.search(r'data-testid="table-chi-tieu-toan-tinh">(.*?)</table>', page, re.S)
    assert table, "the summary table is on the page"
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] != "Mã":
            rows[cells[0] or cells[1]] = cells
    return rows


# --- The page ----------------------------------------------------------------------------


def test_each_kind_is_summed_over_the_communes_by_its_rule(data, login):
    response = login(data.users["province_officer"]).get(summary_url(data.province_a), Q1)
    assert response.status_code == 200
    rows = page_rows(response)

    sessions = flow("TT_BUOI", THIS)
    assert sessions == 17  # the submitted March and the other province are left out
    assert rows["TT_BUOI"][3:5] == [str(sessions), str(flow("TT_BUOI", EARLIER))]

    groups = stock("TQ_TO", THIS)
    assert groups == 29  # x's February 9 + y's January 20 (y's March is a draft)
    assert rows["TQ_TO"][3:5] == [stock_text("TQ_TO", THIS), stock_text("TQ_TO", EARLIER)]
    assert rows["TQ_TO"][3:5] == ["29 (số liệu tháng 01/2025)", "17 (số liệu tháng 01/2024)"]

    rate = ratio("VH_TANG_VM", THIS)
    assert rate == Fraction(7, 12)  # summed parts, not the average of the communes' rates
    before = ratio("VH_TANG_VM", EARLIER)
    assert rows["VH_TANG_VM"][2:6] == [
        "%",
        percent_text(rate),
        percent_text(before),
        points(rate, before),
    ]


def test_a_rates_change_is_in_points_from_the_unrounded_rates(data, login):
    rows = page_rows(login(data.users["admin"]).get(summary_url(data.province_a), Q1))
    rate, before = ratio("VH_TANG_VM", THIS), ratio("VH_TANG_VM", EARLIER)
    # 58,333… % against 55,555… %: 2,78 points; the rounded rates (58,3 and 55,6) give 2,70.
    assert (percent_text(rate), percent_text(before)) == (f"58,3{NBSP}%", f"55,6{NBSP}%")
    assert rows["VH_TANG_VM"][5] == f"tăng 2,78{NBSP}điểm{NBSP}%"
    assert rows["VH_TANG_VM"][5] == points(rate, before)


def test_cash_and_goods_are_on_rows_of_their_own_and_added_only_in_the_labelled_total(data, login):
    rows = page_rows(login(data.users["province_officer"]).get(summary_url(data.province_a), Q1))
    cash, goods = flow("VNN_THU", THIS), flow("VNN_HIENVAT", THIS)
    assert (cash, goods) == (3_500_000, 400_000)
    assert rows["VNN_THU"][2:4] == ["đồng (tiền mặt)", dong(cash)]
    assert rows["VNN_HIENVAT"][2:4] == ["đồng (hiện vật quy đổi)", dong(goods)]
    total = rows[GRAND_TOTAL_LABEL]
    assert total[3:5] == [dong(cash + goods), dong(flow("VNN_THU", EARLIER))]
    # Nowhere else is cash added to goods.
    sums = [row for row in rows.values() if dong(cash + goods) in row]
    assert sums == [total]


def test_only_approved_months_count_unless_drafts_are_asked_for(data, login):
    client = login(data.users["province_officer"])
    approved = client.get(summary_url(data.province_a), Q1)
    assert DRAFTS_NOTE not in approved.content.decode()
    rows = page_rows(approved)
    assert rows["TT_BUOI"][3] == str(flow("TT_BUOI", THIS))

    with_drafts = client.get(summary_url(data.province_a), {**Q1, "nhap": "1"})
    assert DRAFTS_NOTE in with_drafts.content.decode()
    rows = page_rows(with_drafts)
    assert rows["TT_BUOI"][3] == str(flow("TT_BUOI", THIS, drafts=True)) == "22"
    assert rows["TQ_TO"][3] == stock_text("TQ_TO", THIS, drafts=True) == "52"
    drafted = ratio("VH_TANG_VM", THIS, drafts=True)
    assert rows["VH_TANG_VM"][3] == percent_text(drafted)


def test_the_page_works_at_a_phones_width_and_links_its_workbook(data, login):
    client = login(data.users["province_officer"])
    page = client.get(summary_url(data.province_a), Q1).content.decode()
    table_at = page.index('data-testid="table-chi-tieu-toan-tinh"')
    assert page.rfind('class="table-responsive"', 0, table_at) > page.rfind("</div>", 0, table_at)
    link = re.search(r'href="([^"]+)" data-testid="xlsx-wards"', page).group(1)
    assert html.unescape(link).startswith(export_url(data.province_a) + "?")
    assert client.get(html.unescape(link)).status_code == 200
    overview = client.get(reverse("reports:dashboard_province", args=[data.province_a.code]), Q1)
    assert summary_url(data.province_a) in overview.content.decode()


# --- The workbook ----------------------------------------------------------------------------


def workbook_rows(response):
    sheet = xlsx_sheet(response)
    rows = list(sheet.iter_rows(min_row=4))
    codes = [cell.value for cell in rows[0]]
    return {row[1].value: dict(zip(codes, row, strict=True)) for row in rows[2:]}


def test_the_workbook_has_a_row_per_commune_and_the_total_by_each_rule(data, login):
    data.ward_y.name = "=Phường Long Xuyên"
    data.ward_y.save()
    client = login(data.users["province_officer"])
    response = client.get(export_url(data.province_a), Q1)
    assert response.status_code == 200
    assert 'filename="tong-hop-tinh-91-202501-202503.xlsx"' in response["Content-Disposition"]
    rows = workbook_rows(response)
    assert set(rows) == {"Phường Mỹ Thới", "'=Phường Long Xuyên", "Toàn tỉnh"}
    x, y, total = rows["Phường Mỹ Thới"], rows["'=Phường Long Xuyên"], rows["Toàn tỉnh"]

    for code in ("TT_BUOI", "VNN_THU", "VNN_HIENVAT"):
        assert x[code].value == flow(code, THIS, wards=("x",))
        assert y[code].value == flow(code, THIS, wards=("y",))
        assert total[code].value == flow(code, THIS)
        assert total[code].number_format == "#,##0"
    assert (x["TQ_TO"].value, y["TQ_TO"].value) == (9, 20)
    assert total["TQ_TO"].value == stock("TQ_TO", THIS) == 29
    assert total["TQ_TO"].number_format == "#,##0"

    assert x["VH_TANG_VM"].value == pytest.approx(float(ratio("VH_TANG_VM", THIS, wards=("x",))))
    expected = float(ratio("VH_TANG_VM", THIS))
    assert total["VH_TANG_VM"].value == pytest.approx(expected, abs=1e-12)
    assert total["VH_TANG_VM"].value != pytest.approx(x["VH_TANG_VM"].value + y["VH_TANG_VM"].value)
    assert total["VH_TANG_VM"].number_format == "0.0%"
    # Approved months per commune (March was not approved anywhere), and their sum.
    status = next(code for code in x if str(code).startswith("Tháng đã duyệt"))
    assert (x[status].value, y[status].value, total[status].value) == (2, 2, 4)


def test_the_workbook_counts_drafts_only_when_asked(data, login):
    client = login(data.users["province_officer"])
    with_drafts = workbook_rows(client.get(export_url(data.province_a), {**Q1, "nhap": "1"}))
    assert with_drafts["Toàn tỉnh"]["TT_BUOI"].value == flow("TT_BUOI", THIS, drafts=True)
    assert with_drafts["Toàn tỉnh"]["TQ_TO"].value == stock("TQ_TO", THIS, drafts=True)
    sheet = xlsx_sheet(client.get(export_url(data.province_a), {**Q1, "nhap": "1"}))
    assert DRAFTS_NOTE in sheet.cell(row=2, column=1).value
    sheet = xlsx_sheet(client.get(export_url(data.province_a), Q1))
    assert DRAFTS_NOTE not in sheet.cell(row=2, column=1).value


# --- Queries and permissions --------------------------------------------------------------------


def _province_with_communes(world, code, count):
    from tests import factories

    province = factories.province(code=code)
    Ward.objects.bulk_create(
        Ward(
            code=f"{code}{index:03d}",
            name=f"Xã Thử {index}",
            kind=Ward.Kind.COMMUNE,
            province=province,
        )
        for index in range(count)
    )
    wards = list(Ward.objects.filter(province=province))
    reports = MonthlyReport.objects.bulk_create(
        MonthlyReport(ward=ward, period=month, status=Status.APPROVED)
        for ward in wards
        for month in (JAN, JAN_2024)
    )
    sessions, groups = (Indicator.objects.get(code=c) for c in ("TT_BUOI", "TQ_TO"))
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=report, indicator=indicator, value=2)
        for report in reports
        for indicator in (sessions, groups)
    )
    maintain.rebuild(ward_ids=[ward.pk for ward in wards])  # bulk writes send no signals
    return province


def _queries(client, url):
    client.get(url, Q1)  # the first request after logging in also refreshes the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, Q1)
    assert response.status_code == 200
    return len(captured), response


def test_queries_do_not_grow_with_the_number_of_communes(world, login):
    one = _province_with_communes(world, "71", 1)
    many = _province_with_communes(world, "72", 120)
    client = login(world.users["admin"])
    for url_of in (summary_url, export_url):
        few_queries, _response = _queries(client, url_of(one))
        many_queries, response = _queries(client, url_of(many))
        assert few_queries == many_queries
        assert few_queries <= 12
    rows = page_rows(client.get(summary_url(many), Q1))
    assert rows["TT_BUOI"][3:5] == ["240", "240"]
    assert rows["TQ_TO"][3:5] == ["240 (số liệu tháng 01/2025)", "240 (số liệu tháng 01/2024)"]


@pytest.mark.parametrize("url_of", [summary_url, export_url])
@pytest.mark.parametrize(
    ("role", "province", "status"),
    [
        ("anonymous", "a", 302),
        ("unassigned", "a", 403),
        ("ward_officer", "a", 403),
        ("ward_chair", "a", 403),
        ("party_viewer", "a", 403),
        ("province_officer", "a", 200),
        ("province_officer", "b", 404),
        ("admin", "b", 200),
    ],
)
def test_only_the_provinces_officers_and_admins_see_it(
    world, client, login, url_of, role, province, status
):
    target = world.province_a if province == "a" else world.province_b
    if role != "anonymous":
        client = login(world.users[role])
    assert client.get(url_of(target), Q1).status_code == status
