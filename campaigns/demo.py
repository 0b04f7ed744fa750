"""Demo money and houses for the demo ward: a poor-relief fund, a housing programme."""

import datetime
import random

from django.db import transaction

from campaigns import selectors, services
from campaigns.allocations import services as allocation_services
from campaigns.models import Campaign, Donation
from core import vietqr
from wards.models import ResidentialArea, RoleAssignment

DONORS = [
    ("individual", "Nguyễn Văn Bảy"),
    ("individual", "Trần Thị Mai"),
    ("individual", "Lê Văn Tư"),
    ("individual", "Phạm Thị Thu Hà"),
    ("organisation", "Công ty TNHH Thủy sản Mỹ Thới"),
    ("organisation", "Xí nghiệp May An Giang"),
    ("collective", "Cán bộ, công chức phường Mỹ Thới"),
    ("anonymous", ""),
]
HOUSEHOLDS = [
    ("Đinh Văn Sáu", "poor"),
    ("Huỳnh Thị Bé", "poor"),
    ("Võ Văn Tám", "near_poor"),
    ("Ngô Thị Lệ", "near_poor"),
    ("Châu Văn Út", "hardship"),
    ("Lâm Thị Hai", "policy"),
]


PROVINCE_DRIVE = "Cứu trợ đồng bào bị thiệt hại do bão lũ"

# Receiving accounts of the demo funds (VietQR on their public pages). Made-up numbers for
# the demo only: a production database gets its funds' accounts from their officers.
DEMO_ACCOUNTS = {
    "Quỹ Vì người nghèo": ("970405", "7301205123456"),  # Agribank
    "Xây, sửa nhà Đại đoàn kết": ("970405", "7301205123457"),
    PROVINCE_DRIVE: ("970436", "0071001234567"),  # Vietcombank
}


def give_demo_accounts(campaigns) -> None:
    """Each demo fund without a receiving account gets its made-up one, named after its
    committee as a bank would write it. Idempotent; also fills databases seeded before."""
    for campaign in campaigns:
        account = DEMO_ACCOUNTS.get(campaign.name)
        if account is None or campaign.has_bank_account:
            continue
        holder = campaign.ward or campaign.province
        name = vietqr.plain_upper(f"Ủy ban MTTQ {holder.name}")
        campaign.bank_bin, campaign.bank_account_number = account
        campaign.bank_account_name = name[:50]
        campaign.save(update_fields=["bank_bin", "bank_account_number", "bank_account_name"])


# (kind, donor, amount or goods' equivalent, goods: (description, quantity, unit) or None)
PROVINCE_GIFTS = [
    ("organisation", "Ngân hàng TMCP Ngoại thương chi nhánh An Giang", 500_000_000, None),
    ("organisation", "Công ty CP Xuất nhập khẩu Thủy sản An Giang", 300_000_000, None),
    ("collective", "Cán bộ, công chức cơ quan Ủy ban MTTQ tỉnh", 45_000_000, None),
    ("individual", "Nguyễn Hữu Phước", 20_000_000, None),
    ("anonymous", "", 10_000_000, None),
    ("organisation", "Công ty CP Lương thực An Giang", 75_000_000, ("Gạo", 5000, "kg")),
    ("organisation", "Siêu thị Co.opmart Long Xuyên", None, ("Mì gói", 400, "thùng")),
]


def seed_province_drive(province, user, *, first_month: datetime.date):
    """The province's own relief drive with cash and goods its committee received.
    Idempotent: does nothing when the province already has drives."""
    if Campaign.objects.filter(province=province).exists():
        return
    drive = services.province_campaign_create(
        province=province,
        name=PROVINCE_DRIVE,
        kind=Campaign.Kind.FUND,
        fund=Campaign.Fund.DISASTER,
        starts_on=first_month,
        target_amount=2_000_000_000,
        description="Cuộc vận động của Ủy ban MTTQ tỉnh; tiền và hàng được phân bổ cho xã, "
        "phường bị thiệt hại.",
    )
    for index, (kind, name, amount, goods) in enumerate(PROVINCE_GIFTS):
        day = first_month + datetime.timedelta(days=3 * index)
        by_bank = goods is None and kind != "anonymous"
        description, quantity, unit = goods or ("", None, "")
        services.donation_record(
            campaign=drive,
            province=province,
            user=user,
            received_on=day,
            donor_kind=kind,
            donor_name=name,
            amount=amount,
            form=Donation.Form.IN_KIND if goods else Donation.Form.CASH,
            channel=Donation.Channel.BANK
            if by_bank
            else (Donation.Channel.OTHER if goods else Donation.Channel.CASH),
            bank_reference=f"FT{day:%y%m%d}{index:04d}" if by_bank else "",
            in_kind_description=description,
            in_kind_quantity=quantity,
            in_kind_unit=unit,
        )
    return drive


