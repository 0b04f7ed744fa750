"""Province documents: the province committee's period and term reports, built from its
communes' approved months and its own drives and allocations, in the official layout.

Expected figures are recomputed here from the raw rows (indicator values, donations,
allocations, payments), never by calling the code that builds the tables."""

import datetime
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

import docx
import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from campaigns.models import Allocation, Disbursement, Donation
from campaigns.selectors import fund_balance
from core.numbers import format_number
from reports.documents.models import Block, Document
from reports.models import Indicator, IndicatorValue, MonthlyReport
from tests import factories
from tests.readers import pdf_text
from wards.models import RoleAssignment

Role = RoleAssignment.Role
YEAR = 2026
STOCK, WHOLE, FLOW = "VH_KDC", "VH_KDC_TONG", "TT_BUOI"


def url(name, document, *extra):
    return reverse(f"reports:province_{name}", args=[document.province.code, document.pk, *extra])


def new_url(province):
    return reverse("reports:province_document_new", args=[province.code])


def flat(text: str) -> str:
    """One line; a decision number wrapped after its hyphen ("15/QĐ-" / "MTTQ") joined."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(text.split()))


@pytest.fixture
def immediate_tasks(settings):
    """PDFs rendered within the request (the database backend needs a worker)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def people(world):
    province = world.province_a
    return {
        "officer": world.users["province_officer"],
        "chair": factories.user(role=Role.PROVINCE_CHAIR, province_obj=province),
        "viewer": factories.user(role=Role.PROVINCE_VIEWER, province_obj=province),
        "other_officer": factories.user(role=Role.PROVINCE_OFFICER, province_obj=world.province_b),
    }


@pytest.fixture
def data(world):
    """Approved months of two communes of province A (and rows that must not count: a draft
    month, another province's commune), and the province's drive with allocations."""
    day = datetime.date
    admin = world.users["admin"]
    factories.report_values(world.ward_x, day(YEAR, 1, 1), **{FLOW: 3, STOCK: 4, WHOLE: 5})
    factories.report_values(world.ward_x, day(YEAR, 2, 1), **{FLOW: 2, STOCK: 6, WHOLE: 7})
    factories.report_values(world.ward_y, day(YEAR, 1, 1), **{FLOW: 5, STOCK: 3, WHOLE: 11})
    factories.report_values(
        world.ward_y, day(YEAR, 2, 1), status=MonthlyReport.Status.SUBMITTED, **{FLOW: 700}
    )
    factories.report_values(world.ward_z, day(YEAR, 1, 1), **{FLOW: 9000})

    drive = factories.province_drive(province_obj=world.province_a)
    factories.donation(fund_obj=drive, user=admin, amount=53_000_000, received_on=day(YEAR, 3, 5))
    factories.donation(
        fund_obj=drive,
        user=admin,
        amount=12_000_000,
        form=Donation.Form.IN_KIND,
        in_kind_description="Mì tôm",
        in_kind_quantity=300,
        in_kind_unit="thùng",
        received_on=day(YEAR, 3, 6),
    )
    # Collected by a commune for the drive: not the committee's receipt.
    factories.donation(
        fund_obj=drive,
        user=admin,
        amount=1_700_000,
        ward_obj=world.ward_x,
        received_on=day(YEAR, 3, 7),
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_x,
        user=admin,
        amount=21_000_000,
        decision_number="15/QĐ-MTTQ",
        decision_date=day(YEAR, 4, 1),
        confirmed_on=day(YEAR, 4, 3),
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_y,
        user=admin,
        amount=9_000_000,
        decision_number="16/QĐ-MTTQ",
        decision_date=day(YEAR, 4, 2),
    )
    factories.allocation(
        drive=drive,
        ward_obj=world.ward_y,
        user=admin,
        amount=4_000_000,
        form=Allocation.Form.IN_KIND,
        in_kind_description="Mì tôm",
        in_kind_quantity=100,
        in_kind_unit="thùng",
        decision_number="17/QĐ-MTTQ",
        decision_date=day(YEAR, 4, 2),
        confirmed_on=day(YEAR, 4, 4),
    )
    factories.payment(
        fund_obj=drive,
        ward_obj=world.ward_x,
        user=admin,
        amount=6_500_000,
        paid_on=day(YEAR, 4, 10),
        purpose=Disbursement.Purpose.DISASTER,
        decision_reference="Số 3/QĐ-UBMTTQ",
        household=factories.household(ward_obj=world.ward_x),
    )
    return drive


