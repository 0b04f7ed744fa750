"""The only HTML officers may write: paragraphs, line breaks, lists, bold and italic.

`clean(html)` is the single gate for narrative text: nh3 strips everything else (attributes,
comments, scripts and styles with their contents, unknown tags unwrapped to their text), the
result is parsed into a tiny structure and written out again, so what is stored and printed
only ever contains <p>, <br>, <ul>, <ol>, <li>, <strong> and <em> without attributes.
`paragraphs(html)` gives the same structure to the DOCX writer.
"""

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em"})
# Kept by nh3 only so that the parser below can turn them into what they mean; never output.
_BOLD = frozenset({"strong", "b"})
_ITALIC = frozenset({"em", "i"})
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "section"}
)
_LISTS = frozenset({"ul", "ol"})
_PARSED_TAGS = ALLOWED_TAGS | _BOLD | _ITALIC | _BLOCKS
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "title", "head", "textarea"})
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")

Kind = Literal["paragraph", "bullet", "numbered"]


@dataclass(frozen=True)
class Run:
    """Text with its emphasis; "\n" is a line break."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    """A paragraph or a list item; `number` counts the items of an ordered list from 1."""

    kind: Kind = "paragraph"
    runs: list[Run] = field(default_factory=list)
    level: int = 0
    number: int | None = None

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def clean(html: str) -> str:
    """Safe rich text: <p>, <br>, <ul>/<ol>/<li>, <strong>, <em>; plain text becomes paragraphs."""
    return _serialize(paragraphs(html or ""))


def paragraphs(html: str) -> list[Paragraph]:
    """The paragraphs and list items of rich text (cleaned here first, so any input is safe)."""
    if not html or not html.strip():
        return []
    if not _LOOKS_LIKE_HTML.search(html):
        html = _plain_text_as_html(html)
    sanitized = nh3.clean(
        html,
        tags=set(_PARSED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )
    parser = _Parser()
    parser.feed(sanitized)
    parser.close()
    return parser.finish()


def _plain_text_as_html(text: str) -> str:
    """Blank lines separate paragraphs; a single newline is a line break."""
    blocks = (block.strip() for block in _BLANK_LINES.split(text.replace("\r\n", "\n")))
    return "".join(
        "<p>" + "<br>".join(html_lib.escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block
    )


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.result: list[Paragraph] = []
        self.current: Paragraph | None = None
        self.lists: list[list] = []  # [kind, items so far] per open list
        self.bold = 0
        self.italic = 0

    def handle_starttag(self, tag, attrs):
        if tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1
        elif tag == "br":
            self._open().runs.append(Run("\n"))
        elif tag in _LISTS:
            self._flush()
            self.lists.append(["numbered" if tag == "ol" else "bullet", 0])
        elif tag == "li":
            self._flush()
            self._start_item()
        elif tag in _BLOCKS:
            if self.current is not None and self.current.kind != "paragraph":
                # A paragraph inside a list item continues the item on a new line.
                if self.current.runs:
                    self.current.runs.append(Run("\n"))
            else:
                self._flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _ITALIC:
            self.italic = max(0, self.italic - 1)
        elif tag in _LISTS:
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "li" or (tag in _BLOCKS and (self.current is None or not self.lists)):
            self._flush()

    def handle_data(self, data):
        text = _WHITESPACE.sub(" ", data)
        if not text.strip() and (self.current is None or not self.current.runs):
            return
        self._open().runs.append(Run(text, bold=self.bold > 0, italic=self.italic > 0))

    def _start_item(self):
        if not self.lists:
            self.current = Paragraph()
            return
        kind, count = self.lists[-1]
        self.lists[-1][1] = count + 1
        self.current = Paragraph(
            kind=kind,
            level=len(self.lists) - 1,
            number=count + 1 if kind == "numbered" else None,
        )

    def _open(self) -> Paragraph:
        if self.current is None:
            if self.lists:
                self._start_item()
            else:
                self.current = Paragraph()
        return self.current

    def _flush(self):
        paragraph, self.current = self.current, None
        if paragraph is None:
            return
        runs = _tidy(paragraph.runs)
        if any(run.text.strip() for run in runs):
            paragraph.runs = runs
            self.result.append(paragraph)

    def finish(self) -> list[Paragraph]:
        self._flush()
        return self.result


def _tidy(runs: list[Run]) -> list[Run]:
    """No blanks at the ends or around line breaks; one blank between words; equal runs merged.

    Runs come from the parser: either a line break ("\n") or text whose blanks are single
    spaces. A blank or break keeps the emphasis of the run it was written in.
    """
    tidied: list[list] = []  # [text, bold, italic]
    pending: tuple[str, tuple[bool, bool]] | None = None  # a separator not yet written
    for run in runs:
        style = (run.bold, run.italic)
        if run.text == "\n":
            pending = ("\n", style) if tidied else None
            continue
        core = run.text.strip(" ")
        if tidied and pending is None and (not core or run.text[0] == " "):
            pending = (" ", style)
        if not core:
            continue
        if pending:
            separator, separator_style = pending
            if tuple(tidied[-1][1:]) == separator_style:
                tidied[-1][0] += separator
            elif separator_style == style:
                core = separator + core
            else:
                tidied.append([separator, *separator_style])
        if tidied and tuple(tidied[-1][1:]) == style:
            tidied[-1][0] += core
        else:
            tidied.append([core, *style])
        pending = (" ", style) if run.text[-1] == " " else None
    return [Run(text, bold, italic) for text, bold, italic in tidied]


def _serialize(items: list[Paragraph]) -> str:
    out: list[str] = []
    open_lists: list[Kind] = []

    def close_list():
        out.append(f"</li></{_list_tag(open_lists.pop())}>")

    for item in items:
        if item.kind == "paragraph":
            while open_lists:
                close_list()
            out.append(f"<p>{_runs_html(item.runs)}</p>")
            continue
        depth = min(item.level + 1, len(open_lists) + 1)
        while len(open_lists) > depth:
            close_list()
        if len(open_lists) == depth:
            restarts = item.kind == "numbered" and item.number == 1
            if open_lists[-1] == item.kind and not restarts:
                out.append("</li>")
            else:
                close_list()
        while len(open_lists) < depth:
            out.append(f"<{_list_tag(item.kind)}>")
            open_lists.append(item.kind)
        out.append(f"<li>{_runs_html(item.runs)}")
    while open_lists:
        close_list()
    return "".join(out)


def _list_tag(kind: Kind) -> str:
    return "ol" if kind == "numbered" else "ul"


def _runs_html(runs: list[Run]) -> str:
    parts = []
    for run in runs:
        text = "<br>".join(html_lib.escape(piece, quote=False) for piece in run.text.split("\n"))
        if run.italic:
            text = f"<em>{text}</em>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    return "".join(parts)


def guard(html: str) -> str:
    """Stored text once more through nh3 with the final allowlist, just before printing.

    Identical to its input for clean() output (so printing costs no parsing); a row written
    around the services still cannot carry anything but the seven allowed tags.
    """
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )
