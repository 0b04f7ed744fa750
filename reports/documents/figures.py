"""Figure blocks: tables (and optional charts) computed from the data for a document's dates.

CONTRACT (shared by pdf.py, docx.py, charts.py and the editing pages) — `compute(block)`
returns a JSON-serialisable snapshot that is stored on the block and rendered as it is:

    {
      "caption": "Kết quả vận động Quỹ Vì người nghèo",     # default table title
      "unit": "Đơn vị: đồng",                                 # "" when the columns say it
      "columns": [{"label": "Quỹ", "align": "left"}, {"label": "Đã vận động", "align": "right"}],
      "rows": [
        {"cells": [{"t": "Quỹ Vì người nghèo", "v": null}, {"t": "1.804.000.000", "v": 1804000000}],
         "total": false},
        ...,
        {"cells": [...], "total": true}                       # the totals row, bold
      ],
      "chart": {                                              # only when options["chart"]
        "title": "…", "unit": "đồng",
        "labels": ["2014", "2015", …],
        "series": [{"name": "Thu", "values": [1, 2, …]}, …]
      },
      "period": "01/01/2014 – 31/12/2019",                    # what the figures cover
      "note": "…"                                             # optional line under the table
    }

Every "t" is already in the Vietnamese format (1.804.000.000; 82,0 %), so the HTML, the
PDF and the DOCX show exactly the same text; "v" keeps the raw integer (or null) for charts.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce, ExtractYear

from campaigns.models import Campaign, Disbursement, Donation, House
from campaigns.selectors import GRAND_TOTAL_LABEL, counted_allocations, counted_donations
from core.numbers import format_number, format_quantity
from reports import periods
from reports.dashboards.figures import change_text, percent, percent_text, points_text
from reports.documents.models import Block, Document
from reports.models import (
    Indicator,
    MonthlyReport,
    RatingValue,
    ValidationRule,
)
from reports.selectors import (
    Figure,
    aggregate,
    province_period_figures,
    rating_figure,
    rating_months,
    ward_series,
)
from wards.models import Membership, membership_rate

Kind = Block.Kind

DEFAULT_CAPTIONS = {
    Kind.FUNDS.value: "Kết quả vận động và chi các quỹ",
    Kind.HOUSES.value: "Nhà Đại đoàn kết xây mới, sửa chữa đã bàn giao",
    Kind.MEMBERSHIPS.value: "Tỷ lệ tập hợp đoàn viên, hội viên của các tổ chức thành viên",
    Kind.INDICATORS.value: "Kết quả các chỉ tiêu",
    Kind.DRIVES.value: "Tiếp nhận, phân bổ các cuộc vận động của Ủy ban MTTQ tỉnh",
    Kind.ALLOCATIONS.value: "Các khoản phân bổ về phường, xã",
}
# Figure blocks of the province committee's own money (province documents only).
PROVINCE_KINDS = frozenset({Kind.DRIVES.value, Kind.ALLOCATIONS.value})
NO_VALUE = "—"
CASH, IN_KIND = Donation.Form.CASH, Donation.Form.IN_KIND
TOTAL_LABEL = "Tổng cộng"


# --- The dates a block covers ------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    first: datetime.date
    last: datetime.date

    @property
    def label(self) -> str:
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    @property
    def months(self) -> list[datetime.date]:
        """Monthly reports whose month starts within the dates (so terms never share a month)."""
        first = self.first if self.first.day == 1 else periods.add_months(self.first, 1)
        return periods.months_between(first.replace(day=1), self.last.replace(day=1))

    @property
    def years(self) -> list[int]:
        return list(range(self.first.year, self.last.year + 1))

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.first, f"{field}__lte": self.last})


@dataclass(frozen=True)
class Context:
    ward_id: int | None  # a commune's document
    current: Span
    previous: Span | None
    previous_label: str  # "Nhiệm kỳ trước" or "Kỳ trước"
    province_id: int | None = None  # a province's document: its communes, summed

    def within(self, field: str) -> Q:
        """Rows in the current dates or in the previous term's."""
        condition = self.current.q(field)
        return condition | self.previous.q(field) if self.previous else condition

    def units(self, prefix: str = "") -> Q:
        """Rows of the commune, or of every commune of the province (`prefix`: the path to
        the row's ward, e.g. "report__")."""
        if self.province_id is None:
            return Q(**{f"{prefix}ward_id": self.ward_id})
        return Q(**{f"{prefix}ward__province_id": self.province_id})

    def receipts(self) -> Q:
        """Donations counted for the holder: a province's also those its committee received."""
        if self.province_id is None:
            return self.units()
        return self.units() | Q(ward__isnull=True, province_id=self.province_id)


