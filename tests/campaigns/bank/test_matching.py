"""Matching statement lines to funds and pledges: a pure function, tested without a database."""

import datetime

import pytest

from campaigns import references
from campaigns.bank import matching
from campaigns.bank.matching import Fund, Holdings, Line, Match, Pledge, Recorded

DAY = datetime.date(2026, 3, 5)
POOR = Fund(pk=1, code="7K2A", name="Quỹ Vì người nghèo 2026", holds_money=True, closed=False)
HOUSES = Fund(pk=2, code="B3CD", name="Nhà Đại đoàn kết 2026", holds_money=True, closed=False)
CLOSED = Fund(pk=3, code="Q9RS", name="Quỹ cứu trợ 2025", holds_money=True, closed=True)
MOVEMENT = Fund(pk=4, code="ZZZZ", name="Ngày hội Đại đoàn kết", holds_money=False, closed=False)
FUNDS = (POOR, HOUSES, CLOSED, MOVEMENT)
HOLDER = "Phường Mỹ Thới"


def ref(fund, pledge=""):
    return references.reference(fund.code, pledge)


def pledge(pk, fund=POOR, code="P9XF", amount=None, on=DAY, used_by=""):
    return Pledge(pk, fund.code, code, amount, on, used_by)


def line(description, *, row=2, amount=500_000, on=DAY, reference="FT1", duplicates=()):
    return Line(
        row=row,
        booked_on=on,
        amount=amount,
        bank_reference=reference,
        description=description,
        key=f"{reference}|{on.isoformat()}|{amount}",
        duplicates=tuple(duplicates),
    )


def match(*lines, pledges=(), recorded=None):
    holdings = Holdings(HOLDER, FUNDS, pledges, recorded or {})
    return matching.match_lines(lines, holdings)


def one(description, **kwargs):
    pledges = kwargs.pop("pledges", ())
    recorded = kwargs.pop("recorded", None)
    return match(line(description, **kwargs), pledges=pledges, recorded=recorded)[0]


@pytest.mark.parametrize(
    "description",
    [
        f"UNG HO {ref(POOR)} NGUYEN VAN AN",
        f"ủng hộ {ref(POOR).lower()} nguyễn văn an",
        f"UNGHO{ref(POOR)}NGUYENVANAN",  # banks glue words together
        f"NGUYEN VAN AN CHUYEN TIEN {ref(POOR)[:4]} {ref(POOR)[4:]}",  # and split them
    ],
)
def test_a_funds_reference_matches_the_fund(description):
    assert one(description) == Match("matched", fund=POOR.pk, matched_by="reference")


def test_a_reference_in_the_banks_reference_column_counts_too():
    assert one("CHUYEN TIEN", reference=f"FT1 {ref(HOUSES)}").fund == HOUSES.pk


def test_a_pledges_reference_matches_the_fund_and_the_pledge():
    pledges = [pledge(7), pledge(8, code="K3M4")]
    result = one(f"UNG HO {ref(POOR, 'P9XF')}", pledges=pledges)
    assert result == Match("matched", fund=POOR.pk, pledge=7, matched_by="reference")


def test_a_funds_reference_beside_one_of_its_pledges_is_the_pledge():
    result = one(f"{ref(POOR)} {ref(POOR, 'P9XF')}", pledges=[pledge(7)])
    assert (result.status, result.pledge) == ("matched", 7)


def test_a_foreign_reference_belongs_to_no_fund_of_the_holder():
    foreign = references.reference("M4X8")
    result = one(f"UNG HO {foreign}")
    assert result == Match("waiting", problem=f"Mã {foreign} không thuộc quỹ nào của {HOLDER}")


def test_a_reference_whose_check_character_fails_is_called_a_typo():
    good = ref(POOR)
    forged = good[:-1] + ("X" if good[-1] != "X" else "Y")
    result = one(f"UNG HO {forged}")
    assert result.status == "waiting"
    assert result.problem == (
        f"Mã {forged} sai ký tự kiểm tra, không biết là quỹ nào (có thể gõ nhầm) — hãy chọn quỹ"
    )


def test_two_references_mean_the_officer_chooses():
    result = one(f"{ref(POOR)} {ref(HOUSES)}")
    assert result == Match(
        "waiting",
        problem=f"Khớp với 2 mã chuyển khoản: {ref(POOR)}, {ref(HOUSES)} — hãy chọn quỹ",
    )


def test_two_pledges_of_one_fund_mean_the_officer_chooses():
    pledges = [pledge(7), pledge(8, code="K3M4")]
    result = one(f"{ref(POOR, 'P9XF')} {ref(POOR, 'K3M4')}", pledges=pledges)
    assert result.status == "waiting"
    assert result.problem.startswith(
        f"Khớp với 2 mã chuyển khoản: {ref(POOR, 'P9XF')}, {ref(POOR, 'K3M4')}"
    )


