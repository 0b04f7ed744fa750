"""The member organisations every ward MTTQ works with; the catalogue stays editable."""

DEFAULT_ORGANISATIONS = [
    ("Hội Liên hiệp Phụ nữ Việt Nam", "Hội LHPN", 10),
    ("Hội Nông dân Việt Nam", "Hội Nông dân", 20),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn TN", 30),
    ("Hội Cựu chiến binh Việt Nam", "Hội CCB", 40),
    ("Công đoàn cơ sở", "Công đoàn", 50),
    ("Hội Người cao tuổi", "Hội NCT", 60),
    ("Hội Chữ thập đỏ", "Hội CTĐ", 70),
    ("Hội Khuyến học", "Hội Khuyến học", 80),
]


def load_default_organisations(MassOrganisation):
    """Create the missing default organisations (migrations pass their historical model)."""
    for name, short_name, order in DEFAULT_ORGANISATIONS:
        MassOrganisation.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "display_order": order}
        )
