"""Dashboards: figures of a ward, of a province's wards and of the provinces, for a period.

Pure reads, no cache. A ward's dashboard is computed from the raw rows; the province and
national tables add up per ward-month summary rows (reports/summaries) that every write keeps
equal to the raw rows in its own transaction, so every page equals the data at every moment.
Every function takes a fixed number of grouped queries, whatever the number of wards, months
or indicators:

- indicator figures count APPROVED reports only unless `include_drafts`;
- indicators roll up through reports.selectors.aggregate, by `Indicator.rollup`: flows sum,
  stocks take the latest month with a value in the period, ratios are summed numerators over
  summed denominators (a rate is never an average of rates); the summary rows behind the
  province and national tables keep the same rules (flows per month, memberships as changes
  whose sum is each ward's latest figure, then added up over wards);
- money is counted donations (reversed ones excluded) and disbursements, integer đồng; cash
  and the money equivalents of goods are read apart and never added but in a total labelled
  so (targets, balances and rankings are cash);
- the membership rate is summed members over summed eligible people of each organisation's
  latest record up to the end of the period;
- timeliness uses reports/completeness: first submission on or before the due date.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.aggregates import Min
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from campaigns.models import Campaign, Disbursement, House
from campaigns.selectors import GRAND_TOTAL_LABEL, campaigns_of_ward, counted_donations
from campaigns.selectors import IS_CASH as CASH
from campaigns.selectors import IS_IN_KIND as IN_KIND
from core import dates
from core.collation import by_vietnamese, vietnamese_key
from core.numbers import NO_BREAK_SPACE, format_number, percent_of, with_unit
from reports import deadlines, periods
from reports.dashboards import progress as completeness
from reports.models import (
    Indicator,
    MonthlyReport,
    RatingValue,
    ReportEvent,
    period_end,
)
from reports.selectors import (
    Figure,
    RatingFigure,
    aggregate,
    indicators_in_use,
    rating_figure,
    still_standing,
    ward_series,
)
from reports.summaries.models import ProvinceIndicatorMonth, WardIndicatorMonth, WardMonth
from wards.models import Membership, Province, Ward

# --- The period ---------------------------------------------------------------------------

PRESETS = {
    "thang": "Tháng",
    "quy": "Quý",
    "6-thang": "6 tháng",
    "9-thang": "9 tháng",
    "nam": "Năm",
    "tuy-chon": "Tùy chọn (từ tháng … đến tháng …)",
}
MAX_MONTHS = 120
_DATE = re.compile(r"^\s*(?:(\d{1,2})/)?(\d{1,2})/(\d{4})\s*$")


@dataclass(frozen=True)
class Period:
    first: datetime.date  # first day of the first month
    last: datetime.date  # first day of the last month
    preset: str = "tuy-chon"

    @property
    def months(self) -> list[datetime.date]:
        return periods.months_between(self.first, self.last)

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return period_end(self.last)

    @property
    def year_earlier(self) -> "Period":
        return Period(periods.add_months(self.first, -12), periods.add_months(self.last, -12))

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"tháng {self.first:%m/%Y}"
        return f"từ tháng {self.first:%m/%Y} đến tháng {self.last:%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.first:%Y%m}-{self.last:%Y%m}"


def parse_month(text: str | None) -> datetime.date | None:
    """ "15/03/2025" or "03/2025" → 2025-03-01; anything else (also a year outside
    1900–2100, around which month arithmetic fails) → None."""
    found = _DATE.match(text or "")
    if not found or not dates.year_in_range(int(found.group(3))):
        return None
    day, month, year = found.groups()
    try:
        if day:
            datetime.date(int(year), int(month), int(day))
        return periods.month_start(int(year), int(month))
    except ValueError:
        return None


def parse_period(params, today: datetime.date) -> tuple[Period, list[str]]:
    """The period a GET asks for, and what was wrong with it (the default is used instead).

    `ky` picks a preset around the month `den` (default: last month): that month, its quarter,
    the first 6 or 9 months or the whole of its year; `tu`..`den` is any range of months.
    Default: January of last month's year to last month.
    """
    errors = []
    current = today.replace(day=1)
    last_month = periods.add_months(current, -1)
    preset = params.get("ky") or "tuy-chon"
    if preset not in PRESETS:
        errors.append("Kỳ báo cáo không hợp lệ.")
        preset = "tuy-chon"
    end = last_month
    if params.get("den"):
        end = parse_month(params.get("den"))
        if end is None:
            errors.append("“Đến tháng” phải là tháng/năm từ 1900 đến 2100, ví dụ 09/2025.")
            end = last_month
    end = min(end, current)
    year = end.year
    if preset == "thang":
        first, last = end, end
    elif preset == "quy":
        first = periods.month_start(year, (end.month - 1) // 3 * 3 + 1)
        last = periods.add_months(first, 2)
    elif preset in ("6-thang", "9-thang", "nam"):
        first = periods.month_start(year, 1)
        last = periods.month_start(year, {"6-thang": 6, "9-thang": 9, "nam": 12}[preset])
    else:
        first = periods.month_start(year, 1)
        if params.get("tu"):
            parsed = parse_month(params.get("tu"))
            if parsed is None:
                errors.append("“Từ tháng” phải là tháng/năm từ 1900 đến 2100, ví dụ 01/2025.")
            else:
                first = parsed
        last = end
        if first > last:
            errors.append("“Từ tháng” phải trước “đến tháng”; đã đổi chỗ hai tháng.")
            first, last = last, first
    if len(periods.months_between(first, last)) > MAX_MONTHS:
        errors.append(f"Kỳ dài quá {MAX_MONTHS} tháng; đã rút lại.")
        first = periods.add_months(last, -(MAX_MONTHS - 1))
    return Period(first, last, preset), errors


def default_period(today: datetime.date) -> Period:
    return parse_period({}, today)[0]


# --- Numbers as text ----------------------------------------------------------------------


def percent(numerator, denominator) -> Decimal | None:
    """Unrounded: only the text rounds (one decimal), spreadsheets keep the exact ratio."""
    return percent_of(numerator, denominator)


def percent_text(value: Decimal | None) -> str:
    return completeness.percent_text(value)


NO_VALUE = "—"


def change_text(current: int | None, previous: int | None) -> str:
    """ "tăng 12,5 %" against the previous figure; the difference when that was 0."""
    if current is None or previous is None:
        return NO_VALUE
    if current == previous:
        return "không đổi"
    direction = "tăng" if current > previous else "giảm"
    if previous == 0:
        return f"{direction} {format_number(abs(current - previous))}"
    return f"{direction} {percent_text(percent(abs(current - previous), previous))}"


def points_text(current_rate, previous_rate) -> str:
    """Rates compare by their difference in points, "tăng 3,53 điểm %": the rates come
    unrounded (rounding each first can put the difference 0,01 off)."""
    if current_rate is None or previous_rate is None:
        return NO_VALUE
    difference = Decimal(current_rate) - Decimal(previous_rate)
    points = abs(difference).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not points:
        return "không đổi"
    direction = "tăng" if difference > 0 else "giảm"
    return f"{direction} {with_unit(str(points).replace('.', ','), 'điểm')}{NO_BREAK_SPACE}%"


# --- Indicators ---------------------------------------------------------------------------

KEY_CODES = ("TT_BUOI", "TT_LUOT", "GS_KIENNGHI", "GS_GIAIQUYET")


def _report_filter(include_drafts: bool, prefix: str = "report__") -> Q:
    if include_drafts:
        return Q()
    return Q(**{f"{prefix}status": MonthlyReport.Status.APPROVED})


@dataclass
class IndicatorFigure:
    indicator: Indicator
    current: Figure
    year_earlier: Figure
    by_month: dict = field(default_factory=dict)  # month → Figure (current and year earlier)


def ward_indicator_figures(
    ward, period: Period, *, include_drafts: bool = False
) -> dict[str, IndicatorFigure]:
    return _ward_indicator_figures(ward, period, include_drafts=include_drafts)[0]


def _ward_indicator_figures(ward, period: Period, *, include_drafts: bool = False):
    """Every indicator with a value in the period or a year earlier, rolled up; the months
    before a merge include the abolished communes the ward replaced. Two queries."""
    earlier = period.year_earlier
    series = ward_series(
        ward, earlier.first, period.last, report_filter=_report_filter(include_drafts)
    )
    indicators = Indicator.objects.filter(pk__in=list(series.indicator_ids)).select_related(
        "group", "organisation"
    )
    figures = {}
    for indicator in indicators:
        months = series.months_of(indicator)
        figures[indicator.code] = IndicatorFigure(
            indicator=indicator,
            current=aggregate(indicator, period.months, months),
            year_earlier=aggregate(indicator, earlier.months, months),
            by_month=months,
        )
    return figures, series.former_ids


def figure_text(indicator: Indicator, figure: Figure) -> str:
    if figure.value is None:
        return "—"
    if indicator.rollup == Indicator.Rollup.RATIO or indicator.kind == Indicator.Kind.RATIO:
        text = percent_text(percent(figure.value, figure.denominator))
    else:
        text = format_number(figure.value)
        text = with_unit(text, "đ") if indicator.kind == Indicator.Kind.MONEY else text
    return text + as_of_note(figure)


def as_of_note(figure: Figure) -> str:
    """ " (số liệu tháng 11/2025)" for a stock whose latest value in the period is older than
    the period's last month; "" otherwise."""
    return f" (số liệu tháng {figure.as_of:%m/%Y})" if figure.as_of else ""


