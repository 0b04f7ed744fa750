"""Amounts in words: the Vietnamese way of reading integer đồng on receipts and statements."""

from decimal import Decimal

import pytest

from core.words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (100, "Một trăm đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (110, "Một trăm mười đồng"),
        (121, "Một trăm hai mươi mốt đồng"),
        (1000, "Một nghìn đồng"),
        (1005, "Một nghìn không trăm lẻ năm đồng"),
        (1010, "Một nghìn không trăm mười đồng"),
        (1100, "Một nghìn một trăm đồng"),
        (10005, "Mười nghìn không trăm lẻ năm đồng"),
        (100000, "Một trăm nghìn đồng"),
        (1000001, "Một triệu không trăm lẻ một đồng"),
        (2015000, "Hai triệu không trăm mười lăm nghìn đồng"),
        (180_000_000, "Một trăm tám mươi triệu đồng"),
        (1804000000, "Một tỷ tám trăm lẻ bốn triệu đồng"),
        (1_000_000_005, "Một tỷ không trăm lẻ năm đồng"),
        (3_000_050_000, "Ba tỷ không trăm năm mươi nghìn đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (1_005_000_000_000, "Một nghìn không trăm lẻ năm tỷ đồng"),
        (
            123_456_789,
            "Một trăm hai mươi ba triệu bốn trăm năm mươi sáu nghìn bảy trăm tám mươi chín đồng",
        ),
    ],
)
def test_it_reads_integer_dong_the_vietnamese_way(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize("amount", [-1, 1.5, 1000.0, "1000", Decimal("1000"), None, True])
def test_it_refuses_negative_and_non_integer_amounts(amount):
    with pytest.raises(ValueError):
        amount_in_words(amount)