def _province_officer(province, fallback):
    assignment = (
        RoleAssignment.objects.filter(province=province, role=RoleAssignment.Role.PROVINCE_OFFICER)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else fallback


@transaction.atomic
def seed_campaigns(ward, user, *, first_month: datetime.date, last_month: datetime.date):
    """Idempotent: does nothing when the ward (and its province) already has campaigns."""
    seed_province_drive(
        ward.province, _province_officer(ward.province, user), first_month=first_month
    )
    if Campaign.objects.filter(ward=ward).exists():
        give_demo_accounts(Campaign.objects.filter(ward=ward) | ward.province.campaigns.all())
        return
    rng = random.Random(f"campaigns-{ward.code}")
    fund = Campaign.objects.create(
        name="Quỹ Vì người nghèo",
        kind=Campaign.Kind.FUND,
        fund=Campaign.Fund.POOR_RELIEF,
        ward=ward,
        starts_on=first_month,
        target_amount=2_000_000_000,
    )
    housing = Campaign.objects.create(
        name="Xây, sửa nhà Đại đoàn kết",
        kind=Campaign.Kind.HOUSING,
        fund=Campaign.Fund.POOR_RELIEF,
        ward=ward,
        starts_on=first_month,
        target_count=6,
        target_unit="căn",
    )
    areas = list(ResidentialArea.objects.filter(ward=ward))
    households = [
        services.household_save(
            ward=ward,
            head_name=name,
            category=category,
            area=rng.choice(areas),
            certificate_year=first_month.year,
            id_number=f"0891{rng.randint(10**7, 10**8 - 1)}",
        )
        for name, category in HOUSEHOLDS
    ]
    month = first_month
    while month <= last_month:
        # Receipts are numbered in the order money arrives.
        for day in sorted(month.replace(day=rng.randint(1, 28)) for _ in range(rng.randint(4, 9))):
            kind, name = rng.choice(DONORS)
            in_kind = rng.random() < 0.1
            services.donation_record(
                campaign=fund,
                ward=ward,
                user=user,
                received_on=day,
                donor_kind=kind,
                donor_name=name,
                amount=rng.randint(5, 200) * 100_000,
                form=Donation.Form.IN_KIND if in_kind else Donation.Form.CASH,
                in_kind_description="Gạo" if in_kind else "",
                in_kind_quantity=100 if in_kind else None,
                in_kind_unit="kg" if in_kind else "",
            )
        # Paid from cash only: rice and other goods are not cash.
        balance = selectors.fund_balance(campaign=fund)
        if rng.random() < 0.6 and balance > 0:
            services.disbursement_record(
                campaign=fund,
                ward=ward,
                user=user,
                amount=min(rng.randint(5, 30) * 1_000_000, balance),
                purpose=rng.choice(["tet_gift", "illness", "scholarship"]),
                household=rng.choice(households),
                paid_on=month.replace(day=28),
                decision_reference=f"{rng.randint(1, 99):02d}/QĐ-BVĐ",
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    for index, household in enumerate(households):
        started = first_month + datetime.timedelta(days=60 + 100 * index)
        handed_over = started + datetime.timedelta(days=75)
        services.house_save(
            ward=ward,
            household=household,
            campaign=housing,
            kind="new" if index % 3 else "repair",
            estimated_cost=80_000_000,
            from_fund=60_000_000 if index % 3 else 30_000_000,
            from_social=10_000_000,
            from_household=10_000_000,
            surveyed_on=started - datetime.timedelta(days=20),
            started_on=started if started <= last_month else None,
            handed_over_on=handed_over if handed_over <= last_month else None,
        )
    seed_allocations(ward, user, households, on=last_month)
    give_demo_accounts(Campaign.objects.filter(ward=ward) | ward.province.campaigns.all())


def seed_allocations(ward, user, households, *, on: datetime.date):
    """The province's drive gives the demo ward two allocations: cash it confirmed and paid a
    household from, and rice still waiting for its confirmation. Idempotent: does nothing
    once the drive gave the ward anything."""
    drive = Campaign.objects.filter(name=PROVINCE_DRIVE, province=ward.province).first()
    if drive is None or drive.allocations.filter(ward=ward).exists():
        return
    province_user = _province_officer(ward.province, user)
    start = on.replace(day=1)
    cash = allocation_services.allocation_record(
        campaign=drive,
        ward=ward,
        user=province_user,
        form="cash",
        amount=60_000_000,
        decision_number="12/QĐ-MTTQ",
        decision_date=start + datetime.timedelta(days=2),
        purpose="Hỗ trợ hộ bị sập, tốc mái nhà do lũ",
    )
    allocation_services.allocation_confirm(
        allocation=cash, ward=ward, user=user, on=start + datetime.timedelta(days=4)
    )
    services.disbursement_record(
        campaign=drive,
        ward=ward,
        user=user,
        amount=20_000_000,
        purpose="disaster",
        household=households[0],
        paid_on=start + datetime.timedelta(days=6),
        decision_reference="21/QĐ-UBND",
    )
    allocation_services.allocation_record(
        campaign=drive,
        ward=ward,
        user=province_user,
        form="in_kind",
        amount=None,
        in_kind_description="Gạo",
        in_kind_quantity=500,
        in_kind_unit="kg",
        decision_number="13/QĐ-MTTQ",
        decision_date=start + datetime.timedelta(days=8),
        purpose="Hỗ trợ lương thực cho hộ bị ngập",
    )
