"""Every figure the portal shows equals a recomputation from the raw rows (issue 12, point 10).

Hypothesis draws datasets (tests/figure_data.py): four wards of two provinces over 2024 and
2025, with memberships, cash and in-kind gifts (valued or not), reversals, cash paid out and
goods handed out, houses, and monthly reports in every state. They are written through the
services, as users write them; then every figure of these pages is read back as a user gets
it and compared with what the rules below give from the rows the test wrote:

- the ward dashboard for every period preset and a custom range: cards, campaign progress, and
  each table as HTML, XLSX and CSV; the province and national dashboards and their XLSX;
- the figure blocks of documents (funds, houses, memberships, indicators) in the print view;
- the public disclosure pages (ward and fund, overall and searched) and the public CSV; the
  campaign list and detail pages;
- the year workbook of monthly reports, the province's month workbook and the fund ledger.

The rules, as issue 12 states them: flows sum over months; stocks take the period's latest
month with a value, then add up over units; ratios divide summed numerators by summed
denominators (the membership rate, a ratio of stocks, takes each unit's latest month); only
approved reports count unless the page says drafts are included; cash is counted (not
reversed) cash donations, goods' money equivalents are apart and added to cash only in the
total labelled so; a balance is cash in minus cash out; rates show one decimal, half up, with a
no-break space ("90,9 %"); a rate's change is in points from the unrounded rates.

The test prints how many datasets and figures it compared (also kept as junit properties).
FIGURE_EQUIVALENCE_EXAMPLES=n changes the number of datasets; FIGURE_EQUIVALENCE_PROFILE=thorough
draws 40 (or n) at random and shrinks a failure, for hunting locally (minutes per dataset
when shrinking).

The derandomised datasets are checked in PARTS tests, so that pytest-xdist's workers share
them: every part draws the same sequence (drawing is cheap) and checks every PARTS-th dataset.
"""

import datetime
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reports.documents import services as document_services
from reports.documents.models import Block, Document
from reports.models import Indicator, IndicatorValue, ValidationRule
from tests import figure_data as data
from tests.figure_pages import (
    NO_VALUE,
    Count,
    Expected,
    Figure,
    Money,
    Rate,
    Text,
    Unreadable,
    change_text,
    count_of,
    grouped,
    html_table,
    money_of,
    page,
    percent,
    points_text,
    read_csv,
)
from tests.readers import xlsx_sheet

D = datetime.date
Status = data.Status

