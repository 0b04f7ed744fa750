"""The progress matrix's "chỉ phường, xã chậm" filter and sticky commune column; the ward
dashboard's chart data: months without an approved figure are null (a gap), never 0."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import periods
from reports.models import IndicatorValue, MonthlyReport
from tests import factories
from wards.models import Ward

Status = MonthlyReport.Status
YEAR = 2025  # entirely in the past: every month of it is due


@pytest.fixture(autouse=True)
def due_on_the_fifth(settings):
    settings.MONTHLY_REPORT_DUE_DAY = 5


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 9))


def sent(ward, month, day):
    """The ward's report for `month` of YEAR, first sent on `day` of the following month."""
    year, next_month = (YEAR + 1, 1) if month == 12 else (YEAR, month + 1)
    MonthlyReport.objects.create(
        ward=ward,
        period=datetime.date(YEAR, month, 1),
        status=Status.SUBMITTED,
        submitted_at=at(year, next_month, day),
    )


def row_codes(page: str) -> set[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return set(re.findall(r"<tr>\s*<td>([^<]+)</td>", body))


@pytest.mark.django_db
def test_slow_filter_keeps_only_communes_that_missed_or_sent_late(world, login):
    punctual = factories.ward(province_obj=world.province_a, name="Xã Vĩnh Thạnh")
    for month in range(1, 13):
        sent(punctual, month, 3)  # every month before the fifth
        sent(world.ward_x, month, 3 if month != 7 else 9)  # July sent on the ninth: late
    # Ward Y sends nothing: every month missing.
    url = reverse("reports:completeness", args=[world.province_a.code, YEAR])
    client = login(world.users["province_officer"])

    every = client.get(url).content.decode()
    wards = set(Ward.objects.filter(province=world.province_a).values_list("code", flat=True))
    assert row_codes(every) == wards

    page = client.get(url, {"cham": "1"}).content.decode()
    # Recomputed from the rows: a commune is slow when a month of the year has no report
    # or its report was first sent after the fifth of the following month.
    on_time = {}
    for report in MonthlyReport.objects.filter(ward__province=world.province_a):
        due = datetime.date(
            report.period.year + (report.period.month == 12), report.period.month % 12 + 1, 5
        )
        on_time.setdefault(report.ward.code, set())
        if timezone.localtime(report.submitted_at).date() <= due:
            on_time[report.ward.code].add(report.period.month)
    slow = {code for code in wards if on_time.get(code, set()) != set(range(1, 13))}
    assert slow == {world.ward_x.code, world.ward_y.code}
    assert row_codes(page) == slow
    assert f"{len(slow)} phường, xã chậm nộp" in page
    assert 'name="cham" value="1" id="slow-only" checked' in page
    # The year links keep the filter; the commune column stays in view.
    previous = reverse("reports:completeness", args=[world.province_a.code, YEAR - 1])
    assert f'href="{previous}?cham=1"' in page
    assert 'class="fw-normal text-nowrap sticky-column"' in page

    searched = client.get(url, {"cham": "1", "q": "my thoi"}).content.decode()
    assert row_codes(searched) == {world.ward_x.code}
    assert f'href="{previous}?q=my+thoi&amp;cham=1"' in searched


@pytest.mark.django_db
def test_slow_filter_keeps_itself_in_the_page_links(world, login):
    for number in range(60):  # more than a page, all slow (nothing sent)
        factories.ward(province_obj=world.province_a, name=f"Xã Thử {number:02d}")
    url = reverse("reports:completeness", args=[world.province_a.code, YEAR])
    page = login(world.users["province_officer"]).get(url, {"cham": "1"}).content.decode()
    assert 'href="?cham=1&amp;page=2"' in page


def chart_data(page: str) -> dict:
    script = r'<script id="dashboard-data" type="application/json">(.*?)</script>'
    raw = re.search(script, page, re.S)
    return json.loads(raw.group(1))


@pytest.mark.django_db
def test_ward_chart_draws_months_without_an_approved_report_as_gaps(world, login):
    current = timezone.localdate().replace(day=1)
    months = [periods.add_months(current, offset) for offset in (-4, -3, -2, -1)]
    factories.report_values(world.ward_x, months[0], TT_BUOI=3, GS_KIENNGHI=0)
    factories.report_values(world.ward_x, months[1], Status.SUBMITTED, TT_BUOI=5)  # not approved
    # months[2]: no report at all
    factories.report_values(world.ward_x, months[3], TT_BUOI=7, GS_KIENNGHI=2)
    url = reverse("reports:dashboard_ward", args=[world.ward_x.code])
    page = (
        login(world.users["ward_chair"])
        .get(url, {"tu": f"{months[0]:%m/%Y}", "den": f"{months[3]:%m/%Y}"})
        .content.decode()
    )
    charts = {chart["id"]: chart for chart in chart_data(page)["charts"]}
    activity = charts["bieu-do-hoat-dong"]
    assert activity["labels"] == [f"{month:%m/%Y}" for month in months]

    def approved(code):
        values = dict(
            IndicatorValue.objects.filter(
                report__ward=world.ward_x,
                report__status=Status.APPROVED,
                indicator__code=code,
            ).values_list("report__period", "value")
        )
        return [values.get(month) for month in months]

    by_label = {dataset["label"]: dataset["data"] for dataset in activity["datasets"]}
    assert by_label["Buổi tuyên truyền"] == approved("TT_BUOI") == [3, None, None, 7]
    assert by_label["Kiến nghị tiếp nhận"] == approved("GS_KIENNGHI") == [0, None, None, 2]
    assert by_label["Buổi tuyên truyền – năm trước"] == [None] * 4  # nothing a year earlier
    # Money comes from the books: a past month without gifts is a real 0.
    money = {d["label"]: d["data"] for d in charts["bieu-do-tien"]["datasets"]}
    assert money["Tiền mặt vận động"] == [0, 0, 0, 0]
