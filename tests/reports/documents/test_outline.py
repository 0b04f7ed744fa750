"""Default outlines and frame values: the congress-report outline, period outlines, the frame."""

import dataclasses
import datetime
import re

import pytest

from reports.catalogue import INDICATORS
from reports.documents.models import Block, Document
from reports.documents.outline import (
    OutlineBlock,
    OutlineSection,
    default_sections,
    frame_defaults,
)
from wards.models import Province, Ward

D = datetime.date
Kind = Document.Kind
CATALOGUE_CODES = {row[0] for row in INDICATORS}


def headings(sections, level):
    return [s.heading for s in sections if s.level == level]


def section(sections, start):
    return next(s for s in sections if s.heading.startswith(start))


def test_term_outline_follows_the_congress_report():
    sections = default_sections(Kind.TERM)

    assert headings(sections, 1) == [
        "Tình hình khối đại đoàn kết toàn dân tộc và kết quả thực hiện chương trình hành động "
        "nhiệm kỳ qua",
        "Mục tiêu, chương trình hành động nhiệm kỳ tới",
    ]
    assert headings(sections, 2) == [
        "Tình hình khối đại đoàn kết toàn dân tộc",
        "Kết quả thực hiện chương trình hành động",
        "Đánh giá chung",
        "Bài học kinh nghiệm",
        "Bối cảnh",
        "Mục tiêu chung",
        "Các chương trình hành động",
    ]
    part_two = sections[[s.level for s in sections].index(1, 1) :]
    assert headings(part_two, 4) == ["Mục tiêu", "Nội dung", "Giải pháp"] * 5
    assert len(headings(part_two, 3)) == 5
    part_one = sections[: len(sections) - len(part_two)]
    assert headings(part_one, 3)[:2] == ["Tình hình chung", "Tình hình các tầng lớp nhân dân"]
    assert headings(part_one, 3)[-2:] == [
        "Kết quả đạt được và nguyên nhân",
        "Hạn chế, yếu kém và nguyên nhân",
    ]


def test_headings_carry_no_numbers_and_levels_never_skip():
    for kind in Kind.values:
        sections = default_sections(kind)
        assert all(isinstance(s, OutlineSection) for s in sections)
        assert not [
            s.heading for s in sections if re.match(r"^(\d|[IVX]+\.|[a-z]\)|Phần)", s.heading)
        ]
        levels = [s.level for s in sections]
        assert all(1 <= level <= 4 for level in levels)
        assert all(b <= a + 1 for a, b in zip([levels[0] - 1, *levels], levels, strict=False))


def test_term_outline_places_figure_blocks_where_they_belong():
    sections = default_sections(Kind.TERM)

    welfare = section(sections, "Vận động nhân dân thi đua")
    gathering = section(sections, "Tuyên truyền, vận động, tập hợp")
    assert [b.kind for b in welfare.blocks][:2] == [Block.Kind.FUNDS, Block.Kind.HOUSES]
    assert gathering.blocks[0].kind == Block.Kind.MEMBERSHIPS
    indicator_blocks = [b for s in sections for b in s.blocks if b.kind == Block.Kind.INDICATORS]
    assert indicator_blocks
    for block in indicator_blocks:
        assert block.options["codes"]
        assert set(block.options["codes"]) <= CATALOGUE_CODES
    # Figure blocks sit in part one (results); part two is the officers' plan.
    part_two_start = [s.level for s in sections].index(1, 1)
    assert not [s for s in sections[part_two_start:] if s.blocks]


def test_outline_blocks_are_plain_frozen_data_and_fresh_on_each_call():
    first = default_sections(Kind.TERM)
    block = next(b for s in first for b in s.blocks)

    assert isinstance(block, OutlineBlock)
    assert isinstance(block.kind, str) and block.text == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.kind = "text"
    block.options["codes"] = ["ĐÃ SỬA"]
    assert default_sections(Kind.TERM) != first


@pytest.mark.parametrize("kind", [k for k in Kind.values if k != Kind.TERM])
def test_period_outline_is_shorter_with_results_shortcomings_and_next_tasks(kind):
    sections = default_sections(kind)

    assert len(sections) < len(default_sections(Kind.TERM))
    assert headings(sections, 2) == [
        "Kết quả thực hiện",
        "Đánh giá chung",
        "Phương hướng, nhiệm vụ kỳ tới",
    ]
    kinds = [b.kind for s in sections for b in s.blocks]
    assert {Block.Kind.FUNDS, Block.Kind.HOUSES, Block.Kind.MEMBERSHIPS} <= set(kinds)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        default_sections("khong-co")