def figure_raw(indicator: Indicator, figure: Figure):
    if figure.value is None:
        return None
    if indicator.rollup == Indicator.Rollup.RATIO or indicator.kind == Indicator.Kind.RATIO:
        return percent(figure.value, figure.denominator)
    return figure.value


# --- Ratings (xếp loại) ------------------------------------------------------------------------


def rating_figures(
    wards: Q, months: list[datetime.date], *, include_drafts: bool = False
) -> list[RatingFigure]:
    """Every rating indicator with a count in `months` for the wards `wards` selects (a Q on
    the report's ward: Q(report__ward=ward), Q(report__ward__province=province)), by category:
    each ward's counts roll up over months through reports.selectors.aggregate (a year's
    rating is the year's figure), then add up over the wards; each category's share is
    recomputed from the summed counts. Two queries, whatever the number of wards."""
    if not months:
        return []
    rows = (
        RatingValue.objects.filter(
            _report_filter(include_drafts),
            wards,
            report__period__gte=months[0],
            report__period__lte=months[-1],
        )
        .order_by()
        .values_list("report__ward_id", "category_id", "report__period", "value")
    )
    units = defaultdict(lambda: defaultdict(dict))
    for ward_id, category_id, month, value in rows:
        units[ward_id][category_id][month] = Figure(value)
    categories = {category_id for unit in units.values() for category_id in unit}
    if not categories:
        return []
    indicators = (
        Indicator.objects.filter(categories__in=categories)
        .distinct()
        .select_related("group")
        .prefetch_related("categories")
        .order_by("group__display_order", "display_order", "code")
    )
    return [rating_figure(indicator, months, *units.values()) for indicator in indicators]


