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
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from campaigns.models import Campaign, Disbursement, Donation, House
from campaigns.selectors import GRAND_TOTAL_LABEL, counted_donations
from core.numbers import format_number
from reports import periods
from reports.dashboards.figures import change_text, percent, percent_text, points_text
from reports.documents.models import Block, Document
from reports.models import Indicator, MonthlyReport, ValidationRule
from reports.selectors import Figure, aggregate, ward_series
from wards.models import Membership, membership_rate

Kind = Block.Kind

DEFAULT_CAPTIONS = {
    Kind.FUNDS.value: "Kết quả vận động và chi các quỹ",
    Kind.HOUSES.value: "Nhà Đại đoàn kết xây mới, sửa chữa đã bàn giao",
    Kind.MEMBERSHIPS.value: "Tỷ lệ tập hợp đoàn viên, hội viên của các tổ chức thành viên",
    Kind.INDICATORS.value: "Kết quả các chỉ tiêu",
}
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
    ward_id: int
    current: Span
    previous: Span | None
    previous_label: str  # "Nhiệm kỳ trước" or "Kỳ trước"

    def within(self, field: str) -> Q:
        """Rows in the current dates or in the previous term's."""
        condition = self.current.q(field)
        return condition | self.previous.q(field) if self.previous else condition


def _context(document: Document) -> Context:
    previous = None
    if document.previous_starts_on and document.previous_ends_on:
        previous = Span(document.previous_starts_on, document.previous_ends_on)
    label = "Nhiệm kỳ trước" if document.kind == Document.Kind.TERM else "Kỳ trước"
    return Context(document.ward_id, Span(document.starts_on, document.ends_on), previous, label)


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


def _money_by_fund_year(queryset, day_field: str, context: Context) -> dict:
    """{form: {(fund, year): (current, previous)}} of amounts, cash and goods' money
    equivalents apart; one grouped query."""
    previous_sum = Sum("amount", filter=context.previous.q(day_field)) if context.previous else None
    annotations = {"current": Sum("amount", filter=context.current.q(day_field))}
    if previous_sum is not None:
        annotations["previous"] = previous_sum
    rows = (
        queryset.filter(context.within(day_field), ward_id=context.ward_id)
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
    received = _money_by_fund_year(counted_donations(), "received_on", context)
    paid = _money_by_fund_year(Disbursement.objects.all(), "paid_on", context)
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
        for r in House.objects.filter(context.within("handed_over_on"), ward_id=context.ward_id)
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
            ward_id=context.ward_id,
            organisation__is_active=True,
            as_of__lte=max(end, previous_end or end),
        )
        .select_related("organisation")
        .order_by("organisation__display_order", "organisation__name", "as_of", "pk")
    )
    by_organisation = {}
    for record in records:
        by_organisation.setdefault(record.organisation_id, (record.organisation, []))[1].append(
            record
        )

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

    def pair_on(records, day, key):
        record = _latest_on(records, day) if day else None
        if record is None:
            return None
        total = totals[key]
        total[0] += record.members
        total[1] += record.eligible
        total[2] = True
        return record.members, record.eligible

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


def indicators_figures(context: Context, options: dict) -> dict:
    codes = list(options.get("codes") or [])
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    indicators = [found[code] for code in codes if code in found]
    spans = [context.current, *([context.previous] if context.previous else [])]
    months = sorted({m for span in spans for m in span.months})
    # The ward's approved months, with those of the abolished communes it replaced before
    # their abolition (a 2020–2025 term report of a merged ward sums its former communes).
    series = None
    if indicators and months:
        series = ward_series(
            context.ward_id,
            months[0],
            months[-1],
            report_filter=Q(report__status=MonthlyReport.Status.APPROVED),
            indicator_ids=[i.pk for i in indicators],
        )
    pairs = _pairs(indicators) if len(indicators) > 1 else {}

    def figure(indicator, span):
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
    with_rates = any(rates.values())
    columns = [column("Chỉ tiêu", "left"), column("Đơn vị", "left"), column("Kết quả")]
    if with_rates:
        columns.append(column("Tỷ lệ"))
    if context.previous:
        columns += [column(context.previous_label), column("So sánh")]

    rows = []
    for indicator in indicators:
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
    if older:
        notes.append(f"Số thời điểm lấy tháng mới nhất có số liệu trong kỳ; {'; '.join(older)}.")
    idle = [i.name for i in indicators if _not_in_force(i, context.current)]
    if idle:
        notes.append(f"Chưa áp dụng trong kỳ: {'; '.join(idle)}.")
    return {"unit": "", "columns": columns, "rows": rows, "note": " ".join(notes)}


# --- The block ---------------------------------------------------------------------------------

BUILDERS = {
    Kind.FUNDS.value: funds_figures,
    Kind.HOUSES.value: houses_figures,
    Kind.MEMBERSHIPS.value: memberships_figures,
    Kind.INDICATORS.value: indicators_figures,
}


def compute(block: Block) -> dict:
    """The block's snapshot (see CONTRACT above) for its document's dates.

    A fixed number of queries whatever the dates, the funds, the organisations or the
    number of indicators: at most four beyond loading the block's section and document.
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
    if kind == Kind.MEMBERSHIPS:
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
