"""In-kind gifts are not cash: goods are complete (quantity, unit, description) with an optional
money equivalent, never counted in a fund's cash; goods handed out are goods out."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from campaigns import selectors, services
from campaigns.models import Disbursement, Donation
from tests.campaigns.test_receipts import pdf_text
from tests.money_data import build, cash, goods_value
from tests.readers import xlsx_sheet

D = datetime.date


@pytest.fixture
def gifts(world):
    return build(world)


def donation_url(world, campaign):
    return reverse("campaigns:donation_create", args=[world.ward_x.code, campaign.pk])


def payment_url(world, campaign):
    return reverse("campaigns:disbursement_create", args=[world.ward_x.code, campaign.pk])


def goods_post(**changes):
    data = {
        "received_on": "05/03/2026",
        "donor_kind": "anonymous",
        "form": "in_kind",
        "channel": "other",
        "in_kind_description": "Gạo ST25",
        "in_kind_quantity": "1.500",
        "in_kind_unit": "kg",
        "in_kind_value": "",
    }
    return {**data, **changes}


# --- Complete goods: the model, the form, the database --------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"in_kind_quantity": None}, "in_kind_quantity"),
        ({"in_kind_quantity": Decimal(0)}, "in_kind_quantity"),
        ({"in_kind_unit": "  "}, "in_kind_unit"),
        ({"in_kind_description": ""}, "in_kind_description"),
        ({"amount": 0}, "amount"),
    ],
)
def test_the_model_refuses_incomplete_goods_by_field(world, fund, fields, wrong):
    goods = {
        "form": "in_kind",
        "in_kind_description": "Gạo",
        "in_kind_quantity": Decimal(10),
        "in_kind_unit": "kg",
        "amount": None,
        **fields,
    }
    donation = Donation(
        campaign=fund,
        ward=world.ward_x,
        receipt_year=2026,
        receipt_number=1,
        received_on=D(2026, 3, 5),
        donor_kind="anonymous",
        channel="other",
        recorded_by=world.users["ward_officer"],
        **goods,
    )
    with pytest.raises(ValidationError) as refused:
        donation.full_clean()
    assert wrong in refused.value.message_dict


@pytest.mark.django_db
def test_the_model_refuses_cash_without_an_amount_or_with_goods(world, fund):
    common = {
        "campaign": fund,
        "ward": world.ward_x,
        "receipt_year": 2026,
        "receipt_number": 1,
        "received_on": D(2026, 3, 5),
        "donor_kind": "anonymous",
        "channel": "cash",
        "form": "cash",
        "recorded_by": world.users["ward_officer"],
    }
    with pytest.raises(ValidationError) as refused:
        Donation(**common, amount=None).full_clean()
    assert refused.value.message_dict["amount"] == ["Nhập số tiền lớn hơn 0 đồng."]
    with pytest.raises(ValidationError) as refused:
        Donation(**common, amount=100_000, in_kind_unit="kg").full_clean()
    assert "form" in refused.value.message_dict
    Donation(**common, amount=100_000).full_clean()  # a complete cash gift passes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"in_kind_quantity": None},
        {"in_kind_quantity": 0},
        {"in_kind_unit": ""},
        {"in_kind_description": ""},
        {"form": "cash"},  # cash with goods fields
    ],
)
def test_the_database_refuses_incomplete_goods_written_around_the_model(gifts, change):
    rice = next(d for d in gifts.donations if d.in_kind_description == "Gạo")
    handed_out = next(p for p in gifts.payments if p.form == "in_kind")
    assert_the_database_refuses(change, rice, handed_out)


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"amount": None}, {"amount": 0}, {"in_kind_unit": "kg"}])
def test_the_database_refuses_cash_without_money_or_with_goods(gifts, change):
    gift = next(d for d in gifts.donations if d.form == "cash")
    payment = next(p for p in gifts.payments if p.form == "cash")
    assert_the_database_refuses(change, gift, payment)


def assert_the_database_refuses(change, *rows):
    """Each row, updated around the model, is refused by the database's own constraints."""
    for row in rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            type(row).objects.filter(pk=row.pk).update(**change)


