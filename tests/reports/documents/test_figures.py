"""Figure blocks: tables equal hand-computed sums of the data for the document's dates."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import services as campaign_services
from campaigns.models import Campaign
from reports.documents import figures
from reports.documents.models import Block, Document
from reports.models import Indicator, MonthlyReport, RatingCategory
from tests import factories

Kind = Block.Kind
Status = MonthlyReport.Status
D = datetime.date
YEAR_2024 = {"starts_on": D(2024, 1, 1), "ends_on": D(2024, 12, 31)}
WITH_2023 = {**YEAR_2024, "previous_starts_on": D(2023, 1, 1), "previous_ends_on": D(2023, 12, 31)}


def texts(snapshot) -> list[list[str]]:
    # Units are joined by a no-break space (tests/test_small_defects.py); plain text here.
    return [[c["t"].replace("\u00a0", " ") for c in r["cells"]] for r in snapshot["rows"]]


def labels(snapshot) -> list[str]:
    return [c["label"] for c in snapshot["columns"]]


# --- Funds -----------------------------------------------------------------------------------


@pytest.fixture
def money(world):
    officer = world.users["ward_officer"]

    def fund(ward, kind):
        return factories.fund(
            ward_obj=ward,
            name=f"{Campaign.Fund(kind).label} {ward.code}",
            fund=kind,
            starts_on=D(2020, 1, 1),
        )

    poor, disaster = fund(world.ward_x, "vnn"), fund(world.ward_x, "thien_tai")
    other_ward = fund(world.ward_y, "vnn")

    def give(campaign, on, amount, ward=world.ward_x):
        return factories.donation(
            fund_obj=campaign,
            ward_obj=ward,
            user=officer,
            received_on=on,
            donor_kind="individual",
            donor_name="Nguyễn Văn Bình",
            amount=amount,
        )

    give(poor, D(2024, 1, 1), 100_000_000)  # first day counts
    give(poor, D(2024, 12, 31), 50_000_000)  # last day counts
    give(poor, D(2023, 12, 31), 40_000_000)  # previous year
    give(poor, D(2025, 1, 1), 999_000)  # after the dates
    reversed_gift = give(poor, D(2024, 5, 5), 20_000_000)
    campaign_services.donation_reverse(
        donation=reversed_gift, user=officer, reason="Ghi nhầm", on=D(2024, 5, 6)
    )
    give(disaster, D(2024, 6, 1), 30_000_000)
    give(other_ward, D(2024, 6, 1), 70_000_000, ward=world.ward_y)
    for on, amount in ((D(2024, 3, 1), 60_000_000), (D(2025, 1, 1), 5_000_000)):
        campaign_services.disbursement_record(
            campaign=poor,
            ward=world.ward_x,
            user=officer,
            amount=amount,
            purpose="illness",
            description="Hỗ trợ ốm đau",
            decision_reference="01/QĐ-BVĐ",
            paid_on=on,
        )


def test_funds_sum_counted_money_within_the_dates_per_fund(make_document, add_block, money):
    block = add_block(make_document(**YEAR_2024), Kind.FUNDS)

    snapshot = figures.compute(block)

    assert labels(snapshot) == ["Quỹ", "Đã vận động", "Đã chi"]
    assert texts(snapshot) == [
        ["Quỹ Vì người nghèo – tiền mặt", "150.000.000", "60.000.000"],
        ["Cứu trợ thiên tai, dịch bệnh – tiền mặt", "30.000.000", "0"],
        ["Cộng tiền mặt", "180.000.000", "60.000.000"],
        ["Tổng cộng (tiền mặt và hiện vật quy đổi)", "180.000.000", "60.000.000"],
    ]
    assert [r["total"] for r in snapshot["rows"]] == [False, False, True, True]
    assert snapshot["rows"][-1]["cells"][1]["v"] == 180_000_000
    assert snapshot["unit"] == "Đơn vị: đồng"
    assert snapshot["period"] == "01/01/2024 – 31/12/2024"
    assert snapshot["caption"] == "Kết quả vận động và chi các quỹ"
    assert "chart" not in snapshot


def test_funds_compare_with_the_previous_term_and_chart_by_year(make_document, add_block, money):
    document = make_document(kind=Document.Kind.TERM, **WITH_2023)
    block = add_block(document, Kind.FUNDS, options={"chart": True}, caption="Quỹ của phường")

    snapshot = figures.compute(block)

    assert labels(snapshot) == ["Quỹ", "Đã vận động", "Đã chi", "Nhiệm kỳ trước", "So sánh"]
    assert texts(snapshot) == [
        ["Quỹ Vì người nghèo – tiền mặt", "150.000.000", "60.000.000", "40.000.000",
         "tăng 275,0 %"],
        ["Cứu trợ thiên tai, dịch bệnh – tiền mặt", "30.000.000", "0", "0", "tăng 30.000.000"],
        ["Cộng tiền mặt", "180.000.000", "60.000.000", "40.000.000", "tăng 350,0 %"],
        ["Tổng cộng (tiền mặt và hiện vật quy đổi)", "180.000.000", "60.000.000", "40.000.000",
         "tăng 350,0 %"],
    ]  # fmt: skip
    assert snapshot["caption"] == "Quỹ của phường"
    assert snapshot["chart"]["labels"] == ["2024"]
    assert snapshot["chart"]["series"] == [
        {"name": "Tiền mặt đã vận động", "values": [180_000_000]},
        {"name": "Hiện vật quy đổi đã nhận", "values": [0]},
        {"name": "Tiền mặt đã chi", "values": [60_000_000]},
    ]
    json.dumps(snapshot)  # stored as JSON on the block


def test_funds_of_a_ward_without_money_show_zero(make_document, add_block, world):
    block = add_block(make_document(**YEAR_2024), Kind.FUNDS)

    assert texts(figures.compute(block)) == [
        ["Quỹ Vì người nghèo – tiền mặt", "0", "0"],
        ["Cộng tiền mặt", "0", "0"],
        ["Tổng cộng (tiền mặt và hiện vật quy đổi)", "0", "0"],
    ]


# --- Houses ------------------------------------------------------------------------------------


@pytest.fixture
def houses(world):
    def house(ward, kind, handed_over_on, **money):
        return factories.house(
            ward_obj=ward,
            household_obj=factories.household(ward_obj=ward, head_name="Đinh Văn Sáu"),
            kind=kind,
            started_on=D(2022, 1, 1),
            handed_over_on=handed_over_on,
            **money,
        )

    x = world.ward_x
    house(x, "new", D(2024, 1, 1), final_cost=100_000_000, from_fund=60_000_000)
    # Not settled yet: worth the sum of its funding.
    house(
        x,
        "new",
        D(2024, 12, 31),
        from_fund=50_000_000,
        from_social=10_000_000,
        from_household=5_000_000,
    )
    house(x, "repair", D(2024, 6, 1), final_cost=30_000_000, from_fund=30_000_000)
    house(x, "new", D(2025, 1, 2), final_cost=90_000_000, from_fund=60_000_000)
    house(x, "new", None, from_fund=60_000_000)  # still being built
    house(x, "repair", D(2023, 5, 1), final_cost=25_000_000, from_fund=20_000_000)
    house(world.ward_y, "new", D(2024, 6, 1), final_cost=80_000_000, from_fund=80_000_000)


def test_houses_handed_over_within_the_dates_by_kind(make_document, add_block, houses):
    block = add_block(make_document(**YEAR_2024), Kind.HOUSES, options={"chart": True})

    snapshot = figures.compute(block)

    assert labels(snapshot) == ["Loại nhà", "Số căn", "Giá trị (đồng)", "Trong đó từ Quỹ (đồng)"]
    assert texts(snapshot) == [
        ["Xây mới", "2", "165.000.000", "110.000.000"],
        ["Sửa chữa", "1", "30.000.000", "30.000.000"],
        ["Tổng cộng", "3", "195.000.000", "140.000.000"],
    ]
    assert snapshot["rows"][-1]["total"] is True
    assert snapshot["chart"]["series"] == [
        {"name": "Xây mới", "values": [2]},
        {"name": "Sửa chữa", "values": [1]},
    ]


def test_houses_compare_with_the_previous_period(make_document, add_block, houses):
    block = add_block(make_document(**WITH_2023), Kind.HOUSES)

    snapshot = figures.compute(block)

    assert labels(snapshot)[-2:] == ["Kỳ trước (căn)", "So sánh"]
    assert [r[-2:] for r in texts(snapshot)] == [
        ["0", "tăng 2"],
        ["1", "không đổi"],
        ["1", "tăng 200,0 %"],
    ]


# --- Memberships -----------------------------------------------------------------------------


@pytest.fixture
def memberships(world):
    women = factories.organisation(name="Hội Liên hiệp Phụ nữ")
    farmers = factories.organisation(name="Hội Nông dân")
    for org, as_of, members, eligible in (
        (women, D(2023, 6, 30), 40, 100),
        (women, D(2024, 1, 1), 50, 100),  # on the first day: the start figure
        (women, D(2024, 12, 31), 60, 100),
        (women, D(2025, 3, 1), 99, 100),  # after the dates
        (farmers, D(2023, 12, 31), 300, 400),
        (farmers, D(2024, 7, 1), 330, 400),
    ):
        factories.membership(
            ward_obj=world.ward_x, org=org, as_of=as_of, members=members, eligible=eligible
        )
    factories.membership(
        ward_obj=world.ward_y, org=women, as_of=D(2024, 6, 1), members=1, eligible=2
    )


def test_memberships_rate_at_start_and_end_with_summed_totals(
    make_document, add_block, memberships
):
    block = add_block(make_document(**YEAR_2024), Kind.MEMBERSHIPS)

    snapshot = figures.compute(block)

    assert labels(snapshot) == [
        "Tổ chức",
        "Đầu kỳ (01/01/2024)",
        "Tỷ lệ",
        "Cuối kỳ (31/12/2024)",
        "Tỷ lệ",
        "Tăng, giảm",
    ]
    # The totals row is summed members over summed eligible (390/500 = 78 %), not the
    # average of the two rates (71,25 %).
    assert texts(snapshot) == [
        ["Hội Liên hiệp Phụ nữ", "50/100", "50,0 %", "60/100", "60,0 %", "tăng 10,00 điểm %"],
        ["Hội Nông dân", "300/400", "75,0 %", "330/400", "82,5 %", "tăng 7,50 điểm %"],
        ["Tổng cộng", "350/500", "70,0 %", "390/500", "78,0 %", "tăng 8,00 điểm %"],
    ]


def test_memberships_compare_with_the_end_of_the_previous_term(
    make_document, add_block, memberships
):
    block = add_block(make_document(kind=Document.Kind.TERM, **WITH_2023), Kind.MEMBERSHIPS)

    snapshot = figures.compute(block)

    assert labels(snapshot)[-2:] == ["Nhiệm kỳ trước", "So sánh"]
    assert [r[-2:] for r in texts(snapshot)] == [
        ["40,0 %", "tăng 20,00 điểm %"],
        ["75,0 %", "tăng 7,50 điểm %"],
        ["68,0 %", "tăng 10,00 điểm %"],
    ]


# --- Indicators ------------------------------------------------------------------------------


report = factories.report_values


CODES = ["TT_BUOI", "THTK_TIEN", "VH_TANG_VM", "BC_CUTRI", "BC_DIBAU"]


@pytest.fixture
def monthly(world):
    x = world.ward_x
    report(x, D(2023, 12, 1), TT_BUOI=6, VH_TANG_VM=(1, 4))
    report(x, D(2024, 1, 1), TT_BUOI=3, THTK_TIEN=1_500_000, VH_TANG_VM=(1, 2), BC_CUTRI=900)
    report(x, D(2024, 2, 1), TT_BUOI=4, VH_TANG_VM=(3, 3), BC_CUTRI=1000, BC_DIBAU=990)
    report(x, D(2024, 3, 1), Status.DRAFT, TT_BUOI=100, VH_TANG_VM=(9, 9), BC_CUTRI=5)
    report(x, D(2024, 4, 1), Status.SUBMITTED, TT_BUOI=100)
    report(x, D(2024, 12, 1), TT_BUOI=5, THTK_TIEN=2_000_000, VH_TANG_VM=(2, 5))
    report(x, D(2025, 1, 1), TT_BUOI=50)
    report(world.ward_y, D(2024, 6, 1), TT_BUOI=70)


def test_indicators_roll_up_approved_months_only(make_document, add_block, monthly):
    block = add_block(make_document(**YEAR_2024), Kind.INDICATORS, options={"codes": CODES})

    snapshot = figures.compute(block)

    assert labels(snapshot) == ["Chỉ tiêu", "Đơn vị", "Kết quả", "Tỷ lệ"]
    rows = {r[0]: r[1:] for r in texts(snapshot)}
    name = {code: Indicator.objects.get(code=code).name for code in CODES}
    assert rows[name["TT_BUOI"]] == ["buổi", "12", ""]
    assert rows[name["THTK_TIEN"]] == ["đồng", "3.500.000", ""]
    # Ratio rule: 6 of 10 funerals (60 %), not the average of 50 %, 100 % and 40 %.
    assert rows[name["VH_TANG_VM"]] == ["đám", "6/10", "60,0 %"]
    assert rows[name["BC_CUTRI"]] == ["người", "1.000", ""]  # the latest value
    # A part shown as a share of its whole (checks BC_DIBAU ≤ BC_CUTRI).
    assert rows[name["BC_DIBAU"]] == ["người", "990", "99,0 %"]
    assert list(rows) == [name[code] for code in CODES]  # in the order chosen
    assert "số cử tri đi bầu so với tổng số cử tri" in snapshot["note"]
    assert not any(r["total"] for r in snapshot["rows"])


def test_indicators_compare_with_the_previous_period(make_document, add_block, monthly):
    block = add_block(
        make_document(**WITH_2023), Kind.INDICATORS, options={"codes": ["TT_BUOI", "VH_TANG_VM"]}
    )

    snapshot = figures.compute(block)

    assert labels(snapshot) == ["Chỉ tiêu", "Đơn vị", "Kết quả", "Tỷ lệ", "Kỳ trước", "So sánh"]
    assert [r[2:] for r in texts(snapshot)] == [
        ["12", "", "6", "tăng 100,0 %"],
        ["6/10", "60,0 %", "25,0 %", "tăng 35,00 điểm %"],
    ]


def test_indicators_without_data_show_a_dash(make_document, add_block, world):
    block = add_block(make_document(**WITH_2023), Kind.INDICATORS, options={"codes": ["GS_CUOC"]})

    assert texts(figures.compute(block))[0][2:] == ["—", "—", "—"]


def test_indicators_not_in_force_are_noted(make_document, add_block, monthly):
    Indicator.objects.filter(code="THTK_TIEN").update(active_from=D(2026, 1, 1))
    block = add_block(make_document(**YEAR_2024), Kind.INDICATORS, options={"codes": ["THTK_TIEN"]})

    assert "Chưa áp dụng trong kỳ" in figures.compute(block)["note"]


# --- Bounded queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "options", "limit"),
    [
        (Kind.FUNDS, {"chart": True}, 2),
        (Kind.HOUSES, {"chart": True}, 1),
        (Kind.MEMBERSHIPS, {}, 1),
        (Kind.INDICATORS, {"codes": CODES}, 4),  # the predecessors, then their values
    ],
)
def test_compute_takes_a_fixed_number_of_queries(
    make_document, add_block, money, houses, memberships, monthly, kind, options, limit
):
    document = make_document(kind=Document.Kind.TERM, **WITH_2023)
    block = Block.objects.select_related("section__document").get(
        pk=add_block(document, kind, options=options).pk
    )

    with CaptureQueriesContext(connection) as queries:
        figures.compute(block)

    assert len(queries) == limit


def test_indicator_queries_do_not_grow_with_months_or_indicators(make_document, add_block, monthly):
    every_code = list(Indicator.objects.values_list("code", flat=True))
    long_term = {"starts_on": D(2015, 1, 1), "ends_on": D(2024, 12, 31)}
    block = add_block(make_document(**long_term), Kind.INDICATORS, options={"codes": every_code})
    block = Block.objects.select_related("section__document").get(pk=block.pk)

    with CaptureQueriesContext(connection) as queries:
        snapshot = figures.compute(block)

    # The indicators, the communes the ward replaced, their values, the checks; with ratings
    # chosen, their categories and counts.
    assert len(queries) == 6
    # A rating shows its total, then a row per category.
    assert len(snapshot["rows"]) == len(every_code) + RatingCategory.objects.count()


# --- Options ---------------------------------------------------------------------------------


def test_clean_options_keeps_known_codes_in_order(db):
    cleaned = figures.clean_options(Kind.INDICATORS, {"codes": ["gs_cuoc", "TT_BUOI", "GS_CUOC"]})

    assert cleaned == {"codes": ["GS_CUOC", "TT_BUOI"]}
    assert figures.clean_options(Kind.FUNDS, {"chart": "on", "x": 1}) == {"chart": True}
    assert figures.clean_options(Kind.MEMBERSHIPS, {"codes": ["TT_BUOI"]}) == {}


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        (Kind.INDICATORS, {"codes": []}, "Chọn ít nhất một chỉ tiêu."),
        (Kind.INDICATORS, {}, "Chọn ít nhất một chỉ tiêu."),
        (
            Kind.INDICATORS,
            {"codes": ["TT_BUOI", "KHONG_CO"]},
            "Mã chỉ tiêu không tồn tại: KHONG_CO.",
        ),
        (Kind.TEXT, {}, "Loại khối số liệu không hợp lệ."),
    ],
)
def test_clean_options_refuses_in_vietnamese(db, kind, options, message):
    with pytest.raises(ValidationError) as refused:
        figures.clean_options(kind, options)

    assert refused.value.messages == [message]


def test_indicator_choices_list_the_catalogue(db):
    choices = figures.indicator_choices()

    assert len(choices) == Indicator.objects.count()
    assert choices[0] == ("TT_BUOI", f"{Indicator.objects.get(code='TT_BUOI').name} (TT_BUOI)")
    assert set(figures.DEFAULT_CAPTIONS) == {
        Kind.FUNDS,
        Kind.HOUSES,
        Kind.MEMBERSHIPS,
        Kind.INDICATORS,
        Kind.DRIVES,
        Kind.ALLOCATIONS,
    }
