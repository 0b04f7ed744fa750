"""VietQR payloads (core/vietqr.py) against published examples, exactly, CRC included."""

import pytest

from campaigns import references
from core import banks, vietqr

# vietnam-qr-pay's README: ACB, account 257678859, 1.000 đ, "Chuyen tien" (dynamic).
ACB_EXAMPLE = (
    "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN"
    "62150811Chuyen tien6304BBB8"
)
# sunary/vietqr's README: Techcombank, account 9796868, no amount (static).
TECHCOMBANK_EXAMPLE = (
    "00020101021138510010A00000072701210006970407010797968680208QRIBFTTA53037045802VN"
    "62240820gen by sunary/vietqr6304BE74"
)


def test_a_dynamic_payload_with_an_amount_is_the_published_one():
    assert vietqr.payload("970416", "257678859", amount=1000, note="Chuyen tien") == ACB_EXAMPLE


def test_a_static_payload_without_an_amount_is_the_published_one():
    text = vietqr.payload("970407", "9796868", note="gen by sunary/vietqr")
    assert text == TECHCOMBANK_EXAMPLE


def test_the_crc_is_ccitt_false_over_everything_before_it_including_6304():
    # The standard check value of CRC-16/CCITT-FALSE.
    assert vietqr.crc16("123456789") == "29B1"
    assert vietqr.crc16(ACB_EXAMPLE[:-4]) == "BBB8"
    assert vietqr.crc16(TECHCOMBANK_EXAMPLE[:-4]) == "BE74"


def test_parse_reads_back_the_published_payloads():
    acb = vietqr.parse(ACB_EXAMPLE)
    assert (acb.bank_bin, acb.account_number, acb.amount, acb.note) == (
        "970416",
        "257678859",
        1000,
        "Chuyen tien",
    )
    assert acb.is_dynamic
    techcombank = vietqr.parse(TECHCOMBANK_EXAMPLE)
    assert techcombank.amount is None and not techcombank.is_dynamic
    assert techcombank.note == "gen by sunary/vietqr"


def test_a_fund_note_and_its_holder_name_round_trip():
    note = references.transfer_note(references.reference("7K2A", "P9XF"))
    text = vietqr.payload(
        "970436", "1234567890123456789", amount=500_000, note=note, account_name="UB MTTQ MY THOI"
    )
    read = vietqr.parse(text)
    assert read == vietqr.Transfer(
        bank_bin="970436",
        account_number="1234567890123456789",
        amount=500_000,
        note=note,
        account_name="UB MTTQ MY THOI",
        is_dynamic=True,
    )
    assert "5915UB MTTQ MY THOI" in text and f"62{len(note) + 4:02d}08{len(note):02d}{note}" in text


def test_the_note_limit_is_the_references_one():
    assert vietqr.NOTE_MAX_LENGTH == references.NOTE_MAX_LENGTH == 25


def test_a_note_over_25_characters_is_refused_not_cut():
    vietqr.payload("970436", "0071000123456", note="X" * 25)  # exactly 25: fine
    with pytest.raises(vietqr.PayloadError, match="26 ký tự, quá 25 ký tự"):
        vietqr.payload("970436", "0071000123456", note="UNG HO MT7K2AP9XFQ NGUYENV")


@pytest.mark.parametrize(
    ("bank_bin", "account", "extra", "message"),
    [
        ("97043", "0071000123456", {}, "BIN"),
        ("", "0071000123456", {}, "BIN"),
        ("970436", "", {}, "Số tài khoản"),
        ("970436", "1" * 20, {}, "Số tài khoản"),
        ("970436", "0071 000", {}, "Số tài khoản"),
        ("970436", "0071000123456", {"amount": 0}, "lớn hơn 0"),
        ("970436", "0071000123456", {"amount": -5}, "lớn hơn 0"),
        ("970436", "0071000123456", {"amount": 10**13}, "quá lớn"),
        ("970436", "0071000123456", {"note": "Ủng hộ"}, "không dấu"),
        ("970436", "0071000123456", {"account_name": "X" * 26}, "Tên tài khoản"),
    ],
)
def test_what_a_bank_app_would_misread_is_refused(bank_bin, account, extra, message):
    with pytest.raises(vietqr.PayloadError, match=message):
        vietqr.payload(bank_bin, account, **extra)


@pytest.mark.parametrize(
    "text",
    [
        ACB_EXAMPLE[:-1] + "9",  # wrong CRC
        "",
        "0002",
        TECHCOMBANK_EXAMPLE.replace("A000000727", "A000000775"),  # another network
    ],
)
def test_parse_refuses_what_is_not_a_valid_vietqr(text):
    if text.startswith("000201") and "A000000775" in text:
        text = text[:-4] + vietqr.crc16(text[:-4])  # a good CRC over a foreign payload
    with pytest.raises(vietqr.PayloadError):
        vietqr.parse(text)


def test_the_bank_list_names_the_main_banks_by_their_bin():
    expected = {
        "970436": "Vietcombank",
        "970415": "VietinBank",
        "970418": "BIDV",
        "970405": "Agribank",
        "970422": "MB",
        "970407": "Techcombank",
        "970416": "ACB",
        "970432": "VPBank",
        "970403": "Sacombank",
    }
    for bank_bin, name in expected.items():
        assert banks.short_name(bank_bin) == name
    assert len(banks.BANKS) >= 20
    assert len(banks.BY_BIN) == len(banks.BANKS)  # no BIN twice
    assert all(len(bank.bin) == 6 and bank.bin.isdigit() for bank in banks.BANKS)
    assert banks.short_name("970999") == "970999"
