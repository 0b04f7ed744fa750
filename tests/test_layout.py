import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_carry_a_nonce_based_csp_and_load_nothing_from_outside(world, login):
    client = login(world.users["ward_officer"])
    response = client.get(reverse("wards:detail", args=[world.ward_x.code]))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", policy)
    page = response.content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert '<html lang="vi">' in page


@pytest.mark.django_db
def test_refusals_are_explained_in_vietnamese(world, login):
    client = login(world.users["party_viewer"])
    not_found = client.get(reverse("wards:detail", args=[world.ward_y.code]))
    assert not_found.status_code == 404
    assert "Không tìm thấy trang" in not_found.content.decode()
    assert "Long Xuyên" not in not_found.content.decode()
    forbidden = client.get(reverse("wards:area_create", args=[world.ward_x.code]))
    assert forbidden.status_code == 403
    assert "Bạn không có quyền sửa dữ liệu của phường, xã này." in forbidden.content.decode()


@pytest.mark.django_db
def test_forms_speak_vietnamese_only(world, login):
    client = login(world.users["ward_officer"])
    membership_form = client.get(reverse("wards:membership_create", args=[world.ward_x.code]))
    area_form = client.get(reverse("wards:area_create", args=[world.ward_x.code]))
    assert "— Chọn tổ chức —" in membership_form.content.decode()
    assert "— Chọn loại —" in area_form.content.decode()
    for response in (membership_form, area_form):
        assert "Select an option" not in response.content.decode()


@pytest.mark.django_db
def test_the_header_names_the_user_family_name_first(world, login):
    officer = world.users["ward_officer"]
    officer.last_name, officer.first_name = "Nguyễn Thị", "Lan"
    officer.save()
    page = login(officer).get(reverse("home")).content.decode()
    assert "Nguyễn Thị Lan" in page
