"""Smaller defects seen on the way (issue 12, point 11), each checked at the HTTP level."""

import datetime
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from docx import Document

from campaigns import receipts, services
from campaigns.models import Campaign, Household
from reports.models import Indicator, IndicatorValue, MonthlyReport

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The household list's year column ----------------------------------------------------------


@pytest.mark.parametrize("role", ["ward_officer", "party_viewer"])
def test_a_household_without_a_year_shows_a_dash_not_none(world, login, role):
    Household.objects.create(ward=world.ward_x, head_name="Nguyễn Văn Nghèo", category="poor")
    Household.objects.create(
        ward=world.ward_x, head_name="Trần Thị Khó", category="near_poor", certificate_year=2024
    )
    page = login(world.users[role]).get(reverse("campaigns:households", args=[world.ward_x.code]))
    rows = re.findall(r"<tr>(.*?)</tr>", page.content.decode(), re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    years = {text_of(row[0]): text_of(row[-1]) for row in cells if row}
    assert "None" not in page.content.decode()
    assert sorted(years.values()) == ["2024", "—"]


# --- "Người ghi" names the person ---------------------------------------------------------------


def test_the_donation_page_names_who_recorded_and_reversed_it(world, login):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    officer.last_name, officer.first_name = "Nguyễn", "Thị Lan"
    officer.save()
    chair.last_name, chair.first_name = "Phạm", "Văn Hùng"
    chair.save()
    fund = Campaign.objects.create(
        name="Quỹ Vì người nghèo 2026",
        kind="fund",
        ward=world.ward_x,
        starts_on=datetime.date(2026, 1, 1),
    )
    donation = services.donation_record(
        campaign=fund,
        ward=world.ward_x,
        user=officer,
        received_on=datetime.date(2026, 3, 5),
        amount=500_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )
    services.donation_reverse(
        donation=donation, user=chair, reason="Ghi trùng", on=datetime.date(2026, 3, 6)
    )
    url = reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk])
    page = text_of(login(world.users["party_viewer"]).get(url).content.decode())
    assert "Người ghi Nguyễn Thị Lan lúc" in page
    assert "bởi Phạm Văn Hùng: Ghi trùng" in page
    assert officer.username not in page
    assert chair.username not in page


def test_without_a_full_name_the_username_is_shown(world, login):
    officer = world.users["ward_officer"]
    fund = Campaign.objects.create(
        name="Quỹ", kind="fund", ward=world.ward_x, starts_on=datetime.date(2026, 1, 1)
    )
    donation = services.donation_record(
        campaign=fund,
        ward=world.ward_x,
        user=officer,
        received_on=datetime.date(2026, 3, 5),
        amount=500_000,
        donor_kind="anonymous",
    )
    url = reverse("campaigns:donation_detail", args=[world.ward_x.code, donation.pk])
    page = text_of(login(officer).get(url).content.decode())
    assert f"Người ghi {officer.username} lúc" in page


# --- No line break between an amount and its unit -----------------------------------------------

# A digit, then whitespace a line may break at, then "đ", "đồng", "%" or "điểm %".
BREAKABLE_UNIT = re.compile(r"\d[ \t\r\n]+(?:đồng(?!\w)|đ(?!\w)|%|điểm)|điểm[ \t\r\n]+%")
NBSP = "\u00a0"


def breaks_before_a_unit(html: str) -> list[str]:
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return [match.group(0) for match in BREAKABLE_UNIT.finditer(text)]


@pytest.fixture
def figures_everywhere(world):
    """Money with a target, rates, a ratio indicator and a membership rate for ward X."""
    fund = Campaign.objects.create(
        name="Quỹ Vì người nghèo 2026",
        kind="fund",
        ward=world.ward_x,
        starts_on=datetime.date(2026, 1, 1),
        target_amount=3_000_000_000,
    )
    donation = services.donation_record(
        campaign=fund,
        ward=world.ward_x,
        user=world.users["ward_officer"],
        received_on=datetime.date(2026, 3, 5),
        amount=1_804_000_000,
        donor_kind="organisation",
        donor_name="Công ty TNHH Minh Phát",
    )
    report = MonthlyReport.objects.create(
        ward=world.ward_x, period=datetime.date(2026, 10, 1), status=MonthlyReport.Status.APPROVED
    )
    IndicatorValue.objects.create(
        report=report, indicator=Indicator.objects.get(code="VH_TANG_VM"), value=3, denominator=4
    )
    return fund, donation


def test_no_amount_or_rate_breaks_before_its_unit_on_pages(world, login, figures_everywhere):
    fund, donation = figures_everywhere
    code = world.ward_x.code
    officer = login(world.users["ward_officer"])
    pages = {
        "home": reverse("home"),
        "campaigns": reverse("campaigns:list", args=[code]),
        "campaign": reverse("campaigns:detail", args=[code, fund.pk]),
        "donation": reverse("campaigns:donation_detail", args=[code, donation.pk]),
        "ward": reverse("wards:detail", args=[code]),
        "dashboard": reverse("reports:dashboard_ward", args=[code]) + "?nam=2026",
        "entry": reverse("reports:entry", args=[code, 2026, 11]),
        "public fund": reverse("campaigns:public_fund", args=[code, fund.pk]),
    }
    shown = {}
    for name, url in pages.items():
        response = officer.get(url)
        assert response.status_code == 200, name
        shown[name] = unescape(response.content.decode())
        assert breaks_before_a_unit(response.content.decode()) == [], name
    assert f"1.804.000.000{NBSP}đ" in shown["campaign"]
    assert re.search(f"60,1[0-9]*{NBSP}%", shown["campaign"])  # 1.804.000.000 of 3.000.000.000
    # However many decimals a rate shows: October's 3 of 4, beside November's field, and
    # the world's membership, 80 of 100.
    assert re.search(f"\\(75(,0+)?{NBSP}%\\)", shown["entry"])
    assert re.search(f"80(,0+)?{NBSP}%", shown["ward"])

    province = login(world.users["province_officer"])
    for url in (
        reverse("reports:dashboard_province", args=[world.province_a.code]) + "?nam=2026",
        reverse("reports:completeness", args=[world.province_a.code, 2026]),
    ):
        response = province.get(url)
        assert response.status_code == 200
        assert breaks_before_a_unit(response.content.decode()) == [], url


def test_no_amount_or_rate_breaks_in_the_receipt_and_the_report_document(world, figures_everywhere):
    from reports.documents import docx, pdf
    from reports.documents import services as document_services

    _fund, donation = figures_everywhere
    receipt = receipts.receipt_html(donation)
    assert breaks_before_a_unit(receipt) == []
    assert f"1.804.000.000{NBSP}đồng" in unescape(receipt)

    document = document_services.document_create(
        ward=world.ward_x,
        kind="term",
        starts_on=datetime.date(2021, 10, 1),
        ends_on=datetime.date(2026, 9, 30),
        user=world.users["ward_officer"],
    )
    html = pdf.document_html(document)  # what the PDF is laid out from
    assert breaks_before_a_unit(html) == []
    assert re.search(f"80(,0+)?{NBSP}%", unescape(html))
    word = Document(io.BytesIO(docx.render_docx(document)))
    texts = [p.text for p in word.paragraphs] + [
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    ]
    assert [text for text in texts if BREAKABLE_UNIT.search(text)] == []
    assert any(re.search(f"80(,0+)?{NBSP}%", text) for text in texts)
