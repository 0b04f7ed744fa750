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
