"""Dashboards: figures equal hand-computed sums, scoping, bounded queries, always up to date."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Disbursement
from reports.dashboards import figures as dashboards
from reports.models import MonthlyReport
from tests import factories
from tests.readers import xlsx_sheet

Status = MonthlyReport.Status
JAN, FEB, MAR = (datetime.date(2025, m, 1) for m in (1, 2, 3))
Q1 = {"tu": "01/2025", "den": "03/2025"}
TODAY = datetime.date(2026, 1, 15)


values = factories.report_values


@pytest.fixture
def ratio_indicator(db):
    return factories.ratio_indicator()


@pytest.fixture
def fund_x(world):
    return factories.fund(
        ward_obj=world.ward_x,
        name="Quỹ Vì người nghèo 2025",
        starts_on=datetime.date(2025, 1, 1),
        target_amount=1_000_000,
    )


def donate(world, campaign, ward, day, amount):
    return factories.donation(
        fund_obj=campaign, ward_obj=ward, user=world.users["admin"], received_on=day, amount=amount
    )


def house(ward, **dates):
    return factories.house(ward_obj=ward, **dates)


def ward_url(ward, **params):
    from django.utils.http import urlencode

    base = reverse("reports:dashboard_ward", args=[ward.code])
    return f"{base}?{urlencode(params)}" if params else base


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response):
    """The downloaded sheet's rows of cells (value and number_format)."""
    sheet = xlsx_sheet(response)
    assert response["Content-Disposition"].endswith('.xlsx"')
    return list(sheet.iter_rows())


def row_of(rows, first_value):
    return next(row for row in rows if row[0].value == first_value)


# --- The period -------------------------------------------------------------------------------


def test_default_period_is_the_year_to_last_month():
    period = dashboards.default_period(datetime.date(2025, 10, 20))
    assert (period.first, period.last) == (JAN, datetime.date(2025, 9, 1))
    january = dashboards.default_period(datetime.date(2026, 1, 5))
    assert (january.first, january.last) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 1))


@pytest.mark.parametrize(
    ("params", "first", "last"),
    [
        ({"ky": "thang", "den": "05/2025"}, (2025, 5), (2025, 5)),
        ({"ky": "quy", "den": "05/2025"}, (2025, 4), (2025, 6)),
        ({"ky": "6-thang", "den": "03/2025"}, (2025, 1), (2025, 6)),
        ({"ky": "9-thang", "den": "03/2025"}, (2025, 1), (2025, 9)),
        ({"ky": "nam", "den": "03/2025"}, (2025, 1), (2025, 12)),
        ({"tu": "15/02/2024", "den": "31/03/2025"}, (2024, 2), (2025, 3)),
    ],
)
def test_period_presets_and_ranges(params, first, last):
    period, errors = dashboards.parse_period(params, TODAY)
    assert not errors
    assert period.first == datetime.date(*first, 1)
    assert period.last == datetime.date(*last, 1)


def test_bad_period_falls_back_with_a_message():
    period, errors = dashboards.parse_period({"tu": "13/2025", "den": "hôm qua"}, TODAY)
    assert len(errors) == 2
    assert period == dashboards.default_period(TODAY)
    swapped, errors = dashboards.parse_period({"tu": "06/2025", "den": "02/2025"}, TODAY)
    assert (swapped.first, swapped.last) == (datetime.date(2025, 2, 1), datetime.date(2025, 6, 1))
    assert errors


# --- Ward figures -------------------------------------------------------------------------------


def test_ratio_rolls_up_from_summed_numerators_and_denominators(world, ratio_indicator, login):
    values(world.ward_x, JAN, TEST_TYLE=(1, 2))
    values(world.ward_x, FEB, TEST_TYLE=(3, 4))
    period, _ = dashboards.parse_period({"tu": "01/2025", "den": "02/2025"}, TODAY)
    figure = dashboards.ward_indicator_figures(world.ward_x, period)["TEST_TYLE"].current
    assert (figure.value, figure.denominator) == (4, 6)
    assert dashboards.percent(figure.value, figure.denominator) == dashboards.percent(2, 3)

    client = login(world.users["party_viewer"])
    response = client.get(ward_url(world.ward_x, tu="01/2025", den="02/2025"))
    assert "66,7\u00a0%" in response.content.decode()
    assert "62,5\u00a0%" not in response.content.decode()
    rows = read_csv(
        client.get(
            ward_url(world.ward_x, tu="01/2025", den="02/2025", format="csv", bang="chi-tieu")
        )
    )
    assert ["TEST_TYLE", "Tỷ lệ thử nghiệm", "%", "66,7", ""] in rows