# --- Money and houses of a ward -------------------------------------------------------------


@dataclass
class CampaignLine:
    campaign: Campaign
    raised: int = 0  # cash, at this ward, in the period
    disbursed: int = 0  # cash, at this ward, in the period
    raised_to_date: int = 0  # cash, the whole campaign up to the end of the period (target)
    in_kind: int = 0  # goods' money equivalents, at this ward, in the period
    houses_started: int = 0
    houses_handed_over: int = 0  # linked to the campaign, up to the end of the period

    @property
    def grand_total(self) -> int:
        return self.raised + self.in_kind

    @property
    def amount_percent(self):
        return percent(self.raised_to_date, self.campaign.target_amount)

    @property
    def count_percent(self):
        return percent(self.houses_handed_over, self.campaign.target_count)

    @property
    def progress_value(self):
        """For <progress max=100>: capped at 100."""
        value = self.amount_percent
        return None if value is None else min(value, 100)

    @property
    def count_progress_value(self):
        value = self.count_percent
        return None if value is None else min(value, 100)


def ward_campaigns(ward, period: Period) -> list[CampaignLine]:
    """The ward's and its province's money-holding campaigns running in the period. 4 queries."""
    campaigns = list(
        campaigns_of_ward(ward)
        .filter(kind__in=(Campaign.Kind.FUND, Campaign.Kind.HOUSING), starts_on__lte=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.first))
        .order_by("fund", "-starts_on", "name")
    )
    ids = [c.pk for c in campaigns]
    here = Q(received_on__gte=period.first, received_on__lte=period.end, ward=ward)
    money = {
        row["campaign_id"]: row
        for row in counted_donations()
        .filter(campaign_id__in=ids, received_on__lte=period.end)
        .values("campaign_id")
        .annotate(
            to_date=Sum("amount", filter=CASH),
            here=Sum("amount", filter=here & CASH),
            in_kind=Sum("amount", filter=here & IN_KIND),
        )
        .order_by()
    }
    paid = dict(
        Disbursement.objects.filter(
            CASH,
            campaign_id__in=ids,
            ward=ward,
            paid_on__gte=period.first,
            paid_on__lte=period.end,
        )
        .values("campaign_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("campaign_id", "total")
    )
    houses = {
        row["campaign_id"]: row
        for row in House.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            started=Count("pk", filter=Q(started_on__lte=period.end)),
            handed=Count("pk", filter=Q(handed_over_on__lte=period.end)),
        )
        .order_by()
    }
    lines = []
    for campaign in campaigns:
        row = money.get(campaign.pk, {})
        house = houses.get(campaign.pk, {})
        lines.append(
            CampaignLine(
                campaign=campaign,
                raised=row.get("here") or 0,
                disbursed=paid.get(campaign.pk) or 0,
                raised_to_date=row.get("to_date") or 0,
                in_kind=row.get("in_kind") or 0,
                houses_started=house.get("started") or 0,
                houses_handed_over=house.get("handed") or 0,
            )
        )
    return lines


@dataclass
class FundLine:
    fund: str
    label: str
    raised: int = 0  # cash
    disbursed: int = 0  # cash
    target: int | None = None
    target_raised: int = 0  # cash raised to date by the campaigns that have a target
    in_kind: int = 0  # goods' money equivalents

    @property
    def grand_total(self) -> int:
        return self.raised + self.in_kind

    @property
    def target_percent(self):
        """The campaigns with a target against their own targets, never the whole fund."""
        return percent(self.target_raised, self.target)


def fund_lines(lines: list[CampaignLine]) -> list[FundLine]:
    """Money of the period by fund, with the ward's own campaigns' targets."""
    funds = {}
    for line in lines:
        fund = line.campaign.fund
        entry = funds.setdefault(fund, FundLine(fund, Campaign.Fund(fund).label))
        entry.raised += line.raised
        entry.disbursed += line.disbursed
        entry.in_kind += line.in_kind
        if line.campaign.ward_id and line.campaign.target_amount:
            entry.target = (entry.target or 0) + line.campaign.target_amount
            entry.target_raised += line.raised_to_date
    return [funds[f] for f in Campaign.Fund.values if f in funds]


