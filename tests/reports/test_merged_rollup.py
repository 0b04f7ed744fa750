"""A commune that replaced abolished ones reports their figures for the months before the merge:
flows summed, stocks summed from each one's latest value, ratios from summed parts; a commune
split over two new ones counts once at province level."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports import selectors
from reports.dashboards import figures as dashboards
from reports.documents import figures as document_figures
from reports.documents.models import Block
from reports.models import Indicator, IndicatorValue, MonthlyReport
from tests import factories
from tests.reports.documents import conftest as document_fixtures

D = datetime.date
# The documents' fixtures, for the term report below.
make_document = document_fixtures.make_document
add_block = document_fixtures.add_block
Status = MonthlyReport.Status
values = factories.report_values


@pytest.fixture
def merged(world):
    """Ward X replaced two old communes (A wholly, B partly: B's figures go to X, a part of B
    went to ward Y); ward Y also replaced C. Approved 2024 months, and a draft to leave out."""
    ratio = factories.ratio_indicator()
    a = factories.former_ward(successors=[world.ward_x], name="Phường Mỹ Thới")
    b = factories.former_ward(successors=[world.ward_x, world.ward_y], name="Phường Mỹ Thạnh")
    c = factories.former_ward(successors=[world.ward_y], name="Xã Mỹ Khánh")
    for month in range(1, 13):
        values(a, D(2024, month, 1), TT_BUOI=month, HN_TONGHO=1000 + month, TEST_TYLE=(1, 4))
    for month in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):  # B's last report: October
        values(b, D(2024, month, 1), TT_BUOI=10, HN_TONGHO=500 + month, TEST_TYLE=(3, 4))
    values(b, D(2024, 11, 1), Status.DRAFT, TT_BUOI=999, HN_TONGHO=9999)
    values(c, D(2024, 5, 1), TT_BUOI=7, HN_TONGHO=300)
    # After the merge ward X reports itself.
    values(world.ward_x, D(2025, 8, 1), TT_BUOI=4, HN_TONGHO=1700, TEST_TYLE=(1, 2))
    return {"a": a, "b": b, "c": c, "ratio": ratio}


def indicators():
    return list(Indicator.objects.select_related("group"))


def year(y):
    return dashboards.Period(D(y, 1, 1), D(y, 12, 1))


def approved_rows(ward, code, first, last):
    return IndicatorValue.objects.filter(
        report__ward=ward,
        indicator__code=code,
        report__status=Status.APPROVED,
        report__period__gte=first,
        report__period__lte=last,
    )


def test_a_merged_wards_2024_figures_sum_its_former_communes(world, merged):
    figures = dashboards.ward_indicator_figures(world.ward_x, year(2024))
    first, last = D(2024, 1, 1), D(2024, 12, 1)
    sessions = sum(
        v.value
        for w in (merged["a"], merged["b"])
        for v in approved_rows(w, "TT_BUOI", first, last)
    )
    assert figures["TT_BUOI"].current.value == sessions == 78 + 100
    # A stock: each former commune's latest approved value in the year, added up.
    latest = [
        approved_rows(w, "HN_TONGHO", first, last).order_by("-report__period").first().value
        for w in (merged["a"], merged["b"])
    ]
    assert figures["HN_TONGHO"].current.value == sum(latest) == 1012 + 510
    # A ratio from its summed parts (12 × 1/4 and 10 × 3/4): 42/88, not an average of rates.
    parts = [
        (v.value, v.denominator)
        for w in (merged["a"], merged["b"])
        for v in approved_rows(w, "TEST_TYLE", first, last)
    ]
    ratio = figures["TEST_TYLE"].current
    assert (ratio.value, ratio.denominator) == (
        sum(p[0] for p in parts),
        sum(p[1] for p in parts),
    )


def test_a_term_spanning_the_merge_takes_the_stock_of_the_new_ward(world, merged):
    period = dashboards.Period(D(2024, 1, 1), D(2025, 12, 1))
    figures = dashboards.ward_indicator_figures(world.ward_x, period)
    assert figures["HN_TONGHO"].current.value == 1700  # the new ward's, once it reports
    assert figures["TT_BUOI"].current.value == 78 + 100 + 4


def test_the_partly_merged_commune_counts_once_in_the_province(world, merged):
    figures_y = dashboards.ward_indicator_figures(world.ward_y, year(2024))
    assert figures_y["TT_BUOI"].current.value == 7  # C only: B's figures went to X
    summary = dashboards.province_summary(world.province_a, year(2024))
    line = next(line for line in summary.lines if line.indicator.code == "TT_BUOI")
    every_row = IndicatorValue.objects.filter(
        report__ward__province=world.province_a,
        indicator__code="TT_BUOI",
        report__status=Status.APPROVED,
        report__period__year=2024,
    )
    assert line.current.value == sum(v.value for v in every_row) == 78 + 100 + 7
    x = dashboards.ward_indicator_figures(world.ward_x, year(2024))["TT_BUOI"].current.value
    assert line.current.value == x + figures_y["TT_BUOI"].current.value
    assert summary.ward_count == 2  # the current communes only


def test_the_dashboard_names_the_former_communes(client, login, world, merged):
    login(world.users["ward_officer"])
    response = client.get(
        reverse("reports:dashboard_ward", args=[world.ward_x.code]),
        {"tu": "01/2024", "den": "12/2024"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", "", page)
    assert "Gồm số liệu của các xã, phường cũ: Phường Mỹ Thạnh, Phường Mỹ Thới." in text
    # Each name opens that old commune's dashboard, readable by the new ward's officer.
    link = reverse("reports:dashboard_ward", args=[merged["b"].code])
    assert f'href="{link}"' in page
    assert client.get(link, {"tu": "01/2024", "den": "12/2024"}).status_code == 200
    later = client.get(
        reverse("reports:dashboard_ward", args=[world.ward_x.code]),
        {"tu": "01/2026", "den": "03/2026"},
    )
    assert "Gồm số liệu của các xã, phường cũ" not in later.content.decode()


def test_a_term_report_of_the_merged_ward_sums_its_former_communes(
    world, merged, make_document, add_block
):
    document = make_document(starts_on=D(2020, 1, 1), ends_on=D(2025, 12, 31))
    block = add_block(document, Block.Kind.INDICATORS, options={"codes": ["TT_BUOI", "HN_TONGHO"]})
    snapshot = document_figures.compute(block)
    sessions = sum(
        v.value
        for w in (merged["a"], merged["b"], world.ward_x)
        for v in approved_rows(w, "TT_BUOI", D(2020, 1, 1), D(2025, 12, 1))
    )
    rows = {r["cells"][0]["t"]: [c["t"] for c in r["cells"]] for r in snapshot["rows"]}
    name = {i.code: i.name for i in Indicator.objects.filter(code__in=["TT_BUOI", "HN_TONGHO"])}
    assert sessions == 78 + 100 + 4
    assert rows[name["TT_BUOI"]][2] == f"{sessions}"
    assert rows[name["HN_TONGHO"]][2] == "1.700"  # the stock at the end: the new ward's


def test_the_successors_dashboard_follows_a_change_of_a_former_commune(
    client, login, world, merged, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600  # cached as in production
    cache.clear()
    login(world.users["ward_officer"])
    url = reverse("reports:dashboard_ward", args=[world.ward_x.code])
    period = {"tu": "01/2024", "den": "12/2024"}
    before = client.get(url, period).content.decode()
    assert 'data-testid="stat-sessions">178<' in before
    with django_capture_on_commit_callbacks(execute=True):
        values(merged["b"], D(2024, 12, 1), TT_BUOI=5)
    after = client.get(url, period).content.decode()
    assert 'data-testid="stat-sessions">183<' in after
    cache.clear()


def test_the_entry_page_compares_with_the_former_communes_a_year_earlier(world, merged):
    # B's draft of November 2024 stays out; A's and B's approved months count.
    values(world.ward_x, D(2025, 11, 1), Status.DRAFT, TT_BUOI=2)
    report = MonthlyReport.objects.get(ward=world.ward_x, period=D(2025, 11, 1))
    rows = {row.indicator.code: row for row in selectors.entry_rows(report, indicators())}
    year_before = approved_rows(merged["a"], "TT_BUOI", D(2024, 11, 1), D(2024, 11, 1))
    assert rows["TT_BUOI"].last_year.value == sum(v.value for v in year_before) == 11
    assert rows["TT_BUOI"].current.value == 2
    assert rows["TT_BUOI"].year_to_date.value == 4 + 2  # 2025: the former communes had none


def test_a_province_stock_across_the_merge_counts_the_new_commune_not_its_old_ones(world, merged):
    """Over 2024–2025 the province's stock is each current commune's latest value: ward X's
    own of August 2025 replaces the old communes it took over; C's still stands for ward Y,
    which has reported nothing of its own since."""
    period = dashboards.Period(D(2024, 1, 1), D(2025, 12, 1))
    summary = dashboards.province_summary(world.province_a, period)
    line = next(
        line for line in summary.lines if line.indicator and line.indicator.code == "HN_TONGHO"
    )
    first, last = period.first, period.last

    def latest(ward):
        row = approved_rows(ward, "HN_TONGHO", first, last).order_by("-report__period").first()
        return row.value if row else None

    # X's own value; Y has none, so its old commune C's latest counts (B went to X).
    assert latest(merged["a"]) and latest(merged["b"])  # both superseded by X's own
    assert line.current.value == latest(world.ward_x) + latest(merged["c"]) == 1700 + 300


def test_the_province_workbook_across_the_merge_takes_the_new_communes_stock(world, merged):
    """The per-commune reading behind the province's workbook and documents drops the old
    communes' stocks the new commune superseded, and keeps their flows."""
    stock = Indicator.objects.get(code="HN_TONGHO")
    flow = Indicator.objects.get(code="TT_BUOI")
    figures, _approved = selectors.province_period_figures(
        world.province_a, D(2024, 1, 1), D(2025, 12, 1), [stock, flow]
    )
    stocks = {
        ward_id: next(iter(months.values())).value
        for (ward_id, indicator_id), months in figures.items()
        if indicator_id == stock.pk
    }
    assert stocks == {world.ward_x.pk: 1700, merged["c"].pk: 300}
    flows = sum(
        next(iter(months.values())).value
        for (_ward, indicator_id), months in figures.items()
        if indicator_id == flow.pk
    )
    every_flow = IndicatorValue.objects.filter(
        indicator=flow, report__status=Status.APPROVED, report__ward__province=world.province_a
    )
    assert flows == sum(v.value for v in every_flow) == 78 + 100 + 7 + 4
