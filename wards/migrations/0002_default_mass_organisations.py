from django.db import migrations

# The member organisations every ward MTTQ works with; the catalogue stays editable in the admin.
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


def add_organisations(apps, schema_editor):
    MassOrganisation = apps.get_model("wards", "MassOrganisation")
    for name, short_name, order in DEFAULT_ORGANISATIONS:
        MassOrganisation.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "display_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("wards", "0001_initial")]

    operations = [migrations.RunPython(add_organisations, migrations.RunPython.noop)]
