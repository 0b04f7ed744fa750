"""Reading what a user sees, for the figure-equivalence test: HTML, XLSX and CSV.

A small tree of the HTML (elements found by data-testid, id, class or header text), Vietnamese
numbers read back ("1.804.000.000 đ", "90,9 %", "tăng 2,17 điểm %"), and expected cells that
compare themselves with a page's text, an XLSX cell or a CSV field.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser

NBSP = "\u00a0"
NO_VALUE = "—"

# --- A tree of the HTML ------------------------------------------------------------------


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag=None, **attrs):
        """Descendants with the tag and attribute values; class_="x" matches one class."""
        wanted_class = attrs.pop("class_", None)
        for node in self.walk():
            if tag and node.tag != tag:
                continue
            if wanted_class and wanted_class not in node.attrs.get("class", "").split():
                continue
            if all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield node

    def find(self, tag=None, **attrs):
        return next(self.find_all(tag, **attrs), None)

    def testid(self, name):
        found = self.find(data_testid=name)
        assert found is not None, f"nothing with data-testid={name!r}"
        return found

    def elements(self, *tags):
        return [c for c in self.children if isinstance(c, Node) and (not tags or c.tag in tags)]

    @property
    def text(self) -> str:
        """The visible text; runs of ordinary white space as one space, no-break spaces kept."""
        parts = []

        def collect(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag not in ("script", "style"):
                    collect(child)

        collect(self)
        return re.sub(r"[ \t\r\n]+", " ", "".join(parts)).strip()


class _TreeBuilder(HTMLParser):
    VOID = {"br", "hr", "img", "input", "meta", "link", "col", "source", "wbr", "area", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("document", [])

    def handle_starttag(self, tag, attrs):
        node = Node(tag, [(k, v or "") for k, v in attrs], self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, [(k, v or "") for k, v in attrs], self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(response) -> Node:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


@dataclass
class HtmlTable:
    headers: list[str]
    rows: list[list[str]]  # body rows then footer rows, cell texts
    footer_rows: int = 0

    def dicts(self) -> list[dict]:
        return [dict(zip(self.headers, row, strict=True)) for row in self.rows]


def html_table(table: Node) -> HtmlTable:
    """Headers (sort arrows dropped) and rows of a <table>."""
    head = table.find("thead")
    headers = [re.sub(r" [▲▼]$", "", th.text) for th in head.find("tr").elements("th", "td")]
    rows, footer = [], 0
    for part in table.elements("tbody", "tfoot"):
        for tr in part.elements("tr"):
            rows.append([cell.text for cell in tr.elements("th", "td")])
            footer += part.tag == "tfoot"
    return HtmlTable(headers, rows, footer)


# --- Vietnamese numbers ------------------------------------------------------------------

_NUMBER = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$")


class Unreadable(AssertionError):
    pass


def vn_number(text: str) -> Decimal:
    """ "1.804.000" → 1804000; "90,9" → Decimal("90.9"); "-5.000" → -5000: dots group
    thousands, a comma marks decimals."""
    if not _NUMBER.match(text):
        raise Unreadable(f"not a Vietnamese number: {text!r}")
    return Decimal(text.replace(".", "").replace(",", "."))


def count_of(text: str) -> int | None:
    if text == NO_VALUE:
        return None
    number = vn_number(text)
    if number != int(number) or "," in text:
        raise Unreadable(f"not a whole number: {text!r}")
    return int(number)


def money_of(text: str) -> int | None:
    """ "1.804.000 đ" (no-break space) → 1804000; "—" → None."""
    if text == NO_VALUE:
        return None
    if not text.endswith(NBSP + "đ"):
        raise Unreadable(f"money without its no-break space and đ: {text!r}")
    return count_of(text[:-2])


def rate_of(text: str) -> Decimal | None:
    """ "90,9 %" (one decimal, no-break space) → Decimal("90.9"); "—" → None."""
    if text == NO_VALUE:
        return None
    found = re.match(rf"^(\d{{1,3}}(?:\.\d{{3}})*,\d){NBSP}%$", text)
    if not found:
        raise Unreadable(f"not a rate with one decimal and a no-break space: {text!r}")
    return vn_number(found.group(1))


# --- Rounding as the portal must show it ------------------------------------------------


def half_up(value: Fraction, decimals: int) -> Decimal:
    scale = 10**decimals
    scaled = value * scale
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    if scaled < 0:
        whole = -((-scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator))
    return Decimal(whole) / scale


def percent(numerator, denominator) -> Fraction | None:
    """Exact, unrounded."""
    if numerator is None or not denominator:
        return None
    return Fraction(numerator * 100, denominator)


def rate_text(value: Fraction | None) -> str:
    if value is None:
        return NO_VALUE
    shown = f"{half_up(value, 1):.1f}"
    whole, fraction = shown.split(".")
    return f"{int(whole):,}".replace(",", ".") + f",{fraction}{NBSP}%"


def points_text(current: Fraction | None, previous: Fraction | None) -> str:
    """A rate's change in points from the unrounded rates: "tăng 2,17 điểm %"."""
    if current is None or previous is None:
        return NO_VALUE
    points = half_up(abs(current - previous), 2)
    if not points:
        return "không đổi"
    direction = "tăng" if current > previous else "giảm"
    return f"{direction} {points:.2f}".replace(".", ",") + f"{NBSP}điểm{NBSP}%"


def grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def change_text(current: int | None, previous: int | None) -> str:
    """A count's change against the previous figure, in percent of it (its difference when it
    was 0)."""
    if current is None or previous is None:
        return NO_VALUE
    if current == previous:
        return "không đổi"
    direction = "tăng" if current > previous else "giảm"
    if previous == 0:
        return f"{direction} {grouped(abs(current - previous))}"
    return f"{direction} {rate_text(Fraction(abs(current - previous) * 100, previous))}"


# --- Expected cells ----------------------------------------------------------------------


class Expected:
    """One figure as the rules give it, compared with what a page, an XLSX or a CSV holds."""

    def html(self, text: str) -> bool:
        raise NotImplementedError

    def xlsx(self, cell) -> bool:
        raise NotImplementedError

    def csv(self, text: str) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Expected):
    value: str

    def html(self, text):
        return text == self.value

    def xlsx(self, cell):
        return (cell.value or "") == self.value

    def csv(self, text):
        return text == self.value


@dataclass(frozen=True)
class Count(Expected):
    value: int | None

    def html(self, text):
        return count_of(text) == self.value

    def xlsx(self, cell):
        return cell.value == self.value and (self.value is None or cell.number_format == "#,##0")

    def csv(self, text):
        return text == ("" if self.value is None else str(self.value))


@dataclass(frozen=True)
class Money(Count):
    def html(self, text):
        return money_of(text) == self.value


@dataclass(frozen=True)
class Rate(Expected):
    """numerator / denominator in percent, exact; the page rounds to one decimal, half up."""

    value: Fraction | None

    def html(self, text):
        shown = rate_of(text)
        return shown == (None if self.value is None else half_up(self.value, 1))

    def xlsx(self, cell):
        if self.value is None:
            return cell.value is None
        exact = float(self.value / 100)
        return abs(cell.value - exact) < 1e-12 and cell.number_format == "0.0%"

    def csv(self, text):
        if self.value is None:
            return text == ""
        return text == f"{half_up(self.value, 1):.1f}".replace(".", ",")


@dataclass(frozen=True)
class Figure(Expected):
    """A rolled-up indicator: a count, money or a rate, with the month of a stock's value when
    it comes from before the period's last month."""

    kind: str  # "count", "money" or "rate"
    value: object  # int, or a Fraction (percent) for a rate; None: no figure
    as_of: object = None  # a date

    @property
    def plain(self) -> Expected:
        return {"count": Count, "money": Money, "rate": Rate}[self.kind](self.value)

    def html(self, text):
        note = f" (số liệu tháng {self.as_of:%m/%Y})" if self.as_of else ""
        if self.value is None:
            return text == NO_VALUE
        return text.endswith(note) and self.plain.html(text[: len(text) - len(note)])

    def xlsx(self, cell):
        return self.plain.xlsx(cell)

    def csv(self, text):
        return self.plain.csv(text)


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "a CSV for Excel starts with the byte-order mark"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
