"""Which fund (and which pledge) each credit line of a holder's bank statement is for.

Pure functions over plain values: the caller (campaigns/bank/services.py) reads the holder's
funds, the pledges that could match and the donations already made from statement lines, and
stores what `match_lines` decides. A line is

- recorded: a counted donation was already made from it (the per-fund import);
- matched: its transfer note carries the reference of one of the holder's open funds (and of
  one of its pledges, if a pledge code is there), or, without any reference, exactly one open
  pledge of the holder's funds has its amount and was taken a few days before;
- waiting, with the reason in Vietnamese, in every other case: the officer decides.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from campaigns import references
from campaigns.bank import statements

# A transfer arrives on the day its pledge was taken, or within this many days after it.
AMOUNT_DATE_DAYS = 3

WAITING, MATCHED, RECORDED = "waiting", "matched", "recorded"
BY_REFERENCE, BY_AMOUNT_DATE = "reference", "amount_date"

NO_REFERENCE = "Không có mã tham chiếu"


@dataclass(frozen=True)
class Fund:
    """One of the holder's drives, as the matcher needs it."""

    pk: int
    code: str  # Campaign.reference_code
    name: str
    holds_money: bool
    closed: bool

    @property
    def reference(self) -> str:
        return references.reference(self.code)

    @property
    def refusal(self) -> str:
        """Why no money can be recorded in it ("" when it can)."""
        if not self.holds_money:
            return f"“{self.name}” là phong trào, không nhận tiền ủng hộ"
        if self.closed:
            return f"Quỹ “{self.name}” đã kết thúc, không nhận thêm tiền"
        return ""


@dataclass(frozen=True)
class Pledge:
    pk: int
    fund_code: str
    code: str
    amount: int | None
    created_on: datetime.date
    # Where an earlier stored line already took it: "dòng 4 của sao kê 01/03/2026 – 05/03/2026".
    used_by: str = ""

    @property
    def reference(self) -> str:
        return references.reference(self.fund_code, self.code)


@dataclass(frozen=True)
class Line:
    row: int  # in the file
    booked_on: datetime.date
    amount: int
    bank_reference: str
    description: str
    key: str  # services.line_key
    # Reasons the line may be a donation recorded by hand (statements.flag_duplicates).
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recorded:
    """A counted donation already made from a line (its key)."""

    donation_pk: int
    fund_pk: int


@dataclass
class Match:
    status: str
    fund: int | None = None  # pk
    pledge: int | None = None  # pk
    matched_by: str = ""
    problem: str = ""
    donation: int | None = None  # pk, for a recorded line


@dataclass
class Holdings:
    """What the holder has, for matching: its drives, the pledges the lines could name, the
    donations already made from statement lines (by line key)."""

    holder_name: str
    funds: Sequence[Fund]
    pledges: Sequence[Pledge] = ()
    recorded: dict[str, Recorded] = field(default_factory=dict)


def match_lines(lines: Iterable[Line], holdings: Holdings) -> list[Match]:
    """A decision for each line, in the order given; lines are taken oldest first so that,
    when two lines name the same pledge, the earlier one gets it."""
    lines = list(lines)
    funds = {fund.code: fund for fund in holdings.funds}
    by_code = {(p.fund_code, p.code): p for p in holdings.pledges}
    used = {p.pk: p.used_by for p in holdings.pledges if p.used_by}
    decisions: dict[int, Match] = {}
    order = sorted(range(len(lines)), key=lambda i: (lines[i].booked_on, lines[i].row))
    for index in order:
        line = lines[index]
        match = _match(line, holdings, funds, by_code, used)
        if match.pledge is not None and match.status == MATCHED:
            used[match.pledge] = f"dòng {line.row} của tệp này"
        decisions[index] = match
    return [decisions[index] for index in range(len(lines))]


def _match(line: Line, holdings, funds, by_code, used) -> Match:
    recorded = holdings.recorded.get(line.key)
    if recorded is not None:
        return Match(RECORDED, fund=recorded.fund_pk, donation=recorded.donation_pk)
    match = _by_reference(line, holdings, funds, by_code, used)
    if match is None:
        match = _by_amount_and_date(line, holdings, funds, used)
    if line.duplicates and match.status == MATCHED:
        # Money that looks recorded by hand already is the officer's call, never automatic.
        reasons = " ".join(line.duplicates)
        return Match(
            WAITING, fund=match.fund, pledge=match.pledge, problem=f"Có thể đã ghi: {reasons}"
        )
    return match