@pytest.mark.django_db
def test_the_form_asks_for_quantity_unit_and_name_and_keeps_what_was_typed(world, fund, login):
    client = login(world.users["ward_officer"])
    response = client.post(
        donation_url(world, fund),
        goods_post(in_kind_description="", in_kind_quantity="", in_kind_unit="", note="Gửi kho"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["in_kind_description"] == ["Ghi tên hiện vật, ví dụ: gạo, gạch, mì gói."]
    assert errors["in_kind_quantity"] == ["Nhập số lượng hiện vật."]
    assert errors["in_kind_unit"] == ["Ghi đơn vị tính, ví dụ: kg, thùng, bao."]
    page = response.content.decode()
    assert 'value="Gửi kho"' in page
    assert not Donation.objects.exists()

    for typed, message in [
        ("0", "Số lượng phải lớn hơn 0."),
        (
            "2.5",
            "Nhập số lượng, ví dụ 13 hoặc 2,5 (dấu phẩy trước phần lẻ, dấu chấm ngăn cách "
            "hàng nghìn).",
        ),
        ("1,255", "Số lượng có tối đa 2 chữ số lẻ."),
        (
            "mười",
            "Nhập số lượng, ví dụ 13 hoặc 2,5 (dấu phẩy trước phần lẻ, dấu chấm ngăn cách "
            "hàng nghìn).",
        ),
    ]:
        response = client.post(donation_url(world, fund), goods_post(in_kind_quantity=typed))
        assert response.status_code == 400
        assert response.context["form"].errors["in_kind_quantity"] == [message], typed
        assert f'value="{typed}"' in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_goods_without_an_equivalent_are_recorded_as_not_valued(world, fund, login):
    client = login(world.users["ward_officer"])
    response = client.post(donation_url(world, fund), goods_post(in_kind_quantity="2,5"))
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert (donation.form, donation.amount) == ("in_kind", None)
    assert donation.in_kind_quantity == Decimal("2.5")
    page = client.get(response["Location"]).content.decode()
    assert "chưa quy đổi" in page and "2,5 kg" in page

    _, text = pdf_text(
        client.get(reverse("campaigns:receipt_pdf", args=[world.ward_x.code, donation.pk])).content
    )
    assert "Giá trị quy đổi: chưa quy đổi" in text
    assert "Bằng chữ" not in text


@pytest.mark.django_db
def test_the_form_refuses_money_typed_for_the_other_kind(world, fund, login):
    client = login(world.users["ward_officer"])
    goods_with_cash = client.post(donation_url(world, fund), goods_post(amount="500.000"))
    assert goods_with_cash.status_code == 400
    assert "Giá trị quy đổi" in goods_with_cash.context["form"].errors["amount"][0]
    cash_with_goods = client.post(
        donation_url(world, fund),
        {
            "received_on": "05/03/2026",
            "donor_kind": "anonymous",
            "form": "cash",
            "channel": "cash",
            "amount": "",
            "in_kind_unit": "kg",
        },
    )
    assert cash_with_goods.status_code == 400
    errors = cash_with_goods.context["form"].errors
    assert errors["amount"] == ["Nhập số tiền."]
    assert "không ghi hiện vật" in errors["in_kind_unit"][0]
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_goods_without_a_quantity(world, fund):
    with pytest.raises(ValidationError) as refused:
        services.donation_record(
            campaign=fund,
            ward=world.ward_x,
            user=world.users["ward_officer"],
            received_on=D(2026, 3, 5),
            donor_kind="anonymous",
            form="in_kind",
            in_kind_description="Gạo",
            in_kind_unit="kg",
        )
    assert "in_kind_quantity" in refused.value.message_dict
    assert not Donation.objects.exists()


# --- Cash is cash: balance, raised, progress ---------------------------------------------


@pytest.mark.django_db
def test_fund_balance_raised_and_progress_count_cash_only(gifts, login):
    poor = gifts.poor
    counted = gifts.counted(poor)
    cash_in, goods_in = cash(counted), goods_value(counted)
    cash_out = cash(gifts.paid(poor))
    assert selectors.fund_balance(campaign=poor) == cash_in - cash_out

    client = login(gifts.world.users["ward_officer"])
    detail = client.get(reverse("campaigns:detail", args=[gifts.world.ward_x.code, poor.pk]))
    progress = detail.context["progress"]
    assert progress["raised"] == cash_in
    assert progress["in_kind_value"] == goods_in
    assert progress["in_kind_unvalued"] == sum(
        1 for d in counted if d.form == "in_kind" and d.amount is None
    )
    assert progress["grand_total"] == cash_in + goods_in
    assert progress["disbursed"] == cash_out
    assert progress["balance"] == cash_in - cash_out
    assert progress["percent"] == round(cash_in * 100 / poor.target_amount, 1)
    page = detail.content.decode()
    assert f'id="raised">{selectors.format_dong(cash_in)}' in page
    assert f'id="in-kind">{selectors.format_dong(goods_in)}' in page
    assert f'id="balance">{selectors.format_dong(cash_in - cash_out)}' in page
    assert "Tổng cộng (tiền mặt và hiện vật quy đổi)" in page

    listing = client.get(reverse("campaigns:list", args=[gifts.world.ward_x.code]))
    line = next(c for c in listing.context["campaigns"] if c.pk == poor.pk)
    assert (line.totals.raised, line.totals.in_kind, line.totals.disbursed) == (
        cash_in,
        goods_in,
        cash_out,
    )
    assert line.percent == round(cash_in * 100 / poor.target_amount, 1)


@pytest.mark.django_db
def test_goods_equivalents_cannot_pay_out_cash(gifts, login):
    poor = gifts.poor
    balance = cash(gifts.counted(poor)) - cash(gifts.paid(poor))
    client = login(gifts.world.users["ward_officer"])
    typed = f"{balance + 1:,}".replace(",", ".")
    refused = client.post(
        payment_url(gifts.world, poor),
        {
            "paid_on": "20/03/2025",
            "purpose": "other",
            "description": "Hỗ trợ",
            "form": "cash",
            "amount": typed,
            "decision_reference": "07/QĐ",
        },
    )
    assert refused.status_code == 400
    assert f"chỉ còn {selectors.format_dong(balance)}" in refused.content.decode()
    assert f'value="{typed}"' in refused.content.decode()
    assert Disbursement.objects.count() == len(gifts.payments)


# --- Goods out -------------------------------------------------------------------------


@pytest.mark.django_db
def test_goods_handed_out_are_goods_out_and_held_goods_are_followed(gifts, login):
    poor, world = gifts.poor, gifts.world
    balance_before = selectors.fund_balance(campaign=poor)
    client = login(world.users["ward_officer"])
    form = client.get(payment_url(world, poor), {"hinh_thuc": "in_kind"})
    assert form.context["form"].initial["form"] == "in_kind"
    assert "Hiện vật quỹ đang giữ: 150 kg Gạo" in form.content.decode()

    data = {
        "paid_on": "20/03/2025",
        "purpose": "tet_gift",
        "description": "Gạo Tết",
        "form": "in_kind",
        "in_kind_description": "Gạo",
        "in_kind_quantity": "151",
        "in_kind_unit": "kg",
        "decision_reference": "08/QĐ",
    }
    refused = client.post(payment_url(world, poor), data)
    assert refused.status_code == 400
    assert "chỉ còn giữ 150 kg Gạo" in refused.content.decode()
    assert 'value="151"' in refused.content.decode()

    data["in_kind_quantity"] = "100"
    assert client.post(payment_url(world, poor), data).status_code == 302
    payment = Disbursement.objects.latest("pk")
    assert (payment.form, payment.amount, payment.in_kind_quantity) == ("in_kind", None, 100)
    assert selectors.fund_balance(campaign=poor) == balance_before

    received = sum(
        d.in_kind_quantity
        for d in gifts.counted(poor)
        if d.form == "in_kind" and d.in_kind_description.lower() == "gạo"
    )
    out = sum(
        p.in_kind_quantity
        for p in [*gifts.paid(poor), payment]
        if p.form == "in_kind" and p.in_kind_description.lower() == "gạo"
    )
    rice = selectors.goods_line(poor, "GẠO", "KG")
    assert (rice.received, rice.handed_out, rice.held) == (received, out, received - out)
    detail = client.get(reverse("campaigns:detail", args=[world.ward_x.code, poor.pk]))
    assert "Hiện vật của quỹ" in detail.content.decode()
    assert rice in detail.context["progress"]["goods"]


@pytest.mark.django_db
def test_a_gift_of_goods_already_handed_out_cannot_be_reversed(gifts):
    rice = next(d for d in gifts.donations if d.in_kind_description == "Gạo")
    with pytest.raises(services.FundRefusal, match="hiện vật đã trao"):
        services.donation_reverse(
            donation=rice, user=gifts.world.users["ward_officer"], reason="Sai", on=D(2025, 4, 1)
        )
    noodles = next(d for d in gifts.donations if d.in_kind_description == "Mì gói")
    services.donation_reverse(
        donation=noodles, user=gifts.world.users["ward_officer"], reason="Sai", on=D(2025, 4, 1)
    )
    assert selectors.goods_line(gifts.poor, "Mì gói", "thùng") is None  # none held any more


# --- The ledger and its spreadsheet ----------------------------------------------------------


@pytest.mark.django_db
def test_the_ledger_is_cash_with_goods_equivalents_beside_it(gifts, login):
    poor, world = gifts.poor, gifts.world
    client = login(world.users["ward_chair"])
    response = client.get(
        reverse("campaigns:ledger_xlsx", args=[world.ward_x.code, poor.pk]), {"nam": 2025}
    )
    sheet = xlsx_sheet(response)
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert [cell.value for cell in sheet[3]] == [
        "Tháng",
        "Số dư tiền mặt đầu kỳ",
        "Thu tiền mặt",
        "Chi tiền mặt",
        "Số dư tiền mặt cuối kỳ",
        "Hiện vật nhận (giá trị quy đổi)",
        "Hiện vật đã trao (giá trị quy đổi)",
    ]
    closing = 0
    for month in (2, 3, 4):
        first = D(2025, month, 1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        counted, paid = gifts.counted(poor, first, last), gifts.paid(poor, first, last)
        opening = closing
        closing = opening + cash(counted) - cash(paid)
        assert rows[f"{month:02d}/2025"][1:] == (
            opening,
            cash(counted),
            cash(paid),
            closing,
            goods_value(counted),
            goods_value(paid),
        )
    assert closing == selectors.fund_balance(campaign=poor)
    page = client.get(reverse("campaigns:ledger", args=[world.ward_x.code, poor.pk]), {"nam": 2025})
    assert "Hiện vật nhận (quy đổi)" in page.content.decode()


# --- Bench and migration --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_load_tests_fund_check_counts_cash_only(gifts):
    from bench.consistency import fund_balances

    balances = fund_balances()
    for campaign in (gifts.poor, gifts.disaster):
        expected = cash(gifts.counted(campaign)) - cash(gifts.paid(campaign))
        assert balances[campaign.pk] == expected == selectors.fund_balance(campaign=campaign)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_rows_valid(transactional_db):
    """Rows recorded before goods had to be complete meet the new constraints afterwards."""
    executor = MigrationExecutor(connection)
    # The directory back as it was then too: later columns (a commune's former location)
    # have no database default for the old rows to be written without.
    before = [
        ("campaigns", "0002_disclosure_indexes"),
        ("reports", "0006_ward_month_summary"),
        ("wards", "0005_vietnamese_name_order"),
    ]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    province = old.get_model("wards", "Province").objects.create(code="98", name="Tỉnh Thử")
    ward = old.get_model("wards", "Ward").objects.create(
        province=province, code="98001", name="Phường Thử", kind="phuong"
    )
    user = old.get_model("auth", "User").objects.create(username="cu")
    fund = old.get_model("campaigns", "Campaign").objects.create(
        name="Quỹ cũ", kind="fund", fund="vnn", ward=ward, starts_on=D(2024, 1, 1)
    )
    OldDonation = old.get_model("campaigns", "Donation")
    common = {
        "campaign": fund,
        "ward": ward,
        "receipt_year": 2024,
        "received_on": D(2024, 5, 1),
        "donor_kind": "anonymous",
        "channel": "other",
        "recorded_by": user,
    }
    OldDonation.objects.create(
        **common, receipt_number=1, form="cash", amount=500_000, in_kind_unit="kg"
    )
    OldDonation.objects.create(
        **common, receipt_number=2, form="in_kind", amount=800_000, in_kind_description="Gạo"
    )
    OldDonation.objects.create(
        **common,
        receipt_number=3,
        form="in_kind",
        amount=200_000,
        in_kind_unit="thùng",
        in_kind_quantity=0,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {d.receipt_number: d for d in Donation.objects.all()}
    assert (rows[1].amount, rows[1].in_kind_unit) == (500_000, "")
    assert (rows[2].in_kind_description, rows[2].in_kind_quantity) == ("Gạo", 1)
    assert rows[2].in_kind_unit == "lô (chưa ghi số lượng)"
    assert rows[3].in_kind_description == "Hiện vật (chưa ghi rõ) (thùng)"
    assert (rows[3].in_kind_quantity, rows[3].amount) == (1, 200_000)
    for donation in rows.values():
        donation.full_clean()
    # The summary counts the old gifts apart: 500.000 đ cash, 1.000.000 đ of goods.
    from reports.models import WardMonth

    month = WardMonth.objects.get(ward__code="98001")
    assert (month.raised, month.in_kind_raised) == (500_000, 1_000_000)