# Each example writes a dataset inside its own savepoint of the test's database fixture and
# rolls it back, so the examples may share that fixture. A dataset takes seconds to write and
# read: few examples, derandomised so that CI draws the same ones every run and a failure
# reproduces; no shrinking (minutes per step), the failing dataset is printed as it is.
settings.register_profile(
    "figure-equivalence",
    max_examples=int(os.environ.get("FIGURE_EQUIVALENCE_EXAMPLES", "4")),
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,  # two years of four wards, by design
    ],
)
settings.register_profile(
    "figure-equivalence-thorough",
    parent=settings.get_profile("figure-equivalence"),
    max_examples=int(os.environ.get("FIGURE_EQUIVALENCE_EXAMPLES", "40")),
    derandomize=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
PROFILE = {"thorough": "figure-equivalence-thorough"}.get(
    os.environ.get("FIGURE_EQUIVALENCE_PROFILE", ""), "figure-equivalence"
)
# Random draws (the thorough profile) differ between processes: those stay in one test.
EXAMPLES = settings.get_profile(PROFILE).max_examples
PARTS = min(4, EXAMPLES) if settings.get_profile(PROFILE).derandomize else 1

GRAND_TOTAL = "Tổng cộng (tiền mặt và hiện vật quy đổi)"
FUNDS = {  # Campaign.Fund, in the order pages list them
    "vnn": "Quỹ Vì người nghèo",
    "thien_tai": "Cứu trợ thiên tai, dịch bệnh",
    "khac": "Quỹ khác",
}
STATUS_LABELS = {
    Status.DRAFT: "Đang nhập",
    Status.SUBMITTED: "Đã gửi, chờ duyệt",
    Status.RETURNED: "Bị trả lại",
    Status.APPROVED: "Đã duyệt",
}
# The dashboard's key-figure rows and its monthly trend columns.
KEY_CODES = ("TT_BUOI", "TT_LUOT", "GS_KIENNGHI", "GS_GIAIQUYET")
TREND_INDICATORS = {
    "Buổi tuyên truyền": "TT_BUOI",
    "Lượt người dự tuyên truyền": "TT_LUOT",
    "Kiến nghị, vụ việc tiếp nhận": "GS_KIENNGHI",
    "Kiến nghị, vụ việc đã giải quyết": "GS_GIAIQUYET",
}


# --- Months and periods --------------------------------------------------------------------


def add_months(month: D, count: int) -> D:
    index = month.year * 12 + month.month - 1 + count
    return D(index // 12, index % 12 + 1, 1)


def months_between(first: D, last: D) -> list[D]:
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def end_of(month: D) -> D:
    return add_months(month, 1) - datetime.timedelta(days=1)


def month_text(month: D) -> str:
    return f"{month:%m/%Y}"


@dataclass(frozen=True)
class Period:
    first: D  # first day of the first month
    last: D  # first day of the last month

    @property
    def months(self) -> list[D]:
        return months_between(self.first, self.last)

    @property
    def end(self) -> D:
        return end_of(self.last)

    @property
    def year_earlier(self) -> "Period":
        return Period(add_months(self.first, -12), add_months(self.last, -12))


def period_of(params: dict) -> Period:
    """The months a dashboard query asks for: the month `den`; its quarter; the first 6 or 9
    months or the whole of its year; or `tu`..`den`."""
    month = D(int(params["den"][3:]), int(params["den"][:2]), 1)
    preset = params["ky"]
    if preset == "thang":
        return Period(month, month)
    if preset == "quy":
        first = D(month.year, (month.month - 1) // 3 * 3 + 1, 1)
        return Period(first, add_months(first, 2))
    if preset in ("6-thang", "9-thang", "nam"):
        months = {"6-thang": 6, "9-thang": 9, "nam": 12}[preset]
        return Period(D(month.year, 1, 1), D(month.year, months, 1))
    first = D(int(params["tu"][3:]), int(params["tu"][:2]), 1)
    return Period(first, month)


# --- The rules, over the rows the test wrote ---------------------------------------------------


@dataclass(frozen=True)
class Gift:
    ward: int
    campaign: int
    day: D
    form: str
    amount: int | None
    reversed: bool
    receipt: str


@dataclass(frozen=True)
class Paid:
    ward: int
    campaign: int
    day: D
    form: str
    amount: int | None
    decision: str


@dataclass(frozen=True)
class Rolled:
    value: int | None = None
    denominator: int | None = None
    as_of: D | None = None  # a stock's month when before the period's last month


def roll(code: str, months: list[D], *series: dict) -> Rolled:
    """One indicator over `months`, added up over the units' series {month: (value, den)}."""
    kind = data.kind_of(code)
    value = denominator = 0
    oldest, present = None, False
    for by_month in series:
        have = [m for m in months if m in by_month]
        if not have:
            continue
        present = True
        if kind in (data.STOCK, data.STOCK_RATIO):
            latest = have[-1]
            value += by_month[latest][0]
            denominator += by_month[latest][1] or 0
            if latest != months[-1]:
                oldest = latest if oldest is None else min(oldest, latest)
        else:
            value += sum(by_month[m][0] for m in have)
            denominator += sum(by_month[m][1] or 0 for m in have)
    if not present:
        return Rolled()
    is_ratio = kind in (data.FLOW_RATIO, data.STOCK_RATIO)
    return Rolled(value, denominator if is_ratio else None, oldest)


def figure(code: str, rolled: Rolled) -> Figure:
    """What a dashboard cell shows for a rolled-up indicator."""
    if data.kind_of(code) in (data.FLOW_RATIO, data.STOCK_RATIO):
        return Figure("rate", percent(rolled.value, rolled.denominator), rolled.as_of)
    kind = "money" if code in data.MONEY_CODES else "count"
    return Figure(kind, rolled.value, rolled.as_of)


class Rules:
    """The figures issue 12's rules give, from one written dataset."""

    def __init__(self, written: data.Written, today: D):
        self.written, self.dataset, self.today = written, written.dataset, today
        self.due_day = django_settings.MONTHLY_REPORT_DUE_DAY
        self.wards = written.wards
        self.ward_count = len(self.wards)
        self.campaigns = self.dataset.campaigns
        self.gifts = [
            Gift(
                s.ward,
                s.campaign,
                s.received_on,
                s.form,
                s.amount,
                s.reversed,
                f"{d.receipt_number:05d}/{d.receipt_year}",
            )
            for s, d in written.donations
        ]
        self.paid = [
            Paid(s.ward, s.campaign, s.paid_on, s.form, s.amount, p.decision_reference)
            for s, p in written.payments
        ]
        self.houses = self.dataset.houses
        self.reports = {(r.ward, r.period): r for r in self.dataset.reports}
        self.catalogue = {i.code: i for i in Indicator.objects.select_related("group")}
        # The monthly figures as saved: typed by the test, or filled in by the portal from
        # memberships, funds and houses (checked against those rows in computed_mismatches).
        self.saved = defaultdict(dict)  # (ward, code) → {month: (value, den)}
        index = {ward.pk: i for i, ward in enumerate(self.wards)}
        for ward_id, code, month, value, denominator in IndicatorValue.objects.filter(
            report__ward__in=self.wards, value__isnull=False
        ).values_list(
            "report__ward_id", "indicator__code", "report__period", "value", "denominator"
        ):
            self.saved[(index[ward_id], code)][month] = (value, denominator)

    # Indicators

    def series(self, ward: int, code: str, *, drafts=False) -> dict:
        return {
            month: pair
            for month, pair in self.saved[(ward, code)].items()
            if drafts or self.reports[(ward, month)].status == Status.APPROVED
        }

    def codes_listed(self, ward: int, period: Period, *, drafts=False) -> set:
        """The indicators a dashboard lists: those with a figure from the start of the period
        a year earlier to the end of the period (a row of dashes when neither has one)."""
        first, last = period.year_earlier.first, period.last
        return {
            code
            for (w, code) in self.saved
            if w == ward and any(first <= m <= last for m in self.series(ward, code, drafts=drafts))
        }

    # Money

    def counted(self, *, form, ward=None, campaign=None, fund=None, first=None, last=None):
        return [
            g
            for g in self.gifts
            if not g.reversed
            and g.form == form
            and (ward is None or g.ward == ward)
            and (campaign is None or g.campaign == campaign)
            and (fund is None or self.campaigns[g.campaign].fund == fund)
            and (first is None or g.day >= first)
            and (last is None or g.day <= last)
        ]

    def cash_in(self, **where) -> int:
        return sum(g.amount for g in self.counted(form="cash", **where))

    def goods_in(self, **where) -> int:
        """Money equivalents of counted goods (goods not valued add nothing)."""
        return sum(g.amount or 0 for g in self.counted(form="in_kind", **where))

    def payments(self, *, form, ward=None, campaign=None, fund=None, first=None, last=None):
        return [
            p
            for p in self.paid
            if p.form == form
            and (ward is None or p.ward == ward)
            and (campaign is None or p.campaign == campaign)
            and (fund is None or self.campaigns[p.campaign].fund == fund)
            and (first is None or p.day >= first)
            and (last is None or p.day <= last)
        ]

    def cash_out(self, **where) -> int:
        return sum(p.amount for p in self.payments(form="cash", **where))

    def goods_out(self, **where) -> int:
        return sum(p.amount or 0 for p in self.payments(form="in_kind", **where))

    def campaigns_of(self, ward: int) -> list[int]:
        province = self.dataset.province_of(ward)
        return [i for i, c in enumerate(self.campaigns) if c.ward == ward or c.province == province]

    # Houses

    def houses_where(self, *, ward=None, campaign=None, kind=None, started=None, handed=None):
        """Houses of a ward (or campaign) whose start or handover falls within (first, last)."""

        def within(day, span):
            return span is None or (day is not None and span[0] <= day <= span[1])

        return [
            h
            for h in self.houses
            if (ward is None or h.ward == ward)
            and (campaign is None or h.campaign == campaign)
            and (kind is None or h.kind == kind)
            and within(h.started_on, started)
            and within(h.handed_over_on, handed)
        ]

    # Memberships

    def memberships_on(self, ward: int, day: D, *, active_only=True) -> dict:
        """{organisation: record}: each organisation's latest record up to the day."""
        latest = {}
        for record in sorted(self.dataset.memberships, key=lambda r: r.as_of):
            in_use = self.dataset.organisations[record.organisation].is_active
            if record.ward == ward and record.as_of <= day and (in_use or not active_only):
                latest[record.organisation] = record
        return latest

    def members_on(self, ward: int, day: D, *, active_only=True) -> tuple[int, int] | None:
        records = self.memberships_on(ward, day, active_only=active_only).values()
        if not records:
            return None
        return sum(r.members for r in records), sum(r.eligible for r in records)

    # Reports

    def due(self, month: D) -> D:
        return D(add_months(month, 1).year, add_months(month, 1).month, self.due_day)

    def first_sent(self, ward: int, month: D):
        spec = self.reports.get((ward, month))
        if spec is None or spec.sent_days_after_due is None:
            return None
        return data.sent_at(month, spec.sent_days_after_due, self.due_day)

    def on_time(self, ward: int, month: D) -> bool:
        sent = self.first_sent(ward, month)
        if sent is None or self.due(month) >= self.today:
            return False
        cutoff = timezone.make_aware(
            datetime.datetime.combine(self.due(month) + datetime.timedelta(days=1), datetime.time())
        )
        return sent < cutoff

    def months_due(self, period: Period) -> int:
        return sum(1 for m in period.months if self.due(m) < self.today)

    def report_counts(self, ward: int, period: Period) -> dict:
        statuses = [
            self.reports[(ward, m)].status for m in period.months if (ward, m) in self.reports
        ]
        return {
            "submitted": sum(s in (Status.SUBMITTED, Status.APPROVED) for s in statuses),
            "approved": sum(s == Status.APPROVED for s in statuses),
            "on_time": sum(self.on_time(ward, m) for m in period.months),
        }

    # The figures the portal fills into monthly reports itself

    def computed(self, ward: int, month: D) -> dict:
        """{code: (value, den)} the report of the month must hold for its computed indicators."""
        last = end_of(month)
        span = {"ward": ward, "first": month, "last": last}
        figures = {
            "VNN_THU": self.cash_in(fund="vnn", **span),
            "VNN_HIENVAT": self.goods_in(fund="vnn", **span),
            "VNN_CHI": self.cash_out(fund="vnn", **span),
            "ASXH_THIENTAI": self.cash_in(fund="thien_tai", **span),
            "NDDK_KHOICONG": len(self.houses_where(ward=ward, started=(month, last))),
            "NDDK_XAYMOI": len(self.houses_where(ward=ward, kind="new", handed=(month, last))),
            "NDDK_SUACHUA": len(self.houses_where(ward=ward, kind="repair", handed=(month, last))),
            "NDDK_TIEN": sum(
                h.from_fund for h in self.houses_where(ward=ward, handed=(month, last))
            ),
        }
        figures = {code: (value, None) for code, value in figures.items()}
        members = self.members_on(ward, last)
        if members:
            figures["TH_DVHV"] = (members[0], None)
            figures["TH_DOITUONG"] = (members[1], None)
            figures["TH_TYLE"] = members
        return figures


# --- Comparing ---------------------------------------------------------------------------------


@dataclass
class Tally:
    part: int = 0
    drawn: dict = field(default_factory=dict)  # the draws in order, each with its number
    datasets: int = 0
    figures: int = 0
    pages: int = 0
    by_area: Counter = field(default_factory=Counter)


class Comparison:
    """Collects every comparison of one dataset; the mismatches are reported together."""

    def __init__(self, tally: Tally):
        self.tally = tally
        self.mismatches: list[str] = []

    def same(self, area: str, where: str, shown, expected) -> None:
        self.tally.figures += 1
        self.tally.by_area[area] += 1
        if shown != expected:
            self.mismatches.append(f"{area} · {where}: shown {shown!r}, expected {expected!r}")

    def cell(self, area: str, where: str, how: str, shown, expected: Expected) -> None:
        self.tally.figures += 1
        self.tally.by_area[area] += 1
        try:
            matches = getattr(expected, how)(shown)
        except Unreadable as error:
            matches, shown = False, f"{shown!r} ({error})"
        if not matches:
            value = getattr(shown, "value", shown)
            self.mismatches.append(f"{area} · {where}: shown {value!r}, expected {expected!r}")

    def rows(self, area: str, where: str, table, expected: dict, how: str, key) -> None:
        """Rows (dicts header → cell) of a table against {row key: {header: Expected}}."""
        found = {}
        for row in table:
            found.setdefault(key(row), row)
        self.same(area, f"{where} rows", sorted(found), sorted(expected))
        for name, cells in expected.items():
            row = found.get(name)
            if row is None:
                continue
            for header, wanted in cells.items():
                if header not in row:
                    self.mismatches.append(f"{area} · {where}: no column {header!r}")
                    continue
                self.cell(area, f"{where} / {name} / {header}", how, row[header], wanted)

    def done(self) -> None:
        assert not self.mismatches, "\n".join(
            [f"{len(self.mismatches)} figures differ from the rules:", *self.mismatches[:60]]
        )


def xlsx_rows(sheet, header_row=1) -> list[dict]:
    rows = list(sheet.iter_rows(min_row=header_row))
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=False)) for row in rows[1:]]


def csv_rows(lines: list[list[str]]) -> list[dict]:
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def get(client: Client, tally: Tally, url: str, params: dict | None = None):
    tally.pages += 1
    return client.get(url + ("?" + urlencode(params) if params else ""))