@dataclass
class HouseFigures:
    started: int = 0
    handed_over: int = 0
    target: int | None = None
    target_handed_over: int = 0  # to date, by the housing campaigns that have a target

    @property
    def target_percent(self):
        """The campaigns with a target against their own targets, not every house."""
        return percent(self.target_handed_over, self.target)


def ward_houses(ward, period: Period, lines: list[CampaignLine]) -> HouseFigures:
    """Houses started and handed over in the period; target of the ward's housing campaigns."""
    counts = House.objects.filter(ward=ward).aggregate(
        started=Count("pk", filter=Q(started_on__gte=period.first, started_on__lte=period.end)),
        handed=Count(
            "pk", filter=Q(handed_over_on__gte=period.first, handed_over_on__lte=period.end)
        ),
    )
    targeted = [
        line
        for line in lines
        if line.campaign.kind == Campaign.Kind.HOUSING
        and line.campaign.ward_id == ward.pk
        and line.campaign.target_count
    ]
    return HouseFigures(
        counts["started"],
        counts["handed"],
        sum(line.campaign.target_count for line in targeted) if targeted else None,
        sum(line.houses_handed_over for line in targeted),
    )


def monthly_money(ward_filter: Q, first: datetime.date, end: datetime.date) -> dict:
    """{month: (cash raised, cash disbursed, goods' equivalents received)} of counted
    donations and payments. Two queries."""
    received = (
        counted_donations()
        .filter(ward_filter, received_on__gte=first, received_on__lte=end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(cash=Sum("amount", filter=CASH), goods=Sum("amount", filter=IN_KIND))
        .order_by()
        .values_list("month", "cash", "goods")
    )
    paid = dict(
        Disbursement.objects.filter(CASH, ward_filter, paid_on__gte=first, paid_on__lte=end)
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("month", "total")
    )

    def as_date(value):
        return value.date() if isinstance(value, datetime.datetime) else value

    months = {}
    for month, cash, goods in received:
        figures = months.setdefault(as_date(month), [0, 0, 0])
        figures[0], figures[2] = int(cash or 0), int(goods or 0)
    for month, total in paid.items():
        months.setdefault(as_date(month), [0, 0, 0])[1] = int(total or 0)
    return {month: tuple(figures) for month, figures in months.items()}


# --- Membership -----------------------------------------------------------------------------


@dataclass
class MembershipLine:
    organisation: object
    members: int
    eligible: int
    as_of: datetime.date

    @property
    def rate(self):
        return percent(self.members, self.eligible)


def _latest_memberships(end: datetime.date):
    newest = (
        Membership.objects.filter(
            ward=OuterRef("ward"), organisation=OuterRef("organisation"), as_of__lte=end
        )
        .order_by("-as_of", "-pk")
        .values("pk")[:1]
    )
    return Membership.objects.filter(pk=Subquery(newest), organisation__is_active=True)


def ward_memberships(ward, period: Period) -> list[MembershipLine]:
    rows = (
        _latest_memberships(period.end)
        .filter(ward=ward)
        .select_related("organisation")
        .order_by("organisation__display_order", "organisation__name")
    )
    return [MembershipLine(m.organisation, m.members, m.eligible, m.as_of) for m in rows]


# --- Member organisations -------------------------------------------------------------------


@dataclass
class OrganisationLine:
    """One member organisation in the ward over the period: its latest memberships, its own
    indicators rolled up ({code suffix: Figure}, e.g. "MOI", "CHIHOI") and what its own drives
    received here (cash and goods' equivalents, apart)."""

    organisation: object
    members: int | None = None
    eligible: int | None = None
    figures: dict = field(default_factory=dict)
    cash: int = 0
    in_kind: int = 0

    @property
    def rate(self):
        return percent(self.members, self.eligible)

    def figure(self, suffix) -> int | None:
        figure = self.figures.get(suffix)
        return figure.value if figure is not None else None


@dataclass
class OrganisationTotal:
    lines: list

    def _sum(self, values):
        values = [v for v in values if v is not None]
        return sum(values) if values else None

    @property
    def members(self):
        return self._sum(line.members for line in self.lines)

    @property
    def eligible(self):
        return self._sum(line.eligible for line in self.lines)

    @property
    def rate(self):
        """From the summed members and eligible people: never an average of rates."""
        return percent(self.members, self.eligible)

    def figure(self, suffix):
        return self._sum(line.figure(suffix) for line in self.lines)

    @property
    def cash(self) -> int:
        return sum(line.cash for line in self.lines)

    @property
    def in_kind(self) -> int:
        return sum(line.in_kind for line in self.lines)


def organisation_suffix(indicator) -> str:
    """ "TV_LHPN_MOI" → "MOI": which of an organisation's own indicators this is."""
    return indicator.code.rsplit("_", 1)[-1]


def ward_organisations(
    memberships: list[MembershipLine], indicators: dict, lines: list[CampaignLine]
) -> list[OrganisationLine]:
    """The ward by member organisation, from figures the dashboard has read already (its
    memberships, indicators and campaign lines): no query of its own."""
    by_organisation: dict[int, OrganisationLine] = {}

    def line_of(organisation):
        if organisation.pk not in by_organisation:
            by_organisation[organisation.pk] = OrganisationLine(organisation)
        return by_organisation[organisation.pk]

    for membership in memberships:
        line = line_of(membership.organisation)
        line.members, line.eligible = membership.members, membership.eligible
    for figure in indicators.values():
        organisation = figure.indicator.organisation
        if organisation is not None and organisation.is_active:
            line_of(organisation).figures[organisation_suffix(figure.indicator)] = figure.current
    for campaign_line in lines:
        organisation = campaign_line.campaign.organisation
        if organisation is not None and organisation.is_active:
            line = line_of(organisation)
            line.cash += campaign_line.raised
            line.in_kind += campaign_line.in_kind
    return sorted(
        by_organisation.values(),
        key=lambda line: (line.organisation.display_order, vietnamese_key(line.organisation.name)),
    )


# --- Timeliness -----------------------------------------------------------------------------


SENT = (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.APPROVED)


def timeliness(
    report_filter: Q, group: str, period: Period, today: datetime.date
) -> dict[object, dict]:
    """{group key: {"submitted", "approved", "on_time"}} over the period's reports. One query.

    `group` names the key ("ward_id" or "ward__province_id"); months due are counted by the
    caller (wards × months whose due date has passed).
    """
    # Counted in the database: a report is on time when its first submission came before the
    # end of its month's due day (local time); months not yet due do not count.
    first_submit = (
        ReportEvent.objects.filter(report=OuterRef("pk"), action=ReportEvent.Action.SUBMIT)
        .order_by("at")
        .values("at")[:1]
    )
    cutoffs = [
        When(period=month, then=Value(_end_of_day(deadlines.due_date(month.year, month.month))))
        for month in period.months
        if deadlines.due_date(month.year, month.month) < today
    ]
    rows = (
        MonthlyReport.objects.filter(
            report_filter, period__gte=period.first, period__lte=period.last
        )
        .annotate(
            first_sent=Coalesce(Subquery(first_submit), "submitted_at", "approved_at"),
            cutoff=Case(*cutoffs, default=None, output_field=DateTimeField()),
        )
        .values(group)
        .annotate(
            submitted=Count("pk", filter=Q(status__in=SENT)),
            approved=Count("pk", filter=Q(status=MonthlyReport.Status.APPROVED)),
            on_time=Count("pk", filter=Q(first_sent__lt=F("cutoff"))),
        )
        .order_by()
    )
    result = defaultdict(lambda: {"submitted": 0, "approved": 0, "on_time": 0})
    for row in rows:
        result[row[group]] = {k: row[k] for k in ("submitted", "approved", "on_time")}
    return result


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the portal's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def months_due(period: Period, today: datetime.date) -> int:
    return sum(1 for m in period.months if deadlines.due_date(m.year, m.month) < today)


# --- The ward dashboard ---------------------------------------------------------------------


@dataclass
class WardDashboard:
    ward: Ward
    period: Period
    include_drafts: bool
    indicators: dict
    campaigns: list
    funds: list
    houses: HouseFigures
    memberships: list
    membership_total: tuple
    reports: dict
    due_months: int
    trend: list  # [(month, month a year earlier, {key: value}), …]
    ratings: list = field(default_factory=list)  # [RatingFigure] with counts in the period
    # The abolished communes whose months the figures include ("Gồm số liệu của …").
    former_units: list = field(default_factory=list)
    organisations: list = field(default_factory=list)  # [OrganisationLine]

    @property
    def organisation_total(self) -> OrganisationTotal:
        return OrganisationTotal(self.organisations)

    @property
    def membership_rate(self):
        return percent(*self.membership_total)

    @property
    def on_time_rate(self):
        return percent(self.reports["on_time"], self.due_months)

    def key(self, code) -> IndicatorFigure | None:
        return self.indicators.get(code)

    @property
    def raised(self) -> int:
        return sum(line.raised for line in self.campaigns)

    @property
    def disbursed(self) -> int:
        return sum(line.disbursed for line in self.campaigns)

    @property
    def in_kind(self) -> int:
        return sum(line.in_kind for line in self.campaigns)

    @property
    def grand_total(self) -> int:
        return self.raised + self.in_kind

    def value(self, code):
        figure = self.indicators.get(code)
        return figure.current.value if figure else None

    @property
    def sessions(self):
        return self.value("TT_BUOI")

    @property
    def attendance(self):
        return self.value("TT_LUOT")

    @property
    def cases_received(self):
        return self.value("GS_KIENNGHI")

    @property
    def cases_resolved(self):
        return self.value("GS_GIAIQUYET")


TREND_COLUMNS = [
    ("raised", "Tiền mặt vận động (đồng)"),
    ("disbursed", "Tiền mặt đã chi (đồng)"),
    ("TT_BUOI", "Buổi tuyên truyền"),
    ("TT_LUOT", "Lượt người dự tuyên truyền"),
    ("GS_KIENNGHI", "Kiến nghị, vụ việc tiếp nhận"),
    ("GS_GIAIQUYET", "Kiến nghị, vụ việc đã giải quyết"),
    ("in_kind", "Hiện vật quy đổi (đồng)"),  # last: earlier columns keep their places
]


MONEY_COLUMNS = {"raised": 0, "disbursed": 1, "in_kind": 2}  # positions in monthly_money()


def ward_dashboard(
    ward, period: Period, today: datetime.date, *, include_drafts: bool = False
) -> WardDashboard:
    indicators, former_ids = _ward_indicator_figures(ward, period, include_drafts=include_drafts)
    lines = ward_campaigns(ward, period)
    memberships = ward_memberships(ward, period)
    earlier = period.year_earlier
    money = monthly_money(Q(ward=ward), earlier.first, period.end)
    trend = []
    for month in period.months:
        before = periods.add_months(month, -12)
        values = {}
        for key, _label in TREND_COLUMNS:
            if key in MONEY_COLUMNS:
                index = MONEY_COLUMNS[key]
                values[key] = (
                    money.get(month, (0, 0, 0))[index],
                    money.get(before, (0, 0, 0))[index],
                )
            else:
                months = indicators[key].by_month if key in indicators else {}
                values[key] = (
                    months[month].value if month in months else None,
                    months[before].value if before in months else None,
                )
        trend.append((month, before, values))
    reports = timeliness(Q(ward=ward), "ward_id", period, today).get(
        ward.pk, {"submitted": 0, "approved": 0, "on_time": 0}
    )
    return WardDashboard(
        ward=ward,
        period=period,
        include_drafts=include_drafts,
        indicators=indicators,
        campaigns=lines,
        funds=fund_lines(lines),
        houses=ward_houses(ward, period, lines),
        memberships=memberships,
        membership_total=(
            sum(m.members for m in memberships),
            sum(m.eligible for m in memberships),
        ),
        reports=reports,
        due_months=months_due(period, today),
        trend=trend,
        ratings=rating_figures(Q(report__ward=ward), period.months, include_drafts=include_drafts),
        # The abolished communes whose figures the indicators include (one query, only then).
        former_units=list(Ward.all_units.filter(pk__in=former_ids).order_by(by_vietnamese("name")))
        if former_ids
        else [],
        organisations=ward_organisations(memberships, indicators, lines),
    )


# --- Province and national tables ----------------------------------------------------------


@dataclass
class UnitRow:
    """One ward (province dashboard) or one province (national overview)."""

    unit: object
    raised: int = 0  # cash
    disbursed: int = 0  # cash
    in_kind: int = 0  # goods' money equivalents received
    houses_handed_over: int = 0
    sessions: int = 0
    members: int = 0
    eligible: int = 0
    on_time: int = 0
    due: int = 0
    approved: int = 0
    ward_count: int = 1
    rank: int = 0

    @property
    def grand_total(self) -> int:
        return self.raised + self.in_kind

    @property
    def membership_rate(self):
        return percent(self.members, self.eligible)

    @property
    def on_time_rate(self):
        return percent(self.on_time, self.due)


SORT_COLUMNS = {
    "ten": ("Tên", lambda r: vietnamese_key(r.unit.name)),
    "tien-van-dong": ("Tiền mặt vận động", lambda r: r.raised),
    "tien-chi": ("Tiền mặt đã chi", lambda r: r.disbursed),
    "nha-ban-giao": ("Nhà bàn giao", lambda r: r.houses_handed_over),
    "buoi-tuyen-truyen": ("Buổi tuyên truyền", lambda r: r.sessions),
    "ty-le-tap-hop": ("Tỷ lệ tập hợp", lambda r: r.membership_rate),
    "ty-le-dung-han": ("Báo cáo đúng hạn", lambda r: r.on_time_rate),
    # Goods last, so that the columns before keep their places.
    "hien-vat": ("Hiện vật quy đổi", lambda r: r.in_kind),
    "tong-cong": (GRAND_TOTAL_LABEL, lambda r: r.grand_total),
}
DEFAULT_SORT = "-tien-van-dong"


def summary_querysets(
    ward_filter: Q, group: str, period: Period, today: datetime.date, include_drafts: bool
):
    """The two grouped queries behind the province and national tables (the benchmark
    times them alone): the period's figures, and membership totals as of its end."""
    cutoffs = [
        When(month=month, then=Value(_end_of_day(deadlines.due_date(month.year, month.month))))
        for month in period.months
        if deadlines.due_date(month.year, month.month) < today
    ]
    cutoff = Case(*cutoffs, default=None, output_field=DateTimeField())
    figures = (
        WardMonth.objects.filter(ward_filter, month__gte=period.first, month__lte=period.last)
        .values(group)
        .annotate(
            raised=Sum("raised"),
            in_kind=Sum("in_kind_raised"),
            disbursed=Sum("disbursed"),
            houses=Sum("houses_handed_over"),
            sessions=Sum("sessions_all" if include_drafts else "sessions"),
            approved=Count("pk", filter=Q(report_status=MonthlyReport.Status.APPROVED)),
            on_time=Count("pk", filter=Q(first_sent_at__lt=cutoff)),
        )
        .order_by()
    )
    # Summing every membership change up to the last month gives the totals at its end.
    members = (
        WardMonth.objects.filter(ward_filter, month__lte=period.last)
        .exclude(members_change=0, eligible_change=0)
        .values(group)
        .annotate(members=Sum("members_change"), eligible=Sum("eligible_change"))
        .order_by()
    )
    return figures, members


def _grouped_totals(
    ward_filter: Q, group: str, period: Period, today: datetime.date, include_drafts: bool
) -> dict[object, dict]:
    """The key figures of every ward (group="ward_id") or province ("ward__province_id"), from
    the summary rows that every write keeps equal to the raw rows. Two queries."""
    figures, members = summary_querysets(ward_filter, group, period, today, include_drafts)
    totals = defaultdict(dict)
    for row in [*figures, *members]:
        unit = row.pop(group)
        totals[unit].update({name: int(value or 0) for name, value in row.items()})
    return totals


def _prefixed(condition: Q, prefix: str) -> Q:
    """The same Q on a related model: Q(ward__province=…) → Q(report__ward__province=…)."""
    prefixed = Q()
    prefixed.connector, prefixed.negated = condition.connector, condition.negated
    prefixed.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in condition.children
    ]
    return prefixed


