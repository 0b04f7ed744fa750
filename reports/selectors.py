"""Reads for monthly reporting; every query of ward data is scoped through wards.selectors."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from campaigns.selectors import organisation_drive_money
from core.collation import vietnamese_key
from core.numbers import percent_of
from reports import periods, validation
from reports.models import (
    AreaValue,
    Indicator,
    IndicatorValue,
    MonthlyReport,
    RatingValue,
    ValidationRule,
    WardIndicatorMonth,
    WarningExplanation,
)
from reports.sources import SOURCES, SourceContext
from wards import page_cache
from wards.models import WardSuccession, membership_rate
from wards.selectors import (
    Role,
    active_organisations,
    can_edit_ward,
    latest_memberships,
    organisation_of,
    residential_areas,
    role_of,
    scope_to_user,
    ward_for,
)


def reports_visible_to(user):
    return scope_to_user(MonthlyReport.objects.select_related("ward__province"), user)


# The catalogue is read by every entry page and changes only in the admin: cached until then.


def _catalogue() -> list[Indicator]:
    return page_cache.cached(
        ("indicators",),
        lambda: list(
            Indicator.objects.select_related("group", "organisation").prefetch_related("categories")
        ),
        shared=True,
    )


def active_indicators(period: datetime.date) -> list[Indicator]:
    """The month's figures (one value, or two for a ratio); ratings are apart (below)."""
    return [i for i in _catalogue() if i.is_active_in(period) and not i.is_rating]


def active_ratings(period: datetime.date) -> list[Indicator]:
    """The month's rating indicators (counts per category), their categories prefetched."""
    return [i for i in _catalogue() if i.is_active_in(period) and i.is_rating]


def active_rules() -> list[ValidationRule]:
    return page_cache.cached(
        ("active-rules",),
        lambda: list(ValidationRule.objects.filter(is_active=True)),
        shared=True,
    )


def report_or_new(ward, period) -> MonthlyReport:
    """The ward's report for the month, or an unsaved draft (nothing is written by reading)."""
    report = MonthlyReport.objects.filter(ward=ward, period=period).first()
    if report is None:
        return MonthlyReport(ward=ward, period=period)
    report.ward = ward  # already loaded: no second query
    return report


@dataclass
class Figure:
    """One indicator's figure, with the comparisons shown beside the entry field."""

    value: int | None = None
    denominator: int | None = None
    # A stock rolled up over months whose latest value within the period comes from a month
    # before the period's last one: that month, which the pages show beside the figure.
    as_of: object = field(default=None, compare=False)

    @property
    def percent(self):
        """Unrounded; shown with one decimal."""
        return None if self.value is None else percent_of(self.value, self.denominator)


@dataclass
class IndicatorRow:
    indicator: Indicator
    current: Figure = field(default_factory=Figure)
    last_month: Figure = field(default_factory=Figure)
    last_year: Figure = field(default_factory=Figure)
    year_to_date: Figure = field(default_factory=Figure)
    history: list[int] = field(default_factory=list)
    source_label: str = ""


def aggregate(indicator: Indicator, months, *units: dict) -> Figure:
    """THE roll-up of an indicator over a period and over units (wards); every dashboard,
    document figure block, year-to-date and export calls it.

    `months` are the period's months oldest first (any ordered keys); each unit is a dict
    {month: Figure}. By `indicator.rollup`, each unit's months give:
    - sum (flows: sessions, money): the sum of the months;
    - last (stocks: members, households, groups, areas; and ratios of stocks): the latest
      month with a value within the period, its numerator and denominator for a ratio;
    - ratio (ratios of flows): summed numerators and summed denominators.
    Units are then added up; a ratio is divided only when shown (never an average of rates).
    A stock whose value in any unit comes from before the period's last month carries that
    (earliest such) month as `as_of`.
    """
    months = list(months)
    parts = [_over_months(indicator, months, by_month) for by_month in units]
    parts = [part for part in parts if part.value is not None]
    if not parts:
        return Figure()
    is_ratio = indicator.kind == Indicator.Kind.RATIO or indicator.rollup == Indicator.Rollup.RATIO
    earlier = [part.as_of for part in parts if part.as_of is not None]
    return Figure(
        sum(part.value for part in parts),
        sum(part.denominator or 0 for part in parts) if is_ratio else None,
        as_of=min(earlier) if earlier else None,
    )


