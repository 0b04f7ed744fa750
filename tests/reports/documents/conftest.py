"""Builders for documents and their blocks, shared by the document tests."""

import datetime

import pytest

from reports.documents import services
from reports.documents.models import Block, Document, Section
from reports.documents.outline import frame_defaults
from tests import factories


def frame_form(document, **changes):
    """The frame form of `document` as its page fills it in (dates as dd/mm/yyyy, the version
    the editor needs), with `changes` typed over it."""
    values = {}
    for name in services.FRAME_FIELDS:
        value = getattr(document, name)
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if value is not None:
            values[name] = value
    return {**values, "version": document.version, **changes}


@pytest.fixture
def make_document(world):
    """A draft document of ward X (by default) with the frame a new document gets."""

    def _make(
        *,
        ward=None,
        kind=Document.Kind.YEAR,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
        issued_on=None,
        user=None,
        **fields,
    ):
        ward = ward or world.ward_x
        values = frame_defaults(ward, kind, starts_on, ends_on)
        values.update(fields)
        return Document.objects.create(
            ward=ward,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            issued_on=issued_on or ends_on,
            created_by=user or world.users["ward_officer"],
            **values,
        )

    return _make


@pytest.fixture
def add_block():
    """A block in a new section at the end of the document."""

    def _add(document, kind, *, options=None, caption="", text="", heading="Số liệu"):
        position = document.sections.count() + 1
        section = Section.objects.create(
            document=document, position=position, level=Section.Level.ROMAN, heading=heading
        )
        return Block.objects.create(
            section=section,
            position=1,
            kind=kind,
            options=options or {},
            caption=caption,
            text=text,
        )

    return _add


FUNDS_SNAPSHOT = {
    "caption": "Kết quả vận động Quỹ Vì người nghèo",
    "unit": "Đơn vị: đồng",
    "period": "01/10/2014 – 30/09/2019",
    "columns": [
        {"label": "Quỹ", "align": "left"},
        {"label": "Đã vận động", "align": "right"},
        {"label": "Đã chi", "align": "right"},
    ],
    "rows": [
        {"cells": [{"t": "Quỹ Vì người nghèo", "v": None}, {"t": "1.804.000.000", "v": 1804000000},
                   {"t": "1.650.500.000", "v": 1650500000}], "total": False},
        {"cells": [{"t": "Quỹ Cứu trợ", "v": None}, {"t": "412.300.000", "v": 412300000},
                   {"t": "398.000.000", "v": 398000000}], "total": False},
        {"cells": [{"t": "Tổng cộng", "v": None}, {"t": "2.216.300.000", "v": 2216300000},
                   {"t": "2.048.500.000", "v": 2048500000}], "total": True},
    ],
    "chart": {"title": "Vận động theo năm", "unit": "đồng", "labels": ["2015", "2016"],
              "series": [{"name": "Đã vận động", "values": [310000000, 342000000]}]},
}  # fmt: skip


@pytest.fixture
def term_report(make_document):
    """An issued-looking term report: the full frame, every heading level, narrative text with
    bold, italic and a list, and a funds table (a hand-made snapshot, as figures.py stores)."""
    document = make_document(
        kind=Document.Kind.TERM,
        starts_on=datetime.date(2014, 10, 1),
        ends_on=datetime.date(2019, 9, 30),
        issued_on=datetime.date(2019, 10, 25),
        number=5,
        summary="Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019",
        signer_name="Nguyễn Văn An",
        closing="ĐOÀN KẾT - DÂN CHỦ - ĐỔI MỚI - PHÁT TRIỂN",
        recipients="Đảng ủy phường\nHĐND, UBND phường\nLưu: VT",
    )
    outline = [
        (1, "Kết quả thực hiện Chương trình hành động"),
        (2, "Tình hình khối đại đoàn kết"),
        (3, "Tình hình chung"),
        (4, "Công nhân, người lao động"),
        (4, "Nông dân"),
        (3, "Chăm lo người nghèo"),
        (2, "Bài học kinh nghiệm"),
        (1, "Chương trình hành động nhiệm kỳ tới"),
        (2, "Mục tiêu tổng quát"),
    ]
    for position, (level, heading) in enumerate(outline, start=1):
        section = Section.objects.create(
            document=document, position=position, level=level, heading=heading
        )
        Block.objects.create(
            section=section,
            position=1,
            kind=Block.Kind.TEXT,
            text=f"<p>Nội dung mục {position}: <strong>đoàn kết</strong> và <em>đồng thuận</em>."
            "</p><ul><li>Vận động hộ nghèo.</li></ul>",
        )
        if heading == "Chăm lo người nghèo":
            Block.objects.create(
                section=section,
                position=2,
                kind=Block.Kind.FUNDS,
                options={"chart": True},
                snapshot=FUNDS_SNAPSHOT,
            )
    return document


@pytest.fixture
def term_report_headings():
    """The headings of `term_report` as numbered for print, in order; a part's title stands on
    the line below "PHẦN THỨ …"."""
    return [
        "PHẦN THỨ NHẤT\nKẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG",
        "I. Tình hình khối đại đoàn kết",
        "1. Tình hình chung",
        "a) Công nhân, người lao động",
        "b) Nông dân",
        "2. Chăm lo người nghèo",
        "II. Bài học kinh nghiệm",
        "PHẦN THỨ HAI\nCHƯƠNG TRÌNH HÀNH ĐỘNG NHIỆM KỲ TỚI",
        "I. Mục tiêu tổng quát",
    ]


@pytest.fixture
def make_fund(world):
    """The ward's Quỹ Vì người nghèo, open since `starts_on`."""
    return lambda starts_on: factories.fund(
        ward_obj=world.ward_x, name="Quỹ Vì người nghèo", fund="vnn", starts_on=starts_on
    )


@pytest.fixture
def record_donation(world):
    """An anonymous cash gift to `fund`, recorded by the ward officer."""
    return lambda fund, amount, on: factories.donation(
        fund_obj=fund, user=world.users["ward_officer"], amount=amount, received_on=on
    )