# --- The ward dashboard ------------------------------------------------------------------------


@dataclass
class WardExpected:
    tables: dict  # table key → (key column, {row key: {header: Expected}})
    cards: dict  # data-testid → Expected
    progress: dict  # campaign index → {data-testid: Expected}
    due_months: list  # month labels the "still to send" list names
    latest_approved: str | None


def ward_expected(rules: Rules, ward: int, period: Period, *, drafts: bool) -> WardExpected:
    earlier = period.year_earlier
    codes = rules.codes_listed(ward, period, drafts=drafts)
    rolled = {
        code: (
            roll(code, period.months, rules.series(ward, code, drafts=drafts)),
            roll(code, earlier.months, rules.series(ward, code, drafts=drafts)),
        )
        for code in codes
    }
    indicators = {
        code: {
            "Mã": Text(code),
            "Chỉ tiêu": Text(rules.catalogue[code].name),
            "Đơn vị": Text(rules.catalogue[code].unit),
            "Kỳ này": figure(code, now),
            "Cùng kỳ năm trước": figure(code, before),
        }
        for code, (now, before) in rolled.items()
    }

    span = {"ward": ward, "first": period.first, "last": period.end}
    raised, goods, paid = rules.cash_in(**span), rules.goods_in(**span), rules.cash_out(**span)
    started = len(rules.houses_where(ward=ward, started=(period.first, period.end)))
    handed = len(rules.houses_where(ward=ward, handed=(period.first, period.end)))
    members = rules.members_on(ward, period.end) or (0, 0)
    membership_rate = percent(*members)
    counts = rules.report_counts(ward, period)
    due = rules.months_due(period)

    def value(code):
        return rolled[code][0].value if code in rolled else None

    key_figures = {
        rules.catalogue[code].name: {
            "Kỳ này": Count(rolled[code][0].value),
            "Cùng kỳ năm trước": Count(rolled[code][1].value),
        }
        for code in KEY_CODES
        if code in rolled
    }
    blank = {"Cùng kỳ năm trước": Text("")}
    key_figures.update(
        {
            "Nhà khởi công": {"Kỳ này": Count(started), **blank},
            "Nhà bàn giao": {"Kỳ này": Count(handed), **blank},
            "Tỷ lệ tập hợp đoàn viên, hội viên (cuối kỳ)": {
                "Kỳ này": Rate(membership_rate),
                **blank,
            },
            "Báo cáo tháng đã gửi": {"Kỳ này": Count(counts["submitted"]), **blank},
            "Báo cáo tháng đã duyệt": {"Kỳ này": Count(counts["approved"]), **blank},
            "Tỷ lệ báo cáo gửi đúng hạn": {
                "Kỳ này": Rate(percent(counts["on_time"], due)),
                **blank,
            },
        }
    )

    trend = {}
    for month in period.months:
        before = add_months(month, -12)
        now_span = {"ward": ward, "first": month, "last": end_of(month)}
        then_span = {"ward": ward, "first": before, "last": end_of(before)}
        cells = {"Cùng tháng năm trước": Text(month_text(before))}
        for label, amount in (
            ("Tiền mặt vận động (đồng)", rules.cash_in),
            ("Tiền mặt đã chi (đồng)", rules.cash_out),
            ("Hiện vật quy đổi (đồng)", rules.goods_in),
        ):
            cells[label] = Money(amount(**now_span))
            cells[f"{label} – năm trước"] = Money(amount(**then_span))
        for label, code in TREND_INDICATORS.items():
            series = rules.series(ward, code, drafts=drafts) if code in codes else {}
            cells[label] = Count(series.get(month, (None,))[0])
            cells[f"{label} – năm trước"] = Count(series.get(before, (None,))[0])
        trend[month_text(month)] = cells

    funds, progress, fund_totals = {}, {}, {}
    running = [
        i
        for i in rules.campaigns_of(ward)
        if rules.campaigns[i].starts_on <= period.end
        and (rules.campaigns[i].ends_on is None or rules.campaigns[i].ends_on >= period.first)
    ]
    for i in running:
        campaign = rules.campaigns[i]
        here = {"campaign": i, **span}
        to_date = rules.cash_in(campaign=i, last=period.end)
        raised_here, goods_here = rules.cash_in(**here), rules.goods_in(**here)
        funds[campaign.name] = {
            "Nguồn quỹ": Text(FUNDS[campaign.fund]),
            "Tiền mặt vận động trong kỳ (tại phường, xã)": Money(raised_here),
            "Tiền mặt đã chi trong kỳ": Money(rules.cash_out(**here)),
            "Lũy kế tiền mặt toàn cuộc vận động": Money(to_date),
            "Chỉ tiêu (đồng)": Money(campaign.target_amount),
            "Đạt chỉ tiêu (tiền mặt)": Rate(percent(to_date, campaign.target_amount)),
            "Hiện vật quy đổi trong kỳ (tại phường, xã)": Money(goods_here),
            GRAND_TOTAL: Money(raised_here + goods_here),
        }
        total = fund_totals.setdefault(campaign.fund, [0, 0, 0, 0, 0])
        total[0] += raised_here
        total[1] += rules.cash_out(**here)
        total[2] += goods_here
        if campaign.ward is not None and campaign.target_amount:
            # The ward's own campaigns that have a target, against those targets.
            total[3] += campaign.target_amount
            total[4] += to_date
        houses = rules.houses_where(campaign=i)
        progress[i] = {
            "progress-raised": Money(to_date),
            "progress-target": Money(campaign.target_amount),
            "progress-percent": Rate(percent(to_date, campaign.target_amount)),
        }
        if campaign.target_count:
            progress[i].update(
                {
                    "progress-handed-over": Count(
                        sum(
                            1 for h in houses if h.handed_over_on and h.handed_over_on <= period.end
                        )
                    ),
                    "progress-house-target": Count(campaign.target_count),
                    "progress-started": Count(
                        sum(1 for h in houses if h.started_on and h.started_on <= period.end)
                    ),
                }
            )
    for fund, (raised_here, paid_here, goods_here, target, reached) in fund_totals.items():
        funds[f"Cộng {FUNDS[fund]}"] = {
            "Nguồn quỹ": Text(FUNDS[fund]),
            "Tiền mặt vận động trong kỳ (tại phường, xã)": Money(raised_here),
            "Tiền mặt đã chi trong kỳ": Money(paid_here),
            "Lũy kế tiền mặt toàn cuộc vận động": Text(""),
            "Chỉ tiêu (đồng)": Money(target or None),
            "Đạt chỉ tiêu (tiền mặt)": Rate(percent(reached, target)),
            "Hiện vật quy đổi trong kỳ (tại phường, xã)": Money(goods_here),
            GRAND_TOTAL: Money(raised_here + goods_here),
        }

    memberships = {}
    for organisation, record in rules.memberships_on(ward, period.end).items():
        spec = rules.dataset.organisations[organisation]
        memberships[spec.short_name] = {
            "Tính đến ngày": Text(f"{record.as_of:%d/%m/%Y}"),
            "Đoàn viên, hội viên": Count(record.members),
            "Trong diện tập hợp": Count(record.eligible),
            "Tỷ lệ": Rate(percent(record.members, record.eligible)),
        }
    if memberships:
        memberships["Chung"] = {
            "Tính đến ngày": Text(""),
            "Đoàn viên, hội viên": Count(members[0]),
            "Trong diện tập hợp": Count(members[1]),
            "Tỷ lệ": Rate(membership_rate),
        }

    # Housing campaigns of the ward with a target: houses of theirs handed over to date.
    targeted = [
        i
        for i in running
        if rules.campaigns[i].kind == "housing"
        and rules.campaigns[i].ward == ward
        and rules.campaigns[i].target_count
    ]
    cards = {
        "stat-raised": Money(raised),
        "stat-in-kind": Money(goods),
        "stat-grand-total": Money(raised + goods),
        "stat-disbursed": Money(paid),
        "stat-handed-over": Count(handed),
        "stat-started": Count(started),
        "stat-sessions": Count(value("TT_BUOI")),
        "stat-attendance": Count(value("TT_LUOT")),
        "stat-cases-resolved": Count(value("GS_GIAIQUYET")),
        "stat-cases-received": Count(value("GS_KIENNGHI")),
        "stat-membership": Rate(membership_rate),
        "stat-members": Count(members[0]),
        "stat-eligible": Count(members[1]),
        "stat-approved": Count(counts["approved"]),
        "stat-submitted": Count(counts["submitted"]),
        "stat-on-time": Count(counts["on_time"]),
        "stat-due": Count(due),
    }
    if targeted:
        target = sum(rules.campaigns[i].target_count for i in targeted)
        reached = sum(
            1
            for i in targeted
            for h in rules.houses_where(campaign=i)
            if h.handed_over_on and h.handed_over_on <= period.end
        )
        cards.update(
            {
                "stat-house-target": Count(target),
                "stat-house-target-handed-over": Count(reached),
                "stat-house-target-percent": Rate(percent(reached, target)),
            }
        )

    # Still to send: the last twelve months without a report or with one being entered, and
    # every returned report.
    current = rules.today.replace(day=1)
    owed = set(months_between(add_months(current, -12), add_months(current, -1)))
    owed |= {m for (w, m), r in rules.reports.items() if w == ward and r.status == Status.RETURNED}
    due_months = [
        month_text(m)
        for m in sorted(owed, reverse=True)
        if (ward, m) not in rules.reports
        or rules.reports[(ward, m)].status in (Status.DRAFT, Status.RETURNED)
    ]
    approved = [m for (w, m), r in rules.reports.items() if w == ward and r.status == "approved"]
    return WardExpected(
        tables={
            "so-lieu": ("Nội dung", key_figures),
            "xu-huong": ("Tháng", trend),
            "quy": ("Cuộc vận động", funds),
            "tap-hop": ("Tổ chức", memberships),
            "chi-tieu": ("Mã", indicators),
        },
        cards=cards,
        progress=progress,
        due_months=due_months,
        latest_approved=f"Báo cáo tháng {max(approved):%m/%Y}" if approved else None,
    )