# --- The frame -------------------------------------------------------------------------------


@pytest.fixture
def my_thoi():
    province = Province(code="91", name="Tỉnh An Giang", kind=Province.Kind.PROVINCE)
    return Ward(code="30301", name="Phường Mỹ Thới", kind=Ward.Kind.WARD, province=province)


def test_term_frame_takes_its_labels_from_the_dates(my_thoi):
    values = frame_defaults(my_thoi, Kind.TERM, D(2014, 10, 1), D(2019, 9, 30))

    assert values["issuing_body"] == "PHƯỜNG MỸ THỚI"
    assert values["issuing_board"] == "BAN THƯỜNG TRỰC"
    assert values["place"] == "Mỹ Thới"
    assert values["summary"] == (
        "Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019, "
        "mục tiêu, chương trình hành động nhiệm kỳ 2019 – 2024"
    )
    assert values["previous_starts_on"] == D(2009, 10, 1)
    assert values["previous_ends_on"] == D(2014, 9, 30)
    assert "Đoàn kết – Dân chủ – Đồng thuận – Phát triển" in values["closing"]
    assert "nhiệm kỳ 2019 – 2024" in values["closing"]
    lines = values["recipients"].splitlines()
    assert lines[0] == "- Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh An Giang;"
    assert lines[-1] == "- Lưu: VT."

    later = frame_defaults(my_thoi, Kind.TERM, D(2025, 10, 1), D(2030, 9, 30))
    assert later["summary"].endswith(
        "nhiệm kỳ 2025 – 2030, mục tiêu, chương trình hành động nhiệm kỳ 2030 – 2035"
    )


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on", "summary"),
    [
        (
            Kind.HALF,
            D(2026, 1, 1),
            D(2026, 6, 30),
            "Sơ kết công tác Mặt trận 6 tháng đầu năm 2026, "
            "phương hướng nhiệm vụ 6 tháng cuối năm 2026",
        ),
        (
            Kind.MONTH,
            D(2025, 12, 1),
            D(2025, 12, 31),
            "Kết quả công tác Mặt trận tháng 12 năm 2025, phương hướng nhiệm vụ tháng 1 năm 2026",
        ),
        (
            Kind.QUARTER,
            D(2026, 10, 1),
            D(2026, 12, 31),
            "Kết quả công tác Mặt trận quý IV năm 2026, phương hướng nhiệm vụ quý I năm 2027",
        ),
        (
            Kind.NINE_MONTHS,
            D(2026, 1, 1),
            D(2026, 9, 30),
            "Kết quả công tác Mặt trận 9 tháng đầu năm 2026, "
            "phương hướng nhiệm vụ 3 tháng cuối năm 2026",
        ),
        (
            Kind.YEAR,
            D(2026, 1, 1),
            D(2026, 12, 31),
            "Tổng kết công tác Mặt trận năm 2026, phương hướng nhiệm vụ năm 2027",
        ),
        (
            Kind.RANGE,
            D(2026, 2, 10),
            D(2026, 3, 20),
            "Kết quả công tác Mặt trận từ ngày 10/02/2026 đến ngày 20/03/2026",
        ),
    ],
)
def test_period_frame(my_thoi, kind, starts_on, ends_on, summary):
    values = frame_defaults(my_thoi, kind, starts_on, ends_on)

    assert values["summary"] == summary
    assert values["previous_starts_on"] is None and values["previous_ends_on"] is None
    assert values["closing"] == ""
    assert "Đại biểu dự Đại hội" not in values["recipients"]
    assert values["recipients"].splitlines()[-1] == "- Lưu: VT."


def test_frame_values_fit_the_document_fields(my_thoi):
    values = frame_defaults(my_thoi, Kind.TERM, D(2014, 10, 1), D(2019, 9, 30))
    fields = {f.name: f for f in Document._meta.get_fields()}

    for name, value in values.items():
        assert name in fields
        if isinstance(value, str) and getattr(fields[name], "max_length", None):
            assert len(value) <= fields[name].max_length
