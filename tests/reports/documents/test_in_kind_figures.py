"""A document's funds table: cash and the money equivalents of goods on rows of their own,
added only in the last, labelled row; expected figures recomputed from the raw rows."""

import datetime

from campaigns.models import Campaign
from core.numbers import format_number
from reports.documents import figures
from reports.documents.models import Block, Document
from tests.money_data import Q1_FIRST, Q1_LAST, build, cash, goods_value

PREVIOUS = {"previous_starts_on": datetime.date(2024, 1, 1)}
PREVIOUS["previous_ends_on"] = datetime.date(2024, 3, 31)


def rows_by_label(snapshot) -> dict[str, list]:
    return {r["cells"][0]["t"]: [c["t"] for c in r["cells"][1:]] for r in snapshot["rows"]}


def test_the_funds_table_keeps_cash_and_goods_apart(world, make_document, add_block):
    gifts = build(world)
    document = make_document(
        kind=Document.Kind.TERM, starts_on=Q1_FIRST, ends_on=Q1_LAST, **PREVIOUS
    )
    block = add_block(document, Block.Kind.FUNDS, options={"chart": True})

    snapshot = figures.compute(block)

    rows = rows_by_label(snapshot)
    expected = {}
    for campaign in (gifts.poor, gifts.disaster):
        label = Campaign.Fund(campaign.fund).label
        counted, paid = (
            gifts.counted(campaign, Q1_FIRST, Q1_LAST),
            gifts.paid(campaign, Q1_FIRST, Q1_LAST),
        )
        expected[f"{label} – tiền mặt"] = (cash(counted), cash(paid))
        expected[f"{label} – hiện vật quy đổi"] = (goods_value(counted), goods_value(paid))
    counted, paid = (
        gifts.counted(first=Q1_FIRST, last=Q1_LAST),
        gifts.paid(first=Q1_FIRST, last=Q1_LAST),
    )
    expected["Cộng tiền mặt"] = (cash(counted), cash(paid))
    expected["Cộng hiện vật quy đổi"] = (goods_value(counted), goods_value(paid))
    expected["Tổng cộng (tiền mặt và hiện vật quy đổi)"] = (
        cash(counted) + goods_value(counted),
        cash(paid) + goods_value(paid),
    )
    assert list(rows) == list(expected)
    for label, (raised, spent) in expected.items():
        # Nothing in the previous quarter of 2024: every row compares with 0.
        assert rows[label][:3] == [format_number(raised), format_number(spent), "0"], label
    totals = [r["cells"][0]["t"] for r in snapshot["rows"] if r["total"]]
    assert totals == [
        "Cộng tiền mặt",
        "Cộng hiện vật quy đổi",
        "Tổng cộng (tiền mặt và hiện vật quy đổi)",
    ]
    series = {s["name"]: s["values"] for s in snapshot["chart"]["series"]}
    assert series == {
        "Tiền mặt đã vận động": [cash(counted)],
        "Hiện vật quy đổi đã nhận": [goods_value(counted)],
        "Tiền mặt đã chi": [cash(paid)],
    }
    assert "chỉ cộng với tiền mặt ở dòng tổng cộng" in snapshot["note"]