def check_ward_page(
    check: Comparison, rules: Rules, tree, ward: int, expected: WardExpected, where
):
    area = "ward dashboard"
    for testid, wanted in expected.cards.items():
        shown = tree.testid(testid).text.removeprefix("(").removesuffix(")")
        check.cell(area, f"{where} card {testid}", "html", shown, wanted)
    for i, cells in expected.progress.items():
        item = tree.testid(f"progress-{rules.written.campaigns[i].pk}")
        for testid, wanted in cells.items():
            found = item.find(data_testid=testid)
            if found is None and wanted.value is None:
                check.same(area, f"{where} progress {i} {testid}", "absent", "absent")
                continue
            shown = found.text.removeprefix("(").removesuffix(")") if found else ""
            check.cell(area, f"{where} progress {i} {testid}", "html", shown, wanted)
    listed = tree.find(data_testid="due-items")
    months = [a.text.removeprefix("Tháng ") for a in listed.find_all("a")] if listed else []
    check.same(area, f"{where} still to send", months, expected.due_months)
    latest = tree.find(data_testid="latest-report")
    check.same(
        area, f"{where} latest approved", latest.text if latest else None, expected.latest_approved
    )
    for key, (key_column, rows) in expected.tables.items():
        table = tree.find(data_testid=f"table-{key}")
        if not rows:
            check.same(area, f"{where} {key} table", table is None, True)
            continue
        if table is None:
            check.mismatches.append(f"{area} · {where}: no table {key}")
            continue
        found = html_table(table).dicts()
        check.rows(area, f"{where} {key}", found, rows, "html", lambda r, k=key_column: r[k])


def check_ward_download(check, response, file_format, key, expected: WardExpected, where):
    area = f"ward dashboard {file_format}"
    key_column, rows = expected.tables[key]
    if file_format == "xlsx":
        found = xlsx_rows(xlsx_sheet(response))
        check.rows(area, f"{where} {key}", found, rows, "xlsx", lambda r: r[key_column].value or "")
    else:
        found = csv_rows(read_csv(response))
        check.rows(area, f"{where} {key}", found, rows, "csv", lambda r: r[key_column])


# --- Province and national dashboards -------------------------------------------------------


def unit_figures(rules: Rules, wards: list[int], period: Period, *, drafts: bool) -> dict:
    """The key figures of some wards added up: money, houses and sessions (flows) summed,
    memberships each ward's latest, reports on time over months due."""
    span = {"first": period.first, "last": period.end}
    raised = sum(rules.cash_in(ward=w, **span) for w in wards)
    goods = sum(rules.goods_in(ward=w, **span) for w in wards)
    members = [rules.members_on(w, period.end) or (0, 0) for w in wards]
    sessions = [
        roll("TT_BUOI", period.months, rules.series(w, "TT_BUOI", drafts=drafts)) for w in wards
    ]
    on_time = sum(rules.report_counts(w, period)["on_time"] for w in wards)
    due = rules.months_due(period) * len(wards)
    return {
        "Tiền mặt vận động": Money(raised),
        "Tiền mặt đã chi": Money(sum(rules.cash_out(ward=w, **span) for w in wards)),
        "Nhà bàn giao": Count(
            sum(len(rules.houses_where(ward=w, handed=(period.first, period.end))) for w in wards)
        ),
        "Buổi tuyên truyền": Count(sum(s.value or 0 for s in sessions)),
        "Tỷ lệ tập hợp": Rate(percent(sum(m for m, _ in members), sum(e for _, e in members))),
        "Báo cáo đúng hạn": Rate(percent(on_time, due)),
        "Hiện vật quy đổi": Money(goods),
        GRAND_TOTAL: Money(raised + goods),
        "_members": members,
        "_on_time": (on_time, due),
    }


def unit_table(rules, units: dict, period, *, drafts, name_column, total_label) -> dict:
    """{code or total label: {header: Expected}} of a province's wards or of the provinces;
    units: {code: (name, [ward indexes])}."""
    rows = {}
    for code, (name, wards) in units.items():
        cells = unit_figures(rules, wards, period, drafts=drafts)
        rows[code] = {name_column: Text(name), "Mã": Text(code), **public(cells)}
    every = [w for _name, wards in units.values() for w in wards]
    total = unit_figures(rules, every, period, drafts=drafts)
    rows[total_label] = {name_column: Text(total_label), "Mã": Text(""), **public(total)}
    rows[total_label]["Hạng"] = Text("")
    return rows


def public(cells: dict) -> dict:
    return {k: v for k, v in cells.items() if not k.startswith("_")}


def totals_cards(rules, wards, period, *, drafts) -> dict:
    cells = unit_figures(rules, wards, period, drafts=drafts)
    members = cells["_members"]
    on_time, due = cells["_on_time"]
    return {
        "total-raised": cells["Tiền mặt vận động"],
        "total-in-kind": cells["Hiện vật quy đổi"],
        "total-grand": cells[GRAND_TOTAL],
        "total-disbursed": cells["Tiền mặt đã chi"],
        "total-houses": cells["Nhà bàn giao"],
        "total-sessions": cells["Buổi tuyên truyền"],
        "total-membership": Rate(percent(sum(m for m, _ in members), sum(e for _, e in members))),
        "total-on-time": cells["Báo cáo đúng hạn"],
        "total-on-time-count": Count(on_time),
        "total-due": Count(due),
        "total-wards": Count(len(wards)),
    }


def check_ranks(check: Comparison, area: str, where: str, ranked: list[tuple]) -> None:
    """Ranks [(rank, cash raised)] follow cash raised, most first: each rank lies between 1 +
    the number of units that raised more and the number that raised as much or more."""
    amounts = [amount for _rank, amount in ranked]
    for rank, amount in ranked:
        more = sum(1 for other in amounts if other > amount)
        ties = sum(1 for other in amounts if other >= amount)
        check.same(area, f"{where} rank of {amount}", more < (rank or 0) <= ties, True)


def check_unit_dashboard(check, rules, client, tally, views, *, level):
    """A province's (level "province") or the country's dashboard, every preset, and XLSX."""
    if level == "province":
        province = views["province"]
        url = reverse("reports:dashboard_province", args=[rules.written.provinces[province].code])
        wards = rules.dataset.wards_of(province)
        units = {rules.wards[w].code: (rules.wards[w].name, [w]) for w in wards}
        name_column, total_label, key = "Phường, xã", "Toàn tỉnh", "phuong-xa"
    else:
        url = reverse("reports:dashboard_national")
        wards = list(range(rules.ward_count))
        units = {
            p.code: (p.name, rules.dataset.wards_of(i))
            for i, p in enumerate(rules.written.provinces)
        }
        name_column, total_label, key = "Tỉnh, thành phố", "Toàn quốc", "tinh"
    area = f"{level} dashboard"
    for name, params in views["presets"].items():
        drafts = name == views["unit_drafts"]
        query = {**params, **({"nhap": "1"} if drafts else {})}
        period = period_of(params)
        expected = unit_table(
            rules, units, period, drafts=drafts, name_column=name_column, total_label=total_label
        )
        where = f"{name}{' (drafts included)' if drafts else ''}"
        tree = page(get(client, tally, url, query))
        for testid, wanted in totals_cards(rules, wards, period, drafts=drafts).items():
            check.cell(area, f"{where} card {testid}", "html", tree.testid(testid).text, wanted)
        table = html_table(tree.testid(f"table-{key}"))
        found = table.dicts()
        check.rows(area, where, found, expected, "html", lambda r: r["Mã"] or r[name_column])
        body = found[: len(found) - table.footer_rows]
        ranked = [(count_of(r["Hạng"]), money_of(r["Tiền mặt vận động"])) for r in body]
        check_ranks(check, area, where, ranked)
        if name == views["unit_xlsx"]:
            found = xlsx_rows(xlsx_sheet(get(client, tally, url, {**query, "format": "xlsx"})))
            check.rows(
                f"{area} xlsx",
                where,
                found,
                expected,
                "xlsx",
                lambda r: r["Mã"].value or r[name_column].value,
            )
            ranked = [(r["Hạng"].value, r["Tiền mặt vận động"].value) for r in found[:-1]]
            check_ranks(check, f"{area} xlsx", where, ranked)


