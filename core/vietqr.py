"""VietQR: the NAPAS EMVCo payload a bank app reads to transfer to an account.

A payload is a run of EMVCo data objects, each "ID (2 digits) + length (2 digits) + value":
00 "01" (format), 01 "11" (static: any amount, reusable) or "12" (dynamic: this amount),
38 the NAPAS account (00 GUID "A000000727", 01 = 00 bank BIN + 01 account number, 02 service
"QRIBFTTA", transfer to an account), 53 "704" (đồng), 54 the amount (optional), 58 "VN",
59 the account holder's name (optional), 62 additional data with 08, the purpose (the
transfer note), and last 63, the CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF) of
everything before it including "6304", in four upper-case hex digits.

Written here rather than taken from PyPI. Three libraries were installed in a scratch
environment and checked against two published payloads, vietnam-qr-pay's README example
("…62150811Chuyen tien6304BBB8": ACB 970416, account 257678859, 1.000 đ) and sunary/vietqr's
("…62240820gen by sunary/vietqr6304BE74": Techcombank 970407, account 9796868, no amount):
- vietqr-emvco 1.0.0 (its only release): fails both. It always adds tag 52 "0000" and, when
  no name is given, a made-up holder name "5911CUA HANG AI"; it also builds image URLs on a
  remote service.
- napas-qr-python 0.2.0: matches both, but only when told "STATIC" (its default is dynamic
  even without an amount); an empty BIN silently becomes Sacombank's 970403; it depends on
  requests, and its bank list is fetched from a remote API at run time into ./resources/.
- vietnam-qr-pay 1.0.0 (its only release, mid 2025): matches both and parses, but checks
  nothing: an empty BIN drops the field, a 120-character note writes a three-digit length
  (a broken payload), diacritics go in as they are, and parsing malformed text raises.
The payload is about sixty lines, so the portal writes it and refuses what a bank app would
misread (wrong BIN or account, a note too long or not plain ASCII) with a clear error.
tests/core/test_vietqr.py checks it against both published payloads, exactly.
"""

import re
import unicodedata
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
STATIC, DYNAMIC = "11", "12"
# Several banks' apps cut a transfer note at 25 characters (campaigns.references checks the
# notes it makes against the same figure).
NOTE_MAX_LENGTH = 25
NAME_MAX_LENGTH = 25  # EMVCo merchant name (tag 59)
ACCOUNT_MAX_LENGTH = 19
AMOUNT_MAX_DIGITS = 13  # EMVCo tag 54 holds 13 characters

_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Z]{1,19}")
# Plain printable ASCII: what every bank app shows as typed (no diacritics).
_PLAIN = re.compile(r"[ -~]*")


class PayloadError(ValueError):
    """A VietQR payload that cannot be made or read; the message says why (in Vietnamese:
    it is shown to officers and donors as it is)."""


def plain_upper(text: str) -> str:
    """A name as banks hold it: upper case, no diacritics, single spaces ("Ủy ban MTTQ phường
    Mỹ Thới" → "UY BAN MTTQ PHUONG MY THOI")."""
    text = str(text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.upper().split())


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE of the text's bytes, as EMVCo's tag 63 writes it ("BBB8")."""
    crc = 0xFFFF
    for byte in text.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise PayloadError(f"Trường {tag} của mã VietQR dài quá 99 ký tự.")
    return f"{tag}{len(value):02d}{value}"


def payload(
    bank_bin: str,
    account_number: str,
    *,
    amount: int | None = None,
    note: str = "",
    account_name: str = "",
) -> str:
    """The text of a VietQR code for a transfer to `account_number` at the bank `bank_bin`:
    static (the donor types the amount) unless `amount` (whole đồng) is given."""
    if not _BIN.fullmatch(bank_bin or ""):
        raise PayloadError("Mã ngân hàng (BIN) phải gồm đúng 6 chữ số.")
    if not _ACCOUNT.fullmatch(account_number or ""):
        raise PayloadError(
            f"Số tài khoản gồm chữ số hoặc chữ in hoa, tối đa {ACCOUNT_MAX_LENGTH} ký tự."
        )
    if amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0
    ):
        raise PayloadError("Số tiền phải là số đồng lớn hơn 0.")
    if amount is not None and len(str(amount)) > AMOUNT_MAX_DIGITS:
        raise PayloadError("Số tiền quá lớn cho một lần chuyển khoản.")
    if len(note) > NOTE_MAX_LENGTH:
        raise PayloadError(
            f"Nội dung chuyển khoản dài {len(note)} ký tự, quá {NOTE_MAX_LENGTH} ký tự mà "
            "ứng dụng ngân hàng nhận được."
        )
    if not _PLAIN.fullmatch(note):
        raise PayloadError("Nội dung chuyển khoản chỉ gồm chữ không dấu, chữ số và dấu cách.")
    if len(account_name) > NAME_MAX_LENGTH or not _PLAIN.fullmatch(account_name):
        raise PayloadError(
            f"Tên tài khoản trong mã VietQR viết không dấu, tối đa {NAME_MAX_LENGTH} ký tự."
        )
    account = _field("00", bank_bin) + _field("01", account_number)
    merchant = _field("00", NAPAS_GUID) + _field("01", account) + _field("02", SERVICE_TO_ACCOUNT)
    text = (
        _field("00", "01")
        + _field("01", STATIC if amount is None else DYNAMIC)
        + _field("38", merchant)
        + _field("53", CURRENCY_VND)
        + (_field("54", str(amount)) if amount is not None else "")
        + _field("58", COUNTRY)
        + (_field("59", account_name) if account_name else "")
        + (_field("62", _field("08", note)) if note else "")
        + "6304"
    )
    return text + crc16(text)


# --- Reading a payload back (tests decode the QR a page shows; a donor's app does the same) --


@dataclass(frozen=True)
class Transfer:
    bank_bin: str
    account_number: str
    amount: int | None
    note: str
    account_name: str
    is_dynamic: bool


def fields(text: str) -> dict[str, str]:
    """{tag: value} of one level of EMVCo data objects; PayloadError if malformed."""
    found, at = {}, 0
    while at < len(text):
        tag, length = text[at : at + 2], text[at + 2 : at + 4]
        if not (tag.isdigit() and length.isdigit()) or at + 4 + int(length) > len(text):
            raise PayloadError("Mã VietQR không đúng cấu trúc.")
        found[tag] = text[at + 4 : at + 4 + int(length)]
        at += 4 + int(length)
    return found


def parse(text: str) -> Transfer:
    """The transfer a VietQR payload describes, after checking its CRC and NAPAS account."""
    if len(text) < 8 or text[-8:-4] != "6304" or crc16(text[:-4]) != text[-4:].upper():
        raise PayloadError("Mã VietQR sai mã kiểm tra (CRC).")
    top = fields(text)
    merchant = fields(top.get("38", ""))
    if merchant.get("00") != NAPAS_GUID:
        raise PayloadError("Mã QR này không phải mã VietQR chuyển khoản của NAPAS.")
    account = fields(merchant.get("01", ""))
    amount = top.get("54", "")
    if amount and not amount.isdigit():
        raise PayloadError("Số tiền trong mã VietQR không phải số đồng.")
    return Transfer(
        bank_bin=account.get("00", ""),
        account_number=account.get("01", ""),
        amount=int(amount) if amount else None,
        note=fields(top.get("62", "")).get("08", ""),
        account_name=top.get("59", ""),
        is_dynamic=top.get("01") == DYNAMIC,
    )
