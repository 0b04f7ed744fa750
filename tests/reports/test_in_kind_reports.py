"""Every dashboard, export, public page and monthly-report source shows cash and the money
equivalents of goods apart, and adds them only in a total labelled as such; expected figures
are recomputed here from the rows tests.money_data wrote."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.selectors import format_dong
from reports.dashboards import figures as dashboards
from tests.money_data import FEB, MAR, Q1, Q1_FIRST, Q1_LAST, build, cash, goods_value
from tests.readers import xlsx_sheet
from tests.reports.conftest import entry_url

GRAND = "Tổng cộng (tiền mặt và hiện vật quy đổi)"


@pytest.fixture
def gifts(world):
    cache.clear()  # the public totals are cached by the newest ids, which SQLite reuses
    yield build(world)
    cache.clear()


def xlsx_rows(response):
    sheet = xlsx_sheet(response)
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def by_header(rows):
    """[{header: value}] of a downloaded table's rows."""
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def month_end(month):
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


# --- The ward dashboard ------------------------------------------------------------------


def test_ward_dashboard_shows_cash_and_goods_apart(gifts, login):
    world = gifts.world
    in_q1 = gifts.counted(first=Q1_FIRST, last=Q1_LAST)
    paid = gifts.paid(first=Q1_FIRST, last=Q1_LAST)
    client = login(world.users["party_viewer"])
    url = reverse("reports:dashboard_ward", args=[world.ward_x.code])
    response = client.get(url, Q1)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="stat-raised">{format_dong(cash(in_q1))}' in page
    assert f'data-testid="stat-in-kind">{format_dong(goods_value(in_q1))}' in page
    grand = cash(in_q1) + goods_value(in_q1)
    assert f'data-testid="stat-grand-total">{format_dong(grand)}' in page
    assert f'data-testid="stat-disbursed">{format_dong(cash(paid))}' in page

    funds = by_header(xlsx_rows(client.get(url, {**Q1, "format": "xlsx", "bang": "quy"})))
    line = next(row for row in funds if row["Cuộc vận động"] == gifts.poor.name)
    poor_q1 = gifts.counted(gifts.poor, Q1_FIRST, Q1_LAST)
    assert line["Tiền mặt vận động trong kỳ (tại phường, xã)"] == cash(poor_q1)
    assert line["Hiện vật quy đổi trong kỳ (tại phường, xã)"] == goods_value(poor_q1)
    assert line[GRAND] == cash(poor_q1) + goods_value(poor_q1)
    assert line["Tiền mặt đã chi trong kỳ"] == cash(gifts.paid(gifts.poor, Q1_FIRST, Q1_LAST))
    to_date = cash(gifts.counted(gifts.poor, last=Q1_LAST))
    assert line["Lũy kế tiền mặt toàn cuộc vận động"] == to_date
    # Progress against the target is cash: the goods' equivalents do not count.
    assert line["Đạt chỉ tiêu (tiền mặt)"] == pytest.approx(to_date / gifts.poor.target_amount)
    fund_total = next(
        row for row in funds if row["Cuộc vận động"] == "Cộng Cứu trợ thiên tai, dịch bệnh"
    )
    disaster_q1 = gifts.counted(gifts.disaster, Q1_FIRST, Q1_LAST)
    assert fund_total["Hiện vật quy đổi trong kỳ (tại phường, xã)"] == goods_value(disaster_q1)

    trend = by_header(xlsx_rows(client.get(url, {**Q1, "format": "xlsx", "bang": "xu-huong"})))
    for month in (FEB, MAR):
        row = next(r for r in trend if r["Tháng"] == f"{month:%m/%Y}")
        counted = gifts.counted(first=month, last=month_end(month))
        assert row["Tiền mặt vận động (đồng)"] == cash(counted)
        assert row["Hiện vật quy đổi (đồng)"] == goods_value(counted)
        paid_in_month = gifts.paid(first=month, last=month_end(month))
        assert row["Tiền mặt đã chi (đồng)"] == cash(paid_in_month)

    data = dashboards.ward_dashboard(world.ward_x, dashboards.parse_period(Q1, Q1_LAST)[0], Q1_LAST)
    line = next(line for line in data.campaigns if line.campaign == gifts.poor)
    assert line.amount_percent == dashboards.percent(to_date, gifts.poor.target_amount)


# --- Province and national tables -----------------------------------------------------------