def check_province_summary(check, rules, client, tally, views):
    """The province's indicators summed over its wards (tinh/<code>/tong-hop/) for every
    preset, a year earlier beside, the change (a rate's in points from the unrounded rates),
    cash and goods of the fund added only on the labelled row; and its period workbook: a row
    per ward and the total row by each indicator's rule."""
    province = views["province"]
    code_of = rules.written.provinces[province].code
    url = reverse("reports:province_summary", args=[code_of])
    export = reverse("reports:province_summary_export", args=[code_of])
    wards = rules.dataset.wards_of(province)
    area = "province summary"
    codes = (*data.TYPED_CODES, *data.COMPUTED_CODES)
    for name, params in views["presets"].items():
        drafts = name == views["unit_drafts"]
        query = {**params, **({"nhap": "1"} if drafts else {})}
        period = period_of(params)
        where = f"{name}{' (drafts included)' if drafts else ''}"
        tree = page(get(client, tally, url, query))
        found = {
            r["Mã"] or r["Chỉ tiêu"]: r
            for r in html_table(tree.testid("table-chi-tieu-toan-tinh")).dicts()
        }
        rolled = {}
        for code in codes:
            series = [rules.series(w, code, drafts=drafts) for w in wards]
            now = roll(code, period.months, *series)
            before = roll(code, period.year_earlier.months, *series)
            rolled[code] = (now, before)
            row = found.get(code)
            check.same(area, f"{where} {code} row", row is not None, True)
            if row is None:
                continue
            check.cell(area, f"{where} {code}", "html", row["Kỳ này"], figure(code, now))
            check.cell(
                area,
                f"{where} {code} a year earlier",
                "html",
                row["Cùng kỳ năm trước"],
                figure(code, before),
            )
            if data.kind_of(code) in (data.FLOW_RATIO, data.STOCK_RATIO):
                change = points_text(
                    percent(now.value, now.denominator), percent(before.value, before.denominator)
                )
            else:
                change = change_text(now.value, before.value)
            check.cell(area, f"{where} {code} change", "html", row["Thay đổi"], Text(change))
        (cash, cash_before), (goods, goods_before) = rolled["VNN_THU"], rolled["VNN_HIENVAT"]

        def added(a, b):
            return None if a.value is None and b.value is None else (a.value or 0) + (b.value or 0)

        total = found.get(GRAND_TOTAL)
        check.same(area, f"{where} grand total row", total is not None, True)
        if total is not None:
            check.cell(
                area, f"{where} grand total", "html", total["Kỳ này"], Money(added(cash, goods))
            )
            check.cell(
                area,
                f"{where} grand total a year earlier",
                "html",
                total["Cùng kỳ năm trước"],
                Money(added(cash_before, goods_before)),
            )
        if name != views["unit_xlsx"]:
            continue
        sheet = xlsx_sheet(get(client, tally, export, query))
        rows = list(sheet.iter_rows(min_row=4))
        headers = [c.value for c in rows[0]]
        by_code = {row[0].value: dict(zip(headers, row, strict=True)) for row in rows[2:]}
        for ward in wards:
            cells = by_code.get(rules.wards[ward].code)
            check.same(f"{area} xlsx", f"{where} ward {ward} row", cells is not None, True)
            for code in codes if cells else ():
                one = roll(code, period.months, rules.series(ward, code, drafts=drafts))
                check.cell(
                    f"{area} xlsx",
                    f"{where} ward {ward} {code}",
                    "xlsx",
                    cells[code],
                    figure(code, one).plain,
                )
        cells = next((r for r in by_code.values() if r["Phường, xã"].value == "Toàn tỉnh"), None)
        check.same(f"{area} xlsx", f"{where} total row", cells is not None, True)
        for code in codes if cells else ():
            check.cell(
                f"{area} xlsx",
                f"{where} total {code}",
                "xlsx",
                cells[code],
                figure(code, rolled[code][0]).plain,
            )


# --- Document figure blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    first: D
    last: D

    @property
    def months(self) -> list[D]:
        """Monthly reports whose month starts within the dates."""
        first = self.first if self.first.day == 1 else add_months(self.first.replace(day=1), 1)
        return months_between(first, self.last.replace(day=1))


def funds_block(rules: Rules, ward: int, span: Span, previous: Span | None) -> dict:
    spans = [span, *([previous] if previous else [])]

    def present(form) -> set:
        found = set()
        for s in spans:
            found |= {
                rules.campaigns[g.campaign].fund
                for g in rules.counted(form=form, ward=ward, first=s.first, last=s.last)
            }
            found |= {
                rules.campaigns[p.campaign].fund
                for p in rules.payments(form=form, ward=ward, first=s.first, last=s.last)
            }
        return found

    funds = [f for f in FUNDS if f in present("cash") | present("in_kind") or f == "vnn"]

    def line(label, forms, fund=None):
        def received(s):
            return sum(
                (rules.cash_in if form == "cash" else rules.goods_in)(
                    ward=ward, fund=fund, first=s.first, last=s.last
                )
                for form in forms
            )

        paid = sum(
            (rules.cash_out if form == "cash" else rules.goods_out)(
                ward=ward, fund=fund, first=span.first, last=span.last
            )
            for form in forms
        )
        cells = [Text(label), Count(received(span)), Count(paid)]
        if previous:
            cells += [
                Count(received(previous)),
                Text(change_text(received(span), received(previous))),
            ]
        return cells

    rows = []
    for fund in funds:
        rows.append(line(f"{FUNDS[fund]} – tiền mặt", ["cash"], fund))
        if fund in present("in_kind"):
            rows.append(line(f"{FUNDS[fund]} – hiện vật quy đổi", ["in_kind"], fund))
    rows.append(line("Cộng tiền mặt", ["cash"]))
    if present("in_kind"):
        rows.append(line("Cộng hiện vật quy đổi", ["in_kind"]))
    rows.append(line(GRAND_TOTAL, ["cash", "in_kind"]))
    columns = ["Quỹ", "Đã vận động", "Đã chi", *(["Kỳ trước", "So sánh"] if previous else [])]
    return {"columns": columns, "rows": rows}


def houses_block(rules: Rules, ward: int, span: Span, previous: Span | None) -> dict:
    def handed(kind, s):
        return rules.houses_where(ward=ward, kind=kind, handed=(s.first, s.last))

    def value(house):
        if house.final_cost is not None:
            return house.final_cost
        return house.from_fund + house.from_social + house.from_household + house.from_other

    rows = []
    for kind, label in (("new", "Xây mới"), ("repair", "Sửa chữa"), (None, "Tổng cộng")):
        houses = handed(kind, span)
        cells = [
            Text(label),
            Count(len(houses)),
            Count(sum(value(h) for h in houses)),
            Count(sum(h.from_fund for h in houses)),
        ]
        if previous:
            before = len(handed(kind, previous))
            cells += [Count(before), Text(change_text(len(houses), before))]
        rows.append(cells)
    columns = ["Loại nhà", "Số căn", "Giá trị (đồng)", "Trong đó từ Quỹ (đồng)"]
    columns += ["Kỳ trước (căn)", "So sánh"] if previous else []
    return {"columns": columns, "rows": rows}


def memberships_block(rules: Rules, ward: int, span: Span, previous: Span | None) -> dict:
    latest_day = max(span.last, previous.last) if previous else span.last
    organisations = sorted(
        {
            r.organisation
            for r in rules.dataset.memberships
            if r.ward == ward
            and r.as_of <= latest_day
            and rules.dataset.organisations[r.organisation].is_active
        },
        key=lambda o: (
            rules.dataset.organisations[o].display_order,
            rules.dataset.organisations[o].name,
        ),
    )
    days = {"start": span.first, "end": span.last, "previous": previous.last if previous else None}

    def pair(organisation, day):
        record = rules.memberships_on(ward, day).get(organisation) if day else None
        return (record.members, record.eligible) if record else None

    def cells(label, pairs):
        def counts(p):
            return Text(f"{grouped(p[0])}/{grouped(p[1])}" if p else NO_VALUE)

        def rate(p):
            return percent(*p) if p else None

        line = [
            Text(label),
            counts(pairs["start"]),
            Rate(rate(pairs["start"])),
            counts(pairs["end"]),
            Rate(rate(pairs["end"])),
        ]
        if previous:
            line += [
                Rate(rate(pairs["previous"])),
                Text(points_text(rate(pairs["end"]), rate(pairs["previous"]))),
            ]
        else:
            line.append(Text(points_text(rate(pairs["end"]), rate(pairs["start"]))))
        return line

    rows, totals = [], {key: None for key in days}
    for organisation in organisations:
        pairs = {key: pair(organisation, day) for key, day in days.items()}
        for key, found in pairs.items():
            if found:
                before = totals[key] or (0, 0)
                totals[key] = (before[0] + found[0], before[1] + found[1])
        rows.append(cells(rules.dataset.organisations[organisation].name, pairs))
    rows.append(cells("Tổng cộng", totals))
    columns = [
        "Tổ chức",
        f"Đầu kỳ ({span.first:%d/%m/%Y})",
        "Tỷ lệ",
        f"Cuối kỳ ({span.last:%d/%m/%Y})",
        "Tỷ lệ",
        *(["Kỳ trước", "So sánh"] if previous else ["Tăng, giảm"]),
    ]
    return {"columns": columns, "rows": rows}