def _fill(row: UnitRow, values: dict, due_per_ward: int) -> UnitRow:
    row.raised = values.get("raised", 0)
    row.in_kind = values.get("in_kind", 0)
    row.disbursed = values.get("disbursed", 0)
    row.houses_handed_over = values.get("houses", 0)
    row.sessions = values.get("sessions", 0)
    row.members = values.get("members", 0)
    row.eligible = values.get("eligible", 0)
    row.on_time = values.get("on_time", 0)
    row.approved = values.get("approved", 0)
    row.due = due_per_ward * row.ward_count
    return row


def province_rows(
    province, period: Period, today: datetime.date, *, include_drafts: bool = False
) -> list[UnitRow]:
    """Every ward of the province with its key figures; three queries for any number of wards."""
    wards = list(Ward.objects.filter(province=province).only("code", "name", "province_id"))
    totals = _grouped_totals(Q(ward__province=province), "ward_id", period, today, include_drafts)
    due = months_due(period, today)
    return [_fill(UnitRow(ward), totals.get(ward.pk, {}), due) for ward in wards]


def national_rows(
    period: Period, today: datetime.date, *, include_drafts: bool = False
) -> list[UnitRow]:
    """Every province with the totals of its wards; three queries."""
    provinces = list(Province.objects.annotate(ward_total=Count("wards")).order_by("code"))
    totals = _grouped_totals(Q(), "ward__province_id", period, today, include_drafts)
    due = months_due(period, today)
    rows = []
    for province in provinces:
        row = UnitRow(province, ward_count=province.ward_total)
        rows.append(_fill(row, totals.get(province.pk, {}), due))
    return rows


