"""The public pages' test worlds, shared by tests/campaigns/public and the browser tests:
a ward fund with every kind of donor and payment and a province campaign received at two
wards (build_disclosure), that fund's account with its statements and lines (build_bank), a
province drive's whole trail (build_trail), and the personal data none of them may show."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse

from campaigns import services
from campaigns.allocations import services as allocation_services
from campaigns.models import StatementLine
from tests import factories
from tests.campaigns.builders import campaign_of, gift, payment

D = datetime.date
ACCOUNT = "0071000123456"
# What the bank writes on a line: the payer's name and account, never shown or searched.
PAYER_TEXT = "NGUYEN VAN BINH CHUYEN TIEN TU TK 0123456789 UNG HO"
# Full names and personal data that must never reach a public page or the CSV.
SECRETS = [
    "Nguyễn Văn Bình",
    "Trần Thị Cúc",
    "Lê Văn Dũng",
    "Lê V. D.",
    "Phạm Văn Đức",
    "Võ Thị Hạnh",
    "Đặng Văn Khoa",
    "079123456789",
    "079987654321",
    "12 Lê Lợi",
    "34 Trần Hưng Đạo",
]


def assert_nothing_personal(text):
    for secret in SECRETS:
        assert secret not in text, secret


def build_disclosure(world):
    """A ward fund at ward X with every kind of donor and payment, and a province campaign."""
    officer = world.users["ward_officer"]
    fund = campaign_of(name="Quỹ Vì người nghèo 2026", ward=world.ward_x)
    province_fund = campaign_of(
        name="Cứu trợ bão lũ tỉnh An Giang", kind="housing", province=world.province_a
    )
    movement = campaign_of(name="Phong trào Ngày Chủ nhật xanh", kind="movement", ward=world.ward_x)
    elsewhere = campaign_of(name="Quỹ phường Hoàn Kiếm", ward=world.ward_z)

    def donate(amount, on, *, campaign=fund, **extra):
        return gift(world, campaign, amount, on=on, **extra)

    binh = donate(
        1_000_000,
        D(2026, 3, 5),
        donor_kind="individual",
        donor_name="Nguyễn Văn Bình",
        donor_address="12 Lê Lợi",
    )
    cuc = donate(
        2_500_000,
        D(2026, 3, 6),
        donor_kind="individual",
        donor_name="Trần Thị Cúc",
        donor_address="34 Trần Hưng Đạo",
        channel="bank",
        bank_reference="FT26065001",
    )
    company = donate(
        10_000_000,
        D(2026, 3, 7),
        donor_kind="organisation",
        donor_name="Công ty TNHH Thủy sản Mỹ Thới",
    )
    anonymous = donate(300_000, D(2026, 3, 8), donor_kind="anonymous")
    unnamed = donate(
        700_000,
        D(2026, 3, 9),
        donor_kind="individual",
        donor_name="Lê Văn Dũng",
        publish_name=False,
    )
    one_word = donate(200_000, D(2026, 3, 10), donor_kind="individual", donor_name="Bình")
    rice = donate(
        4_000_000,
        D(2026, 3, 11),
        donor_kind="collective",
        donor_name="Tập thể lớp 12A1",
        form="in_kind",
        channel="other",
        in_kind_description="gạo",
        in_kind_quantity=200,
        in_kind_unit="kg",
    )
    wrong = donate(5_000_000, D(2026, 3, 12), donor_kind="individual", donor_name="Phạm Văn Đức")
    services.donation_reverse(donation=wrong, user=officer, reason="Ghi trùng", on=D(2026, 3, 13))
    household = services.household_save(
        ward=world.ward_x,
        head_name="Võ Thị Hạnh",
        id_number="079123456789",
        area=world.area_x,
        category="poor",
    )
    services.household_save(
        ward=world.ward_x, head_name="Đặng Văn Khoa", id_number="079987654321", category="poor"
    )
    to_household = payment(
        world,
        fund,
        1_500_000,
        on=D(2026, 3, 14),
        purpose="tet_gift",
        decision_reference="12/QĐ-MTTQ",
        household=household,
    )
    to_purpose = payment(
        world,
        fund,
        400_000,
        on=D(2026, 3, 15),
        purpose="disaster",
        decision_reference="13/QĐ-MTTQ",
        description="Mua nước uống cứu trợ",
    )
    # The province campaign receives at two wards; ward X also pays out of it.
    at_x = donate(
        3_000_000,
        D(2026, 4, 1),
        campaign=province_fund,
        donor_kind="organisation",
        donor_name="Ngân hàng Nông nghiệp chi nhánh Mỹ Thới",
    )
    at_y = donate(
        9_000_000,
        D(2026, 4, 2),
        campaign=province_fund,
        ward=world.ward_y,
        donor_kind="organisation",
        donor_name="Hợp tác xã Long Xuyên",
    )
    payment(
        world,
        province_fund,
        1_000_000,
        on=D(2026, 4, 3),
        purpose="repair",
        decision_reference="20/QĐ-MTTQ",
        description="Sửa mái nhà văn hóa khóm",
    )
    gift(
        world,
        elsewhere,
        800_000,
        on=D(2026, 3, 5),
        ward=world.ward_z,
        donor_kind="organisation",
        donor_name="Công ty Hoàn Kiếm",
    )
    counted = [binh, cuc, company, anonymous, unnamed, one_word, rice]
    return SimpleNamespace(
        world=world,
        fund=fund,
        province_fund=province_fund,
        movement=movement,
        elsewhere=elsewhere,
        counted=counted,
        reversed=wrong,
        payments=[to_household, to_purpose],
        at_x=at_x,
        at_y=at_y,
        # Cash and the rice's money equivalent apart: goods are never counted as cash.
        received=sum(d.amount for d in counted if d.form == "cash"),
        in_kind=sum(d.amount for d in counted if d.form == "in_kind"),
        paid=to_household.amount + to_purpose.amount,
        officer=officer,
    )


def build_bank(disclosure):
    """The disclosure fund's account and its March statement: Trần Thị Cúc's transfer verified
    by a line, a transfer recorded by hand not yet matched, a line waiting, one set aside, one
    recorded for another fund on the same account; after the statement's end, a gift, a
    payment and a line of April's statement (which gives no balance); another account's
    statement that reaches further."""
    d = disclosure
    world, officer = d.world, d.officer
    d.fund.bank_bin, d.fund.bank_account_number = "970436", ACCOUNT
    d.fund.bank_account_name = "UB MTTQ PHUONG MY THOI"
    d.fund.save()
    other_fund = campaign_of(world.ward_x, name="Quỹ Khuyến học", bank_account_number=ACCOUNT)
    march = factories.bank_statement(
        ward_obj=world.ward_x,
        user=officer,
        account_number=ACCOUNT,
        first_on=D(2026, 3, 1),
        last_on=D(2026, 3, 31),
        closing_balance=3_100_000,
    )
    april = factories.bank_statement(
        ward_obj=world.ward_x,
        user=officer,
        account_number=ACCOUNT,
        first_on=D(2026, 4, 1),
        last_on=D(2026, 4, 10),
        closing_balance=None,
    )
    factories.bank_statement(
        ward_obj=world.ward_x,
        user=officer,
        account_number="9999999999",
        first_on=D(2026, 4, 1),
        last_on=D(2026, 4, 30),
        closing_balance=77_000_000,
    )
    cuc = d.counted[1]
    verified = factories.statement_line(
        statement=march,
        amount=cuc.amount,
        booked_on=D(2026, 3, 6),
        bank_reference="FT26065001",
        description=PAYER_TEXT,
        donation=cuc,
    )
    by_hand = gift(
        world,
        d.fund,
        800_000,
        on=D(2026, 3, 10),
        donor_kind="organisation",
        donor_name="Hội Doanh nhân trẻ",
        channel="bank",
        bank_reference="FT26069077",
    )
    other_gift = gift(world, other_fund, 150_000, on=D(2026, 3, 12), donor_kind="anonymous")
    lines = [
        verified,
        factories.statement_line(statement=march, amount=300_000, booked_on=D(2026, 3, 20)),
        factories.statement_line(
            statement=march,
            amount=200_000,
            booked_on=D(2026, 3, 21),
            status=StatementLine.Status.MATCHED,
            campaign=d.fund,
        ),
        factories.statement_line(
            statement=march,
            amount=50_000,
            booked_on=D(2026, 3, 25),
            status=StatementLine.Status.SET_ASIDE,
            set_aside_reason="Lãi tiền gửi",
        ),
        factories.statement_line(
            statement=march, amount=150_000, booked_on=D(2026, 3, 12), donation=other_gift
        ),
        factories.statement_line(statement=april, amount=999_000, booked_on=D(2026, 4, 5)),
    ]
    late = gift(world, d.fund, 600_000, on=D(2026, 4, 2), donor_kind="anonymous")
    late_payment = payment(
        world,
        d.fund,
        200_000,
        on=D(2026, 4, 3),
        purpose="other",
        decision_reference="31/QĐ-MTTQ",
        description="Văn phòng phẩm",
    )
    return SimpleNamespace(
        d=d,
        statement=march,
        lines=lines,
        verified=verified,
        by_hand=by_hand,
        late=late,
        late_payment=late_payment,
        other_fund=other_fund,
    )


def build_trail(world):
    """A drive of province A: gifts to its committee (one reversed, goods), one collected by
    ward Y, allocations to wards X and Y (one pending, one reversed), ward X paying two
    households (cash, rice) and building a house."""
    admin = world.users["admin"]
    drive = factories.province_drive(province_obj=world.province_a)
    t = type("Trail", (), {})()
    t.drive, t.world, t.admin = drive, world, admin

    def give(amount, **donor):
        return factories.donation(fund_obj=drive, user=admin, amount=amount, **donor)

    t.named = give(
        10_000_000, donor_kind="individual", donor_name="Nguyễn Văn Bình", received_on=D(2026, 3, 2)
    )
    t.unnamed = give(
        7_000_000,
        donor_kind="individual",
        donor_name="Trần Thị Cúc",
        publish_name=False,
        received_on=D(2026, 3, 3),
    )
    t.company = give(
        3_000_001, donor_kind="organisation", donor_name="Công ty TNHH Thủy sản Mỹ Thới"
    )
    t.rice = give(
        10_000_000,
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=Decimal(500),
        in_kind_unit="kg",
    )
    t.wrong = give(1_000_000, donor_kind="anonymous")
    services.donation_reverse(donation=t.wrong, user=admin, reason="Ghi trùng", on=D(2026, 3, 10))
    # Ward Y collects into the drive itself.
    t.collected = give(2_000_000, ward_obj=world.ward_y)

    def allocate(ward, amount=None, **fields):
        return factories.allocation(drive=drive, ward_obj=ward, user=admin, amount=amount, **fields)

    t.to_x = allocate(
        world.ward_x, 6_000_000, decision_number="01/QĐ-MTTQ", confirmed_on=D(2026, 4, 3)
    )
    t.rice_to_x = allocate(
        world.ward_x,
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=Decimal(200),
        in_kind_unit="kg",
        decision_number="01/QĐ-MTTQ",
        confirmed_on=D(2026, 4, 3),
    )
    t.to_y = allocate(world.ward_y, 4_000_000, decision_number="02/QĐ-MTTQ")
    t.undone = allocate(world.ward_y, 5_000_000, decision_number="03/QĐ-MTTQ")
    allocation_services.allocation_reverse(
        allocation=t.undone, user=admin, reason="Sai số tiền", on=D(2026, 4, 5)
    )
    t.dung = factories.household(ward_obj=world.ward_x, head_name="Lê Văn Dũng", area=world.area_x)
    t.duc = factories.household(ward_obj=world.ward_x, head_name="Phạm Văn Đức")
    t.paid_dung = factories.payment(
        fund_obj=drive,
        ward_obj=world.ward_x,
        user=admin,
        amount=2_500_000,
        paid_on=D(2026, 4, 10),
        purpose="disaster",
        household=t.dung,
        decision_reference="15/QĐ-UBMT",
    )
    t.rice_to_duc = factories.payment(
        fund_obj=drive,
        ward_obj=world.ward_x,
        user=admin,
        amount=None,
        paid_on=D(2026, 4, 11),
        purpose="disaster",
        household=t.duc,
        decision_reference="16/QĐ-UBMT",
        form="in_kind",
        in_kind_description="Gạo",
        in_kind_quantity=Decimal(50),
        in_kind_unit="kg",
    )
    t.house = factories.house(
        ward_obj=world.ward_x,
        household_obj=t.dung,
        campaign=drive,
        started_on=D(2026, 4, 12),
        handed_over_on=D(2026, 5, 20),
        from_fund=2_500_000,
    )
    t.url = reverse("campaigns:public_drive", args=[world.province_a.code, drive.pk])
    t.ward_url = reverse(
        "campaigns:public_drive_ward", args=[world.province_a.code, drive.pk, world.ward_x.code]
    )
    return t