def indicators_block(rules: Rules, ward: int, codes: list[str], span, previous) -> dict:
    def is_rate(code):
        return data.kind_of(code) in (data.FLOW_RATIO, data.STOCK_RATIO)

    series = {code: rules.series(ward, code) for code in codes}
    now = {code: roll(code, span.months, series[code]) for code in codes}
    before = {code: roll(code, previous.months, series[code]) for code in codes} if previous else {}
    # A part shown as a share of its whole: "part <= whole" checks between two chosen counts.
    wholes = {}
    if len(codes) > 1:
        for rule in ValidationRule.objects.filter(
            is_active=True, operator__in=("<=", "<")
        ).order_by("pk"):
            part, whole = rule.left.strip(), rule.right.strip()
            chosen = part in codes and whole in codes and part not in wholes
            if chosen and not is_rate(part) and not is_rate(whole):
                wholes[part] = whole

    def rate_cell(code):
        if is_rate(code):
            return Rate(percent(now[code].value, now[code].denominator))
        if code in wholes:
            return Rate(percent(now[code].value, now[wholes[code]].value))
        return Text("")

    with_rates = any(is_rate(code) or code in wholes for code in codes)
    rows = []
    for code in codes:
        indicator, figure_now = rules.catalogue[code], now[code]
        if figure_now.value is None:
            result = Text(NO_VALUE)
        elif is_rate(code):
            result = Text(f"{grouped(figure_now.value)}/{grouped(figure_now.denominator)}")
        else:
            result = Count(figure_now.value)
        line = [Text(indicator.name), Text(indicator.unit), result]
        if with_rates:
            line.append(rate_cell(code))
        if previous:
            figure_before = before[code]
            if is_rate(code):
                rate_now = percent(figure_now.value, figure_now.denominator)
                rate_before = percent(figure_before.value, figure_before.denominator)
                line += [Rate(rate_before), Text(points_text(rate_now, rate_before))]
            else:
                line += [
                    Count(figure_before.value),
                    Text(change_text(figure_now.value, figure_before.value)),
                ]
        rows.append(line)
    columns = ["Chỉ tiêu", "Đơn vị", "Kết quả", *(["Tỷ lệ"] if with_rates else [])]
    columns += ["Kỳ trước", "So sánh"] if previous else []
    notes = [
        f"{rules.catalogue[code].name}: số liệu tháng {now[code].as_of:%m/%Y}"
        for code in codes
        if now[code].as_of
    ]
    return {"columns": columns, "rows": rows, "notes": notes}


CAPTIONS = {
    "Kết quả vận động và chi các quỹ": "funds",
    "Nhà Đại đoàn kết xây mới, sửa chữa đã bàn giao": "houses",
    "Tỷ lệ tập hợp đoàn viên, hội viên của các tổ chức thành viên": "memberships",
    "Kết quả các chỉ tiêu": "indicators",
}
# Figures a document's own indicator block asks for: each kind, and parts with their wholes.
DOCUMENT_CODES = [
    "TT_BUOI",
    "GS_KIENNGHI",
    "GS_GIAIQUYET",
    "THTK_TIEN",
    "HN_NGHEO",
    "HN_TONGHO",
    "TQ_ONDINH",
    "TQ_TO",
    "VH_TANG_VM",
    "TH_DVHV",
    "TH_DOITUONG",
    "TH_TYLE",
    "VNN_THU",
    "VNN_HIENVAT",
    "NDDK_XAYMOI",
]


def write_document(rules: Rules, ward: int, span: Span, previous: Span | None, kind: str):
    """A document drafted as an officer does: created with its default outline, the previous
    period set on its frame, one more indicator block added."""
    officer = rules.written.officers[ward]
    document = document_services.document_create(
        ward=rules.wards[ward], kind=kind, starts_on=span.first, ends_on=span.last, user=officer
    )
    if previous:
        document = document_services.document_update_frame(
            document=document,
            user=officer,
            values={"previous_starts_on": previous.first, "previous_ends_on": previous.last},
            base_version=document.version,
        )
    section = document.sections.order_by("position").last()
    document_services.block_add_figure(
        section=section, user=officer, kind=Block.Kind.INDICATORS, options={"codes": DOCUMENT_CODES}
    )
    return document


def check_document(check, rules, client, tally, ward: int, document: Document, span, previous):
    area = "document blocks"
    where = f"ward {ward} {document.get_kind_display()} {span.first}–{span.last}"
    url = reverse("reports:document_preview", args=[rules.wards[ward].code, document.pk])
    tree = page(get(client, tally, url))
    chosen = [
        b.options["codes"]
        for b in Block.objects.filter(section__document=document, kind=Block.Kind.INDICATORS)
    ]
    names = {i.name: code for code, i in rules.catalogue.items()}
    seen = Counter()
    for div in tree.find_all("div", class_="figure"):
        caption = div.find("p", class_="figure-caption").text
        kind = CAPTIONS.get(caption)
        check.same(area, f"{where} block caption", kind is not None, True)
        seen[kind] += 1
        period = div.find("p", class_="figure-period").text
        check.same(
            area,
            f"{where} {kind} period",
            period,
            f"({span.first:%d/%m/%Y} – {span.last:%d/%m/%Y})",
        )
        table = div.find("table", class_="figures")
        headers = [th.text for th in table.find("thead").find_all("th")]
        rows = [[td.text for td in tr.elements("td")] for tr in table.find("tbody").elements("tr")]
        note = (div.find("p", class_="figure-note") or div).text
        if kind == "indicators":
            shown_codes = [names.get(row[0]) for row in rows]
            codes = next((c for c in chosen if c == shown_codes), None)
            check.same(area, f"{where} indicator rows", shown_codes in chosen, True)
            if codes is None:
                continue
            expected = indicators_block(rules, ward, codes, span, previous)
            for text in expected["notes"]:
                check.same(area, f"{where} note", text in note, True)
        else:
            build = {"funds": funds_block, "houses": houses_block, "memberships": memberships_block}
            expected = build[kind](rules, ward, span, previous)
        check.same(area, f"{where} {kind} columns", headers, expected["columns"])
        check.same(area, f"{where} {kind} row count", len(rows), len(expected["rows"]))
        for shown_row, wanted_row in zip(rows, expected["rows"], strict=False):
            label = wanted_row[0].value
            check.same(area, f"{where} {kind} {label} cells", len(shown_row), len(wanted_row))
            for column, (shown, wanted) in enumerate(zip(shown_row, wanted_row, strict=False)):
                check.cell(area, f"{where} {kind} {label} [{column}]", "html", shown, wanted)
    check.same(
        area,
        f"{where} blocks",
        dict(seen),
        {"funds": 1, "houses": 1, "memberships": 1, "indicators": len(chosen)},
    )


# --- Disclosure and the fund pages -----------------------------------------------------------


def check_public_ward(check, rules, client, tally, ward: int):
    """The public list of a ward's funds: money at this ward, all time."""
    area = "public ward page"
    tree = page(get(client, tally, reverse("campaigns:public_ward", args=[rules.wards[ward].code])))
    shown = {}
    for table in tree.find_all("table"):
        headers = [th.text for th in table.find("thead").find_all("th")]
        for tr in table.find("tbody").elements("tr"):
            cells = tr.elements("td")
            shown[cells[0].find("a").text] = dict(
                zip(headers, [c.text for c in cells], strict=True)
            )
    expected = {}
    for i in rules.campaigns_of(ward):
        where = {"ward": ward, "campaign": i}
        received, goods, paid = (
            rules.cash_in(**where),
            rules.goods_in(**where),
            rules.cash_out(**where),
        )
        expected[rules.campaigns[i].name] = {
            "Tiền mặt đã nhận": Money(received),
            "Hiện vật quy đổi": Money(goods),
            GRAND_TOTAL: Money(received + goods),
            "Tiền mặt đã chi": Money(paid),
            "Số dư tiền mặt": Money(received - paid),
        }
    check.rows(
        area,
        f"ward {ward}",
        [{"_": k, **v} for k, v in shown.items()],
        expected,
        "html",
        lambda r: r["_"],
    )


