"""Donations, receipts, reversals, disbursements: integer đồng and balances that hold."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from campaigns import selectors, services
from campaigns.models import Donation, Household
from reports.models import MonthlyReport
from tests.campaigns.builders import campaign_of, gift, payment
from tests.readers import xlsx_sheet
from tests.reports.conftest import entry_url


@pytest.mark.django_db
def test_officer_records_cash_and_in_kind_donations_with_sequential_receipts(world, fund, login):
    client = login(world.users["ward_officer"])
    url = reverse("campaigns:donation_create", args=[world.ward_x.code, fund.pk])
    cash = client.post(
        url,
        {
            "received_on": "05/03/2026",
            "donor_kind": "organisation",
            "donor_name": "Công ty TNHH Thủy sản Mỹ Thới",
            "publish_name": "on",
            "form": "cash",
            "channel": "bank",
            "bank_reference": "FT26064123",
            "amount": "1.804.000.000",
        },
    )
    assert cash.status_code == 302
    in_kind = client.post(
        url,
        {
            "received_on": "06/03/2026",
            "donor_kind": "anonymous",
            "form": "in_kind",
            "channel": "other",
            "in_kind_value": "26.000.000",
            "in_kind_description": "Gạch",
            "in_kind_quantity": "13",
            "in_kind_unit": "thiên",
        },
    )
    assert in_kind.status_code == 302
    donations = list(Donation.objects.order_by("receipt_number"))
    assert [(d.receipt_number, d.amount) for d in donations] == [
        (1, 1_804_000_000),
        (2, 26_000_000),
    ]
    assert all(type(d.amount) is int for d in donations)
    page = client.get(in_kind["Location"]).content.decode()
    assert "00002/2026" in page and "26.000.000\u00a0đ" in page and "Nhà hảo tâm" in page
    # The gift of bricks is not cash: the fund's cash stays the money received.
    detail = client.get(reverse("campaigns:detail", args=[world.ward_x.code, fund.pk]))
    assert detail.context["progress"]["raised"] == 1_804_000_000
    assert detail.context["progress"]["in_kind_value"] == 26_000_000
    assert "1.830.000.000\u00a0đ" in detail.content.decode()  # only as the labelled grand total


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["12,5", "-100", "1.000.00", "abc", "0"])
def test_amounts_must_be_whole_positive_dong(world, fund, login, typed):
    client = login(world.users["ward_officer"])
    response = client.post(
        reverse("campaigns:donation_create", args=[world.ward_x.code, fund.pk]),
        {
            "received_on": "05/03/2026",
            "donor_kind": "anonymous",
            "form": "cash",
            "channel": "cash",
            "amount": typed,
        },
    )
    assert response.status_code == 400
    assert not Donation.objects.exists()
    assert f'value="{typed}"' in response.content.decode()


@pytest.mark.django_db
def test_receipt_numbers_restart_each_year_and_are_per_ward(world, fund, donate):
    first = donate(100_000, on=datetime.date(2025, 12, 31))
    second = donate(100_000, on=datetime.date(2026, 1, 1))
    province_fund = campaign_of(name="Cứu trợ bão lụt", fund="thien_tai", province=world.province_a)
    other_ward = gift(
        world,
        province_fund,
        50_000,
        on=datetime.date(2026, 1, 2),
        ward=world.ward_y,
        user=world.users["admin"],
        donor_kind="anonymous",
    )
    assert (first.receipt_label, second.receipt_label) == ("00001/2025", "00001/2026")
    assert other_ward.receipt_label == "00001/2026"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_twenty_concurrent_officers_get_gap_free_unique_receipts(world, fund):
    errors, barrier = [], threading.Barrier(24)

    def record(n):
        try:
            barrier.wait()
            for _ in range(5):
                gift(world, fund, 1000 + n, on=datetime.date(2026, 3, 5), donor_kind="anonymous")
        except Exception as error:  # reported below, with the thread's number
            errors.append((n, error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(Donation.objects.values_list("receipt_number", flat=True))
    assert numbers == list(range(1, 24 * 5 + 1))


@pytest.mark.django_db
def test_a_disbursement_that_would_overdraw_is_refused(world, fund, donate, login):
    donate(10_000_000)
    household = Household.objects.create(
        ward=world.ward_x, head_name="Đinh Văn Sáu", category="poor"
    )
    client = login(world.users["ward_officer"])
    url = reverse("campaigns:disbursement_create", args=[world.ward_x.code, fund.pk])
    data = {
        "paid_on": "10/03/2026",
        "household": household.pk,
        "purpose": "illness",
        "form": "cash",
        "amount": "12.000.000",
        "decision_reference": "05/QĐ-BVĐ",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert (
        "số dư quỹ “Quỹ Vì người nghèo 2026” chỉ còn 10.000.000\u00a0đ" in refused.content.decode()
    )
    assert not fund.disbursements.exists()
    data["amount"] = "4.000.000"
    assert client.post(url, data).status_code == 302
    assert selectors.fund_balance(campaign=fund) == 6_000_000


@pytest.mark.django_db
def test_a_reversal_keeps_both_entries_and_takes_the_money_out(world, fund, donate, login):
    wrong = donate(5_000_000)
    donate(2_000_000)
    client = login(world.users["ward_officer"])
    url = reverse("campaigns:donation_reverse", args=[world.ward_x.code, wrong.pk])
    client.post(url, {"reason": ""})
    assert selectors.fund_balance(campaign=fund) == 7_000_000
    client.post(url, {"reason": "Ghi nhầm số tiền, đúng là 500.000 đ"})
    assert selectors.fund_balance(campaign=fund) == 2_000_000
    assert Donation.objects.count() == 2  # nothing deleted
    page = client.get(
        reverse("campaigns:donation_detail", args=[world.ward_x.code, wrong.pk])
    ).content.decode()
    assert "Đã điều chỉnh" in page and "Ghi nhầm số tiền" in page
    with pytest.raises(services.FundRefusal):
        services.donation_reverse(
            donation=wrong,
            user=world.users["ward_officer"],
            reason="lần nữa",
            on=datetime.date(2026, 3, 6),
        )


@pytest.mark.django_db
def test_the_ledger_balances_month_by_month(world, fund, donate, login):
    donate(3_000_000, on=datetime.date(2025, 12, 10))
    donate(5_000_000, on=datetime.date(2026, 1, 10))
    donate(1_000_000, on=datetime.date(2026, 3, 2))
    payment(
        world,
        fund,
        4_000_000,
        on=datetime.date(2026, 1, 25),
        purpose="tet_gift",
        description="Quà Tết 40 hộ",
        decision_reference="01/QĐ",
    )
    months = selectors.ledger(
        campaign=fund, first=datetime.date(2026, 1, 1), last=datetime.date(2026, 12, 31)
    )
    assert (months[0].opening, months[0].receipts, months[0].disbursements, months[0].closing) == (
        3_000_000,
        5_000_000,
        4_000_000,
        4_000_000,
    )
    assert months[2].closing == 5_000_000 and months[11].closing == 5_000_000
    page = (
        login(world.users["party_viewer"])
        .get(reverse("campaigns:ledger", args=[world.ward_x.code, fund.pk]), {"nam": 2026})
        .content.decode()
    )
    assert "4.000.000" in page and "5.000.000" in page


@pytest.mark.django_db
def test_fund_money_and_houses_flow_into_the_monthly_report(world, fund, donate, login):
    donate(7_500_000, on=datetime.date(2025, 10, 3))
    donate(
        500_000,
        on=datetime.date(2025, 10, 4),
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_unit="kg",
        in_kind_quantity=50,
    )
    donate(9_000_000, on=datetime.date(2025, 11, 1))  # another month
    client = login(world.users["ward_officer"])
    form = client.get(entry_url(world.ward_x)).context["form"]
    assert form["v_VNN_THU"].value() == "7.500.000"
    assert form.fields["v_VNN_THU"].disabled
    assert form["v_VNN_HIENVAT"].value() == "500.000"
    client.post(entry_url(world.ward_x), {"version": form.initial["version"], "v_VNN_THU": "1"})
    report = MonthlyReport.objects.get(ward=world.ward_x)
    assert report.values.get(indicator__code="VNN_THU").value == 7_500_000


@pytest.mark.django_db
def test_government_support_is_not_fund_money(world, fund, donate, login):
    donate(1_000_000)
    client = login(world.users["ward_officer"])
    client.post(
        reverse("campaigns:supports", args=[world.ward_x.code]),
        {
            "programme": "Hỗ trợ theo Nghị quyết 42/NQ-CP",
            "amount": "3.000.000",
            "paid_on": "10/03/2026",
        },
    )
    assert selectors.fund_balance(campaign=fund) == 1_000_000
    assert (
        "3.000.000\u00a0đ"
        in client.get(reverse("campaigns:supports", args=[world.ward_x.code])).content.decode()
    )


@pytest.mark.django_db
def test_beneficiary_names_and_ids_stay_on_the_wards_own_pages(world, login):
    Household.objects.create(
        ward=world.ward_x,
        head_name="Huỳnh Thị Bích Ngọc",
        id_number="079123456789",
        category="poor",
    )
    url = reverse("campaigns:households", args=[world.ward_x.code])
    own = login(world.users["ward_officer"]).get(url).content.decode()
    assert "Huỳnh Thị Bích Ngọc" in own and "079123456789" in own
    for role in ("party_viewer", "province_officer"):
        page = login(world.users[role]).get(url).content.decode()
        assert "Huỳnh T. B. N." in page
        assert "Bích Ngọc" not in page and "079123456789" not in page


@pytest.mark.django_db
def test_house_stages_must_follow_each_other(world, login):
    household = Household.objects.create(ward=world.ward_x, head_name="Võ Văn Tám", category="poor")
    client = login(world.users["ward_officer"])
    response = client.post(
        reverse("campaigns:house_create", args=[world.ward_x.code]),
        {
            "household": household.pk,
            "kind": "new",
            "from_fund": "60.000.000",
            "started_on": "10/05/2026",
            "handed_over_on": "01/05/2026",
        },
    )
    assert response.status_code == 400
    assert "Ngày bàn giao không thể trước ngày khởi công." in response.content.decode()
    assert not household.houses.exists()
    client.post(
        reverse("campaigns:house_create", args=[world.ward_x.code]),
        {
            "household": household.pk,
            "kind": "new",
            "from_fund": "60.000.000",
            "from_social": "10.000.000",
            "started_on": "10/05/2026",
            "handed_over_on": "20/07/2026",
        },
    )
    house = household.houses.get()
    assert (house.from_fund, house.total_funding) == (60_000_000, 70_000_000)


@pytest.mark.django_db
def test_the_ledger_spreadsheet_keeps_whole_dong(world, fund, donate, login):
    donate(1_804_000_000, on=datetime.date(2026, 2, 3))
    response = login(world.users["ward_chair"]).get(
        reverse("campaigns:ledger_xlsx", args=[world.ward_x.code, fund.pk]), {"nam": 2026}
    )
    sheet = xlsx_sheet(response)
    february = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "02/2026")
    assert february[1:] == (0, 1_804_000_000, 0, 1_804_000_000, 0, 0)
    assert all(type(cell) is int for cell in february[1:])
    assert sheet["C5"].number_format == "#,##0"