def _context(document: Document) -> Context:
    previous = None
    if document.previous_starts_on and document.previous_ends_on:
        previous = Span(document.previous_starts_on, document.previous_ends_on)
    label = "Nhiệm kỳ trước" if document.kind == Document.Kind.TERM else "Kỳ trước"
    return Context(
        document.ward_id,
        Span(document.starts_on, document.ends_on),
        previous,
        label,
        province_id=document.province_id,
    )


# --- Cells and texts ---------------------------------------------------------------------------


def cell(text: str, value: int | None = None) -> dict:
    return {"t": text, "v": value}


def number_cell(value: int | None) -> dict:
    return cell(NO_VALUE if value is None else format_number(value), value)


def row(cells: list[dict], *, total: bool = False) -> dict:
    return {"cells": cells, "total": total}


def column(label: str, align: str = "right") -> dict:
    return {"label": label, "align": align}


def _int(value) -> int:
    return int(value or 0)


# --- Funds ---------------------------------------------------------------------------------------


def _money_by_fund_year(queryset, day_field: str, context: Context, units: Q) -> dict:
    """{form: {(fund, year): (current, previous)}} of amounts, cash and goods' money
    equivalents apart; one grouped query."""
    previous_sum = Sum("amount", filter=context.previous.q(day_field)) if context.previous else None
    annotations = {"current": Sum("amount", filter=context.current.q(day_field))}
    if previous_sum is not None:
        annotations["previous"] = previous_sum
    rows = (
        queryset.filter(context.within(day_field), units)
        .annotate(year=ExtractYear(day_field))
        .values("form", "campaign__fund", "year")
        .annotate(**annotations)
        .order_by()
    )
    amounts = {CASH: {}, IN_KIND: {}}
    for r in rows:
        pair = (_int(r["current"]), _int(r.get("previous")))
        amounts[r["form"]][(r["campaign__fund"], r["year"])] = pair
    return amounts


CASH_LABEL, IN_KIND_LABEL = "tiền mặt", "hiện vật quy đổi"
CASH_TOTAL = "Cộng tiền mặt"
IN_KIND_TOTAL = "Cộng hiện vật quy đổi"


