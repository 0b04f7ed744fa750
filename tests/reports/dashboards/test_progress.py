"""Completeness: each ward-month classified, rates by ward and month, the page and its export."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.dashboards import progress as completeness
from reports.dashboards.progress import State
from reports.models import MonthlyReport, ReportEvent
from tests import factories
from tests.readers import xlsx_sheet

Status = MonthlyReport.Status
Action = ReportEvent.Action
YEAR = 2025  # entirely in the past: every month of it is due
AFTER_YEAR = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def due_on_the_fifth(settings):
    settings.MONTHLY_REPORT_DUE_DAY = 5


def at(year, month, day, hour=9, minute=0):
    """An aware moment, Vietnam time."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def make_report(ward, month, status, *, submits=(), year=YEAR, actor=None, approved=None):
    """A report with its submit events; `submitted_at` is the latest submission, as saved."""
    report = MonthlyReport.objects.create(
        ward=ward,
        period=datetime.date(year, month, 1),
        status=status,
        submitted_at=submits[-1] if submits else None,
        approved_at=approved,
    )
    actor = actor or factories.user()
    for moment in submits:
        event = ReportEvent.objects.create(report=report, action=Action.SUBMIT, actor=actor)
        ReportEvent.objects.filter(pk=event.pk).update(at=moment)
    return report


def read_back(report):
    """The report as the table reads it: with its first submission annotated."""
    return completeness.with_first_submission(MonthlyReport.objects.filter(pk=report.pk)).get()


# --- Classification ------------------------------------------------------------------------

JAN_DUE = datetime.date(2025, 2, 5)
AFTER_DUE = datetime.date(2025, 2, 6)


@pytest.mark.django_db
def test_submitted_by_the_end_of_the_due_day_is_on_time(world):
    report = make_report(world.ward_x, 1, Status.SUBMITTED, submits=[at(2025, 2, 5, 23, 30)])
    standing = completeness.classify(read_back(report), JAN_DUE, AFTER_DUE)
    assert standing.state == State.ON_TIME
    assert standing.label == "Nộp đúng hạn"
    assert standing.on_time and standing.is_due
    assert standing.submitted_on == datetime.date(2025, 2, 5)


@pytest.mark.django_db
def test_submitted_after_the_due_day_is_late(world):
    report = make_report(world.ward_x, 1, Status.SUBMITTED, submits=[at(2025, 2, 6, 0, 10)])
    standing = completeness.classify(read_back(report), JAN_DUE, AFTER_DUE)
    assert standing.state == State.LATE
    assert standing.label == "Nộp trễ hạn"
    assert not standing.on_time


@pytest.mark.django_db
def test_no_report_or_an_unsent_one_is_missing_once_due(world):
    draft = make_report(world.ward_x, 1, Status.DRAFT)
    never_sent = make_report(world.ward_y, 1, Status.RETURNED)
    for report in (None, read_back(draft), read_back(never_sent)):
        standing = completeness.classify(report, JAN_DUE, AFTER_DUE)
        assert standing.state == State.MISSING
        assert standing.label == "Chưa nộp"
        assert standing.is_due and not standing.on_time


@pytest.mark.django_db
def test_before_and_on_the_due_day_an_unsent_month_is_not_due(world):
    draft = make_report(world.ward_x, 1, Status.DRAFT)
    for today in (datetime.date(2025, 1, 20), JAN_DUE):
        for report in (None, read_back(draft)):
            standing = completeness.classify(report, JAN_DUE, today)
            assert standing.state == State.NOT_DUE
            assert standing.label == "Chưa đến hạn"
            assert not standing.is_due


@pytest.mark.django_db
def test_approved_reports_remember_whether_they_came_on_time(world):
    on_time = make_report(
        world.ward_x, 1, Status.APPROVED, submits=[at(2025, 2, 4)], approved=at(2025, 2, 10)
    )
    late = make_report(
        world.ward_y, 1, Status.APPROVED, submits=[at(2025, 2, 9)], approved=at(2025, 2, 10)
    )
    first = completeness.classify(read_back(on_time), JAN_DUE, AFTER_DUE)
    second = completeness.classify(read_back(late), JAN_DUE, AFTER_DUE)
    assert (first.state, first.label, first.on_time) == (State.APPROVED, "Đã duyệt", True)
    assert (second.state, second.on_time) == (State.APPROVED, False)
    assert second.text == "Đã duyệt (nộp trễ hạn)"