_WORD = re.compile(r"[0-9A-Z]+")
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})  # as references.parse reads them
REFERENCE_LENGTHS = tuple(
    len(references.PREFIX) + codes * references.CODE_LENGTH + 1 for codes in (1, 2)
)


def _words(text: str) -> list[str]:
    """Upper case words without diacritics (references.fold glues words together)."""
    text = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _WORD.findall(text.upper())


def _bad_references(text: str) -> list[str]:
    """Words written like a reference ("MT" and 5 or 9 characters of the codes' alphabet)
    whose check character does not hold: a typo, or made up."""
    found = []
    for word in _words(text):
        body = word[len(references.PREFIX) :].translate(_ALIASES)
        if (
            word.startswith(references.PREFIX)
            and len(word) in REFERENCE_LENGTHS
            and all(char in references.ALPHABET for char in body)
            and references.parse(word) is None
            and word not in found
        ):
            found.append(word)
    return found


def _by_reference(line: Line, holdings: Holdings, funds, by_code, used) -> Match | None:
    found = references.find_references(f"{line.description} {line.bank_reference}")
    known = [(fund_code, pledge) for fund_code, pledge in found if fund_code in funds]
    if not known:
        if found:
            shown = ", ".join(references.reference(*ref) for ref in found)
            return Match(
                WAITING, problem=f"Mã {shown} không thuộc quỹ nào của {holdings.holder_name}"
            )
        bad = _bad_references(f"{line.description} {line.bank_reference}")
        if bad:
            return Match(
                WAITING,
                problem=f"Mã {', '.join(bad)} sai ký tự kiểm tra, không biết là quỹ nào "
                "(có thể gõ nhầm) — hãy chọn quỹ",
            )
        return None
    # A fund's reference next to one of its own pledges' says nothing more than the pledge.
    pledged = {fund_code for fund_code, pledge in known if pledge}
    targets = [(f, p) for f, p in known if p or f not in pledged]
    if len(targets) > 1:
        shown = ", ".join(references.reference(*ref) for ref in targets)
        return Match(
            WAITING, problem=f"Khớp với {len(targets)} mã chuyển khoản: {shown} — hãy chọn quỹ"
        )
    fund_code, pledge_code = targets[0]
    fund = funds[fund_code]
    if fund.refusal:
        return Match(
            WAITING, fund=fund.pk, problem=f"{fund.refusal} — hãy chọn quỹ khác hoặc để riêng"
        )
    if not pledge_code:
        return Match(MATCHED, fund=fund.pk, matched_by=BY_REFERENCE)
    pledge = by_code.get((fund_code, pledge_code))
    shown = references.reference(fund_code, pledge_code)
    if pledge is None:
        return Match(
            WAITING,
            fund=fund.pk,
            problem=f"Mã {shown} không có trong các mã chuyển khoản của quỹ “{fund.name}” "
            "— hãy kiểm tra rồi chọn quỹ",
        )
    if pledge.pk in used:
        return Match(
            WAITING,
            fund=fund.pk,
            problem=f"Mã {shown} đã dùng cho {used[pledge.pk]} — hãy kiểm tra rồi chọn quỹ",
        )
    return Match(MATCHED, fund=fund.pk, pledge=pledge.pk, matched_by=BY_REFERENCE)


def _by_amount_and_date(line: Line, holdings: Holdings, funds, used) -> Match:
    fits = [
        pledge
        for pledge in holdings.pledges
        if pledge.amount == line.amount
        and pledge.pk not in used
        and pledge.fund_code in funds
        and not funds[pledge.fund_code].refusal
        and 0 <= (line.booked_on - pledge.created_on).days <= AMOUNT_DATE_DAYS
    ]
    if len(fits) == 1:
        pledge = fits[0]
        return Match(
            MATCHED, fund=funds[pledge.fund_code].pk, pledge=pledge.pk, matched_by=BY_AMOUNT_DATE
        )
    if len(fits) > 1:
        shown = ", ".join(pledge.reference for pledge in fits)
        return Match(
            WAITING,
            problem=f"{NO_REFERENCE}; khớp số tiền và ngày với {len(fits)} mã chuyển khoản: "
            f"{shown} — hãy chọn quỹ",
        )
    return Match(WAITING, problem=NO_REFERENCE)


def donor_guess(description: str) -> tuple[str, str]:
    """statements.guess_donor on the description without its references: "UNG HO MT7K2AX
    NGUYEN VAN AN" proposes "NGUYEN VAN AN", not the code."""
    words = [
        word
        for word in description.split()
        if not references.find_references(word) and not _bad_references(word)
    ]
    return statements.guess_donor(" ".join(words))