def disclosure_expected(rules, ward, campaign, first=None, last=None) -> dict:
    """The statement's totals at the ward: counted cash in, its goods' equivalents, cash out;
    rows listed include the reversed ones, which are not added."""
    where = {"ward": ward, "campaign": campaign, "first": first, "last": last}
    receipts = [
        g
        for g in rules.gifts
        if g.ward == ward
        and g.campaign == campaign
        and (first is None or g.day >= first)
        and (last is None or g.day <= last)
    ]
    received, goods = rules.cash_in(**where), rules.goods_in(**where)
    paid = rules.cash_out(**where)
    return {
        "received": Money(received),
        "in-kind": Money(goods),
        "grand-total": Money(received + goods),
        "paid": Money(paid),
        "in-kind-paid": Money(rules.goods_out(**where)),
        "balance": Money(received - paid),
        "receipt-rows": Count(len(receipts)),
        "reversed-rows": Count(sum(g.reversed for g in receipts)),
        "payment-rows": Count(
            len(rules.payments(form="cash", **where)) + len(rules.payments(form="in_kind", **where))
        ),
    }


def csv_expected(rules, ward, campaign, first=None, last=None) -> list[tuple]:
    """(day, Thu/Chi, reference, cash, goods' equivalent, note) of every listed row."""
    lines = []
    for g in rules.gifts:
        if g.ward != ward or g.campaign != campaign:
            continue
        if (first and g.day < first) or (last and g.day > last):
            continue
        amount = "" if g.amount is None else str(g.amount)
        cash, goods = (amount, "") if g.form == "cash" else ("", amount or "chưa quy đổi")
        note = "Đã điều chỉnh, không tính" if g.reversed else ""
        lines.append((f"{g.day:%d/%m/%Y}", "Thu", g.receipt, cash, goods, note))
    for form in ("cash", "in_kind"):
        for p in rules.payments(form=form, ward=ward, campaign=campaign, first=first, last=last):
            amount = "" if p.amount is None else str(p.amount)
            cash, goods = (amount, "") if form == "cash" else ("", amount or "chưa quy đổi")
            lines.append((f"{p.day:%d/%m/%Y}", "Chi", p.decision, cash, goods, ""))
    return sorted(lines)


def check_public_fund(check, rules, client, tally, ward: int, campaign: int, search: tuple):
    area = "public fund page"
    code, pk = rules.wards[ward].code, rules.written.campaigns[campaign].pk
    url = reverse("campaigns:public_fund", args=[code, pk])
    where = f"ward {ward} campaign {campaign}"
    tree = page(get(client, tally, url))
    for name, wanted in disclosure_expected(rules, ward, campaign).items():
        found = tree.find(id=f"overall-{name}") or tree.find(data_testid=f"overall-{name}")
        if found is None and wanted.value == 0:  # "of which 0 reversed" is not written
            check.same(area, f"{where} {name}", "absent", "absent")
            continue
        check.cell(area, f"{where} {name}", "html", found.text if found else "", wanted)
    first, last = search
    query = {"tu_ngay": f"{first:%d/%m/%Y}", "den_ngay": f"{last:%d/%m/%Y}"}
    tree = page(get(client, tally, url, query))
    for name, wanted in disclosure_expected(rules, ward, campaign, first, last).items():
        if name in ("grand-total", "balance"):
            continue
        found = tree.find(data_testid=f"filtered-{name}")
        if found is None and wanted.value == 0:
            check.same(area, f"{where} searched {name}", "absent", "absent")
            continue
        check.cell(area, f"{where} searched {name}", "html", found.text if found else "", wanted)
    lines = read_csv(
        get(client, tally, reverse("campaigns:public_fund_csv", args=[code, pk]), query)
    )
    check.same(
        area, f"{where} csv header", lines[0][5:7], ["Tiền mặt (đồng)", "Hiện vật quy đổi (đồng)"]
    )
    shown = sorted((line[0], line[1], line[2], line[5], line[6], line[7]) for line in lines[1:])
    wanted = csv_expected(rules, ward, campaign, first, last)
    check.same(area, f"{where} csv rows", len(shown), len(wanted))
    for got, want in zip(shown, wanted, strict=False):
        check.same(area, f"{where} csv row {want[:3]}", got, want)
    counted = [line for line in lines[1:] if line[1] == "Thu" and not line[7]]
    check.same(
        area,
        f"{where} csv cash added up",
        sum(int(line[5] or 0) for line in counted),
        disclosure_expected(rules, ward, campaign, first, last)["received"].value,
    )


def check_campaign_pages(check, rules, client, tally, ward: int):
    """The officer's list of the ward's funds and each fund's page: the whole campaign (every
    ward of a province's campaign), all time."""
    area = "campaign pages"
    code = rules.wards[ward].code
    tree = page(get(client, tally, reverse("campaigns:list", args=[code])))
    listed = {}
    table = tree.find("table", id="campaigns")
    headers = [th.text for th in table.find("thead").find_all("th")]
    for tr in table.find("tbody").elements("tr"):
        cells = tr.elements("td")
        listed[cells[0].find("a").text] = dict(zip(headers, [c.text for c in cells], strict=True))
    expected = {}
    for i in rules.campaigns_of(ward):
        campaign = rules.campaigns[i]
        raised, goods, paid = (
            rules.cash_in(campaign=i),
            rules.goods_in(campaign=i),
            rules.cash_out(campaign=i),
        )
        expected[campaign.name] = {
            "Tiền mặt đã vận động": Money(raised),
            "Hiện vật quy đổi": Money(goods),
            GRAND_TOTAL: Money(raised + goods),
            "Tiền mặt đã chi": Money(paid),
        }
        detail = page(
            get(
                client,
                tally,
                reverse("campaigns:detail", args=[code, rules.written.campaigns[i].pk]),
            )
        )
        wanted = {
            "raised": Money(raised),
            "in-kind": Money(goods),
            "grand-total": Money(raised + goods),
            "disbursed": Money(paid),
            "balance": Money(raised - paid),
        }
        for name, value in wanted.items():
            check.cell(area, f"{campaign.name} {name}", "html", detail.find(id=name).text, value)
        if campaign.target_amount:
            rate = Rate(percent(raised, campaign.target_amount))
            shown = detail.testid("progress-percent").text
            check.cell(area, f"{campaign.name} progress", "html", shown, rate)
            shown = tree.testid(f"list-progress-{rules.written.campaigns[i].pk}").text
            check.cell(area, f"{campaign.name} list progress", "html", shown, rate)
        houses = rules.houses_where(campaign=i)
        check.cell(
            area,
            f"{campaign.name} houses handed over",
            "html",
            detail.testid("houses-handed-over").text,
            Count(sum(1 for h in houses if h.handed_over_on)),
        )
        check.cell(
            area,
            f"{campaign.name} houses started",
            "html",
            detail.testid("houses-started").text,
            Count(sum(1 for h in houses if h.started_on)),
        )
    check.rows(
        area,
        f"ward {ward} list",
        [{"_": k, **v} for k, v in listed.items()],
        expected,
        "html",
        lambda r: r["_"],
    )


# --- Workbooks ---------------------------------------------------------------------------------


def check_year_workbook(check, rules, client, tally, ward: int, year: int):
    """Every saved figure (drafts included, the sheet says so) by month, and the year's roll-up."""
    area = "year workbook"
    url = reverse("reports:ward_year_export", args=[rules.wards[ward].code, year])
    sheet = xlsx_sheet(get(client, tally, url))
    rows = list(sheet.iter_rows(min_row=4))
    headers = [c.value for c in rows[0]]
    statuses = dict(zip(headers, [c.value for c in rows[1]], strict=True))
    months = [D(year, m, 1) for m in range(1, 13)]
    for m in months:
        spec = rules.reports.get((ward, m))
        label = STATUS_LABELS[spec.status] if spec else "Chưa có báo cáo"
        check.same(
            area, f"ward {ward} {year} status {m.month}", statuses[f"Tháng {m.month}"], label
        )
    by_code = {row[0].value: dict(zip(headers, row, strict=True)) for row in rows[2:]}
    check.same(area, f"ward {ward} {year} codes", sorted(by_code), sorted(rules.catalogue))
    for code, cells in by_code.items():
        saved = rules.series(ward, code, drafts=True)
        for m in months:
            pair = saved.get(m)
            check.cell(
                area,
                f"ward {ward} {code} {m.month}/{year}",
                "xlsx",
                cells[f"Tháng {m.month}"],
                figure(code, Rolled(*pair) if pair else Rolled()).plain,
            )
        whole = roll(code, months, saved)
        check.cell(
            area, f"ward {ward} {code} {year}", "xlsx", cells["Cả năm"], figure(code, whole).plain
        )


def check_province_workbook(check, rules, client, tally, province: int, month: D):
    area = "province month workbook"
    url = reverse(
        "reports:province_month_export",
        args=[rules.written.provinces[province].code, month.year, month.month],
    )
    sheet = xlsx_sheet(get(client, tally, url))
    rows = list(sheet.iter_rows(min_row=4))
    headers = [c.value for c in rows[0]]
    found = {row[0].value: dict(zip(headers, row, strict=True)) for row in rows[2:]}
    for ward in rules.dataset.wards_of(province):
        cells = found.get(rules.wards[ward].code)
        check.same(area, f"ward {ward} row", cells is not None, True)
        if cells is None:
            continue
        spec = rules.reports.get((ward, month))
        check.same(
            area,
            f"ward {ward} status",
            cells["Trạng thái"].value,
            STATUS_LABELS[spec.status] if spec else "Chưa có báo cáo",
        )
        for code in (*data.TYPED_CODES, *data.COMPUTED_CODES):
            pair = rules.series(ward, code, drafts=True).get(month)
            check.cell(
                area,
                f"ward {ward} {code}",
                "xlsx",
                cells[code],
                figure(code, Rolled(*pair) if pair else Rolled()).plain,
            )