@pytest.mark.django_db
def test_a_returned_and_resubmitted_report_keeps_its_first_submission_time(world):
    report = make_report(
        world.ward_x, 1, Status.SUBMITTED, submits=[at(2025, 2, 3), at(2025, 2, 12)]
    )
    ReportEvent.objects.create(
        report=report, action=Action.RETURN, actor=factories.user(), comment="Sửa số liệu"
    )
    assert report.submitted_at == at(2025, 2, 12)
    standing = completeness.classify(read_back(report), JAN_DUE, AFTER_DUE)
    assert standing.state == State.ON_TIME
    assert standing.submitted_on == datetime.date(2025, 2, 3)


@pytest.mark.django_db
def test_a_returned_report_keeps_the_time_it_was_sent(world):
    report = make_report(world.ward_x, 1, Status.RETURNED, submits=[at(2025, 2, 3)])
    standing = completeness.classify(read_back(report), JAN_DUE, AFTER_DUE)
    assert standing.state == State.ON_TIME


@pytest.mark.django_db
def test_without_submit_events_submitted_at_decides(world):
    report = MonthlyReport.objects.create(
        ward=world.ward_x,
        period=datetime.date(2025, 1, 1),
        status=Status.SUBMITTED,
        submitted_at=at(2025, 2, 7),
    )
    assert completeness.classify(read_back(report), JAN_DUE, AFTER_DUE).state == State.LATE
    assert completeness.classify(report, JAN_DUE, AFTER_DUE).state == State.LATE


@pytest.mark.django_db
def test_a_report_sent_early_is_on_time_but_not_yet_counted(world):
    report = make_report(world.ward_x, 1, Status.SUBMITTED, submits=[at(2025, 1, 31)])
    standing = completeness.classify(read_back(report), JAN_DUE, datetime.date(2025, 2, 1))
    assert standing.state == State.ON_TIME
    assert not standing.is_due
    rate = completeness.Rate()
    rate.add(standing)
    assert (rate.on_time, rate.due, rate.text) == (0, 0, "—")


# --- Rates ---------------------------------------------------------------------------------


def fill_province_a(world):
    """Ward X: Jan–Oct on time (Jan–Jun approved), Nov late, Dec missing (draft).
    Ward Y: Jan on time, Feb late, Mar–Dec missing. Hand-computed rates below."""
    officer = world.users["ward_officer"]
    for month in range(1, 11):
        due = datetime.date(2025, month + 1, 5)
        status = Status.APPROVED if month <= 6 else Status.SUBMITTED
        make_report(world.ward_x, month, status, submits=[at(2025, due.month, 4)], actor=officer)
    make_report(world.ward_x, 11, Status.SUBMITTED, submits=[at(2025, 12, 20)], actor=officer)
    make_report(world.ward_x, 12, Status.DRAFT)
    make_report(world.ward_y, 1, Status.APPROVED, submits=[at(2025, 2, 5, 8)], actor=officer)
    make_report(world.ward_y, 2, Status.SUBMITTED, submits=[at(2025, 3, 6)], actor=officer)
    make_report(world.ward_y, 3, Status.RETURNED)


# Ward X: 10 on time of 12 due; ward Y: 1 of 12; all: 11 of 24.
WARD_X_RATE, WARD_Y_RATE, OVERALL_RATE = "83,3\u00a0%", "8,3\u00a0%", "45,8\u00a0%"
# Jan: both on time; Feb–Oct: X only; Nov, Dec: nobody.
MONTH_RATES = ["100,0\u00a0%"] + ["50,0\u00a0%"] * 9 + ["0,0\u00a0%"] * 2


@pytest.mark.django_db
def test_rates_by_ward_by_month_and_overall_match_hand_counts(world):
    fill_province_a(world)
    table = completeness.completeness_table(world.province_a, YEAR, AFTER_YEAR)

    assert [row.ward.name for row in table.rows] == ["Phường Long Xuyên", "Phường Mỹ Thới"]
    rows = {row.ward.code: row for row in table.rows}
    x, y = rows[world.ward_x.code], rows[world.ward_y.code]
    assert [c.state for c in x.cells] == (
        [State.APPROVED] * 6 + [State.ON_TIME] * 4 + [State.LATE, State.MISSING]
    )
    assert [c.state for c in y.cells] == [State.APPROVED, State.LATE] + [State.MISSING] * 10
    assert (x.rate.on_time, x.rate.due, x.rate.text) == (10, 12, WARD_X_RATE)
    assert (y.rate.on_time, y.rate.due, y.rate.text) == (1, 12, WARD_Y_RATE)
    assert [r.text for r in table.month_rates] == MONTH_RATES
    assert (table.overall.on_time, table.overall.due, table.overall.text) == (
        11,
        24,
        OVERALL_RATE,
    )


@pytest.mark.django_db
def test_months_not_yet_due_are_left_out_of_the_rates(world):
    fill_province_a(world)
    # On 20 March 2025 only January and February are past their due dates (5 Feb, 5 Mar).
    table = completeness.completeness_table(world.province_a, YEAR, datetime.date(2025, 3, 20))
    x, y = (next(r for r in table.rows if r.ward == w) for w in (world.ward_x, world.ward_y))
    assert y.cells[3].state == State.NOT_DUE
    assert (x.rate.on_time, x.rate.due) == (2, 2)
    assert (y.rate.on_time, y.rate.due) == (1, 2)
    assert [r.text for r in table.month_rates[:3]] == ["100,0\u00a0%", "50,0\u00a0%", "—"]
    assert table.overall.text == "75,0\u00a0%"


@pytest.mark.django_db
def test_other_provinces_reports_do_not_count(world):
    fill_province_a(world)
    make_report(world.ward_z, 1, Status.SUBMITTED, submits=[at(2025, 2, 1)])
    table = completeness.completeness_table(world.province_b, YEAR, AFTER_YEAR)
    assert [row.ward for row in table.rows] == [world.ward_z]
    assert table.overall.on_time == 1 and table.overall.due == 12


# --- The page ------------------------------------------------------------------------------


def page_url(province, year=YEAR, name="reports:completeness"):
    return reverse(name, args=[province.code, year])