def sort_rows(rows: list[UnitRow], sort: str) -> tuple[list[UnitRow], str]:
    """Rows sorted by a column ("-" first for descending, empty values last), ranked by
    cash raised. Unknown columns fall back to the default."""
    by_money = sorted(rows, key=lambda r: (-r.raised, vietnamese_key(r.unit.name)))
    for position, row in enumerate(by_money, start=1):
        row.rank = position
    name = sort.removeprefix("-")
    if name not in SORT_COLUMNS:
        sort, name = DEFAULT_SORT, DEFAULT_SORT.removeprefix("-")
    key = SORT_COLUMNS[name][1]
    descending = sort.startswith("-")
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: vietnamese_key(r.unit.name))
    present.sort(key=key, reverse=descending)
    return present + missing, sort


def totals_row(rows: list[UnitRow], unit) -> UnitRow:
    total = UnitRow(unit, ward_count=0)
    for row in rows:
        total.raised += row.raised
        total.in_kind += row.in_kind
        total.disbursed += row.disbursed
        total.houses_handed_over += row.houses_handed_over
        total.sessions += row.sessions
        total.members += row.members
        total.eligible += row.eligible
        total.on_time += row.on_time
        total.due += row.due
        total.approved += row.approved
        total.ward_count += row.ward_count
    return total