def funds_figures(context: Context, options: dict) -> dict:
    """Per fund, cash raised and paid out; on rows of their own, the money equivalents of
    goods received and handed out; cash and goods added only in the last, labelled row.

    Kinds go on rows rather than columns so that the table keeps three figure columns (five
    with the previous term) and fits the width of an A4 page."""
    # A province's: its communes' and its committee's receipts, its communes' payments;
    # allocations move money inside the province and add nothing here.
    received = _money_by_fund_year(counted_donations(), "received_on", context, context.receipts())
    paid = _money_by_fund_year(Disbursement.objects.all(), "paid_on", context, context.units())
    money = {form: (received[form], paid[form]) for form in (CASH, IN_KIND)}

    def total(amounts, fund=None, year=None, index=0):
        return sum(
            pair[index]
            for (f, y), pair in amounts.items()
            if (fund is None or f == fund) and (year is None or y == year)
        )

    def present(form):
        received, paid = money[form]
        return {fund for fund, _year in (*received, *paid)}

    funds = [
        fund
        for fund in Campaign.Fund.values
        if fund in present(CASH) | present(IN_KIND) or fund == Campaign.Fund.POOR_RELIEF
    ]
    columns = [column("Quỹ", "left"), column("Đã vận động"), column("Đã chi")]
    if context.previous:
        columns += [column(context.previous_label), column("So sánh")]

    def cells(label, forms, fund=None):
        def amount(side, index=0):
            return sum(total(money[form][side], fund, index=index) for form in forms)

        line = [cell(label), number_cell(amount(0)), number_cell(amount(1))]
        if context.previous:
            line += [number_cell(amount(0, 1)), cell(change_text(amount(0), amount(0, 1)))]
        return line

    rows = []
    for fund in funds:
        label = Campaign.Fund(fund).label
        rows.append(row(cells(f"{label} – {CASH_LABEL}", [CASH], fund)))
        if fund in present(IN_KIND):
            rows.append(row(cells(f"{label} – {IN_KIND_LABEL}", [IN_KIND], fund)))
    rows.append(row(cells(CASH_TOTAL, [CASH]), total=True))
    if present(IN_KIND):
        rows.append(row(cells(IN_KIND_TOTAL, [IN_KIND]), total=True))
    rows.append(row(cells(GRAND_TOTAL_LABEL, [CASH, IN_KIND]), total=True))
    snapshot = {
        "unit": "Đơn vị: đồng",
        "columns": columns,
        "rows": rows,
        "note": "Tiền mặt và hiện vật ghi riêng; hiện vật tính theo giá trị quy đổi (hiện vật "
        "chưa quy đổi không có trong bảng), chỉ cộng với tiền mặt ở dòng tổng cộng. Không tính "
        "các khoản đã điều chỉnh hủy.",
    }
    if context.previous:
        snapshot["note"] += (
            f" {context.previous_label}: {context.previous.label}, so sánh số đã vận động."
        )
    if options.get("chart"):
        years = context.current.years
        snapshot["chart"] = {
            "title": "Vận động và chi các quỹ theo năm",
            "unit": "đồng",
            "labels": [str(year) for year in years],
            "series": [
                {
                    "name": "Tiền mặt đã vận động",
                    "values": [total(money[CASH][0], year=y) for y in years],
                },
                {
                    "name": "Hiện vật quy đổi đã nhận",
                    "values": [total(money[IN_KIND][0], year=y) for y in years],
                },
                {
                    "name": "Tiền mặt đã chi",
                    "values": [total(money[CASH][1], year=y) for y in years],
                },
            ],
        }
    return snapshot


# --- Houses --------------------------------------------------------------------------------------

# A house's value is its final account; before that, the sum of its funding sources.
HOUSE_VALUE = Coalesce(
    "final_cost", F("from_fund") + F("from_social") + F("from_household") + F("from_other")
)


def houses_figures(context: Context, options: dict) -> dict:
    current = context.current.q("handed_over_on")
    annotations = {
        "count": Count("pk", filter=current),
        "value": Sum(HOUSE_VALUE, filter=current),
        "fund": Sum("from_fund", filter=current),
    }
    if context.previous:
        annotations["previous"] = Count("pk", filter=context.previous.q("handed_over_on"))
    rows_by_kind_year = {
        (r["kind"], r["year"]): r
        for r in House.objects.filter(context.within("handed_over_on"), context.units())
        .annotate(year=ExtractYear("handed_over_on"))
        .values("kind", "year")
        .annotate(**annotations)
        .order_by()
    }

    def total(name, kind=None, year=None):
        return sum(
            _int(r.get(name))
            for (k, y), r in rows_by_kind_year.items()
            if (kind is None or k == kind) and (year is None or y == year)
        )

    columns = [
        column("Loại nhà", "left"),
        column("Số căn"),
        column("Giá trị (đồng)"),
        column("Trong đó từ Quỹ (đồng)"),
    ]
    if context.previous:
        columns += [column(f"{context.previous_label} (căn)"), column("So sánh")]

    def cells(label, kind):
        count = total("count", kind)
        line = [
            cell(label),
            number_cell(count),
            number_cell(total("value", kind)),
            number_cell(total("fund", kind)),
        ]
        if context.previous:
            previous = total("previous", kind)
            line += [number_cell(previous), cell(change_text(count, previous))]
        return line

    rows = [row(cells(kind.label, kind.value)) for kind in House.Kind]
    rows.append(row(cells(TOTAL_LABEL, None), total=True))
    snapshot = {
        "unit": "",
        "columns": columns,
        "rows": rows,
        "note": "Nhà đã bàn giao trong kỳ; giá trị theo quyết toán, nhà chưa quyết toán "
        "tính theo tổng các nguồn hỗ trợ.",
    }
    if options.get("chart"):
        years = context.current.years
        snapshot["chart"] = {
            "title": "Nhà Đại đoàn kết bàn giao theo năm",
            "unit": "căn",
            "labels": [str(year) for year in years],
            "series": [
                {"name": kind.label, "values": [total("count", kind.value, y) for y in years]}
                for kind in House.Kind
            ],
        }
    return snapshot