def create_report(client, province, kind="year", **dates):
    values = {"kind": kind, "starts_on": f"01/01/{YEAR}", "ends_on": "", **dates}
    response = client.post(new_url(province), values)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.filter(province=province).latest("pk"), response


# --- Roles ----------------------------------------------------------------------------------


def test_the_officer_creates_the_chair_issues_the_viewer_reads(world, people, login, data, client):
    document, response = create_report(login(people["officer"]), world.province_a)
    assert response["Location"] == url("document", document)
    assert document.ward is None and document.province == world.province_a
    assert document.issuing_body == "TỈNH AN GIANG"
    assert document.parent_body == "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM"
    page = flat(client.get(response["Location"]).content.decode())
    assert "Đã tạo dự thảo báo cáo tổng kết năm." in page
    assert "Tiếp nhận, phân bổ các nguồn vận động của Ủy ban MTTQ tỉnh" in page
    listing = client.get(reverse("reports:province_documents", args=["91"])).content.decode()
    assert f'href="{url("document", document)}"' in listing
    assert "Tổng kết công tác Mặt trận năm 2026" in listing
    # The province's menu leads to its documents.
    assert f'href="{reverse("reports:province_documents", args=["91"])}"' in listing

    # The officer edits the frame but may not issue.
    assert client.get(url("document_frame", document)).status_code == 200
    assert client.get(url("document_issue", document)).status_code == 403
    refused = client.post(url("document_issue", document), {"number": "3"})
    assert refused.status_code == 403
    document.refresh_from_db()
    assert not document.is_issued

    chair = login(people["chair"])
    assert chair.get(url("document_issue", document)).status_code == 200
    issued = chair.post(url("document_issue", document), {"number": "3"})
    assert issued.status_code == 302
    document.refresh_from_db()
    assert document.is_issued and document.number == 3 and document.issued_by == people["chair"]

    viewer = login(people["viewer"])
    assert viewer.get(url("document", document)).status_code == 200
    assert viewer.get(url("document_docx", document)).status_code == 200
    assert viewer.get(reverse("reports:province_documents", args=["91"])).status_code == 200
    assert viewer.get(url("document_frame", document)).status_code == 403
    assert viewer.post(new_url(world.province_a), {"kind": "year"}).status_code == 403
    assert viewer.post(url("document_copy", document)).status_code == 403


@pytest.mark.parametrize("role", ["ward_officer", "ward_chair", "party_viewer"])
def test_ward_roles_get_403_on_province_documents(world, people, login, role):
    document = factories.province_document(province_obj=world.province_a, user=people["officer"])
    client = login(world.users[role])
    assert client.get(url("document", document)).status_code == 403
    assert client.get(url("document_pdf", document)).status_code == 403
    assert client.get(reverse("reports:province_documents", args=["91"])).status_code == 403
    assert client.post(new_url(world.province_a), {"kind": "year"}).status_code == 403
    assert Document.objects.filter(province__isnull=False).count() == 1


def test_another_province_gets_404(world, people, login):
    document = factories.province_document(province_obj=world.province_a, user=people["officer"])
    client = login(people["other_officer"])
    assert client.get(url("document", document)).status_code == 404
    assert client.get(url("document_docx", document)).status_code == 404
    assert client.get(reverse("reports:province_documents", args=["91"])).status_code == 404
    assert client.post(new_url(world.province_a), {"kind": "year"}).status_code == 404
    # Its own province's URL does not reach province A's document either.
    own = reverse("reports:province_document", args=[world.province_b.code, document.pk])
    assert client.get(own).status_code == 404


def test_a_province_document_is_not_reached_through_a_ward_url(world, people, login):
    document = factories.province_document(province_obj=world.province_a, user=people["officer"])
    client = login(world.users["admin"])
    ward_url = reverse("reports:document", args=[world.ward_x.code, document.pk])
    assert client.get(ward_url).status_code == 404


# --- Figures in the PDF and the DOCX --------------------------------------------------------


def approved_values(province, code):
    """{ward id: {month: (value, denominator)}} from the raw rows of approved reports."""
    rows = IndicatorValue.objects.filter(
        report__ward__province=province,
        report__status=MonthlyReport.Status.APPROVED,
        report__period__year=YEAR,
        indicator__code=code,
    ).values_list("report__ward_id", "report__period", "value", "denominator")
    by_ward = {}
    for ward_id, month, value, denominator in rows:
        by_ward.setdefault(ward_id, {})[month] = (value, denominator)
    return by_ward


