"""Officer-typed text that tries to run code or make the renderer fetch files or URLs."""

from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from unittest import mock
from xml.etree import ElementTree

import docx
import pytest

from core.printing import StaticFileFetcher, static_dir
from reports.documents.charts import bar_chart_svg
from reports.documents.docx import render_docx
from reports.documents.models import Block, Section
from reports.documents.pdf import document_html, render_pdf
from tests.readers import pdf_text

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://169.254.169.254/">',
    '<p style="background:url(http://169.254.169.254/x)">Chữ hiển thị</p>',
    "<style>@import url(file:///etc/passwd);</style>",
    '<svg><image href="file:///etc/passwd"/></svg>',
    '<iframe src="http://169.254.169.254/"></iframe>',
]
ALL_HOSTILE = "".join(HOSTILE)
PASSWD_LINE = "root:x:0:0"


@pytest.fixture
def hostile_document(make_document):
    """Every officer-typed field, heading, text and figure label carries the payloads; the
    text block is written straight to the row, as if it had slipped past the services."""
    document = make_document(
        issuing_body="PHƯỜNG " + HOSTILE[0],
        place="Mỹ Thới" + HOSTILE[1],
        summary="Báo cáo " + HOSTILE[2],
        addressee=HOSTILE[3],
        closing=HOSTILE[4],
        signer_name="Nguyễn Văn An " + HOSTILE[1],
        recipients="\n".join(HOSTILE),
        symbol="BC-MTTQ" + HOSTILE[0],
    )
    section = Section.objects.create(
        document=document, position=1, level=Section.Level.ROMAN, heading="Mục " + HOSTILE[0]
    )
    Block.objects.create(section=section, position=1, kind=Block.Kind.TEXT, text=ALL_HOSTILE)
    Block.objects.create(
        section=section,
        position=2,
        kind=Block.Kind.FUNDS,
        caption="Bảng " + HOSTILE[2],
        snapshot={
            "caption": HOSTILE[0],
            "unit": "Đơn vị: đồng" + HOSTILE[4],
            "period": HOSTILE[1],
            "note": HOSTILE[5],
            "columns": [
                {"label": "Quỹ" + HOSTILE[0], "align": 'left" onclick="alert(1)'},
                {"label": "Số tiền", "align": "right"},
            ],
            "rows": [
                {
                    "cells": [{"t": "Quỹ " + HOSTILE[3], "v": None}, {"t": "1.804.000.000"}],
                    "total": False,
                }
            ],
            "chart": {
                "title": HOSTILE[0],
                "unit": "đồng" + HOSTILE[1],
                "labels": [HOSTILE[1], "2019"],
                "series": [{"name": HOSTILE[2], "values": [1804000000, "<script>"]}],
            },
        },
    )
    return document


class Markup(HTMLParser):
    """Every tag and attribute of the print HTML."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


@pytest.mark.django_db
def test_the_print_html_carries_no_tag_or_url_from_officer_text(hostile_document):
    markup = Markup()
    markup.feed(document_html(hostile_document))

    assert not markup.tags & {"script", "img", "style", "iframe", "image", "object", "embed"}
    assert [value for tag, name, value in markup.attributes if tag == "link"] == [
        "stylesheet",
        "documents/report.css",
    ]
    for tag, name, value in markup.attributes:
        assert name not in {"style", "src", "onclick"} and not name.startswith("on"), (tag, name)
        for fragment in ("169.254", "file:", "passwd", "javascript", "url("):
            assert fragment not in value, (tag, name, value)


@pytest.mark.django_db
def test_the_pdf_fetches_only_the_bundled_stylesheet_and_fonts(hostile_document):
    asked = []
    real_fetch = StaticFileFetcher.fetch

    def recording_fetch(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    with (
        mock.patch.object(StaticFileFetcher, "fetch", recording_fetch),
        mock.patch("socket.create_connection") as connect,
        mock.patch("socket.getaddrinfo") as resolve,
    ):
        content, _ = render_pdf(hostile_document)

    static = static_dir().as_uri() + "/"
    assert asked, "the stylesheet and fonts come through the fetcher"
    for url in asked:
        assert url.startswith(static), url
        assert Path(url.removeprefix(static)).suffix in {".css", ".ttf"}, url
    assert static + "documents/report.css" in asked
    connect.assert_not_called()
    resolve.assert_not_called()
    assert content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_pdf_shows_the_visible_text_and_nothing_of_the_servers_files(hostile_document):
    content, _ = render_pdf(hostile_document)
    text = pdf_text(content)

    assert "Chữ hiển thị" in text
    assert "1.804.000.000" in text
    # Headings and frame fields are plain text: the markup shows as typed, it is not run.
    assert "Mục <script>alert(1)</script>" in " ".join(text.split())
    assert PASSWD_LINE not in text
    assert "alert(1)" not in text.replace("<script>alert(1)</script>", "")


@pytest.mark.django_db
def test_the_docx_keeps_the_visible_text_only(hostile_document):
    word = docx.Document(BytesIO(render_docx(hostile_document)))
    paragraphs = [paragraph.text for paragraph in word.paragraphs]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    everything = "\n".join(paragraphs + cells)

    assert "Chữ hiển thị" in paragraphs
    assert "Mục <script>alert(1)</script>" in " ".join(paragraphs)
    assert PASSWD_LINE not in everything
    # Nothing from the text block but its visible text.
    assert "@import" not in everything.replace(HOSTILE[4], "")
    assert not word.inline_shapes


def test_chart_labels_are_escaped_into_well_formed_svg():
    svg = bar_chart_svg(
        {
            "title": "</text><script>alert(1)</script>",
            "unit": 'đồng" onload="alert(1)',
            "labels": ['<image href="file:///etc/passwd"/>'],
            "series": [{"name": "<style>@import url(file:///etc/passwd)</style>", "values": [5]}],
        }
    )
    root = ElementTree.fromstring(svg)
    local_names = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}

    assert local_names <= {"svg", "title", "text", "line", "rect"}
    assert "</text><script>alert(1)</script>" in [element.text for element in root.iter()]
    for element in root.iter():
        for name, value in element.attrib.items():
            assert "passwd" not in value and "alert" not in value, (name, value)