# --- Memberships -----------------------------------------------------------------------------


def _latest_on(records: list[Membership], day: datetime.date) -> Membership | None:
    """The newest record on or before the day (records come oldest first)."""
    found = None
    for record in records:
        if record.as_of <= day:
            found = record
    return found


def memberships_figures(context: Context, options: dict) -> dict:
    start, end = context.current.first, context.current.last
    previous_end = context.previous.last if context.previous else None
    records = (
        Membership.objects.filter(
            context.units(),
            organisation__is_active=True,
            as_of__lte=max(end, previous_end or end),
        )
        .select_related("organisation")
        .order_by("organisation__display_order", "organisation__name", "as_of", "pk")
    )
    # {organisation: (organisation, {ward: records oldest first})}: a province's communes
    # each give their latest record, summed.
    by_organisation = {}
    for record in records:
        wards = by_organisation.setdefault(record.organisation_id, (record.organisation, {}))[1]
        wards.setdefault(record.ward_id, []).append(record)

    columns = [
        column("Tổ chức", "left"),
        column(f"Đầu kỳ ({start:%d/%m/%Y})"),
        column("Tỷ lệ"),
        column(f"Cuối kỳ ({end:%d/%m/%Y})"),
        column("Tỷ lệ"),
    ]
    columns += (
        [column(context.previous_label), column("So sánh")]
        if context.previous
        else [column("Tăng, giảm")]
    )

    def counts_cell(pair):
        if pair is None:
            return cell(NO_VALUE)
        members, eligible = pair
        return cell(f"{format_number(members)}/{format_number(eligible)}", members)

    def rate_of(pair):
        return membership_rate(*pair) if pair else None

    def cells(label, at_start, at_end, at_previous):
        line = [
            cell(label),
            counts_cell(at_start),
            cell(percent_text(rate_of(at_start))),
            counts_cell(at_end),
            cell(percent_text(rate_of(at_end))),
        ]
        if context.previous:
            line += [
                cell(percent_text(rate_of(at_previous))),
                cell(points_text(rate_of(at_end), rate_of(at_previous))),
            ]
        else:
            line.append(cell(points_text(rate_of(at_end), rate_of(at_start))))
        return line

    totals = {"start": [0, 0, False], "end": [0, 0, False], "previous": [0, 0, False]}

    def pair_on(histories, day, key):
        found = [_latest_on(records, day) for records in histories.values()] if day else []
        found = [record for record in found if record is not None]
        if not found:
            return None
        members = sum(record.members for record in found)
        eligible = sum(record.eligible for record in found)
        total = totals[key]
        total[0] += members
        total[1] += eligible
        total[2] = True
        return members, eligible

    rows = []
    for organisation, history in by_organisation.values():
        rows.append(
            row(
                cells(
                    organisation.name,
                    pair_on(history, start, "start"),
                    pair_on(history, end, "end"),
                    pair_on(history, previous_end, "previous"),
                )
            )
        )

    def summed(key):
        members, eligible, present = totals[key]
        return (members, eligible) if present else None

    # Summed members over summed eligible people: never an average of the rates.
    rows.append(
        row(
            cells(TOTAL_LABEL, summed("start"), summed("end"), summed("previous")),
            total=True,
        )
    )
    note = "Số đoàn viên, hội viên / số người trong diện tập hợp, theo số liệu mới nhất đến ngày."
    if context.previous:
        note += f" {context.previous_label}: tỷ lệ đến ngày {previous_end:%d/%m/%Y}."
    return {"unit": "", "columns": columns, "rows": rows, "note": note}


# --- Indicators ------------------------------------------------------------------------------


def _is_rate(indicator: Indicator) -> bool:
    return indicator.rollup == Indicator.Rollup.RATIO or indicator.kind == Indicator.Kind.RATIO