def flow_total(province, code):
    return sum(v for months in approved_values(province, code).values() for v, _ in months.values())


def stock_total(province, code):
    """Each commune's latest month, summed over communes."""
    return sum(months[max(months)][0] for months in approved_values(province, code).values())


def percent_text(part, whole):
    rate = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{rate}".replace(".", ",") + " %"


def drive_figures(drive, province):
    """Cash and goods' equivalents apart: received by the committee, allocated, paid by the
    communes, held by the committee; from the raw rows."""

    def total(queryset):
        return queryset.aggregate(total=Sum("amount"))["total"] or 0

    figures = {}
    for form in (Donation.Form.CASH, Donation.Form.IN_KIND):
        received = total(Donation.objects.filter(campaign=drive, ward__isnull=True, form=form))
        allocated = total(Allocation.objects.filter(campaign=drive, form=form))
        paid = total(Disbursement.objects.filter(campaign=drive, form=form))
        figures[form] = (received, allocated, paid, received - allocated)
    return figures


def row_start(code):
    """An indicator's row as the table reads: its name, then its unit."""
    indicator = Indicator.objects.get(code=code)
    return f"{indicator.name} {indicator.unit}"


def amounts(values):
    return " ".join(format_number(value) for value in values)


def add_indicators_block(client, document):
    section = document.sections.get(heading__startswith="Củng cố tổ chức")
    response = client.post(
        url("document_block_add_figure", document, section.pk),
        {
            "kind": Block.Kind.INDICATORS,
            "codes": [FLOW, STOCK, WHOLE],
            "caption": "Chỉ tiêu tỉnh",
            "position": "0",
        },
    )
    assert response.status_code == 302


