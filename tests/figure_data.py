"""Random but plausible data for the figure-equivalence test (issue 12, point 10).

`datasets()` draws a plain description of two years of work in several wards of two provinces:
memberships, funds with cash and in-kind gifts (valued or not), reversals, cash paid out and
goods handed out, houses, and monthly reports in every state with flows, stocks and ratios.
`write()` records it the way the portal's users do, through the services. The expected figures
are recomputed from these rows by the rules in tests/test_figure_equivalence.py, never by the
code under test.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.utils import timezone
from hypothesis import strategies as st

from campaigns import services as campaign_services
from campaigns.models import Campaign
from reports import services as report_services
from reports.models import MonthlyReport, ValidationRule
from tests import factories
from wards import services as ward_services
from wards.models import RoleAssignment

D = datetime.date
Role = RoleAssignment.Role
Status = MonthlyReport.Status
YEARS = (2024, 2025)
MONTHS = [D(year, month, 1) for year in YEARS for month in range(1, 13)]
FIRST_DAY, LAST_DAY = D(2024, 1, 1), D(2025, 12, 31)
# Two provinces of two wards each.
WARDS_PER_PROVINCE = (2, 2)
WARD_NAMES = ["Phường Đông Xuyên", "Xã Mỹ Hòa Hưng", "Phường Ô Chợ Dừa", "Phường Dịch Vọng"]

# --- What each typed indicator is, as the issue defines the kinds ---------------------------

FLOW, STOCK, FLOW_RATIO, STOCK_RATIO = "flow", "stock", "flow ratio", "stock ratio"
# Stocks of the catalogue (people, households, groups, areas: a figure at a moment).
STOCK_CODES = {
    "TH_DVHV",
    "TH_DOITUONG",
    "TH_CHIHOI",
    "HN_NGHEO",
    "HN_CANNGHEO",
    "HN_TONGHO",
    "BC_CUTRI",
    "BC_DIBAU",
    "VH_KDC",
    "VH_KDC_TONG",
    "VH_GD",
    "TQ_TO",
    "TQ_HO",
    "TQ_ONDINH",
    "TQ_KHOKHAN",
    "TH_SO_CHIHOI",
    "TH_TOHOI_NN",
    "TN_DOI",
    "TN_THANHVIEN",
}
# Money indicators (shown in đồng).
MONEY_CODES = {
    "VNN_THU",
    "VNN_CHI",
    "VNN_HIENVAT",
    "ASXH_QUA_TIEN",
    "ASXH_THIENTAI",
    "NDDK_TIEN",
    "THTK_TIEN",
}


# Shares of the self-managed groups, computed from the month's counts: ratios of stocks.
GROUP_SHARE_CODES = {"TQ_TYLE_ONDINH", "TQ_TYLE_KHOKHAN"}


def kind_of(code: str) -> str:
    """The membership rate and the groups' shares are ratios of stocks; funerals a ratio of
    flows; the rest by unit."""
    if code == "TH_TYLE" or code in GROUP_SHARE_CODES:
        return STOCK_RATIO
    if code == "VH_TANG_VM":
        return FLOW_RATIO
    return STOCK if code in STOCK_CODES else FLOW


# Indicators officers type in these datasets, with plausible ranges.
FLOW_RANGES = {
    "TT_BUOI": (0, 25, 1),
    "TT_LUOT": (0, 2_500, 1),
    "GS_KIENNGHI": (0, 12, 1),
    "GS_GIAIQUYET": (0, 12, 1),
    "THTK_TIEN": (0, 400, 50_000),  # multiples of 50.000 đ
}
# Stocks come in pairs that a rule ties (part <= whole), missing together.
STOCK_PAIRS = (("HN_NGHEO", "HN_TONGHO"), ("TQ_ONDINH", "TQ_TO"))
TYPED_CODES = (*FLOW_RANGES, "HN_NGHEO", "HN_TONGHO", "TQ_ONDINH", "TQ_TO", "VH_TANG_VM")
# Indicators the portal fills in itself from memberships, funds and houses.
COMPUTED_CODES = (
    "TH_DVHV",
    "TH_DOITUONG",
    "TH_TYLE",
    "VNN_THU",
    "VNN_HIENVAT",
    "VNN_CHI",
    "ASXH_THIENTAI",
    "NDDK_KHOICONG",
    "NDDK_XAYMOI",
    "NDDK_SUACHUA",
    "NDDK_TIEN",
)
GOODS = (("Gạo", "kg"), ("Mì gói", "thùng"), ("Chăn ấm", "cái"))


# --- The description ----------------------------------------------------------------------


@dataclass
class OrganisationSpec:
    name: str
    short_name: str
    display_order: int
    is_active: bool


@dataclass
class MembershipSpec:
    ward: int
    organisation: int
    as_of: datetime.date
    members: int
    eligible: int


@dataclass
class CampaignSpec:
    name: str
    kind: str
    fund: str
    ward: int | None  # index of the ward it belongs to, or
    province: int | None  # of the province
    starts_on: datetime.date
    ends_on: datetime.date | None
    target_amount: int | None
    target_count: int | None = None


@dataclass
class DonationSpec:
    campaign: int
    ward: int
    received_on: datetime.date
    form: str  # "cash" or "in_kind"
    amount: int | None  # cash, or the goods' money equivalent (None: not valued)
    donor_kind: str
    publish_name: bool
    goods: tuple | None = None  # (description, unit)
    quantity: Decimal | None = None
    reversed: bool = False


@dataclass
class PaymentSpec:
    campaign: int
    ward: int
    paid_on: datetime.date
    form: str
    amount: int | None
    goods: tuple | None = None
    quantity: Decimal | None = None


@dataclass
class HouseSpec:
    ward: int
    campaign: int | None
    kind: str
    started_on: datetime.date | None
    handed_over_on: datetime.date | None
    final_cost: int | None
    from_fund: int
    from_social: int
    from_household: int
    from_other: int


@dataclass
class ReportSpec:
    ward: int
    period: datetime.date
    status: str
    typed: dict  # code → (value, denominator or None)
    sent_days_after_due: int | None  # first submission, relative to the due date


@dataclass
class Dataset:
    organisations: list
    memberships: list
    campaigns: list
    donations: list
    payments: list
    houses: list
    reports: list

    def __repr__(self) -> str:
        # The whole description runs to tens of kB; derandomised runs reproduce it anyway.
        return (
            f"Dataset({len(self.reports)} reports, {len(self.memberships)} memberships, "
            f"{len(self.campaigns)} campaigns, {len(self.donations)} donations "
            f"({sum(d.reversed for d in self.donations)} reversed), {len(self.payments)} "
            f"payments, {len(self.houses)} houses)"
        )

    def _repr_pretty_(self, printer, cycle):  # how Hypothesis prints a failing example
        printer.text(repr(self))

    @property
    def ward_count(self) -> int:
        return sum(WARDS_PER_PROVINCE)

    def province_of(self, ward: int) -> int:
        return 0 if ward < WARDS_PER_PROVINCE[0] else 1

    def wards_of(self, province: int) -> list[int]:
        return [w for w in range(self.ward_count) if self.province_of(w) == province]


def _day(draw, first: datetime.date, last: datetime.date) -> datetime.date:
    return draw(st.dates(min_value=first, max_value=last))


def _ward_campaigns(draw, ward: int, name: str) -> list[CampaignSpec]:
    # Gifts are multiples of 50.000 đ: against 20 or 40 million many rates end in 5 at the
    # second decimal (6,25 %), where rounding half up matters.
    targets = st.sampled_from([None, 20_000_000, 40_000_000, 160_000_000])
    campaigns = [
        CampaignSpec(
            f"Quỹ Vì người nghèo – {name}",
            Campaign.Kind.FUND,
            Campaign.Fund.POOR_RELIEF,
            ward,
            None,
            FIRST_DAY,
            None,
            draw(targets),
        )
    ]
    if draw(st.booleans()):
        # A relief drive that ran a few months only: periods after it do not list it.
        start = _day(draw, D(2024, 6, 1), D(2025, 6, 30))
        campaigns.append(
            CampaignSpec(
                f"Cứu trợ bão lũ – {name}",
                Campaign.Kind.FUND,
                Campaign.Fund.DISASTER,
                ward,
                None,
                start,
                start + datetime.timedelta(days=draw(st.integers(30, 120))),
                draw(st.sampled_from([None, 10_000_000, 20_000_000])),
            )
        )
    if draw(st.booleans()):
        campaigns.append(
            CampaignSpec(
                f"Nhà Đại đoàn kết – {name}",
                Campaign.Kind.HOUSING,
                Campaign.Fund.POOR_RELIEF,
                ward,
                None,
                FIRST_DAY,
                None,
                draw(st.sampled_from([None, 120_000_000])),
                draw(st.sampled_from([None, 3, 8, 16])),
            )
        )
    return campaigns


def _covered_from(receipts: list, needed, last: datetime.date) -> datetime.date | None:
    """The first day by which the receipts [(day, quantity)] add up to `needed`."""
    total = 0
    for day, quantity in sorted(receipts):
        total += quantity
        if total >= needed:
            return day
    return None


def _gifts(draw, dataset: Dataset) -> None:
    """Donations, reversals and payments, each within its campaign's dates; a payment comes
    after the money or goods it spends arrived at the ward that pays, and never takes that
    ward's holding below zero (the services refuse that: a ward of a province drive spends
    what it collected itself)."""
    for index, campaign in enumerate(dataset.campaigns):
        wards = (
            [campaign.ward] if campaign.ward is not None else dataset.wards_of(campaign.province)
        )
        first = max(campaign.starts_on, FIRST_DAY)
        last = min(campaign.ends_on or LAST_DAY, LAST_DAY)
        # Counted receipts by ward: {ward: [(day, amount)]}, {(ward, goods): [(day, quantity)]}.
        cash, goods = {}, {}
        for _ in range(draw(st.integers(1, 7))):
            ward = draw(st.sampled_from(wards))
            on = _day(draw, first, last)
            donor_kind = draw(
                st.sampled_from(["individual", "individual", "organisation", "anonymous"])
            )
            publish = draw(st.booleans()) if donor_kind == "individual" else True
            reversed_ = draw(st.integers(0, 6)) == 6  # one gift in seven
            if draw(st.integers(0, 2)):
                amount = draw(st.integers(1, 300)) * 50_000
                gift = DonationSpec(index, ward, on, "cash", amount, donor_kind, publish)
                if not reversed_:
                    cash.setdefault(ward, []).append((on, amount))
            else:
                kind = draw(st.sampled_from(GOODS))
                quantity = Decimal(draw(st.integers(1, 400)))
                value = draw(st.one_of(st.none(), st.integers(1, 200).map(lambda k: k * 50_000)))
                gift = DonationSpec(
                    index, ward, on, "in_kind", value, donor_kind, publish, kind, quantity
                )
                if not reversed_:
                    goods.setdefault((ward, kind), []).append((on, quantity))
            gift.reversed = reversed_
            dataset.donations.append(gift)
        spent = {}
        for _ in range(draw(st.integers(0, 3))):
            if not cash:
                break
            payer = draw(st.sampled_from(sorted(cash)))
            left = sum(amount for _day_, amount in cash[payer]) - spent.get(payer, 0)
            if left < 100_000:
                break
            # At most half of what is left (and at least 100.000 đ).
            amount = draw(st.integers(1, max(1, left // 200_000))) * 100_000
            since = _covered_from(cash[payer], spent.get(payer, 0) + amount, last)
            spent[payer] = spent.get(payer, 0) + amount
            dataset.payments.append(
                PaymentSpec(index, payer, _day(draw, since, last), "cash", amount)
            )
        for (payer, kind), receipts in goods.items():
            if not draw(st.booleans()):
                continue
            held = sum(quantity for _day_, quantity in receipts)
            quantity = Decimal(draw(st.integers(1, int(held))))
            value = draw(st.one_of(st.none(), st.integers(1, 100).map(lambda k: k * 20_000)))
            since = _covered_from(receipts, quantity, last)
            dataset.payments.append(
                PaymentSpec(
                    index,
                    payer,
                    _day(draw, since, last),
                    "in_kind",
                    value,
                    kind,
                    quantity,
                )
            )


def _houses(draw, dataset: Dataset) -> None:
    for ward in range(dataset.ward_count):
        programmes = [
            i
            for i, c in enumerate(dataset.campaigns)
            if c.ward == ward and c.kind == Campaign.Kind.HOUSING
        ]
        for _ in range(draw(st.integers(0, 4))):
            started = draw(st.one_of(st.none(), st.dates(D(2023, 10, 1), D(2025, 11, 30))))
            handed = None
            if started and draw(st.integers(0, 3)):
                handed = started + datetime.timedelta(days=draw(st.integers(20, 200)))
                handed = handed if handed <= LAST_DAY else None
            dataset.houses.append(
                HouseSpec(
                    ward,
                    draw(st.sampled_from([None, *programmes])),
                    draw(st.sampled_from(["new", "repair"])),
                    started,
                    handed,
                    draw(st.one_of(st.none(), st.integers(20, 90).map(lambda k: k * 1_000_000))),
                    draw(st.integers(0, 60)) * 1_000_000,
                    draw(st.integers(0, 30)) * 1_000_000,
                    draw(st.integers(0, 20)) * 1_000_000,
                    draw(st.integers(0, 5)) * 1_000_000,
                )
            )


def _memberships(draw, dataset: Dataset) -> None:
    for ward in range(dataset.ward_count):
        for organisation in range(len(dataset.organisations)):
            days = draw(
                st.lists(st.dates(D(2023, 6, 1), LAST_DAY), max_size=4, unique=True).map(sorted)
            )
            eligible = draw(st.integers(50, 3_000))
            for as_of in days:
                eligible = max(1, eligible + draw(st.integers(-40, 60)))
                dataset.memberships.append(
                    MembershipSpec(
                        ward, organisation, as_of, draw(st.integers(0, eligible)), eligible
                    )
                )


# Mostly approved (the simplest example draws the first); some months without a report.
STATUSES = [*[Status.APPROVED] * 7, None, Status.DRAFT, Status.SUBMITTED, Status.RETURNED]


def _reports(draw, dataset: Dataset) -> None:
    for ward in range(dataset.ward_count):
        for period in MONTHS:
            status = draw(st.sampled_from(STATUSES))
            if status is None:
                continue
            typed = {}
            for code, (low, high, step) in FLOW_RANGES.items():
                if draw(st.integers(0, 7)) < 7:
                    typed[code] = (draw(st.integers(low, high)) * step, None)
            if draw(st.integers(0, 3)) < 3:
                households = draw(st.integers(1_500, 6_000))
                typed["HN_TONGHO"] = (households, None)
                typed["HN_NGHEO"] = (draw(st.integers(0, min(250, households))), None)
            if draw(st.integers(0, 3)) < 3:
                groups = draw(st.integers(8, 45))
                typed["TQ_TO"] = (groups, None)
                typed["TQ_ONDINH"] = (draw(st.integers(0, groups)), None)
            if draw(st.integers(0, 2)) < 2:
                funerals = draw(st.integers(1, 9))
                typed["VH_TANG_VM"] = (draw(st.integers(0, funerals)), funerals)
            sent = None
            if status != Status.DRAFT:
                sent = draw(st.integers(-4, 8))
            dataset.reports.append(ReportSpec(ward, period, status, typed, sent))


@st.composite
def datasets(draw) -> Dataset:
    organisations = [
        OrganisationSpec("Hội Liên hiệp Phụ nữ", "Hội LHPN", 10, True),
        OrganisationSpec("Hội Nông dân", "Hội ND", 20, True),
        OrganisationSpec("Đoàn Thanh niên", "Đoàn TN", 30, True),
        # An organisation no longer in use: its records count nowhere.
        OrganisationSpec("Hội Cựu thanh niên xung phong", "Hội CTNXP", 40, False),
    ]
    campaigns = []
    for ward, name in enumerate(WARD_NAMES):
        campaigns += _ward_campaigns(draw, ward, name)
    for province in (0, 1):
        campaigns.append(
            CampaignSpec(
                f"Ủng hộ Quỹ của tỉnh {province + 1}",
                Campaign.Kind.FUND,
                Campaign.Fund.OTHER,
                None,
                province,
                D(2024, 3, 1),
                None,
                draw(st.sampled_from([None, 200_000_000, 400_000_000])),
            )
        )
    dataset = Dataset(organisations, [], campaigns, [], [], [], [])
    _memberships(draw, dataset)
    _gifts(draw, dataset)
    _houses(draw, dataset)
    _reports(draw, dataset)
    return dataset


# --- Writing it as users do ---------------------------------------------------------------


@dataclass
class Written:
    """The dataset's rows as saved: model instances in the order of the description."""

    dataset: Dataset
    provinces: list
    wards: list
    officers: list
    chairs: list
    province_officers: list
    admin: object
    organisations: list
    campaigns: list
    donations: list = field(default_factory=list)  # (spec, Donation)
    payments: list = field(default_factory=list)  # (spec, Disbursement)
    houses: list = field(default_factory=list)  # (spec, House)
    reports: dict = field(default_factory=dict)  # (ward index, period) → MonthlyReport