def check_ledger(check, rules, client, tally, ward: int, campaign: int, year: int):
    """The fund's cash book for a year, as the ward holds it (a province drive's money is
    held where it was received): opening + cash in − cash out = closing; goods' equivalents
    beside it, outside the balance."""
    area = "ledger xlsx"
    url = reverse(
        "campaigns:ledger_xlsx", args=[rules.wards[ward].code, rules.written.campaigns[campaign].pk]
    )
    sheet = xlsx_sheet(get(client, tally, url, {"nam": str(year)}))
    found = {row["Tháng"].value: row for row in xlsx_rows(sheet, header_row=3)}
    before = D(year, 1, 1) - datetime.timedelta(days=1)
    balance = rules.cash_in(campaign=campaign, ward=ward, last=before) - rules.cash_out(
        campaign=campaign, ward=ward, last=before
    )
    for m in (D(year, n, 1) for n in range(1, 13)):
        span = {"campaign": campaign, "ward": ward, "first": m, "last": end_of(m)}
        cash_in, cash_out = rules.cash_in(**span), rules.cash_out(**span)
        wanted = {
            "Số dư tiền mặt đầu kỳ": Money(balance),
            "Thu tiền mặt": Money(cash_in),
            "Chi tiền mặt": Money(cash_out),
            "Số dư tiền mặt cuối kỳ": Money(balance + cash_in - cash_out),
            "Hiện vật nhận (giá trị quy đổi)": Money(rules.goods_in(**span)),
            "Hiện vật đã trao (giá trị quy đổi)": Money(rules.goods_out(**span)),
        }
        balance += cash_in - cash_out
        row = found.get(month_text(m))
        check.same(area, f"campaign {campaign} {month_text(m)} row", row is not None, True)
        for header, value in wanted.items() if row else ():
            check.cell(
                area, f"campaign {campaign} {month_text(m)} {header}", "xlsx", row[header], value
            )


def check_computed_indicators(check, rules):
    """What the portal filled into each monthly report from memberships, funds and houses."""
    for (ward, month), spec in rules.reports.items():
        wanted = rules.computed(ward, month)
        for code in data.COMPUTED_CODES:
            shown = rules.saved[(ward, code)].get(month)
            check.same(
                "monthly report computed figures",
                f"ward {ward} {month} {code}",
                shown,
                wanted.get(code),
            )
        for code, pair in spec.typed.items():
            check.same(
                "monthly report typed figures",
                f"ward {ward} {month} {code}",
                rules.saved[(ward, code)].get(month),
                pair,
            )


# --- What a user looks at ------------------------------------------------------------------------

PRESETS = ("thang", "quy", "6-thang", "9-thang", "nam", "tuy-chon")
TABLES = ("so-lieu", "xu-huong", "quy", "tap-hop", "chi-tieu")


@st.composite
def views(draw) -> dict:
    """Which periods, downloads, documents and searches to read for a dataset."""
    months = st.sampled_from(data.MONTHS)
    presets = {}
    for name in PRESETS[:-1]:
        presets[name] = {"ky": name, "den": month_text(draw(months))}
    first, last = sorted(draw(st.lists(months, min_size=2, max_size=2, unique=True)))
    presets["tuy-chon"] = {"ky": "tuy-chon", "tu": month_text(first), "den": month_text(last)}
    wards = range(sum(data.WARDS_PER_PROVINCE))
    days = st.dates(data.FIRST_DAY, data.LAST_DAY)
    range_first, range_last = sorted(draw(st.lists(days, min_size=2, max_size=2, unique=True)))
    search_first, search_last = sorted(draw(st.lists(days, min_size=2, max_size=2, unique=True)))
    return {
        "presets": presets,
        # Every table of every ward as XLSX and as CSV, each for one of the presets.
        "xlsx": {w: draw(st.sampled_from(PRESETS)) for w in wards},
        "csv": {w: draw(st.sampled_from(PRESETS)) for w in wards},
        "drafts": (draw(st.sampled_from(list(wards))), draw(st.sampled_from(PRESETS))),
        "province": draw(st.sampled_from([0, 1])),
        "unit_xlsx": draw(st.sampled_from(PRESETS)),
        "unit_drafts": draw(st.sampled_from(PRESETS)),
        "range": Span(range_first, range_last),
        "search": (search_first, search_last),
        "year": draw(st.sampled_from(data.YEARS)),
        "month": draw(months),
    }


def check_dataset(tally: Tally, dataset: data.Dataset, look: dict) -> None:
    today = timezone.localdate()
    written = data.write(dataset, due_day=django_settings.MONTHLY_REPORT_DUE_DAY)
    rules = Rules(written, today)
    check = Comparison(tally)
    check_computed_indicators(check, rules)

    def client_of(user):
        client = Client()
        client.force_login(user)
        return client

    anonymous = Client()
    admin = client_of(written.admin)
    for ward in range(rules.ward_count):
        officer = client_of(written.officers[ward])
        url = reverse("reports:dashboard_ward", args=[rules.wards[ward].code])
        for name, params in look["presets"].items():
            drafts = look["drafts"] == (ward, name)
            query = {**params, **({"nhap": "1"} if drafts else {})}
            expected = ward_expected(rules, ward, period_of(params), drafts=drafts)
            where = f"ward {ward} {name} {params}{' drafts' if drafts else ''}"
            tree = page(get(officer, tally, url, query))
            check_ward_page(check, rules, tree, ward, expected, where)
            for file_format in ("xlsx", "csv"):
                if look[file_format][ward] != name:
                    continue
                for key in TABLES:
                    if not expected.tables[key][1]:
                        continue
                    response = get(
                        officer, tally, url, {**query, "format": file_format, "bang": key}
                    )
                    check_ward_download(check, response, file_format, key, expected, where)
        year = Span(D(2025, 1, 1), D(2025, 12, 31))
        documents = [(year, Span(D(2024, 1, 1), D(2024, 12, 31)), Document.Kind.YEAR)]
        documents.append((look["range"], None, Document.Kind.RANGE))
        for span, previous, kind in documents:
            document = write_document(rules, ward, span, previous, kind)
            check_document(check, rules, officer, tally, ward, document, span, previous)
        check_public_ward(check, rules, anonymous, tally, ward)
        check_campaign_pages(check, rules, officer, tally, ward)
        for campaign in rules.campaigns_of(ward):
            check_public_fund(check, rules, anonymous, tally, ward, campaign, look["search"])
            check_ledger(check, rules, officer, tally, ward, campaign, look["year"])
        check_year_workbook(check, rules, officer, tally, ward, look["year"])
    province_officer = client_of(written.province_officers[look["province"]])
    check_unit_dashboard(check, rules, province_officer, tally, look, level="province")
    check_unit_dashboard(check, rules, admin, tally, look, level="national")
    check_province_summary(check, rules, province_officer, tally, look)
    check_province_workbook(check, rules, province_officer, tally, look["province"], look["month"])
    tally.datasets += 1
    check.done()


@settings(settings.get_profile(PROFILE))
@given(dataset=data.datasets(), look=views())
def check_datasets(tally: Tally, dataset: data.Dataset, look: dict) -> None:
    # Numbered by first appearance, so that a replay of a failing draw is checked again.
    number = tally.drawn.setdefault(repr((dataset, look)), len(tally.drawn))
    if number % PARTS != tally.part:
        return
    # Each dataset in its own savepoint, rolled back: the next one starts from the same
    # database. Cached totals (public pages) are keyed by row ids, which SQLite reuses.
    cache.clear()
    with transaction.atomic():
        check_dataset(tally, dataset, look)
        transaction.set_rollback(True)


@pytest.mark.parametrize("part", range(PARTS))
def test_every_figure_shown_equals_its_recomputation_from_the_raw_rows(
    part, db, capsys, record_property
):
    tally = Tally(part=part)
    check_datasets(tally)
    summary = (
        f"figure equivalence, part {part + 1} of {PARTS}: {tally.datasets} datasets, "
        f"{tally.figures} figures compared on {tally.pages} pages and files ("
        + ", ".join(f"{area}: {count}" for area, count in sorted(tally.by_area.items()))
        + ")"
    )
    record_property("datasets", tally.datasets)
    record_property("figures", tally.figures)
    with capsys.disabled():
        print(f"\n{summary}")
    assert len(tally.drawn) >= EXAMPLES
    assert tally.datasets == len(range(part, len(tally.drawn), PARTS)) > 0
    assert tally.figures > 1000 * tally.datasets