def test_the_pdf_shows_the_province_header_and_figures_from_raw_rows(
    world, people, login, data, immediate_tasks
):
    client = login(people["officer"])
    document, _ = create_report(client, world.province_a)
    add_indicators_block(client, document)
    response = client.get(url("document_pdf", document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    docx_file = docx.Document(
        BytesIO(login(people["viewer"]).get(url("document_docx", document)).content)
    )
    docx_text = flat(
        " ".join(
            [p.text for p in docx_file.paragraphs]
            + [
                cell.text
                for table in docx_file.tables
                for table_row in table.rows
                for cell in table_row.cells
            ]
        )
    )

    province = world.province_a
    flow = flow_total(province, FLOW)
    stock, whole = stock_total(province, STOCK), stock_total(province, WHOLE)
    assert (flow, stock, whole) == (10, 9, 18)  # the set-up is what the test means
    cash = drive_figures(data, province)[Donation.Form.CASH]
    goods = drive_figures(data, province)[Donation.Form.IN_KIND]
    assert fund_balance(campaign=data, at=province) == cash[3]

    for shown in (text, docx_text):
        assert "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM" in shown
        assert "TỈNH AN GIANG" in shown
        assert "BAN THƯỜNG TRỰC" in shown
        assert f"An Giang, ngày {document.issued_on:%d} tháng" in shown
        assert f"Tổng kết công tác Mặt trận năm {YEAR}" in shown
        # A flow summed over two communes; a stock (each commune's latest month); a rate
        # from the summed parts.
        assert "Chỉ tiêu tỉnh" in shown
        assert f"{row_start(FLOW)} {format_number(flow)} " in shown
        assert f"{row_start(STOCK)} {format_number(stock)} {percent_text(stock, whole)}" in shown
        assert f"{row_start(WHOLE)} {format_number(whole)} " in shown
        # Neither a draft month nor another province's commune counts.
        assert f" {format_number(flow + 700)} " not in shown
        assert f" {format_number(flow + 9000)} " not in shown
        # The drive: cash and goods on rows of their own.
        assert f"{data.name} – tiền mặt {amounts(cash)}" in shown
        assert f"{data.name} – hiện vật quy đổi {amounts(goods)}" in shown
        grand_total = [c + g for c, g in zip(cash, goods, strict=True)]
        assert f"Tổng cộng (tiền mặt và hiện vật quy đổi) {amounts(grand_total)}" in shown
        # The allocations, with their decision numbers.
        for allocation in Allocation.objects.filter(campaign=data).select_related("ward"):
            decision = f"Số {allocation.decision_number} ngày {allocation.decision_date:%d/%m/%Y}"
            assert f"{allocation.ward.name} {decision} " in shown
        assert "16/QĐ-MTTQ ngày 02/04/2026 9.000.000 — — Chưa xác nhận" in shown
        assert "17/QĐ-MTTQ ngày 02/04/2026 — 100 thùng Mì tôm 4.000.000 04/04/2026" in shown
        assert "1.700.000" not in shown  # a commune's receipt is not the committee's


def test_the_term_report_outline_of_the_province(world, people, login, data, immediate_tasks):
    client = login(people["officer"])
    document, _ = create_report(
        client, world.province_a, kind="term", starts_on="01/01/2021", ends_on="31/12/2026"
    )
    headings = list(document.sections.values_list("heading", flat=True))
    assert headings[0].startswith("Tình hình khối đại đoàn kết")
    drives = document.sections.get(heading__startswith="Tiếp nhận, phân bổ")
    assert sorted(drives.blocks.values_list("kind", flat=True)) == ["allocations", "drives"]
    assert "Đại hội đại biểu Mặt trận Tổ quốc Việt Nam tỉnh An Giang" in document.closing
    text = flat(pdf_text(client.get(url("document_pdf", document)).content))
    assert "15/QĐ-MTTQ" in text
    assert "TỈNH AN GIANG" in text


# --- Numbers and double submits ---------------------------------------------------------------


def test_a_double_submit_creates_one_document(world, people, login):
    client = login(people["officer"])
    token = str(uuid.uuid4())
    values = {"kind": "quarter", "starts_on": f"01/04/{YEAR}", "ends_on": "", "submission": token}
    first = client.post(new_url(world.province_a), values)
    second = client.post(new_url(world.province_a), values)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Document.objects.filter(province=world.province_a).count() == 1


def test_an_issued_number_is_unique_per_province_and_year_in_the_database(world, people):
    officer = people["officer"]
    first = factories.province_document(province_obj=world.province_a, user=officer)
    second = factories.province_document(province_obj=world.province_a, user=officer)
    other = factories.province_document(province_obj=world.province_b, user=world.users["admin"])
    issued = {"status": "issued", "number": 7, "issued_year": YEAR}
    Document.objects.filter(pk=first.pk).update(**issued)
    # Another province, or a ward, may use the same number.
    Document.objects.filter(pk=other.pk).update(**issued)
    ward_document = factories.document(ward_obj=world.ward_x, user=world.users["ward_officer"])
    Document.objects.filter(pk=ward_document.pk).update(**issued)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=second.pk).update(**issued)
    Document.objects.filter(pk=second.pk).update(**{**issued, "issued_year": YEAR + 1})


def test_a_taken_number_is_refused_with_a_message(world, people, login):
    officer, chair = people["officer"], login(people["chair"])
    first = factories.province_document(province_obj=world.province_a, user=officer)
    second = factories.province_document(province_obj=world.province_a, user=officer)
    assert chair.post(url("document_issue", first), {"number": "4"}).status_code == 302
    refused = chair.post(url("document_issue", second), {"number": "4"})
    assert refused.status_code == 400
    assert "đã dùng cho một văn bản đã ban hành khác" in refused.content.decode()
    second.refresh_from_db()
    assert not second.is_issued


def test_a_document_belongs_to_exactly_one_holder(world, people):
    document = factories.province_document(province_obj=world.province_a, user=people["officer"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(ward=world.ward_x)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(province=None)


def test_only_province_documents_offer_the_drive_tables(world, people, login):
    province_document = factories.province_document(
        province_obj=world.province_a, user=people["officer"]
    )
    section = province_document.sections.first()
    form = login(people["officer"]).get(
        url("document_block_add_figure", province_document, section.pk)
    )
    assert 'value="drives"' in form.content.decode()
    assert 'value="allocations"' in form.content.decode()

    ward_document = factories.document(ward_obj=world.ward_x, user=world.users["ward_officer"])
    section = ward_document.sections.first()
    client = login(world.users["ward_officer"])
    add_url = reverse(
        "reports:document_block_add_figure", args=[world.ward_x.code, ward_document.pk, section.pk]
    )
    assert 'value="drives"' not in client.get(add_url).content.decode()
    refused = client.post(add_url, {"kind": "drives", "position": "0"})
    assert refused.status_code == 400
    assert not section.blocks.filter(kind="drives").exists()