# --- Communes that replaced abolished ones --------------------------------------------------


@dataclass
class WardSeries:
    """A ward's figures month by month, {indicator id: {month: Figure}}, and the same of the
    abolished communes whose figures roll up into it (their months before the abolition
    only), {indicator id: {former ward id: {month: Figure}}}."""

    own: dict
    former: dict
    former_ids: set

    def months_of(self, indicator: Indicator) -> dict:
        """The ward's months as one unit for `aggregate`, its predecessors' merged in."""
        return with_predecessors(
            indicator, self.own.get(indicator.pk, {}), self.former.get(indicator.pk, {})
        )

    @property
    def indicator_ids(self) -> set:
        return set(self.own) | set(self.former)


def ward_series(
    ward, first, last, *, report_filter=None, former_filter=None, indicator_ids=None
) -> WardSeries:
    """The ward's values from `first` to `last` with those of the communes it replaced, their
    months before their abolition: the reports `report_filter` keeps (all by default), and
    for the former communes those `former_filter` keeps (as `report_filter` by default).
    Two queries, whatever the number of predecessors."""
    ward_id = getattr(ward, "pk", ward)  # a Ward or its id
    report_filter = report_filter if report_filter is not None else Q()
    former_filter = former_filter if former_filter is not None else report_filter
    # The predecessors first (a tiny query), so that the values are read through the
    # (ward, period) index: an OR across the succession join made PostgreSQL read every
    # report of the period in the country (~30 ms a page on the national dataset).
    predecessor_ids = list(
        WardSuccession.objects.filter(successor=ward_id, rolls_up=True).values_list(
            "predecessor_id", flat=True
        )
    )
    values = IndicatorValue.objects.filter(
        report__ward__in=[ward_id, *predecessor_ids],
        report__period__gte=first,
        report__period__lte=last,
    )
    if predecessor_ids:
        values = values.filter(
            (report_filter & Q(report__ward=ward_id))
            | Q(
                former_filter,
                report__ward__in=predecessor_ids,
                report__period__lt=F("report__ward__abolished_on"),
            )
        )
    else:
        values = values.filter(report_filter)
    if indicator_ids is not None:
        values = values.filter(indicator_id__in=list(indicator_ids))
    own, others, ids = defaultdict(dict), defaultdict(lambda: defaultdict(dict)), set()
    rows = values.order_by().values_list(
        "report__ward_id", "indicator_id", "report__period", "value", "denominator"
    )
    for unit_id, indicator_id, month, value, denominator in rows:
        if unit_id == ward_id:
            own[indicator_id][month] = Figure(value, denominator)
        else:
            others[indicator_id][unit_id][month] = Figure(value, denominator)
            ids.add(unit_id)
    return WardSeries(dict(own), {k: dict(v) for k, v in others.items()}, ids)


def with_predecessors(indicator: Indicator, own: dict, former: dict) -> dict:
    """One ward's {month: Figure} with the months of the abolished communes it replaced merged
    in, so that `aggregate` treats them as the one commune they became:
    - flows (and ratios of flows): each month the sum of every commune's figure, numerators and
      denominators apart;
    - stocks (and ratios of stocks): each month the sum over the communes of each one's latest
      value up to that month (a commune that skipped a month still counts its last figure).
    Months the predecessors have none of (after the merge) are the ward's own."""
    if not former:
        return own
    series = [own, *former.values()]
    months = sorted({month for by_month in former.values() for month in by_month})
    merged = dict(own)
    for month in months:
        parts = []
        for by_month in series:
            if indicator.rollup == Indicator.Rollup.LAST:
                earlier = [m for m in by_month if m <= month and by_month[m].value is not None]
                figure = by_month[max(earlier)] if earlier else None
            else:
                figure = by_month.get(month)
            if figure is not None and figure.value is not None:
                parts.append(figure)
        if parts:
            has_parts = any(p.denominator is not None for p in parts)
            merged[month] = Figure(
                sum(p.value for p in parts),
                sum(p.denominator or 0 for p in parts) if has_parts else None,
            )
    return dict(sorted(merged.items()))