# --- The province's indicators, summed over its communes ------------------------------------

# Money indicators that count goods' money equivalents (never cash); shown on rows of their own.
IN_KIND_CODES = frozenset({"VNN_HIENVAT"})
# (cash, goods) a fund received: added up only in a row labelled GRAND_TOTAL_LABEL.
GRAND_TOTAL_PAIRS = (("VNN_THU", "VNN_HIENVAT"),)


def is_rate(indicator: Indicator) -> bool:
    return indicator.rollup == Indicator.Rollup.RATIO or indicator.kind == Indicator.Kind.RATIO


def is_in_kind(indicator: Indicator) -> bool:
    return indicator.kind == Indicator.Kind.MONEY and (
        indicator.code in IN_KIND_CODES or "hiện vật" in indicator.name.casefold()
    )


@dataclass
class ProvinceLine:
    """One indicator summed over the province's communes, or the labelled cash + goods total
    (`indicator` None, `label` GRAND_TOTAL_LABEL)."""

    indicator: Indicator | None
    current: Figure
    year_earlier: Figure
    label: str = ""

    @property
    def is_rate(self) -> bool:
        return self.indicator is not None and is_rate(self.indicator)

    @property
    def is_money(self) -> bool:
        return self.indicator is None or self.indicator.kind == Indicator.Kind.MONEY

    @property
    def is_in_kind(self) -> bool:
        return self.indicator is not None and is_in_kind(self.indicator)

    @property
    def change(self) -> str:
        """A rate's change in points from the unrounded rates; a count's or an amount's in
        percent of the figure a year earlier."""
        if self.is_rate:
            return points_text(self.current.percent, self.year_earlier.percent)
        return change_text(self.current.value, self.year_earlier.value)