def sent_at(period: datetime.date, days_after_due: int, due_day: int) -> datetime.datetime:
    following = D(period.year + period.month // 12, period.month % 12 + 1, due_day)
    day = following + datetime.timedelta(days=days_after_due)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def write(dataset: Dataset, *, due_day: int) -> Written:
    provinces = [factories.province(name=n) for n in ("Tỉnh Thử An", "Tỉnh Thử Bình")]
    wards = [
        factories.ward(province_obj=provinces[dataset.province_of(i)], name=name)
        for i, name in enumerate(WARD_NAMES)
    ]
    written = Written(
        dataset,
        provinces,
        wards,
        officers=[factories.user(role=Role.WARD_OFFICER, ward_obj=w) for w in wards],
        chairs=[factories.user(role=Role.WARD_CHAIR, ward_obj=w) for w in wards],
        province_officers=[
            factories.user(role=Role.PROVINCE_OFFICER, province_obj=p) for p in provinces
        ],
        admin=factories.user(superuser=True),
        organisations=[],
        campaigns=[],
    )
    for spec in dataset.organisations:
        organisation = factories.organisation(name=spec.name)
        organisation.short_name = spec.short_name
        organisation.display_order = spec.display_order
        organisation.is_active = spec.is_active
        organisation.save()
        written.organisations.append(organisation)
    for spec in dataset.memberships:
        ward_services.membership_save(
            ward=wards[spec.ward],
            organisation=written.organisations[spec.organisation],
            as_of=spec.as_of,
            members=spec.members,
            eligible=spec.eligible,
        )
    for spec in dataset.campaigns:
        written.campaigns.append(
            Campaign.objects.create(
                name=spec.name,
                kind=spec.kind,
                fund=spec.fund,
                ward=wards[spec.ward] if spec.ward is not None else None,
                province=provinces[spec.province] if spec.province is not None else None,
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
                target_amount=spec.target_amount,
                target_count=spec.target_count,
            )
        )
    _write_gifts(written)
    _write_houses(written)
    _write_reports(written, due_day)
    return written


def _write_gifts(written: Written) -> None:
    for number, spec in enumerate(written.dataset.donations):
        ward = written.wards[spec.ward]
        extra = {}
        if spec.form == "in_kind":
            extra = {
                "form": "in_kind",
                "channel": "other",
                "in_kind_description": spec.goods[0],
                "in_kind_quantity": spec.quantity,
                "in_kind_unit": spec.goods[1],
            }
        elif number % 3 == 0:
            extra = {"channel": "bank", "bank_reference": f"FT{number:08d}"}
        donor_name = {
            "individual": f"Nguyễn Văn Bình {number}",
            "organisation": f"Công ty Thử nghiệm {number}",
        }.get(spec.donor_kind, "")
        donation = campaign_services.donation_record(
            campaign=written.campaigns[spec.campaign],
            ward=ward,
            user=written.officers[spec.ward],
            received_on=spec.received_on,
            donor_kind=spec.donor_kind,
            donor_name=donor_name,
            publish_name=spec.publish_name,
            amount=spec.amount,
            **extra,
        )
        written.donations.append((spec, donation))
    for spec, donation in written.donations:
        if spec.reversed:
            campaign_services.donation_reverse(
                donation=donation,
                user=written.officers[spec.ward],
                reason="Ghi trùng biên nhận",
                on=spec.received_on,
            )
    for number, spec in enumerate(written.dataset.payments):
        extra = {}
        if spec.form == "in_kind":
            extra = {
                "form": "in_kind",
                "in_kind_description": spec.goods[0],
                "in_kind_quantity": spec.quantity,
                "in_kind_unit": spec.goods[1],
            }
        payment = campaign_services.disbursement_record(
            campaign=written.campaigns[spec.campaign],
            ward=written.wards[spec.ward],
            user=written.officers[spec.ward],
            purpose="tet_gift" if spec.form == "in_kind" else "illness",
            description="Hỗ trợ hộ nghèo",
            decision_reference=f"{number + 1:02d}/QĐ-BVĐ",
            paid_on=spec.paid_on,
            amount=spec.amount,
            **extra,
        )
        written.payments.append((spec, payment))


def _write_houses(written: Written) -> None:
    for number, spec in enumerate(written.dataset.houses):
        ward = written.wards[spec.ward]
        household = campaign_services.household_save(
            ward=ward, head_name=f"Trần Thị Hộ {number}", category="poor"
        )
        house = campaign_services.house_save(
            ward=ward,
            household=household,
            campaign=written.campaigns[spec.campaign] if spec.campaign is not None else None,
            kind=spec.kind,
            started_on=spec.started_on,
            handed_over_on=spec.handed_over_on,
            final_cost=spec.final_cost,
            from_fund=spec.from_fund,
            from_social=spec.from_social,
            from_household=spec.from_household,
            from_other=spec.from_other,
        )
        written.houses.append((spec, house))


def _warnings(dataset: Dataset, spec: ReportSpec) -> list[tuple[str, str]]:
    """The warning checks a month breaks (each needs an explanation before it is sent):
    more cases resolved than found, more houses handed over than started."""
    broken = []
    typed = {code: value for code, (value, _den) in spec.typed.items()}
    if typed.get("GS_GIAIQUYET", 0) > typed.get("GS_KIENNGHI", 0) and "GS_KIENNGHI" in typed:
        broken.append(("GS_GIAIQUYET", "GS_KIENNGHI"))
    month = (spec.period, spec.period.replace(day=28) + datetime.timedelta(days=4))

    def within(day):
        return day is not None and month[0] <= day < month[1].replace(day=1)

    houses = [h for h in dataset.houses if h.ward == spec.ward]
    if sum(within(h.handed_over_on) for h in houses) > sum(within(h.started_on) for h in houses):
        broken.append(("NDDK_XAYMOI + NDDK_SUACHUA", "NDDK_KHOICONG"))
    return broken


def _write_reports(written: Written, due_day: int) -> None:
    """Reports saved, sent, approved or returned through the workflow's services."""
    rules = {
        (rule.left, rule.right): rule.pk
        for rule in ValidationRule.objects.filter(severity=ValidationRule.Severity.WARNING)
    }
    for spec in written.dataset.reports:
        officer, chair = written.officers[spec.ward], written.chairs[spec.ward]
        report = report_services.report_save(
            report=MonthlyReport(ward=written.wards[spec.ward], period=spec.period),
            user=officer,
            entries={code: report_services.Entry(*pair) for code, pair in spec.typed.items()},
            explanations={
                rules[sides]: "Có vụ việc, nhà từ tháng trước chuyển sang."
                for sides in _warnings(written.dataset, spec)
            },
        )
        if spec.status != Status.DRAFT:
            # Sent on the day the description says: the workflow stamps the clock's "now".
            sent = sent_at(spec.period, spec.sent_days_after_due, due_day)
            with mock.patch("django.utils.timezone.now", return_value=sent):
                report = report_services.report_submit(
                    report=report, user=officer, confirm_outliers=True
                )
        if spec.status == Status.APPROVED:
            report = report_services.report_approve(report=report, user=chair)
        elif spec.status == Status.RETURNED:
            report = report_services.report_return(
                report=report, user=chair, comment="Bổ sung số liệu giám sát."
            )
        written.reports[(spec.ward, spec.period)] = report