def _over_months(indicator: Indicator, months: list, by_month: dict) -> Figure:
    present = [m for m in months if m in by_month and by_month[m].value is not None]
    if not present:
        return Figure()
    if indicator.rollup == Indicator.Rollup.LAST:
        latest = by_month[present[-1]]
        as_of = present[-1] if present[-1] != months[-1] else None
        return Figure(latest.value, latest.denominator, as_of=as_of)
    figures = [by_month[m] for m in present]
    if indicator.rollup == Indicator.Rollup.RATIO:
        return Figure(sum(f.value for f in figures), sum(f.denominator or 0 for f in figures))
    return Figure(sum(f.value for f in figures))


def aggregate_rating(indicator: Indicator, months, *units: dict) -> dict[int, Figure]:
    """A rating indicator's counts by category ({category id: Figure}) over a period and
    units: each category's counts roll up through `aggregate` (the rating's rollup, the latest
    month with a value: a year's rating is the year's figure), then add up over units.
    Each unit is {category id: {month: Figure}}."""
    return {
        category.pk: aggregate(indicator, months, *(unit.get(category.pk, {}) for unit in units))
        for category in indicator.categories.all()
    }


@dataclass
class RatingLine:
    category: object
    figure: Figure
    share: object  # Decimal percent of the rated total, unrounded; None without a total


@dataclass
class RatingFigure:
    """A rating indicator's rolled-up counts by category, and each category's share of the
    total recomputed from the counts (never an average of shares)."""

    indicator: Indicator
    lines: list[RatingLine]

    @property
    def total(self) -> int | None:
        counts = [line.figure.value for line in self.lines if line.figure.value is not None]
        return sum(counts) if counts else None

    @property
    def as_of(self):
        earlier = [line.figure.as_of for line in self.lines if line.figure.as_of]
        return min(earlier) if earlier else None


def rating_figure(indicator: Indicator, months, *units: dict) -> RatingFigure:
    by_category = aggregate_rating(indicator, months, *units)
    total = sum(f.value for f in by_category.values() if f.value is not None)
    lines = []
    for category in indicator.categories.all():
        figure = by_category[category.pk]
        share = percent_of(figure.value, total) if figure.value is not None and total else None
        lines.append(RatingLine(category, figure, share))
    return RatingFigure(indicator, lines)


def rating_months(rows) -> dict:
    """{category id: {month: Figure}} from (category id, month, value) rows."""
    by_category = defaultdict(dict)
    for category_id, month, value in rows:
        by_category[category_id][month] = Figure(value)
    return by_category


@dataclass
class RatingEntryLine:
    category: object
    current: Figure
    last_year: Figure
    year_to_date: Figure


@dataclass
class RatingEntryRow:
    indicator: Indicator
    lines: list[RatingEntryLine]


def rating_entry_rows(report: MonthlyReport, ratings: list[Indicator]) -> list[RatingEntryRow]:
    """The entry page's rating rows: this month's count per category, the same month last
    year and the year's figure so far. One query, whatever the number of ratings."""
    if not ratings:
        return []
    period = report.period
    first = periods.add_months(period, -12)
    by_category = rating_months(
        RatingValue.objects.filter(
            report__ward_id=report.ward_id,
            report__period__gte=first,
            report__period__lte=period,
        ).values_list("category_id", "report__period", "value")
    )
    year_months = periods.months_between(periods.month_start(period.year, 1), period)
    rows = []
    for indicator in ratings:
        year = aggregate_rating(indicator, year_months, by_category)
        lines = [
            RatingEntryLine(
                category=category,
                current=by_category.get(category.pk, {}).get(period, Figure()),
                last_year=by_category.get(category.pk, {}).get(first, Figure()),
                year_to_date=year[category.pk],
            )
            for category in indicator.categories.all()
        ]
        rows.append(RatingEntryRow(indicator, lines))
    return rows


