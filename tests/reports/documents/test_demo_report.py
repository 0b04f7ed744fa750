"""The demo ward's term report 2014 – 2019: its figures match the reference congress report."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from campaigns.demo import seed_campaigns
from campaigns.models import Donation, House
from reports import periods
from reports.dashboards import figures as dashboards
from reports.demo import DEMO_MONTHS, seed_monthly_reports
from reports.documents import figures
from reports.documents.demo import seed_term_report
from reports.documents.models import Block, Document
from reports.documents.outline import default_sections
from reports.models import Indicator, MonthlyReport
from wards import demo as ward_demo

Kind = Block.Kind


@pytest.fixture
def term_report(world):
    """The demo ward (ward X is Phường Mỹ Thới, 30301) with its users, then the term report."""
    ward, _logins = ward_demo.seed_demo()
    officer = get_user_model().objects.get(username="canbo.mythoi")
    return seed_term_report(ward, officer)


def figure_blocks(document, kind):
    return [
        block
        for block in Block.objects.filter(section__document=document, kind=kind)
        .select_related("section__document")
        .order_by("section__position", "position")
    ]


def rows_by_label(document, kind) -> dict[str, list[str]]:
    return {
        # Units are joined by a no-break space (tests/test_small_defects.py); plain text here.
        row["cells"][0]["t"]: [cell["t"].replace("\u00a0", " ") for cell in row["cells"][1:]]
        for block in figure_blocks(document, kind)
        for row in block.snapshot["rows"]
    }


def test_frame_is_the_issued_congress_report(term_report):
    document = term_report

    assert document.status == Document.Status.ISSUED
    assert document.number_and_symbol == "Số: 18/BC-MTTQ"
    assert document.issued_on == datetime.date(2019, 10, 25)
    assert document.issuing_body == "PHƯỜNG MỸ THỚI"
    assert document.place == "Mỹ Thới"
    assert document.summary == (
        "Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019, "
        "mục tiêu, chương trình hành động nhiệm kỳ 2019 – 2024"
    )
    assert document.signer_name == "Trần Văn Hùng"
    headings = list(document.sections.order_by("position").values_list("heading", flat=True))
    assert headings == [s.heading for s in default_sections(Document.Kind.TERM)]


def test_money_houses_and_memberships_match_the_reference(term_report):
    funds = rows_by_label(term_report, Kind.FUNDS)
    assert funds["Quỹ Vì người nghèo – tiền mặt"][0] == "1.804.000.000"

    houses = rows_by_label(term_report, Kind.HOUSES)
    assert houses["Tổng cộng"][0] == "45"

    memberships = rows_by_label(term_report, Kind.MEMBERSHIPS)
    # Summed members over summed eligible people at the end of the term: the report's 82 %.
    assert memberships["Tổng cộng"][2:4] == ["20.688/25.220", "82,0 %"]


def test_indicators_match_the_reference(term_report):
    rows = rows_by_label(term_report, Kind.INDICATORS)

    def result(code):
        return rows[Indicator.objects.get(code=code).name]

    assert result("BC_CUTRI")[1] == "6.688"
    assert result("BC_DIBAU")[1:3] == ["6.622", "99,0 %"]
    assert result("GS_KIENNGHI")[1] == "56"
    assert result("GS_GIAIQUYET")[1:3] == ["53", "94,6 %"]  # "95 %" in the report
    assert result("CB_TAPHUAN")[1] == "130"
    assert result("CB_KIENTOAN")[1] == "6"
    assert result("THTK_TIEN")[1] == "122.160.000"
    assert result("TT_LOP")[1] == "15"
    assert result("VH_KDC")[1:3] == ["10", "100,0 %"]
    assert result("VH_GD")[2] == "97,0 %"
    assert result("HN_NGHEO")[1] == "12"


def test_issued_figures_are_the_data_as_computed(term_report):
    blocks = [b for b in Block.objects.filter(section__document=term_report) if b.is_figure]

    assert len(blocks) == sum(len(s.blocks) for s in default_sections(Document.Kind.TERM))
    for block in blocks:
        assert block.snapshot == figures.compute(block)
        assert block.computed_at.date() == datetime.date(2019, 10, 25)


def test_every_section_opens_with_safe_narrative(term_report):
    for section in term_report.sections.all():
        first = section.blocks.order_by("position").first()
        assert first.kind == Kind.TEXT
        tags = set(re.findall(r"</?([a-z0-9]+)", first.text))
        assert tags and tags <= {"p", "ul", "ol", "li", "strong", "em"}
        assert "=" not in re.sub(r">[^<]*<", "><", first.text)  # no attributes


def test_seed_demo_adds_the_report_once_and_keeps_recent_figures(world):
    ward, _logins = ward_demo.seed_demo()
    officer = get_user_model().objects.get(username="canbo.mythoi")
    last_month = periods.add_months(datetime.date.today().replace(day=1), -1)
    seed_campaigns(
        ward,
        officer,
        first_month=periods.add_months(last_month, 1 - DEMO_MONTHS),
        last_month=last_month,
    )
    seed_monthly_reports(ward)
    recent = dashboards.Period(periods.add_months(last_month, 1 - DEMO_MONTHS), last_month)

    def recent_figures():
        board = dashboards.ward_dashboard(ward, recent, datetime.date.today())
        return (
            board.raised,
            board.disbursed,
            board.houses,
            board.membership_total,
            {code: figure.current for code, figure in board.indicators.items()},
        )

    before = recent_figures()
    call_command("seed_demo", verbosity=0)
    after = recent_figures()
    counts = [model.objects.count() for model in (Document, Donation, House, MonthlyReport, Block)]
    call_command("seed_demo", verbosity=0)

    assert after == before
    assert Document.objects.get(ward=ward, kind=Document.Kind.TERM).is_issued
    assert counts == [
        model.objects.count() for model in (Document, Donation, House, MonthlyReport, Block)
    ]