def test_key_figures_equal_hand_computed_sums(world, fund_x, login):
    values(world.ward_x, JAN, TT_BUOI=3, TT_LUOT=120, GS_KIENNGHI=4, GS_GIAIQUYET=1)
    values(world.ward_x, FEB, TT_BUOI=4, TT_LUOT=80, GS_KIENNGHI=2, GS_GIAIQUYET=3)
    values(world.ward_x, MAR, Status.DRAFT, TT_BUOI=10, TT_LUOT=500)
    values(world.ward_x, datetime.date(2024, 2, 1), TT_BUOI=6)  # the same months a year earlier
    values(world.ward_y, JAN, TT_BUOI=99)  # another ward
    donate(world, fund_x, world.ward_x, datetime.date(2025, 2, 10), 100_000)
    donate(world, fund_x, world.ward_x, datetime.date(2025, 3, 31), 250_000)
    donate(world, fund_x, world.ward_x, datetime.date(2025, 4, 1), 5_000_000)  # after the period
    Disbursement.objects.create(
        campaign=fund_x,
        ward=world.ward_x,
        purpose="other",
        description="Quà Tết",
        amount=60_000,
        decision_reference="QĐ 1",
        paid_on=datetime.date(2025, 1, 20),
        recorded_by=world.users["admin"],
    )
    house(world.ward_x, started_on=datetime.date(2024, 12, 1), handed_over_on=FEB)
    house(world.ward_x, started_on=MAR)
    organisation = factories.organisation()
    factories.membership(
        ward_obj=world.ward_x, org=organisation, members=20, eligible=40, as_of=JAN
    )
    factories.membership(
        ward_obj=world.ward_x, org=organisation, members=30, eligible=40, as_of=FEB
    )

    period, _ = dashboards.parse_period(Q1, TODAY)
    data = dashboards.ward_dashboard(world.ward_x, period, TODAY)
    assert (data.sessions, data.attendance) == (7, 200)
    assert (data.cases_received, data.cases_resolved) == (6, 4)
    assert data.key("TT_BUOI").year_earlier.value == 6
    assert (data.raised, data.disbursed) == (350_000, 60_000)
    assert (data.houses.started, data.houses.handed_over) == (1, 1)
    assert data.campaigns[0].raised_to_date == 350_000
    assert data.campaigns[0].amount_percent == dashboards.percent(35, 100)
    # The latest record of each organisation up to the end of March; the world's 80/100 of
    # 31/12/2025 comes after the period.
    assert data.membership_total == (30, 40)
    assert data.reports == {"submitted": 2, "approved": 2, "on_time": 0}
    assert data.due_months == 3
    feb = data.trend[1][2]
    assert feb["TT_BUOI"] == (4, 6)
    assert feb["raised"] == (100_000, 0)

    client = login(world.users["party_viewer"])
    page = client.get(ward_url(world.ward_x, **Q1)).content.decode()
    assert "350.000\u00a0đ" in page
    assert "Bao gồm số liệu chưa duyệt" not in page
    assert "<progress" in page and "<canvas" in page
    assert 'type="application/json"' in page

    trend = read_csv(client.get(ward_url(world.ward_x, format="csv", bang="xu-huong", **Q1)))
    assert trend[0][:4] == ["Tháng", "Cùng tháng năm trước", "Tiền mặt vận động (đồng)",
                            "Tiền mặt vận động (đồng) – năm trước"]  # fmt: skip
    assert trend[2][:4] == ["02/2025", "02/2024", "100000", "0"]


def test_drafts_are_counted_only_when_asked(world, login):
    values(world.ward_x, JAN, TT_BUOI=3)
    values(world.ward_x, FEB, Status.SUBMITTED, TT_BUOI=4)
    values(world.ward_x, MAR, Status.DRAFT, TT_BUOI=10)
    client = login(world.users["party_viewer"])

    approved = client.get(ward_url(world.ward_x, **Q1))
    assert approved.context["data"].sessions == 3
    assert "Bao gồm số liệu chưa duyệt" not in approved.content.decode()

    everything = client.get(ward_url(world.ward_x, nhap="1", **Q1))
    assert everything.context["data"].sessions == 17
    assert "Bao gồm số liệu chưa duyệt" in everything.content.decode()