def entry_rows(report: MonthlyReport, indicators: list[Indicator]) -> list[IndicatorRow]:
    """Rows of the entry page with last month, same month last year and year to date.

    One query reads the ward's last twelve months and this month; comparisons are computed
    here, so the query count does not grow with the number of indicators.
    """
    period = report.period
    first = periods.add_months(period, -12)
    # The ward's own months whatever their status; before a merge, the approved months of the
    # communes it replaced (year to date and last year's month include them).
    series = ward_series(
        report.ward_id,
        first,
        period,
        former_filter=Q(report__status=MonthlyReport.Status.APPROVED),
    )
    by_indicator = {i.pk: series.months_of(i) for i in indicators}

    last_month = periods.add_months(period, -1)
    year_months = periods.months_between(periods.month_start(period.year, 1), period)
    past_months = periods.months_between(first, last_month)
    rows = []
    for indicator in indicators:
        months = by_indicator.get(indicator.pk, {})
        source = SOURCES.get(indicator.source)
        rows.append(
            IndicatorRow(
                indicator=indicator,
                current=months.get(period, Figure()),
                last_month=months.get(last_month, Figure()),
                last_year=months.get(first, Figure()),
                year_to_date=aggregate(indicator, year_months, months),
                history=[months[m].value for m in past_months if m in months],
                source_label=source.label if source else "",
            )
        )
    return rows


def plain_rows(indicators: list[Indicator]) -> list[IndicatorRow]:
    """Rows without comparisons: enough to read a posted form."""
    return [IndicatorRow(indicator=indicator) for indicator in indicators]


def plain_ratings(ratings: list[Indicator]) -> list[RatingEntryRow]:
    """Rating rows without figures: enough to read a posted form."""
    return [
        RatingEntryRow(
            indicator,
            [
                RatingEntryLine(category, Figure(), Figure(), Figure())
                for category in indicator.categories.all()
            ],
        )
        for indicator in ratings
    ]


def computed_figures(report: MonthlyReport, indicators, figures=None) -> dict[str, Figure]:
    """Figures the portal computes itself (indicator.source), keyed by indicator code;
    `figures` ({code: value}) are the report's own, for shares recomputed from its counts.

    Those computed from the ward's records are cached until the records change: a report's
    save (an entry page's POST and the page it leads back to) does not recompute them."""
    computed = [i for i in indicators if i.source]
    from_records = [i for i in computed if not SOURCES[i.source].from_report]
    from_report = [i for i in computed if SOURCES[i.source].from_report]
    return {
        **page_cache.cached(
            ("record-figures", report.ward.code, report.period, [i.pk for i in from_records]),
            lambda: _computed(report, from_records),
            records=[report.ward.code],
        ),
        **_computed(report, from_report, figures),
    }


def _computed(report: MonthlyReport, indicators, figures=None) -> dict[str, Figure]:
    context = SourceContext(
        report.ward, report.period, periods_end(report.period), figures=figures or {}
    )
    computed = {}
    for indicator in indicators:
        result = SOURCES[indicator.source].compute(context)
        if isinstance(result, tuple):
            computed[indicator.code] = Figure(*result)
        else:
            computed[indicator.code] = Figure(result)
    return computed


def indicators_in_use(months) -> list[Indicator]:
    """The catalogue's indicators active in any of `months`, in catalogue order; one query."""
    return [
        indicator
        for indicator in Indicator.objects.select_related("group")
        if any(indicator.is_active_in(month) for month in months)
    ]


def rules_by_ids(ids) -> list[ValidationRule]:
    """The rules a posted form carries explanations for (its `x_<rule id>` fields)."""
    return list(ValidationRule.objects.filter(pk__in=ids))


