"""Flows, stocks and ratios aggregate by their kind (issue 12, point 4); rates, their changes in
points and campaign progress against the campaign's own target (point 5).

Every expected figure is recomputed here from the raw IndicatorValue and Membership rows with
the rules as the issue states them, never by calling the code under test:
flows sum over months and units; stocks take the latest month with a value within the period,
then sum over units; ratios divide summed numerators by summed denominators (the parts of a
stock ratio are the latest month's).
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from campaigns.models import Campaign
from reports import services
from reports.documents import figures
from reports.documents.models import Block, Document, Section
from reports.documents.outline import frame_defaults
from reports.models import Indicator, IndicatorValue, MonthlyReport
from tests import factories
from tests.readers import xlsx_sheet
from wards.models import Membership

D = datetime.date
Status = MonthlyReport.Status
TODAY = D(2026, 1, 15)

# The kinds of the catalogue's indicators these tests use, as the issue defines them.
FLOWS = ("TT_BUOI",)  # sessions: summed
STOCKS = ("HN_NGHEO", "TH_DVHV", "TH_DOITUONG")  # households, members: the latest value
FLOW_RATIOS = ("VH_TANG_VM",)  # funerals: summed parts
STOCK_RATIOS = ("TH_TYLE",)  # membership rate: the latest parts
CODES = FLOWS + STOCKS + FLOW_RATIOS + STOCK_RATIOS
RATIOS = FLOW_RATIOS + STOCK_RATIOS
# Months of 2025 without a poor-household figure: the last month of the 2nd quarter, of the
# entry page's October, and of the year.
NO_STOCK_MONTHS = {6, 10, 12}
# Each preset's query, and the months it covers.
PRESETS = {
    "quy-1": ({"ky": "quy", "den": "02/2025"}, (1, 3)),
    "quy-2": ({"ky": "quy", "den": "05/2025"}, (4, 6)),
    "quy-4": ({"ky": "quy", "den": "12/2025"}, (10, 12)),
    "6-thang": ({"ky": "6-thang", "den": "03/2025"}, (1, 6)),
    "9-thang": ({"ky": "9-thang", "den": "09/2025"}, (1, 9)),
    "nam": ({"ky": "nam", "den": "12/2025"}, (1, 12)),
}


def preset(name) -> tuple[dict, list[D]]:
    params, (first, last) = PRESETS[name]
    return params, months_of(D(2025, first, 1), D(2025, last, 1))


# --- Reading what the user sees --------------------------------------------------------------


def norm(text: str) -> str:
    """Visible text: tags dropped, entities and non-breaking spaces as plain spaces."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&nbsp;", " ").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def percent_of(numerator, denominator) -> Decimal:
    return Decimal(numerator) * 100 / Decimal(denominator)


def rate_text(numerator, denominator) -> str:
    """One decimal, half up: 10/11 → "90,9 %"."""
    rate = percent_of(numerator, denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rate}".replace(".", ",") + " %"