def _pairs(indicators: list[Indicator]) -> dict[str, Indicator]:
    """{part code: whole indicator} from "part <= whole" checks between two chosen indicators,
    e.g. cases resolved ≤ cases found: the block shows the part as a share of the whole."""
    by_code = {indicator.code: indicator for indicator in indicators}
    pairs = {}
    rules = ValidationRule.objects.filter(
        is_active=True,
        operator__in=(ValidationRule.Operator.LE, ValidationRule.Operator.LT),
        left__in=list(by_code),
        right__in=list(by_code),
    )
    for rule in rules:
        part, whole = rule.left.strip(), rule.right.strip()
        counts = part in by_code and whole in by_code and part not in pairs
        if counts and not _is_rate(by_code[part]) and not _is_rate(by_code[whole]):
            pairs[part] = by_code[whole]
    return pairs


def _in_sentence(name: str) -> str:
    """ "Tổng số cử tri" → "tổng số cử tri" (abbreviations such as "Ban TTND" kept)."""
    return name[:1].lower() + name[1:]


def _not_in_force(indicator: Indicator, span: Span) -> bool:
    return (indicator.active_from is not None and indicator.active_from > span.last) or (
        indicator.active_to is not None and indicator.active_to < span.first
    )


def _ratings(context: Context, chosen: list[Indicator], months) -> dict:
    """{code: (RatingFigure now, RatingFigure of the previous span or None)} of the chosen
    rating indicators, from approved reports; two queries, none without a rating."""
    if not chosen or not months:
        return {}
    prefetch_related_objects(chosen, "categories")
    by_category = rating_months(
        RatingValue.objects.filter(
            context.units("report__"),
            category__indicator__in=chosen,
            report__status=MonthlyReport.Status.APPROVED,
            report__period__gte=months[0],
            report__period__lte=months[-1],
        )
        .order_by()
        .values_list("category_id", "report__period", "value")
    )
    return {
        indicator.code: (
            rating_figure(indicator, context.current.months, by_category),
            rating_figure(indicator, context.previous.months, by_category)
            if context.previous
            else None,
        )
        for indicator in chosen
    }


def _rating_rows(context: Context, figures) -> list[dict]:
    """A rating's rows: its total rated, then each category's count and share of the total,
    and, with a previous span, the count then and the change."""
    current, previous = figures
    indicator = current.indicator

    def line(name, count, share, previous_count):
        cells = [cell(name), cell(indicator.unit), number_cell(count), cell(share)]
        if context.previous:
            cells += [number_cell(previous_count), cell(change_text(count, previous_count))]
        return row(cells)

    rows = [line(indicator.name, current.total, "", previous.total if previous else None)]
    for index, category_line in enumerate(current.lines):
        share = percent_text(category_line.share) if category_line.share is not None else ""
        before = previous.lines[index].figure.value if previous else None
        rows.append(
            line(f"– {category_line.category.name}", category_line.figure.value, share, before)
        )
    return rows