def test_a_closed_fund_or_a_movement_takes_no_money():
    closed = one(f"UNG HO {ref(CLOSED)}")
    assert closed == Match(
        "waiting",
        fund=CLOSED.pk,
        problem="Quỹ “Quỹ cứu trợ 2025” đã kết thúc, không nhận thêm tiền — hãy chọn quỹ "
        "khác hoặc để riêng",
    )
    movement = one(f"UNG HO {ref(MOVEMENT)}")
    assert movement.status == "waiting"
    assert movement.problem.startswith("“Ngày hội Đại đoàn kết” là phong trào, không nhận tiền")


def test_a_pledge_code_the_fund_never_gave_waits():
    result = one(f"UNG HO {ref(POOR, 'K3M4')}", pledges=[pledge(7)])
    assert result.status == "waiting" and result.fund == POOR.pk and result.pledge is None
    assert result.problem.startswith(
        f"Mã {ref(POOR, 'K3M4')} không có trong các mã chuyển khoản của quỹ “{POOR.name}”"
    )


def test_a_pledge_an_earlier_statement_used_waits():
    used = pledge(7, used_by="dòng 4 của sao kê ngày 01/03/2026")
    result = one(f"UNG HO {ref(POOR, 'P9XF')}", pledges=[used])
    assert result.status == "waiting"
    assert result.problem == (
        f"Mã {ref(POOR, 'P9XF')} đã dùng cho dòng 4 của sao kê ngày 01/03/2026 — hãy kiểm "
        "tra rồi chọn quỹ"
    )


def test_of_two_lines_naming_one_pledge_the_older_gets_it():
    later = line(f"UNG HO {ref(POOR, 'P9XF')}", row=2, on=DAY + datetime.timedelta(days=1))
    earlier = line(f"UNG HO {ref(POOR, 'P9XF')}", row=3, reference="FT2")
    first, second = match(later, earlier, pledges=[pledge(7)])
    assert (second.status, second.pledge) == ("matched", 7)
    assert first.status == "waiting"
    assert first.problem.startswith(f"Mã {ref(POOR, 'P9XF')} đã dùng cho dòng 3 của tệp này")


def test_without_a_reference_one_pledge_of_that_amount_a_few_days_before_matches():
    pledges = [pledge(7, amount=500_000, on=DAY - datetime.timedelta(days=3))]
    result = one("CHUYEN TIEN NGUYEN VAN AN", pledges=pledges)
    assert result == Match("matched", fund=POOR.pk, pledge=7, matched_by="amount_date")


@pytest.mark.parametrize(
    "pledges",
    [
        [pledge(7, amount=400_000)],  # another amount
        [pledge(7, amount=500_000, on=DAY - datetime.timedelta(days=4))],  # too long before
        [pledge(7, amount=500_000, on=DAY + datetime.timedelta(days=1))],  # taken afterwards
        [pledge(7, fund=CLOSED, amount=500_000)],  # of a closed fund
        [pledge(7, amount=500_000, used_by="dòng 9 của sao kê ngày 01/03/2026")],
    ],
)
def test_without_a_reference_nothing_else_matches(pledges):
    assert one("CHUYEN TIEN", pledges=pledges) == Match("waiting", problem="Không có mã tham chiếu")


def test_without_a_reference_two_pledges_that_fit_mean_the_officer_chooses():
    pledges = [pledge(7, amount=500_000), pledge(8, fund=HOUSES, code="K3M4", amount=500_000)]
    result = one("CHUYEN TIEN", pledges=pledges)
    assert result == Match(
        "waiting",
        problem="Không có mã tham chiếu; khớp số tiền và ngày với 2 mã chuyển khoản: "
        f"{ref(POOR, 'P9XF')}, {ref(HOUSES, 'K3M4')} — hãy chọn quỹ",
    )


def test_a_line_a_donation_was_made_from_is_recorded():
    subject = line(f"UNG HO {ref(HOUSES)}")
    result = match(subject, recorded={subject.key: Recorded(donation_pk=41, fund_pk=POOR.pk)})[0]
    assert result == Match("recorded", fund=POOR.pk, donation=41)


def test_a_line_that_looks_recorded_by_hand_waits_for_the_officer():
    reason = "Số tham chiếu đã được ghi ở biên nhận 00012/2026 (Quỹ Vì người nghèo 2026)."
    result = one(f"UNG HO {ref(POOR)}", duplicates=[reason])
    assert result == Match("waiting", fund=POOR.pk, problem=f"Có thể đã ghi: {reason}")


def test_lines_come_back_in_the_order_given():
    lines = [
        line(f"UNG HO {ref(HOUSES)}", row=4, on=DAY + datetime.timedelta(days=2)),
        line("LAI TIEN GUI", row=2, reference="FT2"),
        line(f"UNG HO {ref(POOR)}", row=3, reference="FT3", on=DAY + datetime.timedelta(days=1)),
    ]
    assert [m.fund for m in match(*lines)] == [HOUSES.pk, None, POOR.pk]


def test_the_donor_is_guessed_without_the_reference():
    assert matching.donor_guess(f"UNG HO {ref(POOR)} NGUYEN VAN AN") == (
        "NGUYEN VAN AN",
        "individual",
    )
    assert matching.donor_guess(f"CONG TY TNHH AN PHU UNG HO {ref(POOR, 'P9XF')}") == (
        "CONG TY TNHH AN PHU",
        "organisation",
    )
