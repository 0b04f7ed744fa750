"""The demo ward: Phường Mỹ Thới (An Giang), with figures from its 2014–2019 congress report."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from wards.models import MassOrganisation, Membership, ResidentialArea, RoleAssignment, Ward

DEMO_WARD_CODE = "30301"  # Phường Mỹ Thới, tỉnh An Giang (2025 map)
DEMO_PASSWORD = "mttq-demo-2025"
Role = RoleAssignment.Role

# Ten khóm, as in the report ("10 khóm được công nhận khóm văn hóa"); about 6.700 households.
DEMO_AREAS = [
    ("Khóm Đông Thạnh", 702, 2730),
    ("Khóm Đông Thịnh 1", 655, 2541),
    ("Khóm Đông Thịnh 2", 689, 2675),
    ("Khóm Đông Thịnh 3", 611, 2390),
    ("Khóm Đông Thịnh 4", 640, 2486),
    ("Khóm Thới An", 720, 2803),
    ("Khóm Thới Hòa", 668, 2596),
    ("Khóm Thới Thuận", 633, 2467),
    ("Khóm Mỹ Thạnh", 702, 2725),
    ("Khóm Mỹ Hòa", 668, 2580),
]

# Members and eligible people per organisation at the end of the term: 82 % overall.
DEMO_MEMBERSHIP = {
    "Hội LHPN": (8150, 9800),
    "Hội Nông dân": (3560, 4300),
    "Đoàn TN": (4530, 6200),
    "Hội CCB": (398, 420),
    "Công đoàn": (1720, 1900),
    "Hội NCT": (2330, 2600),
}
DEMO_MEMBERSHIP_DATE = datetime.date(2019, 9, 30)


def demo_users(ward):
    """(username, full name, role, ward, province) for one demo user per role."""
    return [
        ("canbo.mythoi", "Nguyễn Thị Lan", Role.WARD_OFFICER, ward, None),
        ("chutich.mythoi", "Trần Văn Hùng", Role.WARD_CHAIR, ward, None),
        ("danguy.mythoi", "Lê Minh Tâm", Role.PARTY_VIEWER, ward, None),
        ("tinh.angiang", "Phạm Thị Hoa", Role.PROVINCE_OFFICER, None, ward.province),
        ("chutich.tinh", "Đỗ Văn Thành", Role.PROVINCE_CHAIR, None, ward.province),
        ("xem.tinh", "Vũ Thị Ngọc", Role.PROVINCE_VIEWER, None, ward.province),
    ]


# Whom the province calls when the demo ward's report is late (its landing page); fictional.
DEMO_CONTACTS = {"canbo.mythoi": ("0296 3841 234", "canbo.mythoi@example.vn")}


# Heads of member organisations, vice-chairs of the committee: each enters its organisation's
# part of the month. (username, full name, organisation's short name)
DEMO_ORGANISATION_OFFICERS = [
    ("hlhpn.mythoi", "Võ Thị Mai", "Hội LHPN"),
    ("nongdan.mythoi", "Huỳnh Văn Phúc", "Hội Nông dân"),
]


def _demo_user(User, username, full_name):
    last_name, first_name = full_name.rsplit(" ", 1)
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def seed_demo():
    """Create or refresh the demo ward and users; running it again changes nothing."""
    ward = Ward.objects.select_related("province").get(code=DEMO_WARD_CODE)
    for name, households, population in DEMO_AREAS:
        ResidentialArea.objects.get_or_create(
            ward=ward,
            name=name,
            defaults={
                "kind": ResidentialArea.Kind.NEIGHBOURHOOD,
                "households": households,
                "population": population,
            },
        )
    for short_name, (members, eligible) in DEMO_MEMBERSHIP.items():
        Membership.objects.get_or_create(
            ward=ward,
            organisation=MassOrganisation.objects.get(short_name=short_name),
            as_of=DEMO_MEMBERSHIP_DATE,
            defaults={"members": members, "eligible": eligible},
        )
    User = get_user_model()
    logins = []
    for username, full_name, role, role_ward, province in demo_users(ward):
        user = _demo_user(User, username, full_name)
        phone, email = DEMO_CONTACTS.get(username, ("", ""))
        if email and not user.email:
            user.email = email
            user.save(update_fields=["email"])
        RoleAssignment.objects.update_or_create(
            user=user,
            defaults={"role": role, "ward": role_ward, "province": province, "phone": phone},
        )
        logins.append((username, role.label))
    for username, full_name, short_name in DEMO_ORGANISATION_OFFICERS:
        organisation = MassOrganisation.objects.get(short_name=short_name)
        user = _demo_user(User, username, full_name)
        RoleAssignment.objects.update_or_create(
            user=user,
            defaults={
                "role": Role.ORGANISATION_OFFICER,
                "ward": ward,
                "province": None,
                "organisation": organisation,
            },
        )
        logins.append((username, f"{Role.ORGANISATION_OFFICER.label} – {organisation}"))
    admin, created = User.objects.get_or_create(
        username="quantri", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("quantri", "Quản trị hệ thống"))
    return ward, logins