def test_csv_downloads(world, login):
    values(world.ward_x, JAN, TT_BUOI=3)
    client = login(world.users["party_viewer"])
    response = client.get(ward_url(world.ward_x, format="csv", bang="so-lieu", **Q1))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Nội dung", "Kỳ này", "Cùng kỳ năm trước"]
    assert rows[1][1] == "3"


def test_every_ward_table_downloads_as_xlsx_with_numbers(world, fund_x, ratio_indicator, login):
    values(world.ward_x, JAN, TT_BUOI=3, TEST_TYLE=(1, 2))
    donate(world, fund_x, world.ward_x, FEB, 1_804_000)
    client = login(world.users["party_viewer"])
    page = client.get(ward_url(world.ward_x, **Q1)).content.decode()
    headers = {
        "so-lieu": "Nội dung",
        "xu-huong": "Tháng",
        "quy": "Cuộc vận động",
        "tap-hop": "Tổ chức",
        "chi-tieu": "Mã",
    }
    for key, first_header in headers.items():
        assert f'data-testid="xlsx-{key}"' in page
        rows = read_xlsx(client.get(ward_url(world.ward_x, format="xlsx", bang=key, **Q1)))
        assert rows[0][0].value == first_header
        assert rows[0][0].font.bold

    funds = read_xlsx(client.get(ward_url(world.ward_x, format="xlsx", bang="quy", **Q1)))
    assert [cell.value for cell in funds[0][:3]] == [
        "Cuộc vận động",
        "Nguồn quỹ",
        "Tiền mặt vận động trong kỳ (tại phường, xã)",
    ]
    raised = row_of(funds, "Quỹ Vì người nghèo 2025")[2]
    assert (raised.value, raised.number_format) == (1_804_000, "#,##0")
    target = row_of(funds, "Quỹ Vì người nghèo 2025")[6]  # 1.804.000 of 1.000.000
    assert (target.value, target.number_format) == (pytest.approx(1.804), "0.0%")

    indicators = read_xlsx(client.get(ward_url(world.ward_x, format="xlsx", bang="chi-tieu", **Q1)))
    rate = row_of(indicators, "TEST_TYLE")[3]
    assert (rate.value, rate.number_format) == (0.5, "0.0%")
    assert row_of(indicators, "TT_BUOI")[3].value == 3

    trend = read_xlsx(client.get(ward_url(world.ward_x, format="xlsx", bang="xu-huong", **Q1)))
    assert [cell.value for cell in trend[2][:4]] == ["02/2025", "02/2024", 1_804_000, 0]


def test_province_and_national_tables_download_as_xlsx(world, fund_x, login):
    values(world.ward_x, JAN, TT_BUOI=3)
    values(world.ward_y, JAN, TT_BUOI=5)
    donate(world, fund_x, world.ward_x, FEB, 300_000)
    officer = login(world.users["province_officer"])
    url = reverse("reports:dashboard_province", args=[world.province_a.code])
    assert 'data-testid="xlsx-phuong-xa"' in officer.get(url, Q1).content.decode()
    rows = read_xlsx(officer.get(url, {**Q1, "format": "xlsx"}))
    assert [cell.value for cell in rows[0][:4]] == ["Hạng", "Phường, xã", "Mã", "Tiền mặt vận động"]
    first = rows[1]
    assert [cell.value for cell in first[:4]] == [1, "Phường Mỹ Thới", "30301", 300_000]
    assert first[3].number_format == "#,##0"
    assert first[6].value == 3
    total = rows[-1]
    assert (total[3].value, total[6].value) == (300_000, 8)
    assert total[3].font.bold

    admin = login(world.users["admin"])
    national = read_xlsx(admin.get(reverse("reports:dashboard_national"), {**Q1, "format": "xlsx"}))
    assert national[0][1].value == "Tỉnh, thành phố"
    assert row_of(national, 1)[1].value == "Tỉnh An Giang"
    assert national[-1][6].value == 8