def points_text(current: Fraction, previous: Fraction) -> str:
    difference = (Decimal(current.numerator) / current.denominator) - (
        Decimal(previous.numerator) / previous.denominator
    )
    points = (abs(difference) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not points:
        return "không đổi"
    direction = "tăng" if difference > 0 else "giảm"
    return f"{direction} {points}".replace(".", ",") + " điểm %"


def table_row(page: str, first_cell: str) -> list[str]:
    """The visible cells of the dashboard table row whose first cell is `first_cell`."""
    found = re.search(rf'<tr><th scope="row">{re.escape(first_cell)}</th>(.*?)</tr>', page, re.S)
    assert found, f"no row {first_cell}"
    return [norm(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def ward_url(ward, **params) -> str:
    return reverse("reports:dashboard_ward", args=[ward.code]) + "?" + urlencode(params)


# --- The raw rows and the rules --------------------------------------------------------------


def raw_series(ward, code, *, approved_only=True) -> dict:
    """{month: (value, denominator)} of the ward's saved figures of one indicator."""
    rows = IndicatorValue.objects.filter(report__ward=ward, indicator__code=code)
    if approved_only:
        rows = rows.filter(report__status=Status.APPROVED)
    return {
        period: (value, denominator)
        for period, value, denominator in rows.values_list("report__period", "value", "denominator")
    }


def expected(code, months, *series) -> tuple:
    """(value, denominator, month of a stock's value when before the period's last month)
    of one indicator over `months`, summed over the units' `series`."""
    value, denominator, oldest, present = 0, 0, None, False
    for by_month in series:
        months_with_value = [m for m in months if m in by_month and by_month[m][0] is not None]
        if not months_with_value:
            continue
        present = True
        if code in STOCKS + STOCK_RATIOS:
            latest = months_with_value[-1]
            value += by_month[latest][0]
            denominator += by_month[latest][1] or 0
            if latest != months[-1]:
                oldest = latest if oldest is None else min(oldest, latest)
        else:
            value += sum(by_month[m][0] for m in months_with_value)
            denominator += sum(by_month[m][1] or 0 for m in months_with_value)
    if not present:
        return None, None, None
    return value, (denominator if code in RATIOS else None), oldest


def months_of(first: D, last: D) -> list[D]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = D(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def latest_memberships(ward, day) -> tuple[int, int]:
    """Summed members and eligible people of each organisation's latest record up to `day`."""
    latest = {}
    for record in Membership.objects.filter(
        ward=ward, as_of__lte=day, organisation__is_active=True
    ).order_by("as_of", "pk"):
        latest[record.organisation_id] = (record.members, record.eligible)
    return sum(m for m, _ in latest.values()), sum(e for _, e in latest.values())


# --- A ward's two years of reports -----------------------------------------------------------


def entries_of(year, month) -> dict:
    entries = {
        "TT_BUOI": services.Entry(month + (3 if year == 2025 else 1)),
        "VH_TANG_VM": services.Entry(month % 3 + 1, 4 + month % 2)
        if year == 2025
        else services.Entry(month % 2 + 1, 5),
    }
    if year != 2025 or month not in NO_STOCK_MONTHS:
        entries["HN_NGHEO"] = services.Entry(70 - month - (year - 2024) * 5)
    return entries


def report_months(world, ward, year, months=range(1, 13), *, entries=entries_of):
    """Monthly reports saved through the service (membership indicators computed from the
    Membership rows as of each month's end), then approved."""
    for month in months:
        report = MonthlyReport.objects.create(ward=ward, period=D(year, month, 1))
        services.report_save(report=report, user=world.users["admin"], entries=entries(year, month))
        report.status = Status.APPROVED
        report.save()


@pytest.fixture
def two_years(world):
    """Ward X: 2024 and 2025 reported; memberships that change through both years."""
    women, farmers = factories.organisation(name="Hội LHPN"), factories.organisation(name="HND")
    for org, as_of, members, eligible in [
        (women, D(2024, 2, 10), 30, 90),
        (women, D(2025, 1, 10), 40, 100),
        (women, D(2025, 4, 20), 55, 100),
        (farmers, D(2025, 8, 5), 30, 90),
        (women, D(2025, 11, 15), 70, 110),
    ]:
        factories.membership(
            ward_obj=world.ward_x, org=org, members=members, eligible=eligible, as_of=as_of
        )
    report_months(world, world.ward_x, 2024)
    report_months(world, world.ward_x, 2025)
    return world


# --- Point 4: the ward dashboard, every preset -----------------------------------------------


def shown(code, value, denominator, oldest) -> str:
    """What a dashboard or document cell shows for a figure, by the rules above."""
    if value is None:
        return "—"
    text = rate_text(value, denominator) if code in RATIOS else grouped(value)
    return f"{text} (số liệu tháng {oldest:%m/%Y})" if oldest else text


@pytest.mark.parametrize("name", list(PRESETS))
def test_ward_dashboard_rolls_up_each_kind_over_every_preset(two_years, login, name):
    world = two_years
    params, months = preset(name)
    client = login(world.users["party_viewer"])
    page = client.get(ward_url(world.ward_x, **params)).content.decode()
    earlier = [D(m.year - 1, m.month, 1) for m in months]
    workbook = xlsx_sheet(
        client.get(ward_url(world.ward_x, format="xlsx", bang="chi-tieu", **params))
    )
    xlsx_rows = {row[0].value: row for row in workbook.iter_rows(min_row=2)}

    wrong = {}
    for code in CODES:
        series = raw_series(world.ward_x, code)
        value, denominator, oldest = expected(code, months, series)
        before = expected(code, earlier, series)
        cells = table_row(page, code)[2:]
        wanted = [shown(code, value, denominator, oldest), shown(code, *before)]
        cell = xlsx_rows[code][3]
        if code in RATIOS:
            cells.append((round(cell.value, 12), cell.number_format))
            wanted.append((round(value / denominator, 12), "0.0%"))
        else:
            cells.append(cell.value)
            wanted.append(value)
        if cells != wanted:
            wrong[code] = (cells, wanted)
    assert wrong == {}


def test_year_membership_rate_in_the_table_equals_the_card(two_years, login):
    world = two_years
    client = login(world.users["party_viewer"])
    page = client.get(ward_url(world.ward_x, **preset("nam")[0])).content.decode()
    members, eligible = latest_memberships(world.ward_x, D(2025, 12, 31))
    card = norm(re.search(r'data-testid="stat-membership">(.*?)</p>', page, re.S).group(1))
    assert table_row(page, "TH_TYLE")[2] == card
    assert card == rate_text(members, eligible)
    assert table_row(page, "TH_DVHV")[2] == grouped(members)
    assert table_row(page, "TH_DOITUONG")[2] == grouped(eligible)


# --- Point 4: year to date on the entry page ---------------------------------------------------


def entry_cells(page: str, code: str) -> list[str]:
    row = re.search(rf'for="id_v_{code}".*?</tr>', page, re.S).group(0)
    cells = re.findall(r'<td class="num[^"]*">(.*?)</td>', row, re.S)
    # A phone shows each figure under its label (hidden on wider screens): the figure alone.
    return [norm(re.sub(r'<span class="entry-hint-label">.*?</span>', "", c)) for c in cells]


def entry_shown(code, value, denominator, oldest) -> str:
    if value is None:
        return "—"
    if code in RATIOS:
        text = f"{grouped(value)}/{grouped(denominator)} ({rate_text(value, denominator)})"
    else:
        text = grouped(value)
    return f"{text} (số liệu tháng {oldest:%m/%Y})" if oldest else text


def test_entry_page_year_to_date_follows_each_kind(two_years, login):
    world = two_years
    october = D(2025, 10, 1)
    page = login(world.users["ward_officer"]).get(
        reverse("reports:entry", args=[world.ward_x.code, 2025, 10])
    )
    assert page.status_code == 200
    months = months_of(D(2025, 1, 1), october)
    shown_and_wanted = {
        code: (
            entry_cells(page.content.decode(), code)[-1],
            entry_shown(
                code, *expected(code, months, raw_series(world.ward_x, code, approved_only=False))
            ),
        )
        for code in CODES
    }
    assert {code: pair for code, pair in shown_and_wanted.items() if pair[0] != pair[1]} == {}


# --- Point 4: province and national views ------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESETS))
def test_province_and_national_views_take_each_wards_latest_stock(world, login, name):
    org = factories.organisation()
    for ward, records in [
        (
            world.ward_x,
            [(D(2025, 1, 5), 10, 50), (D(2025, 5, 5), 20, 50), (D(2025, 11, 1), 45, 60)],
        ),
        (world.ward_y, [(D(2025, 2, 5), 30, 40), (D(2025, 7, 9), 35, 45)]),
        (world.ward_z, [(D(2025, 3, 1), 7, 9), (D(2025, 9, 30), 8, 9)]),
    ]:
        for as_of, members, eligible in records:
            factories.membership(
                ward_obj=ward, org=org, members=members, eligible=eligible, as_of=as_of
            )
        report_months(
            world,
            ward,
            2025,
            entries=lambda year, month, ward=ward: {"TT_BUOI": services.Entry(month + ward.pk)},
        )
    params, months = preset(name)
    end = D(2025, months[-1].month, 28) + datetime.timedelta(days=4)
    end = end.replace(day=1) - datetime.timedelta(days=1)

    def figures_of(wards):
        """(sessions, members, eligible): flows summed, each ward's latest stock summed."""
        members = [latest_memberships(ward, end) for ward in wards]
        sessions = expected("TT_BUOI", months, *(raw_series(w, "TT_BUOI") for w in wards))[0]
        return sessions, sum(m for m, _ in members), sum(e for _, e in members)

    def check(row, wards):
        sessions, members, eligible = figures_of(wards)
        assert row[6].value == sessions
        assert row[7].value == pytest.approx(members / eligible, abs=1e-12)
        assert row[7].number_format == "0.0%"

    officer = login(world.users["province_officer"])
    province_url = reverse("reports:dashboard_province", args=[world.province_a.code])
    rows = list(xlsx_sheet(officer.get(province_url, {**params, "format": "xlsx"})).iter_rows())
    by_code = {row[2].value: row for row in rows[1:-1]}
    check(by_code[world.ward_x.code], [world.ward_x])
    check(by_code[world.ward_y.code], [world.ward_y])
    check(rows[-1], [world.ward_x, world.ward_y])
    page = norm(officer.get(province_url, params).content.decode())
    for wards in ([world.ward_x], [world.ward_y], [world.ward_x, world.ward_y]):
        assert rate_text(*figures_of(wards)[1:]) in page

    admin = login(world.users["admin"])
    national_url = reverse("reports:dashboard_national")
    national = list(xlsx_sheet(admin.get(national_url, {**params, "format": "xlsx"})).iter_rows())
    provinces = {row[2].value: row for row in national[1:-1]}
    check(provinces[world.province_a.code], [world.ward_x, world.ward_y])
    check(provinces[world.province_b.code], [world.ward_z])
    check(national[-1], [world.ward_x, world.ward_y, world.ward_z])
    national_page = norm(admin.get(national_url, params).content.decode())
    assert rate_text(*figures_of([world.ward_z])[1:]) in national_page


# --- Point 4: document figure blocks -----------------------------------------------------------


def document_block(world, kind, options, *, starts_on, ends_on, previous=None):
    values = frame_defaults(world.ward_x, Document.Kind.YEAR, starts_on, ends_on)
    if previous:
        values.update(previous_starts_on=previous[0], previous_ends_on=previous[1])
    document = Document.objects.create(
        ward=world.ward_x,
        kind=Document.Kind.YEAR,
        starts_on=starts_on,
        ends_on=ends_on,
        issued_on=ends_on,
        created_by=world.users["ward_officer"],
        **values,
    )
    section = Section.objects.create(
        document=document, position=1, level=Section.Level.ROMAN, heading="Số liệu"
    )
    return Block.objects.create(section=section, position=1, kind=kind, options=options)


def test_document_indicator_block_follows_each_kind(two_years):
    world = two_years
    block = document_block(
        world,
        Block.Kind.INDICATORS,
        {"codes": list(CODES)},
        starts_on=D(2025, 1, 1),
        ends_on=D(2025, 12, 31),
        previous=(D(2024, 1, 1), D(2024, 12, 31)),
    )
    snapshot = figures.compute(block)
    by_name = {
        row["cells"][0]["t"]: [norm(c["t"]) for c in row["cells"]] for row in snapshot["rows"]
    }
    months, previous = (
        months_of(D(2025, 1, 1), D(2025, 12, 1)),
        months_of(D(2024, 1, 1), D(2024, 12, 1)),
    )
    wrong = {}
    for code in CODES:
        indicator = Indicator.objects.get(code=code)
        series = raw_series(world.ward_x, code)
        value, denominator, oldest = expected(code, months, series)
        before, before_denominator, _ = expected(code, previous, series)
        cells = by_name[indicator.name]
        if code in RATIOS:
            cells = cells[2:6]
            wanted = [
                f"{grouped(value)}/{grouped(denominator)}",
                rate_text(value, denominator),
                rate_text(before, before_denominator),
                points_text(Fraction(value, denominator), Fraction(before, before_denominator)),
            ]
        else:
            cells = [cells[2], cells[4]]
            wanted = [grouped(value), grouped(before)]
        if oldest:
            note = f"{indicator.name}: số liệu tháng {oldest:%m/%Y}"
            cells.append(note in norm(snapshot["note"]))
            wanted.append(True)
        if cells != wanted:
            wrong[code] = (cells, wanted)
    assert wrong == {}


# --- Point 4: the year XLSX ----------------------------------------------------------------------


def test_year_xlsx_whole_year_column_follows_each_kind(two_years, login):
    world = two_years
    response = login(world.users["ward_officer"]).get(
        reverse("reports:ward_year_export", args=[world.ward_x.code, 2025])
    )
    sheet = xlsx_sheet(response)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=6)}
    months = months_of(D(2025, 1, 1), D(2025, 12, 1))
    wrong = {}
    for code in CODES:
        value, denominator, _ = expected(
            code, months, raw_series(world.ward_x, code, approved_only=False)
        )
        whole_year = rows[code][16]
        if code in RATIOS:
            written = (round(float(whole_year.value), 12), whole_year.number_format)
            wanted = (round(value / denominator, 12), "0.0%")
        else:
            written, wanted = whole_year.value, value
        if written != wanted:
            wrong[code] = (written, wanted)
    assert wrong == {}


# --- Point 5: one decimal, points from unrounded rates, campaign targets ----------------------


def test_rates_show_one_decimal_and_xlsx_keeps_the_exact_ratio(world, login):
    factories.membership(ward_obj=world.ward_x, members=10, eligible=11, as_of=D(2025, 2, 1))
    report_months(world, world.ward_x, 2025, months=[2], entries=lambda y, m: {})
    q1 = preset("quy-1")[0]
    members, eligible = latest_memberships(world.ward_x, D(2025, 3, 31))
    assert (members, eligible) == (10, 11)

    viewer = login(world.users["party_viewer"])
    page = viewer.get(ward_url(world.ward_x, **q1)).content.decode()
    card = re.search(r'data-testid="stat-membership">(.*?)</p>', page, re.S).group(1)
    assert norm(card) == "90,9 %" == rate_text(members, eligible)
    # March has no report: the rate is February's, and says so.
    assert table_row(page, "TH_TYLE")[2] == "90,9 % (số liệu tháng 02/2025)"

    officer = login(world.users["ward_officer"])
    entry = officer.get(reverse("reports:entry", args=[world.ward_x.code, 2025, 2]))
    assert entry_cells(entry.content.decode(), "TH_TYLE")[-1] == "10/11 (90,9 %)"

    province = login(world.users["province_officer"])
    url = reverse("reports:dashboard_province", args=[world.province_a.code])
    assert "90,9 %" in norm(province.get(url, q1).content.decode())
    sheet = xlsx_sheet(province.get(url, {**q1, "format": "xlsx"}))
    rate = next(row for row in sheet.iter_rows(min_row=2) if row[2].value == world.ward_x.code)[7]
    assert rate.value == pytest.approx(10 / 11, abs=1e-12)
    assert rate.number_format == "0.0%"


def test_rate_changes_are_points_from_unrounded_rates(world):
    org = factories.organisation(name="Đoàn Thanh niên")
    # 1/3 = 33,333… % then 2/3 = 66,666… %: rounded first, 66,67 − 33,33 = 33,34.
    for as_of, members in ((D(2023, 12, 1), 1), (D(2024, 6, 1), 2)):
        factories.membership(
            ward_obj=world.ward_x, org=org, members=members, eligible=3, as_of=as_of
        )
    block = document_block(
        world, Block.Kind.MEMBERSHIPS, {}, starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31)
    )
    rows = {
        r["cells"][0]["t"]: [norm(c["t"]) for c in r["cells"]]
        for r in figures.compute(block)["rows"]
    }
    change = points_text(Fraction(2, 3), Fraction(1, 3))
    assert change == "tăng 33,33 điểm %"
    assert rows["Đoàn Thanh niên"][1:] == ["1/3", "33,3 %", "2/3", "66,7 %", change]

    # The same for a ratio indicator against the previous period.
    report_months(
        world,
        world.ward_x,
        2023,
        months=[5],
        entries=lambda y, m: {"VH_TANG_VM": services.Entry(2, 3)},
    )
    report_months(
        world,
        world.ward_x,
        2024,
        months=[5],
        entries=lambda y, m: {"VH_TANG_VM": services.Entry(1, 3)},
    )
    block = document_block(
        world,
        Block.Kind.INDICATORS,
        {"codes": ["VH_TANG_VM"]},
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 12, 31),
        previous=(D(2023, 1, 1), D(2023, 12, 31)),
    )
    cells = [norm(c["t"]) for c in figures.compute(block)["rows"][0]["cells"]]
    assert cells[3:] == ["33,3 %", "66,7 %", points_text(Fraction(1, 3), Fraction(2, 3))]
    assert cells[-1] == "giảm 33,33 điểm %"