def indicators_figures(context: Context, options: dict) -> dict:
    codes = list(options.get("codes") or [])
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    chosen = [found[code] for code in codes if code in found]
    indicators = [i for i in chosen if not i.is_rating]
    spans = [context.current, *([context.previous] if context.previous else [])]
    months = sorted({m for span in spans for m in span.months})
    ratings = _ratings(context, [i for i in chosen if i.is_rating], months)
    # A province's: {(span's first month, indicator id): [{month: Figure} per commune]}, each
    # span read apart (the communes' months come rolled up over the span asked for).
    by_unit = defaultdict(list)
    series = None
    if indicators and months and context.province_id is not None:
        for span in spans:
            figures_by_ward, _approved = province_period_figures(
                context.province_id, span.months[0], span.months[-1], indicators
            )
            for (_ward_id, indicator_id), by_month in figures_by_ward.items():
                by_unit[(span.months[0], indicator_id)].append(by_month)
    elif indicators and months:
        # The ward's approved months, with those of the abolished communes it replaced before
        # their abolition (a 2020–2025 term report of a merged ward sums its former communes).
        series = ward_series(
            context.ward_id,
            months[0],
            months[-1],
            report_filter=Q(report__status=MonthlyReport.Status.APPROVED),
            indicator_ids=[i.pk for i in indicators],
        )
    pairs = _pairs(indicators) if len(indicators) > 1 else {}

    def figure(indicator, span):
        if context.province_id is not None:
            # Each commune by the indicator's rule, then the communes added up.
            return aggregate(indicator, span.months, *by_unit[(span.months[0], indicator.pk)])
        recorded = series.months_of(indicator) if series else {}
        return aggregate(indicator, span.months, recorded)

    figures = {
        indicator.code: (
            figure(indicator, context.current),
            figure(indicator, context.previous) if context.previous else None,
        )
        for indicator in indicators
    }

    def result_cell(indicator, value: Figure):
        if value.value is None:
            return cell(NO_VALUE)
        if _is_rate(indicator):
            return cell(
                f"{format_number(value.value)}/{format_number(value.denominator)}", value.value
            )
        return number_cell(value.value)

    def rate_text(indicator, value: Figure) -> str:
        if _is_rate(indicator):
            return percent_text(percent(value.value, value.denominator))
        whole = pairs.get(indicator.code)
        if whole is None:
            return ""
        return percent_text(percent(value.value, figures[whole.code][0].value))

    rates = {
        indicator.code: rate_text(indicator, figures[indicator.code][0]) for indicator in indicators
    }
    with_rates = any(rates.values()) or bool(ratings)
    columns = [column("Chỉ tiêu", "left"), column("Đơn vị", "left"), column("Kết quả")]
    if with_rates:
        columns.append(column("Tỷ lệ"))
    if context.previous:
        columns += [column(context.previous_label), column("So sánh")]

    rows = []
    for indicator in chosen:
        if indicator.is_rating:
            rows += _rating_rows(context, ratings[indicator.code])
            continue
        current, previous = figures[indicator.code]
        line = [cell(indicator.name), cell(indicator.unit), result_cell(indicator, current)]
        if with_rates:
            line.append(cell(rates[indicator.code]))
        if context.previous:
            if _is_rate(indicator):
                previous_rate = percent(previous.value, previous.denominator)
                line += [
                    cell(percent_text(previous_rate)),
                    cell(points_text(percent(current.value, current.denominator), previous_rate)),
                ]
            else:
                line += [
                    number_cell(previous.value),
                    cell(change_text(current.value, previous.value)),
                ]
        rows.append(row(line))

    months_used = context.current.months
    notes = ["Số liệu từ các báo cáo tháng đã duyệt"]
    if context.province_id is not None:
        notes[0] += " của các phường, xã trong tỉnh, cộng theo quy tắc của từng chỉ tiêu"
    if months_used:
        notes[0] += f", tháng {months_used[0]:%m/%Y} – tháng {months_used[-1]:%m/%Y}"
    notes[0] += "."
    if pairs:
        notes.append(
            "Tỷ lệ: "
            + "; ".join(
                f"{_in_sentence(found[part].name)} so với {_in_sentence(whole.name)}"
                for part, whole in pairs.items()
            )
            + "."
        )
    missing = [code for code in codes if code not in found]
    if missing:
        notes.append(f"Không còn chỉ tiêu: {', '.join(missing)}.")
    older = [
        f"{found[code].name}: số liệu tháng {figures[code][0].as_of:%m/%Y}"
        for code in figures
        if figures[code][0].as_of
    ]
    older += [
        f"{rating.indicator.name}: số liệu tháng {rating.as_of:%m/%Y}"
        for rating, _previous in ratings.values()
        if rating.as_of
    ]
    if older:
        notes.append(f"Số thời điểm lấy tháng mới nhất có số liệu trong kỳ; {'; '.join(older)}.")
    if ratings:
        notes.append("Xếp loại: tỷ lệ của từng loại tính trên tổng số được xếp loại.")
    idle = [i.name for i in chosen if _not_in_force(i, context.current)]
    if idle:
        notes.append(f"Chưa áp dụng trong kỳ: {'; '.join(idle)}.")
    return {"unit": "", "columns": columns, "rows": rows, "note": " ".join(notes)}


# --- The province committee's drives and allocations -------------------------------------------

PROVINCE_ONLY_NOTE = "Bảng này chỉ có số liệu trong báo cáo của tỉnh, thành phố."


def _province_only(columns) -> dict:
    return {"unit": "", "columns": columns, "rows": [], "note": PROVINCE_ONLY_NOTE}


def _by_campaign_form(queryset, day_field: str, span: Span) -> dict:
    """{(campaign, form): (amount within the span, amount up to its last day)}: one query."""
    rows = (
        queryset.filter(**{f"{day_field}__lte": span.last})
        .values("campaign_id", "form")
        .annotate(
            within=Coalesce(Sum("amount", filter=span.q(day_field)), 0),
            to_date=Coalesce(Sum("amount"), 0),
        )
        .order_by()
    )
    return {(r["campaign_id"], r["form"]): (_int(r["within"]), _int(r["to_date"])) for r in rows}


