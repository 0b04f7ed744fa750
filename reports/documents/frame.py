"""The official frame and numbered outline of a document, shared by the PDF and DOCX writers.

Both writers print exactly these strings, so the two files cannot drift apart: the header
lines, "Số: 05/BC-MTTQ", the place and date, the title, the signature block, "Nơi nhận", and
the section numbers (PHẦN THỨ NHẤT, I., 1., a)) that follow from each section's level and
order, restarting under each parent (Nghị định 30/2020/NĐ-CP, Phụ lục I).
"""

import re
from dataclasses import dataclass
from types import SimpleNamespace

from num2words import num2words

from core.printing import place_and_date
from reports.documents.models import Block, Document, Section

# Points are lettered in the Vietnamese alphabet without its accented vowels (a, b, c, d, đ, e…).
LETTERS = "abcdđeghiklmnopqrstuvxy"
_ORDINALS = {1: "nhất", 4: "tư"}
_ADDRESSEE_PREFIX = re.compile(r"^\s*kính gửi\s*:?\s*", re.IGNORECASE)
NBSP = "\u00a0"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


@dataclass(frozen=True)
class NumberedSection:
    section: Section
    label: str  # "PHẦN THỨ NHẤT", "I.", "1.", "a)"
    blocks: list[Block]

    @property
    def level(self) -> int:
        return self.section.level

    @property
    def heading(self) -> str:
        """The heading as printed: a part's name in capitals under its label."""
        if self.level == Section.Level.PART:
            return self.section.heading.upper()
        return self.section.heading

    @property
    def full_heading(self) -> str:
        """One line, for the editing pages and plain-text checks: "I. Tình hình chung"."""
        return f"{self.label} {self.heading}"


@dataclass(frozen=True)
class Frame:
    issuer_lines: list[tuple[str, bool]]  # (text, bold): parent body, issuing body, board
    number_and_symbol: str
    place_and_date: str
    title: str
    summary_lines: list[str]
    addressee: str
    closing_lines: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]


def roman(number: int) -> str:
    parts = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def part_ordinal(number: int) -> str:
    """1 → "nhất", 2 → "hai", 4 → "tư" (Phần thứ nhất, Phần thứ tư)."""
    return _ORDINALS.get(number) or num2words(number, lang="vi")


def section_label(level: int, index: int) -> str:
    """The number of the index-th (from 1) section of a level under its parent."""
    if level == Section.Level.PART:
        return f"PHẦN THỨ {part_ordinal(index).upper()}"
    if level == Section.Level.ROMAN:
        return f"{roman(index)}."
    if level == Section.Level.ARABIC:
        return f"{index}."
    letter = LETTERS[index - 1] if index <= len(LETTERS) else str(index)
    return f"{letter})"


def numbered_sections(document: Document) -> list[NumberedSection]:
    """The sections in order with their labels and blocks (two queries)."""
    counters = [0] * len(Section.Level)
    numbered = []
    for section in document.sections.prefetch_related("blocks"):
        level = min(max(section.level, 1), len(counters))
        counters[level - 1] += 1
        counters[level:] = [0] * (len(counters) - level)
        numbered.append(
            NumberedSection(
                section=section,
                label=section_label(level, counters[level - 1]),
                blocks=list(section.blocks.all()),
            )
        )
    return numbered


def recipient_lines(lines: list[str]) -> list[str]:
    """ "- Đảng ủy phường;" on each line, the last one closing with a full stop."""
    cleaned = [line.lstrip("-–—•+* \t").rstrip(" ;,.") for line in lines]
    cleaned = [line for line in cleaned if line]
    return [
        f"- {line}{'.' if index == len(cleaned) - 1 else ';'}" for index, line in enumerate(cleaned)
    ]


def _number_and_symbol(document: Document) -> str:
    if document.number:
        return document.number_and_symbol
    # A draft leaves room to write the number in by hand (plain spaces would collapse).
    return f"Số:{NBSP * 10}/{document.symbol}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def frame(document: Document) -> Frame:
    issuer_lines = [(document.parent_body.upper(), False), (document.issuing_body.upper(), True)]
    if document.issuing_board.strip():
        issuer_lines.append((document.issuing_board.upper(), True))
    # place_and_date() reads the place from a ward; a document names its own place.
    place = SimpleNamespace(short_name=document.place.strip())
    return Frame(
        issuer_lines=[(text.strip(), bold) for text, bold in issuer_lines if text.strip()],
        number_and_symbol=_number_and_symbol(document),
        place_and_date=place_and_date(place, document.issued_on),
        title=document.title.strip().upper(),
        summary_lines=_lines(document.summary),
        addressee=_ADDRESSEE_PREFIX.sub("", document.addressee).strip(),
        closing_lines=_lines(document.closing),
        signer_authority=document.signer_authority.strip().upper(),
        signer_title=document.signer_title.strip().upper(),
        signer_name=document.signer_name.strip(),
        recipients=recipient_lines(document.recipient_lines),
    )