@dataclass
class OrganisationPart:
    """One member organisation's part of a month: its latest memberships to the month's end,
    its own indicators' rows, and what its own drives received in the month (cash and goods'
    equivalents apart)."""

    organisation: object
    members: int | None = None
    eligible: int | None = None
    as_of: object = None
    rows: list = field(default_factory=list)
    cash: int = 0
    goods: int = 0

    @property
    def rate(self):
        return membership_rate(self.members, self.eligible)


@dataclass
class OrganisationParts:
    parts: list[OrganisationPart]

    @property
    def members(self) -> int:
        return sum(p.members or 0 for p in self.parts)

    @property
    def eligible(self) -> int:
        return sum(p.eligible or 0 for p in self.parts)

    @property
    def rate(self):
        """Recomputed from the summed members and eligible people, never an average."""
        return membership_rate(self.members, self.eligible)

    @property
    def cash(self) -> int:
        return sum(p.cash for p in self.parts)

    @property
    def goods(self) -> int:
        return sum(p.goods for p in self.parts)


def organisation_parts(ward, period, rows) -> OrganisationParts:
    """The month by member organisation (the review's grouping): two queries, cached until
    the ward's records change (a third only when a drive belongs to an organisation with
    neither memberships nor indicators)."""
    latest, money = page_cache.cached(
        ("organisation-records", ward.code, period),
        lambda: (
            latest_memberships(ward, periods_end(period)),
            organisation_drive_money(ward, period, periods_end(period)),
        ),
        records=[ward.code],
    )
    memberships = {m.organisation_id: m for m in latest}
    # The organisations come with their memberships and the catalogue's indicators.
    known = {m.organisation_id: m.organisation for m in memberships.values()}
    for row in rows:
        organisation = row.indicator.organisation
        if organisation is not None and organisation.is_active:
            known.setdefault(organisation.pk, organisation)
    missing = [pk for pk in money if pk not in known]
    if missing:
        known.update({o.pk: o for o in active_organisations().filter(pk__in=missing)})
    parts = []
    in_order = sorted(known.values(), key=lambda o: (o.display_order, vietnamese_key(o.name)))
    for organisation in in_order:
        membership = memberships.get(organisation.pk)
        own_rows = [row for row in rows if row.indicator.organisation_id == organisation.pk]
        cash, goods = money.get(organisation.pk, (0, 0))
        parts.append(
            OrganisationPart(
                organisation=organisation,
                members=membership.members if membership else None,
                eligible=membership.eligible if membership else None,
                as_of=membership.as_of if membership else None,
                rows=own_rows,
                cash=cash,
                goods=goods,
            )
        )
    return OrganisationParts(parts)


@dataclass
class EntryPage:
    """What the entry page shows of a report for one user, besides the form itself."""

    indicators: list[Indicator]
    rows: list[IndicatorRow]
    ratings: list[RatingEntryRow]
    areas: list
    can_edit: bool  # the ward's editors, on an editable report: every figure, submit
    is_chair: bool
    # An organisation officer: its organisation, and whether it may type its part now.
    organisation: object
    part_editable: bool
    breaches: list
    # Rules whose warning the form asks to explain; explanations on record by rule id.
    warning_rules: list[ValidationRule]
    explained: dict
    area_initial: dict
    outliers: list
    events: list

    organisations: OrganisationParts | None = None

    @property
    def editable_codes(self) -> set[str] | None:
        """The codes an organisation officer may type; None: every figure (or none)."""
        if self.organisation is None or self.can_edit:
            return None
        return {
            row.indicator.code
            for row in self.rows
            if row.indicator.organisation_id == self.organisation.pk
        }

    @property
    def changed_since_last_month(self) -> list[IndicatorRow]:
        """The rows whose figure differs from last month's (one of them may be missing): what
        the chair reads first on the review page, both values beside each other."""
        return [
            row
            for row in self.rows
            if (row.current.value, row.current.denominator)
            != (row.last_month.value, row.last_month.denominator)
        ]

    @property
    def errors(self):
        return [b for b in self.breaches if b.is_error]

    @property
    def warnings(self):
        """Each warning with the explanation on record ("" when there is none)."""
        return [(b, self.explained.get(b.rule.pk, "")) for b in self.breaches if not b.is_error]