def drives_figures(context: Context, options: dict) -> dict:
    """Per drive of the province's committee, cash and goods' money equivalents on rows of
    their own: received by the committee, allocated to communes, paid by the communes from it
    (within the dates), and held by the committee on the last day (as
    campaigns.selectors.fund_balance(campaign=, as_of=, at=province) counts cash). Four
    queries whatever the number of drives."""
    columns = [
        column("Cuộc vận động", "left"),
        column("Tỉnh tiếp nhận"),
        column("Đã phân bổ về xã"),
        column("Xã đã chi"),
        column("Tỉnh còn giữ"),
    ]
    if context.province_id is None:
        return _province_only(columns)
    span = context.current
    drives = list(
        Campaign.objects.filter(province_id=context.province_id, starts_on__lte=span.last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=span.first))
        .order_by("starts_on", "name", "pk")
    )
    ids = [drive.pk for drive in drives]
    received = _by_campaign_form(
        counted_donations().filter(campaign__in=ids, ward__isnull=True), "received_on", span
    )
    allocated = _by_campaign_form(
        counted_allocations().filter(campaign__in=ids), "decision_date", span
    )
    paid = _by_campaign_form(Disbursement.objects.filter(campaign__in=ids), "paid_on", span)

    def amounts(form, drive_ids):
        def within(book):
            return sum(book.get((pk, form), (0, 0))[0] for pk in drive_ids)

        def to_date(book):
            return sum(book.get((pk, form), (0, 0))[1] for pk in drive_ids)

        return (
            within(received),
            within(allocated),
            within(paid),
            to_date(received) - to_date(allocated),
        )

    def cells(label, values):
        return [cell(label), *(number_cell(value) for value in values)]

    has_goods = {
        pk
        for book in (received, allocated, paid)
        for (pk, form), pair in book.items()
        if form == IN_KIND and any(pair)
    }
    rows = []
    for drive in drives:
        rows.append(row(cells(f"{drive.name} – {CASH_LABEL}", amounts(CASH, [drive.pk]))))
        if drive.pk in has_goods:
            rows.append(row(cells(f"{drive.name} – {IN_KIND_LABEL}", amounts(IN_KIND, [drive.pk]))))
    cash, goods = amounts(CASH, ids), amounts(IN_KIND, ids)
    rows.append(row(cells(CASH_TOTAL, cash), total=True))
    if has_goods:
        rows.append(row(cells(IN_KIND_TOTAL, goods), total=True))
    rows.append(
        row(
            cells(GRAND_TOTAL_LABEL, [c + g for c, g in zip(cash, goods, strict=True)]),
            total=True,
        )
    )
    note = (
        "Đơn vị: đồng. Tiền mặt và hiện vật ghi riêng, hiện vật theo giá trị quy đổi; "
        "chỉ cộng với nhau ở dòng tổng cộng. “Tỉnh tiếp nhận”: Ủy ban MTTQ tỉnh trực tiếp nhận; "
        "“Xã đã chi”: các phường, xã chi cho hộ từ nguồn của cuộc vận động; “Tỉnh còn giữ”: "
        f"đến ngày {span.last:%d/%m/%Y}. Không tính các khoản đã điều chỉnh hủy."
    )
    return {"unit": "Đơn vị: đồng", "columns": columns, "rows": rows, "note": note}


def _goods_text(allocation) -> str:
    if allocation.form != IN_KIND:
        return NO_VALUE
    quantity = format_quantity(allocation.in_kind_quantity)
    return " ".join(
        part for part in (quantity, allocation.in_kind_unit, allocation.in_kind_description) if part
    )