@pytest.mark.django_db
def test_the_page_shows_badges_and_hand_computed_rates(world, login):
    fill_province_a(world)
    client = login(world.users["province_officer"])
    response = client.get(page_url(world.province_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiến độ nộp báo cáo tháng năm 2025" in page
    for label in ("Đã duyệt", "Nộp đúng hạn", "Nộp trễ hạn", "Chưa nộp", "Chưa đến hạn"):
        assert label in page  # legend and cells
    for rate in (WARD_X_RATE, WARD_Y_RATE, OVERALL_RATE, "100,0\u00a0%", "50,0\u00a0%"):
        assert rate in page
    assert "Phường Mỹ Thới" in page and "Phường Long Xuyên" in page
    assert "Phường Hoàn Kiếm" not in page
    assert "2.025" not in page
    table = response.context["table"]
    assert [r.text for r in table.month_rates] == MONTH_RATES
    assert reverse("reports:completeness", args=["91", 2024]) in page
    assert reverse("reports:completeness", args=["91", 2026]) in page
    assert page_url(world.province_a, name="reports:completeness_export") in page


@pytest.mark.django_db
def test_next_year_link_stops_at_the_current_year(world, login):
    client = login(world.users["admin"])
    this_year = timezone.localdate().year
    page = client.get(page_url(world.province_a, this_year)).content.decode()
    assert reverse("reports:completeness", args=["91", this_year - 1]) in page
    assert reverse("reports:completeness", args=["91", this_year + 1]) not in page


@pytest.mark.django_db
def test_search_ignores_accents_and_rates_still_cover_every_ward(world, login):
    fill_province_a(world)
    client = login(world.users["province_officer"])
    response = client.get(page_url(world.province_a), {"q": "long xuyen"})
    page = response.content.decode()
    assert "Phường Long Xuyên" in page
    assert "Phường Mỹ Thới" not in page
    assert WARD_Y_RATE in page and OVERALL_RATE in page
    empty = client.get(page_url(world.province_a), {"q": "không có"}).content.decode()
    assert "Không có phường, xã nào khớp" in empty


@pytest.mark.django_db
def test_fifty_wards_a_page_with_rates_over_all_wards(world, login):
    province = factories.province(code="77", name="Tỉnh Thử Phân Trang")
    wards = [
        factories.ward(province_obj=province, code=f"9{n:04d}", name=f"Xã Thử {n:02d}")
        for n in range(1, 52)
    ]
    last = wards[-1]  # "Xã Thử 51", alone on page 2, the only ward that reported January
    make_report(last, 1, Status.SUBMITTED, submits=[at(2025, 2, 1)])
    client = login(world.users["admin"])

    first_page = client.get(page_url(province))
    assert len(first_page.context["page"].object_list) == 50
    assert "Xã Thử 51" not in first_page.content.decode()
    assert first_page.context["table"].month_rates[0].text == "2,0\u00a0%"  # 1 of 51
    assert "2,0\u00a0%" in first_page.content.decode()

    second = client.get(page_url(province), {"page": 2}).content.decode()
    assert "Xã Thử 51" in second and "Xã Thử 50" not in second
    assert "8,3\u00a0%" in second  # ward 51: 1 of 12


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reports:completeness", "reports:completeness_export"])
def test_who_may_see_a_province_progress(world, login, client, name):
    own, other = page_url(world.province_a, name=name), page_url(world.province_b, name=name)
    assert client.get(own).status_code == 302  # anonymous: to the login page
    login(world.users["province_officer"])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    for role in ("ward_officer", "ward_chair", "party_viewer", "unassigned"):
        login(world.users[role])
        assert client.get(own).status_code == 403, role
    login(world.users["admin"])
    assert client.get(other).status_code == 200
    assert client.get(page_url(world.province_a, 1999, name=name)).status_code == 404
    assert client.get(page_url(world.province_a, 9999, name=name)).status_code == 404


# --- Export --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_has_vietnamese_headers_labels_and_monthly_rates(world, login):
    fill_province_a(world)
    client = login(world.users["province_officer"])
    response = client.get(page_url(world.province_a, name="reports:completeness_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == completeness.XLSX_CONTENT_TYPE
    assert 'filename="tien-do-bao-cao-91-2025.xlsx"' in response["Content-Disposition"]

    sheet = xlsx_sheet(response)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Mã", "Phường, xã", *(f"Tháng {m}" for m in range(1, 13)), "Tỷ lệ đúng hạn"]
    assert rows[1][:4] == ["30302", "Phường Long Xuyên", "Đã duyệt", "Nộp trễ hạn"]
    assert rows[1][4:14] == ["Chưa nộp"] * 10
    assert rows[1][14] == pytest.approx(1 / 12, abs=1e-12)  # the exact ratio
    assert rows[2][:3] == ["30301", "Phường Mỹ Thới", "Đã duyệt"]
    assert rows[2][8:14] == ["Nộp đúng hạn"] * 4 + ["Nộp trễ hạn", "Chưa nộp"]
    assert rows[2][14] == pytest.approx(10 / 12, abs=1e-12)
    last = rows[3]
    assert last[1] == "Tỷ lệ đúng hạn theo tháng"
    assert last[2:14] == [1.0] + [0.5] * 9 + [0.0] * 2
    assert last[14] == pytest.approx(11 / 24, abs=1e-12)
    assert len(rows) == 4
    assert sheet.cell(row=4, column=3).number_format == "0.0%"


@pytest.mark.django_db
def test_export_marks_late_approvals_and_escapes_formula_text(world, login):
    province = factories.province(code="66", name="Tỉnh Thử Công Thức")
    factories.ward(province_obj=province, code="66001", name='=HYPERLINK("http://x","y")')
    factories.ward(province_obj=province, code="66002", name="-1+2")
    late = factories.ward(province_obj=province, code="66003", name="@SUM(A1)")
    make_report(late, 1, Status.APPROVED, submits=[at(2025, 2, 20)], approved=at(2025, 2, 21))
    factories.ward(province_obj=province, code="66004", name="+Xã Bình thường")
    client = login(world.users["admin"])
    response = client.get(page_url(province, name="reports:completeness_export"))
    sheet = xlsx_sheet(response)
    names = [sheet.cell(row=r, column=2) for r in range(2, 6)]
    assert sorted(c.value for c in names) == [
        "'+Xã Bình thường",
        "'-1+2",
        '\'=HYPERLINK("http://x","y")',
        "'@SUM(A1)",
    ]
    assert all(c.data_type == "s" for c in names)
    late_row = next(r for r in range(2, 6) if sheet.cell(row=r, column=1).value == "66003")
    assert sheet.cell(row=late_row, column=3).value == "Đã duyệt (nộp trễ hạn)"


def test_safe_text_leaves_ordinary_text_alone():
    assert completeness.safe_text("Phường Mỹ Thới") == "Phường Mỹ Thới"
    assert completeness.safe_text("=1+1") == "'=1+1"


# --- Query bound ---------------------------------------------------------------------------


def province_with_reports(code, ward_count):
    province = factories.province(code=code)
    actor = factories.user()
    wards = [factories.ward(province_obj=province) for _ in range(ward_count)]
    reports = MonthlyReport.objects.bulk_create(
        MonthlyReport(
            ward=ward,
            period=datetime.date(YEAR, month, 1),
            status=Status.SUBMITTED,
            submitted_at=at(YEAR, month, 28),
        )
        for ward in wards
        for month in range(1, 13)
    )
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, action=Action.SUBMIT, actor=actor) for report in reports
    )
    return province


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reports:completeness", "reports:completeness_export"])
def test_queries_do_not_grow_with_wards_or_months(
    world, login, django_assert_max_num_queries, name
):
    small, large = province_with_reports("55", 1), province_with_reports("56", 30)
    client = login(world.users["admin"])
    client.get(page_url(small, name=name))  # warm the session

    with CaptureQueriesContext(connection) as one_ward:
        assert client.get(page_url(small, name=name)).status_code == 200
    with django_assert_max_num_queries(len(one_ward)):
        response = client.get(page_url(large, name=name))
    assert response.status_code == 200
    assert len(one_ward) <= 6  # session, user, province, wards, reports (with first submits)


# --- What a ward still owes ----------------------------------------------------------------


@pytest.mark.django_db
def test_due_items_list_unsent_months_of_the_last_year_newest_first(world):
    ward = world.ward_x
    make_report(ward, 10, Status.DRAFT, year=2026)
    make_report(ward, 9, Status.SUBMITTED, year=2026, submits=[at(2026, 10, 2)])
    make_report(ward, 8, Status.RETURNED, year=2026, submits=[at(2026, 9, 2)])
    make_report(ward, 7, Status.APPROVED, year=2026, submits=[at(2026, 8, 2)])
    make_report(ward, 11, Status.DRAFT, year=2026)  # the current month: not listed yet
    make_report(ward, 10, Status.DRAFT, year=2025)  # older than twelve months

    items = completeness.due_items(ward, datetime.date(2026, 11, 8))

    assert [item.month_label for item in items] == [
        "10/2026",
        "08/2026",
        "06/2026",
        "05/2026",
        "04/2026",
        "03/2026",
        "02/2026",
        "01/2026",
        "12/2025",
        "11/2025",
    ]
    first = items[0]
    assert first.due == datetime.date(2026, 11, 5)
    assert (first.overdue_days, first.days_left) == (3, 0)
    assert first.status_label == "Đang nhập"
    assert items[1].status_label == "Bị trả lại"
    assert items[2].status_label == "Chưa nhập"
    assert items[-1].overdue_days == (datetime.date(2026, 11, 8) - datetime.date(2025, 12, 5)).days


@pytest.mark.django_db
def test_due_items_before_the_deadline_count_days_left(world):
    items = completeness.due_items(world.ward_x, datetime.date(2026, 11, 3))
    assert items[0].month_label == "10/2026"
    assert (items[0].overdue_days, items[0].days_left) == (0, 2)
    assert len(items) == 12


@pytest.mark.django_db
def test_due_list_partial_renders_links_deadlines_and_empty_state(world):
    ward = world.ward_x
    for month in range(1, 10):
        make_report(ward, month, Status.APPROVED, year=2026, submits=[at(2026, month + 1, 1)])
    for month in (11, 12):
        make_report(ward, month, Status.SUBMITTED, year=2025, submits=[at(2026, 1, 1)])

    html = render_to_string(
        "reports/partials/due_list.html",
        {"due_items": completeness.due_items(ward, datetime.date(2026, 11, 8))},
    )
    assert "Báo cáo tháng 10/2026" in html
    assert "hạn 05/11/2026" in html
    assert "quá hạn 3 ngày" in html
    assert reverse("reports:entry", args=[ward.code, 2026, 10]) in html
    assert "(Chưa nhập)" in html

    soon = render_to_string(
        "reports/partials/due_list.html",
        {"due_items": completeness.due_items(ward, datetime.date(2026, 11, 3))},
    )
    assert "còn 2 ngày" in soon

    make_report(ward, 10, Status.SUBMITTED, year=2026, submits=[at(2026, 11, 2)])
    empty = render_to_string(
        "reports/partials/due_list.html",
        {"due_items": completeness.due_items(ward, datetime.date(2026, 11, 8))},
    )
    assert "Không có báo cáo nào đến hạn hoặc quá hạn." in empty