def test_fund_progress_compares_campaigns_with_their_own_targets(world, login):
    def campaign(name, target=None, **where):
        return factories.fund(
            ward_obj=None if where else world.ward_x,
            name=name,
            starts_on=D(2025, 1, 1),
            target_amount=target,
            **where,
        )

    with_target = campaign("Quỹ Vì người nghèo 2025", target=1_000_000)
    without_target = campaign("Ủng hộ Tết 2025")
    province_wide = campaign("Quỹ của tỉnh", target=50_000_000, province=world.province_a)
    for target, amount in (
        (with_target, 400_000),
        (without_target, 5_000_000),
        (province_wide, 700_000),
    ):
        factories.donation(
            fund_obj=target,
            ward_obj=world.ward_x,
            user=world.users["admin"],
            received_on=D(2025, 2, 10),
            amount=amount,
        )
    q1 = preset("quy-1")[0]
    client = login(world.users["party_viewer"])
    page = client.get(ward_url(world.ward_x, **q1)).content.decode()
    # Only the campaign of the fund that has a target, against that target: 400.000 of 1.000.000.
    # Cells after the name: fund, raised, paid, to date, target, reached, goods, grand total.
    fund_row = table_row(page, "Cộng Quỹ Vì người nghèo")
    assert fund_row[4:6] == [f"{grouped(1_000_000)} đ", rate_text(400_000, 1_000_000)]
    assert table_row(page, "Quỹ Vì người nghèo 2025")[5] == rate_text(400_000, 1_000_000)
    sheet = xlsx_sheet(client.get(ward_url(world.ward_x, format="xlsx", bang="quy", **q1)))
    fund = next(
        row for row in sheet.iter_rows(min_row=2) if row[0].value == "Cộng Quỹ Vì người nghèo"
    )
    assert fund[6].value == pytest.approx(400_000 / 1_000_000)
    assert fund[6].number_format == "0.0%"


def test_house_progress_compares_housing_campaigns_with_their_own_targets(world, login):
    from campaigns.models import House

    programme = factories.fund(
        ward_obj=world.ward_x,
        name="Nhà Đại đoàn kết 2025",
        kind=Campaign.Kind.HOUSING,
        starts_on=D(2025, 1, 1),
        target_count=4,
    )
    for campaign in (programme, None, None):  # two houses outside the programme
        factories.house(
            ward_obj=world.ward_x,
            campaign=campaign,
            started_on=D(2025, 1, 5),
            handed_over_on=D(2025, 2, 20),
        )
    in_programme = House.objects.filter(campaign=programme, handed_over_on__isnull=False).count()
    page = login(world.users["party_viewer"]).get(ward_url(world.ward_x, **preset("quy-1")[0]))
    card = norm(page.content.decode())
    # 1 of the programme's 4 houses, not the ward's 3 houses handed over against that target.
    assert f"chỉ tiêu 4 căn, đã bàn giao {in_programme} ({rate_text(in_programme, 4)})" in card