def allocations_figures(context: Context, options: dict) -> dict:
    """Every counted allocation decided within the dates, commune by commune: its decision,
    cash, goods (what and their money equivalent) and when the commune confirmed it."""
    columns = [
        column("Phường, xã", "left"),
        column("Quyết định", "left"),
        column("Tiền mặt (đồng)"),
        column("Hiện vật", "left"),
        column("Giá trị hiện vật quy đổi (đồng)"),
        column("Xã nhận ngày", "left"),
    ]
    if context.province_id is None:
        return _province_only(columns)
    span = context.current
    allocations = list(
        counted_allocations()
        .filter(
            span.q("decision_date"),
            campaign__province_id=context.province_id,
        )
        .select_related("ward")
        .order_by("decision_date", "ward__name", "pk")
    )
    rows, cash, goods = [], 0, 0
    for allocation in allocations:
        amount = _int(allocation.amount)
        is_cash = allocation.form == CASH
        cash += amount if is_cash else 0
        goods += 0 if is_cash else amount
        rows.append(
            row(
                [
                    cell(allocation.ward.name),
                    cell(
                        f"Số {allocation.decision_number} ngày {allocation.decision_date:%d/%m/%Y}"
                    ),
                    number_cell(amount) if is_cash else cell(NO_VALUE),
                    cell(_goods_text(allocation)),
                    cell(NO_VALUE) if is_cash else number_cell(allocation.amount),
                    cell(
                        f"{allocation.confirmed_on:%d/%m/%Y}"
                        if allocation.confirmed_on
                        else "Chưa xác nhận"
                    ),
                ]
            )
        )
    communes = len({allocation.ward_id for allocation in allocations})
    rows.append(
        row(
            [
                cell(f"{TOTAL_LABEL}: {format_number(len(allocations))} khoản"),
                cell(f"{format_number(communes)} phường, xã"),
                number_cell(cash),
                cell(""),
                number_cell(goods),
                cell(""),
            ],
            total=True,
        )
    )
    return {
        "unit": "",
        "columns": columns,
        "rows": rows,
        "note": "Các khoản phân bổ theo ngày quyết định, không tính khoản đã điều chỉnh hủy; "
        "tiền mặt và hiện vật ghi riêng.",
    }


# --- The block ---------------------------------------------------------------------------------

BUILDERS = {
    Kind.FUNDS.value: funds_figures,
    Kind.HOUSES.value: houses_figures,
    Kind.MEMBERSHIPS.value: memberships_figures,
    Kind.INDICATORS.value: indicators_figures,
    Kind.DRIVES.value: drives_figures,
    Kind.ALLOCATIONS.value: allocations_figures,
}


def compute(block: Block) -> dict:
    """The block's snapshot (see CONTRACT above) for its document's dates.

    A fixed number of queries whatever the dates, the funds, the organisations or the
    number of indicators: at most six beyond loading the block's section and document.
    """
    if block.kind not in BUILDERS:
        raise ValueError(f"Not a figure block: {block.kind!r}")
    document = block.section.document
    context = _context(document)
    snapshot = BUILDERS[block.kind](context, block.options or {})
    return {
        "caption": block.caption or DEFAULT_CAPTIONS[block.kind],
        "unit": snapshot.pop("unit", ""),
        "columns": snapshot.pop("columns"),
        "rows": snapshot.pop("rows"),
        **({"chart": snapshot.pop("chart")} if "chart" in snapshot else {}),
        "period": context.current.label,
        "note": snapshot.pop("note", ""),
    }


# --- Options chosen on the editing page --------------------------------------------------------


def indicator_choices() -> list[tuple[str, str]]:
    """(code, label) of every indicator, in catalogue order, for a multi-select."""
    return [
        (indicator.code, f"{indicator.name} ({indicator.code})")
        for indicator in Indicator.objects.order_by("group__display_order", "display_order", "code")
    ]


def clean_options(kind: str, options: dict | None) -> dict:
    """The options a figure block may store, or ValidationError in Vietnamese."""
    options = options or {}
    if kind not in BUILDERS:
        raise ValidationError("Loại khối số liệu không hợp lệ.")
    if kind in (Kind.FUNDS, Kind.HOUSES):
        return {"chart": bool(options.get("chart"))}
    if kind in (Kind.MEMBERSHIPS, *PROVINCE_KINDS):
        return {}
    codes = options.get("codes") or []
    if isinstance(codes, str):
        codes = codes.split(",")
    codes = list(dict.fromkeys(str(code).strip().upper() for code in codes if str(code).strip()))
    if not codes:
        raise ValidationError("Chọn ít nhất một chỉ tiêu.")
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(f"Mã chỉ tiêu không tồn tại: {', '.join(unknown)}.")
    return {"codes": codes}