def saved_checks(indicators, rows) -> tuple[list, list]:
    """(rule breaches, outliers) of the figures as saved in `rows` (see entry_rows)."""
    values = {row.indicator.code: row.current.value for row in rows}
    breaches = validation.rule_breaches(active_rules(), values)
    history = {row.indicator.code: row.history for row in rows}
    return breaches, validation.outliers(indicators, values, history)


def entry_page(*, ward, report: MonthlyReport, user, blocked=None) -> EntryPage:
    """The rows, checks and history of the ward's entry page; `blocked` (a refused submission)
    adds its unexplained warnings to those the form asks to explain."""
    indicators = active_indicators(report.period)
    rows = entry_rows(report, indicators)
    accepts = ward.accepts_month(report.period)
    can_edit = can_edit_ward(user, ward) and report.is_editable and accepts
    organisation = organisation_of(user, ward)
    part_editable = organisation is not None and report.is_editable and accepts
    # Checks run on the figures as saved, before computed figures replace any of them.
    breaches, outliers = saved_checks(indicators, rows)
    warning_rules = [b.rule for b in breaches if not b.is_error]
    if blocked:
        warning_rules += [b.rule for b in blocked.unexplained if b.rule not in warning_rules]
    explained, area_initial = {}, {}
    if report.pk:
        explained = dict(
            WarningExplanation.objects.filter(report=report).values_list("rule_id", "text")
        )
        area_initial = {
            (v.indicator_id, v.area_id): v.value for v in AreaValue.objects.filter(report=report)
        }
    if can_edit or part_editable:
        # Computed figures (indicator.source) show what the portal knows right now.
        own = {row.indicator.code: row.current.value for row in rows}
        computed = computed_figures(report, indicators, own)
        for row in rows:
            row.current = computed.get(row.indicator.code, row.current)
    areas = list(residential_areas(ward)) if any(i.by_area for i in indicators) else []
    return EntryPage(
        indicators=indicators,
        rows=rows,
        ratings=rating_entry_rows(report, active_ratings(report.period)),
        areas=areas,
        can_edit=can_edit,
        is_chair=role_of(user) == Role.WARD_CHAIR and ward_for(user) == ward,
        organisation=organisation,
        part_editable=part_editable,
        organisations=organisation_parts(ward, report.period, rows),
        breaches=breaches,
        warning_rules=warning_rules,
        explained=explained,
        area_initial=area_initial,
        outliers=outliers,
        events=list(report.events.select_related("actor")) if report.pk else [],
    )


def periods_end(period):
    return periods.add_months(period, 1) - datetime.timedelta(days=1)


@dataclass
class Change:
    at: datetime.datetime
    user: object
    indicator: Indicator
    old: Figure
    new: Figure


def _changes(report: MonthlyReport) -> list[Change]:
    """All value changes of a report, oldest first, each paired with the value before it."""
    records = (
        IndicatorValue.history.filter(report_id=report.pk)
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, Figure] = {}
    changes = []
    for record in records:
        old = previous.get(record.indicator_id, Figure())
        new = Figure() if record.history_type == "-" else Figure(record.value, record.denominator)
        previous[record.indicator_id] = new
        if old != new:
            changes.append(
                Change(record.history_date, record.history_user, record.indicator, old, new)
            )
    return changes


def report_history(report: MonthlyReport) -> list[Change]:
    """Every change to the report's values, newest first: who, when, old → new."""
    return list(reversed(_changes(report)))


def changes_since(report: MonthlyReport, moment: datetime.datetime) -> list[Change]:
    return [change for change in _changes(report) if change.at > moment]