def test_text_that_a_spreadsheet_would_run_is_escaped(world, login):
    factories.fund(
        ward_obj=world.ward_x,
        name='=HYPERLINK("http://vi-du.vn","Bấm")',
        starts_on=datetime.date(2025, 1, 1),
    )
    world.ward_y.name = "@SUM(1+1)"
    world.ward_y.save()
    viewer = login(world.users["party_viewer"])
    funds = {"format": "xlsx", "bang": "quy", **Q1}
    cell = read_xlsx(viewer.get(ward_url(world.ward_x, **funds)))[1][0]
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://vi-du.vn","Bấm")', "s")
    csv_rows = read_csv(viewer.get(ward_url(world.ward_x, **{**funds, "format": "csv"})))
    assert csv_rows[1][0] == '\'=HYPERLINK("http://vi-du.vn","Bấm")'

    officer = login(world.users["province_officer"])
    url = reverse("reports:dashboard_province", args=[world.province_a.code])
    names = [row[1].value for row in read_xlsx(officer.get(url, {**Q1, "format": "xlsx"}))]
    assert "'@SUM(1+1)" in names
    assert "'@SUM(1+1)" in [row[1] for row in read_csv(officer.get(url, {**Q1, "format": "csv"}))]


# --- Scoping --------------------------------------------------------------------------------


def test_scoping(world, login):
    viewer = login(world.users["party_viewer"])
    assert viewer.get(ward_url(world.ward_x)).status_code == 200
    assert viewer.get(ward_url(world.ward_y)).status_code == 404
    assert viewer.get(ward_url(world.ward_y, format="csv")).status_code == 404
    assert viewer.get(ward_url(world.ward_y, format="xlsx")).status_code == 404
    province_a = reverse("reports:dashboard_province", args=[world.province_a.code])
    province_b = reverse("reports:dashboard_province", args=[world.province_b.code])
    national = reverse("reports:dashboard_national")
    assert viewer.get(province_a).status_code == 403
    assert viewer.get(national).status_code == 403

    officer = login(world.users["province_officer"])
    assert officer.get(province_a).status_code == 200
    assert officer.get(province_b).status_code == 404
    assert officer.get(f"{province_b}?format=csv").status_code == 404
    assert officer.get(f"{province_b}?format=xlsx").status_code == 404
    assert viewer.get(f"{national}?format=xlsx").status_code == 403
    assert officer.get(ward_url(world.ward_y)).status_code == 200
    assert officer.get(ward_url(world.ward_z)).status_code == 404
    assert officer.get(national).status_code == 403

    admin = login(world.users["admin"])
    assert admin.get(province_b).status_code == 200
    assert admin.get(national).status_code == 200


# --- Province and country -------------------------------------------------------------------


def test_province_figures_sort_and_csv(world, fund_x, login):
    values(world.ward_x, JAN, TT_BUOI=3)
    values(world.ward_y, JAN, TT_BUOI=5)
    values(world.ward_z, JAN, TT_BUOI=50)  # province B
    donate(world, fund_x, world.ward_x, FEB, 300_000)
    fund_y = factories.fund(ward_obj=world.ward_y, name="Quỹ", starts_on=datetime.date(2025, 1, 1))
    donate(world, fund_y, world.ward_y, FEB, 700_000)
    house(world.ward_y, handed_over_on=MAR)
    factories.membership(ward_obj=world.ward_x, members=10, eligible=100, as_of=FEB)

    client = login(world.users["province_officer"])
    url = reverse("reports:dashboard_province", args=[world.province_a.code])
    response = client.get(url, Q1)
    table = response.context["table"]
    names = [row[1].text for row in table.rows]
    assert names == ["Phường Long Xuyên", "Phường Mỹ Thới"]  # by money raised, descending
    assert [row[0].raw for row in table.rows] == [1, 2]
    assert [row[3].raw for row in table.rows] == [700_000, 300_000]
    assert [row[5].raw for row in table.rows] == [1, 0]
    assert [row[6].raw for row in table.rows] == [5, 3]
    # Ward X: only the record of February counts (the world's is dated after the period).
    assert table.rows[1][7].text == "10,0\u00a0%"
    assert table.rows[0][7].text == "—"
    assert table.footer[3].raw == 1_000_000
    assert table.footer[6].raw == 8
    assert reverse("reports:dashboard_ward", args=[world.ward_x.code]) in table.rows[1][1].link

    by_sessions = client.get(url, {**Q1, "sap_xep": "buoi-tuyen-truyen"}).context["table"]
    assert [row[6].raw for row in by_sessions.rows] == [3, 5]

    rows = read_csv(client.get(url, {**Q1, "format": "csv"}))
    assert rows[0][:3] == ["Hạng", "Phường, xã", "Mã"]
    assert rows[1][1:4] == ["Phường Long Xuyên", "30302", "700000"]
    assert len(rows) == 4  # header, two wards, total