@dataclass
class ProvinceSummary:
    province: Province
    period: Period
    include_drafts: bool
    ward_count: int
    lines: list  # ProvinceLine, catalogue order, each cash + goods total after its goods line


def _province_flows(province, periods: list[Period], ids, include_drafts: bool) -> dict:
    """{indicator id: {month: Figure}} of flows added up over the province's communes month
    by month, from the province-month summary (reports/summaries/indicators.py); one query."""
    total, parts = ("value_all", "denominator_all") if include_drafts else ("value", "denominator")
    months = Q()
    for span in periods:
        months |= Q(month__gte=span.first, month__lte=span.last)
    rows = (
        ProvinceIndicatorMonth.objects.filter(
            months, province=province, indicator_id__in=ids, **{f"{total}__isnull": False}
        )
        .order_by()
        .values_list("indicator_id", "month", total, parts)
    )
    found = defaultdict(dict)
    for indicator_id, month, value, denominator in rows:
        found[indicator_id][month] = Figure(value, denominator)
    return found


def _latest_per_ward(province, span: Period, stock_ids, include_drafts: bool) -> dict:
    """{indicator id: [{month: Figure}, ...]} of stocks: each commune's latest month with a value
    within `span` (its row of the span whose next month with a value is after the span),
    added up in the database apart for the communes whose latest is the span's last month and
    the others (with the earliest of their months), so that `aggregate` adds the parts and
    dates the figure as it would from every commune's own month; one query."""
    following = "next_month" if include_drafts else "next_approved"
    rows = WardIndicatorMonth.objects.filter(
        Q(**{f"{following}__isnull": True}) | Q(**{f"{following}__gt": span.last}),
        province=province,
        indicator_id__in=stock_ids,
        month__gte=span.first,
        month__lte=span.last,
    )
    if not include_drafts:
        rows = rows.filter(approved=True)
    rows = rows.filter(still_standing(span.last, include_drafts=include_drafts))
    rows = (
        rows.annotate(at_end=Case(When(month=span.last, then=Value(True)), default=Value(False)))
        .order_by()
        .values("indicator_id", "at_end")
        .annotate(total=Sum("value"), parts=Sum("denominator"), since=Min("month"))
        .values_list("indicator_id", "since", "total", "parts")
    )
    found = defaultdict(list)
    for indicator_id, since, value, denominator in rows:
        found[indicator_id].append({since: Figure(value, denominator)})
    return found


def province_summary(province, period: Period, *, include_drafts: bool = False) -> ProvinceSummary:
    """Every indicator in use in the period, summed over the province's communes by its rollup
    through reports.selectors.aggregate, beside the same period a year earlier. Five queries
    for any number of communes, on the indicator summaries kept by reports/summaries/:

    - flows and ratios of flows are added up per month over the communes (a sum of the
      communes' sums is their sum), then over the months;
    - stocks (and ratios of stocks) take each commune's latest month with a value within the
      period, numerator and denominator, then add up over the communes.
    """
    earlier = period.year_earlier
    indicators = indicators_in_use(period.months)
    stock_ids = [i.pk for i in indicators if i.rollup == Indicator.Rollup.LAST]
    flow_ids = [i.pk for i in indicators if i.rollup != Indicator.Rollup.LAST]
    flows = _province_flows(province, [earlier, period], flow_ids, include_drafts)
    now = _latest_per_ward(province, period, stock_ids, include_drafts)
    then = _latest_per_ward(province, earlier, stock_ids, include_drafts)

    lines, by_code = [], {}
    for indicator in indicators:
        if indicator.rollup == Indicator.Rollup.LAST:
            current = aggregate(indicator, period.months, *now[indicator.pk])
            before = aggregate(indicator, earlier.months, *then[indicator.pk])
        else:
            months = flows[indicator.pk]
            current = aggregate(indicator, period.months, months)
            before = aggregate(indicator, earlier.months, months)
        line = ProvinceLine(indicator, current, before)
        lines.append(line)
        by_code[indicator.code] = line
        for cash_code, goods_code in GRAND_TOTAL_PAIRS:
            if indicator.code == goods_code and cash_code in by_code:
                lines.append(_grand_total(by_code[cash_code], line))
    return ProvinceSummary(
        province=province,
        period=period,
        include_drafts=include_drafts,
        ward_count=Ward.objects.filter(province=province).count(),
        lines=lines,
    )


def _grand_total(cash: ProvinceLine, goods: ProvinceLine) -> ProvinceLine:
    def added(a: Figure, b: Figure) -> Figure:
        if a.value is None and b.value is None:
            return Figure()
        return Figure((a.value or 0) + (b.value or 0))

    return ProvinceLine(
        None,
        added(cash.current, goods.current),
        added(cash.year_earlier, goods.year_earlier),
        label=GRAND_TOTAL_LABEL,
    )