def ward_year_figures(ward, year):
    """A ward's figures and report statuses for a year: two queries."""
    values = IndicatorValue.objects.filter(
        report__ward=ward, report__period__year=year
    ).values_list("indicator_id", "report__period", "value", "denominator")
    figures = {
        (indicator_id, period.month): Figure(value, denominator)
        for indicator_id, period, value, denominator in values
    }
    reports = MonthlyReport.objects.filter(ward=ward, period__year=year)
    statuses = {period.month: status for period, status in reports.values_list("period", "status")}
    return figures, statuses


def province_month_figures(province, period):
    """Every ward's figures and statuses in a province for a month: two queries."""
    values = IndicatorValue.objects.filter(
        report__ward__province=province, report__period=period
    ).values_list("report__ward_id", "indicator_id", "value", "denominator")
    figures = {
        (ward_id, indicator_id): Figure(value, denominator)
        for ward_id, indicator_id, value, denominator in values
    }
    reports = MonthlyReport.objects.filter(ward__province=province, period=period)
    return figures, dict(reports.values_list("ward_id", "status"))


def still_standing(last, *, include_drafts=False) -> Q:
    """Rows of the indicator summary not superseded: an abolished commune's value no longer
    stands once the commune its figures roll up into has a later value of its own up to `last`
    (a period across the merge counts the new commune's stock, not its old ones' as well)."""
    later_at_successor = WardIndicatorMonth.objects.filter(
        ward__predecessions__predecessor=OuterRef("ward_id"),
        ward__predecessions__rolls_up=True,
        indicator_id=OuterRef("indicator_id"),
        month__gt=OuterRef("month"),
        month__lte=last,
    )
    if not include_drafts:
        later_at_successor = later_at_successor.filter(approved=True)
    return ~Exists(later_at_successor)


def province_period_figures(province, first, last, indicators, *, include_drafts=False):
    """Every ward's figures of `indicators` in a province over a period, {(ward id, indicator
    id): {month: Figure}}, approved reports only unless `include_drafts`, and each ward's number of
    approved months: three queries for any number of wards, on the indicator summary kept
    by reports/summaries/indicators.py. Each ward's months come already rolled up by the
    indicator's rule, under one month, for `aggregate` to add up as it would the months:
    flows (sums, ratios of sums) summed under the period's last month, stocks each at the
    ward's latest month with a value within the period."""
    rows = WardIndicatorMonth.objects.filter(
        province=province, month__gte=first, month__lte=last
    ).order_by()
    if not include_drafts:
        rows = rows.filter(approved=True)
    following = "next_month" if include_drafts else "next_approved"
    stock_ids = [i.pk for i in indicators if i.rollup == Indicator.Rollup.LAST]
    flow_ids = [i.pk for i in indicators if i.rollup != Indicator.Rollup.LAST]
    figures = defaultdict(dict)
    flows = (
        rows.filter(indicator_id__in=flow_ids)
        .values("ward_id", "indicator_id")
        .annotate(total=Sum("value"), parts=Sum("denominator"))
        .values_list("ward_id", "indicator_id", "total", "parts")
    )
    for ward_id, indicator_id, value, denominator in flows:
        figures[(ward_id, indicator_id)][last] = Figure(value, denominator)
    stocks = rows.filter(
        Q(**{f"{following}__isnull": True}) | Q(**{f"{following}__gt": last}),
        still_standing(last, include_drafts=include_drafts),
        indicator_id__in=stock_ids,
    ).values_list("ward_id", "indicator_id", "month", "value", "denominator")
    for ward_id, indicator_id, month, value, denominator in stocks:
        figures[(ward_id, indicator_id)][month] = Figure(value, denominator)
    approved = (
        MonthlyReport.objects.filter(
            ward__province=province,
            period__gte=first,
            period__lte=last,
            status=MonthlyReport.Status.APPROVED,
        )
        .values("ward_id")
        .annotate(months=Count("pk"))
        .order_by()
        .values_list("ward_id", "months")
    )
    return dict(figures), dict(approved)