def test_national_totals(world, fund_x, login):
    values(world.ward_x, JAN, TT_BUOI=3)
    values(world.ward_y, JAN, TT_BUOI=5)
    values(world.ward_z, JAN, TT_BUOI=50)
    donate(world, fund_x, world.ward_x, FEB, 300_000)
    client = login(world.users["admin"])
    table = client.get(reverse("reports:dashboard_national"), Q1).context["table"]
    by_code = {row[2].raw: row for row in table.rows}
    assert by_code["91"][6].raw == 8
    assert by_code["91"][3].raw == 300_000
    assert by_code["01"][6].raw == 50
    assert table.footer[6].raw == 58


def _province_with_wards(count, admin):
    province = factories.province()
    campaign = None
    for index in range(count):
        ward = factories.ward(province_obj=province)
        values(ward, JAN, TT_BUOI=index + 1)
        values(ward, FEB, Status.SUBMITTED, TT_BUOI=1)
        factories.membership(ward_obj=ward)
        if campaign is None:
            campaign = factories.fund(
                ward_obj=None, name="Quỹ tỉnh", province=province, starts_on=JAN
            )
        factories.donation(
            fund_obj=campaign, ward_obj=ward, user=admin, received_on=FEB, amount=1000 * (index + 1)
        )
        house(ward, handed_over_on=FEB)
    return province


def _count_queries(client, url):
    client.get(url, Q1)  # the first request after logging in also refreshes the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, Q1)
    assert response.status_code == 200
    return len(queries)


def test_province_queries_do_not_grow_with_wards(world, login, django_assert_max_num_queries):
    admin = world.users["admin"]
    small = _province_with_wards(1, admin)
    large = _province_with_wards(50, admin)
    client = login(admin)
    small_url = reverse("reports:dashboard_province", args=[small.code])
    large_url = reverse("reports:dashboard_province", args=[large.code])
    for file_format in ("", "csv", "xlsx"):
        params = {**Q1, "format": file_format} if file_format else Q1
        client.get(small_url, params)
        with CaptureQueriesContext(connection) as small_queries:
            client.get(small_url, params)
        assert len(small_queries) <= 15
        with django_assert_max_num_queries(len(small_queries)):
            response = client.get(large_url, params)
        assert response.status_code == 200
    page = client.get(large_url, Q1)
    assert page.context["total"].sessions == sum(range(1, 51))
    assert page.context["total"].raised == 1000 * sum(range(1, 51))
    assert page.context["total"].houses_handed_over == 50
    assert _count_queries(client, reverse("reports:dashboard_national")) <= 15


def test_ward_dashboard_queries_are_bounded(world, login):
    for month in (JAN, FEB, MAR):
        values(world.ward_x, month, TT_BUOI=1, TT_LUOT=2, GS_KIENNGHI=3)
    client = login(world.users["party_viewer"])
    assert _count_queries(client, ward_url(world.ward_x)) <= 20


# --- Always right ---------------------------------------------------------------------------


def test_next_load_shows_each_write(world, fund_x, login):
    from reports import services

    client = login(world.users["ward_chair"])
    url = ward_url(world.ward_x, **Q1)

    def data():
        return client.get(url).context["data"]

    report = values(world.ward_x, JAN, Status.SUBMITTED, TT_BUOI=3)
    assert data().sessions is None
    services.report_approve(report=report, user=world.users["ward_chair"])
    assert data().sessions == 3

    assert data().raised == 0
    donate(world, fund_x, world.ward_x, FEB, 123_000)
    assert data().raised == 123_000

    built = house(world.ward_x, started_on=JAN)
    assert data().houses.handed_over == 0
    built.handed_over_on = MAR
    built.save()
    assert data().houses.handed_over == 1
