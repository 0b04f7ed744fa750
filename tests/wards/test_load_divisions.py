import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from wards.models import Province, Ward


def run_load_divisions():
    out = StringIO()
    call_command("load_divisions", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_the_2025_map():
    run_load_divisions()
    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    my_thoi = Ward.objects.select_related("province").get(code="30301")
    assert my_thoi.name == "Phường Mỹ Thới"
    assert my_thoi.kind == Ward.Kind.WARD
    assert my_thoi.province.name == "Tỉnh An Giang"
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    assert Ward.objects.filter(kind=Ward.Kind.SPECIAL_ZONE).count() == 13


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_says_so():
    run_load_divisions()
    before = list(Ward.objects.order_by("code").values_list("pk", "code", "name", "province_id"))
    output = run_load_divisions()
    after = list(Ward.objects.order_by("code").values_list("pk", "code", "name", "province_id"))
    assert before == after
    assert "không có thay đổi" in output
    assert "thêm mới" not in output


@pytest.mark.django_db
def test_it_repairs_a_renamed_unit_without_creating_duplicates():
    run_load_divisions()
    Ward.objects.filter(code="30301").update(name="Tên sai")
    output = run_load_divisions()
    assert Ward.objects.get(code="30301").name == "Phường Mỹ Thới"
    assert Ward.objects.count() == 3321
    assert "cập nhật 1" in output


@pytest.mark.django_db
def test_communes_whose_code_changed_keep_their_rows_and_data():
    """The package's 2026 data corrected codes of 2025: a database loaded with the old ones
    (Phường Cửa Nam was 00073; Cao Bằng's Vinh Quý, Lý Quốc and Hạ Lang had each other's
    codes) moves the communes, with their reports, to the new codes."""
    from reports.models import MonthlyReport

    run_load_divisions()
    old_codes = {"00082": "00073", "01561": "01537", "01537": "01558", "01558": "01561"}
    rows = {new: Ward.objects.get(code=new) for new in old_codes}
    for new, ward in rows.items():  # as the 2025 package had them
        Ward.objects.filter(pk=ward.pk).update(code=f"~{new}")
    for new, ward in rows.items():
        Ward.objects.filter(pk=ward.pk).update(code=old_codes[new])
    vinh_quy = Ward.objects.get(code="01537")
    assert vinh_quy.name == "Xã Vinh Quý"
    MonthlyReport.objects.create(ward=vinh_quy, period=datetime.date(2025, 9, 1))

    output = run_load_divisions()

    assert "đổi mã 4" in output
    assert Ward.objects.count() == 3321
    for new, ward in rows.items():
        moved = Ward.objects.get(pk=ward.pk)
        assert (moved.code, moved.name) == (new, ward.name)
    assert MonthlyReport.objects.get(period=datetime.date(2025, 9, 1)).ward.code == "01561"
    assert Ward.objects.get(code="01561").name == "Xã Vinh Quý"