def test_province_and_national_tables_show_cash_and_goods_apart(gifts, login):
    world = gifts.world
    in_q1 = gifts.counted(first=Q1_FIRST, last=Q1_LAST)
    expected = {
        "Tiền mặt vận động": cash(in_q1),
        "Hiện vật quy đổi": goods_value(in_q1),
        GRAND: cash(in_q1) + goods_value(in_q1),
        "Tiền mặt đã chi": cash(gifts.paid(first=Q1_FIRST, last=Q1_LAST)),
    }
    officer = login(world.users["province_officer"])
    province_url = reverse("reports:dashboard_province", args=[world.province_a.code])
    rows = by_header(xlsx_rows(officer.get(province_url, {**Q1, "format": "xlsx"})))
    ward_row = next(row for row in rows if row["Mã"] == world.ward_x.code)
    assert {key: ward_row[key] for key in expected} == expected
    page = officer.get(province_url, Q1).content.decode()
    assert f'data-testid="total-in-kind">{format_dong(expected["Hiện vật quy đổi"])}' in page
    assert f'data-testid="total-grand">{format_dong(expected[GRAND])}' in page

    admin = login(world.users["admin"])
    national = reverse("reports:dashboard_national")
    rows = by_header(xlsx_rows(admin.get(national, {**Q1, "format": "xlsx"})))
    province_row = next(row for row in rows if row["Mã"] == world.province_a.code)
    assert {key: province_row[key] for key in expected} == expected
    lines = list(
        csv.reader(
            io.StringIO(admin.get(national, {**Q1, "format": "csv"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    header = lines[0]
    assert "Hiện vật quy đổi" in header and GRAND in header


# --- Monthly report sources ------------------------------------------------------------------

SOURCED = ("VNN_THU", "VNN_HIENVAT", "VNN_CHI", "ASXH_THIENTAI")


def dots(amount):
    return f"{amount:,}".replace(",", ".")


def test_monthly_report_sources_keep_goods_out_of_cash(gifts, login):
    """VNN_THU is cash, VNN_HIENVAT the goods' equivalents, VNN_CHI cash paid out (goods
    handed out are not), ASXH_THIENTAI the disaster fund's cash."""
    client = login(gifts.world.users["ward_officer"])
    for month in (FEB, MAR):
        last = month_end(month)
        poor = gifts.counted(gifts.poor, month, last)
        disaster = gifts.counted(gifts.disaster, month, last)
        form = client.get(entry_url(gifts.world.ward_x, month)).context["form"]
        shown = {code: form[f"v_{code}"].value() for code in SOURCED}
        assert shown == {
            "VNN_THU": dots(cash(poor)),
            "VNN_HIENVAT": dots(goods_value(poor)),
            "VNN_CHI": dots(cash(gifts.paid(gifts.poor, month, last))),
            "ASXH_THIENTAI": dots(cash(disaster)),
        }


# --- Public disclosure ---------------------------------------------------------------------


def test_public_pages_and_csv_show_cash_and_goods_apart(gifts, client):
    world, poor = gifts.world, gifts.poor
    counted, paid = gifts.counted(poor), gifts.paid(poor)
    ward_page = client.get(reverse("campaigns:public_ward", args=[world.ward_x.code]))
    fund = next(c for c in ward_page.context["own_campaigns"] if c.pk == poor.pk)
    assert (fund.received, fund.in_kind, fund.paid) == (
        cash(counted),
        goods_value(counted),
        cash(paid),
    )
    assert fund.balance == cash(counted) - cash(paid)
    html = ward_page.content.decode()
    assert "Hiện vật quy đổi" in html and GRAND in html

    url = reverse("campaigns:public_fund", args=[world.ward_x.code, poor.pk])
    response = client.get(url)
    overall = response.context["overall"]
    assert (overall.received, overall.in_kind_received) == (cash(counted), goods_value(counted))
    assert (overall.paid, overall.in_kind_paid) == (cash(paid), goods_value(paid))
    assert overall.balance == cash(counted) - cash(paid)
    page = response.content.decode()
    assert f'id="overall-received">{format_dong(cash(counted))}' in page
    assert f'id="overall-in-kind">{format_dong(goods_value(counted))}' in page
    assert f'id="overall-balance">{format_dong(cash(counted) - cash(paid))}' in page
    assert "chưa quy đổi" in page  # the noodles
    assert "Hiện vật: 30 thùng Mì gói" in page
    assert "hiện vật: 50 kg gạo" in page  # the rice handed out

    searched = client.get(url, {"loai": "thu", "tu_ngay": "01/03/2025", "den_ngay": "31/03/2025"})
    in_march = gifts.counted(poor, MAR, month_end(MAR))
    totals = searched.context["totals"]
    assert (totals.received, totals.in_kind_received) == (cash(in_march), goods_value(in_march))

    body = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8")
    lines = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    header = lines[0]
    cash_column, goods_column, note_column = (
        header.index("Tiền mặt (đồng)"),
        header.index("Hiện vật quy đổi (đồng)"),
        header.index("Ghi chú"),
    )
    receipts = [line for line in lines[1:] if line[1] == "Thu" and not line[note_column]]
    assert sum(int(line[cash_column]) for line in receipts if line[cash_column]) == cash(counted)
    valued = [
        line[goods_column] for line in receipts if line[goods_column] not in ("", "chưa quy đổi")
    ]
    assert sum(map(int, valued)) == goods_value(counted)
    assert "chưa quy đổi" in [line[goods_column] for line in receipts]
