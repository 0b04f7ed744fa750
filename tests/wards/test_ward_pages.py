import pytest
from django.urls import reverse

from wards.models import ResidentialArea


def add_area(client, world, fields, **options):
    """Post the form for a new residential area of ward X."""
    return client.post(reverse("wards:area_create", args=[world.ward_x.code]), fields, **options)


@pytest.mark.django_db
def test_officer_home_shows_their_ward_and_what_is_due(world, login):
    client = login(world.users["ward_officer"])
    page = client.get(reverse("home")).content.decode()
    assert "Phường Mỹ Thới" in page
    assert "Việc cần làm" in page
    assert "Báo cáo tháng" in page
    assert "Phường Long Xuyên" not in page


@pytest.mark.django_db
def test_province_officer_lands_on_their_wards(world, login):
    client = login(world.users["province_officer"])
    response = client.get(reverse("home"), follow=True)
    page = response.content.decode()
    assert "Phường Mỹ Thới" in page
    assert "Phường Long Xuyên" in page
    assert "Phường Hoàn Kiếm" not in page


@pytest.mark.django_db
def test_province_ward_list_searches_by_name(world, login):
    client = login(world.users["province_officer"])
    url = reverse("wards:province", args=[world.province_a.code])
    page = client.get(url, {"q": "Mỹ Thới"}).content.decode()
    assert "Phường Mỹ Thới" in page
    assert "Phường Long Xuyên" not in page
    empty = client.get(url, {"q": "không có"}).content.decode()
    assert "Không có phường, xã nào khớp" in empty


@pytest.mark.django_db
def test_unassigned_user_is_told_to_ask_for_a_role(world, login):
    client = login(world.users["unassigned"])
    assert "chưa được phân công vai trò" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_officer_adds_a_residential_area(world, login):
    client = login(world.users["ward_officer"])
    response = add_area(
        client,
        world,
        {"kind": "khom", "name": "  Khóm   Thới  Hòa ", "households": "668", "population": ""},
        follow=True,
    )
    assert "Đã thêm khu dân cư." in response.content.decode()
    area = ResidentialArea.objects.get(ward=world.ward_x, name="Khóm Thới Hòa")
    assert area.households == 668
    assert area.population is None


@pytest.mark.django_db
def test_duplicate_area_names_are_refused_in_vietnamese(world, login):
    client = login(world.users["ward_officer"])
    response = add_area(client, world, {"kind": "khom", "name": "khóm đông thịnh 1"})
    assert "Phường, xã đã có khu dân cư mang tên này." in response.content.decode()
    assert ResidentialArea.objects.filter(ward=world.ward_x).count() == 1


@pytest.mark.django_db
def test_bad_numbers_keep_what_was_typed(world, login):
    client = login(world.users["ward_officer"])
    response = add_area(client, world, {"kind": "khom", "name": "Khóm Mới", "households": "-3"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Khóm Mới"' in page
    assert "Số liệu không được âm." in page
    assert 'value="-3"' in page
    assert not ResidentialArea.objects.filter(name="Khóm Mới").exists()


@pytest.mark.django_db
def test_deleting_an_area_asks_first(world, login):
    client = login(world.users["ward_chair"])
    url = reverse("wards:area_delete", args=[world.ward_x.code, world.area_x.pk])
    confirm = client.get(url).content.decode()
    assert "Xóa khu dân cư “Khóm Đông Thịnh 1”?" in confirm
    assert ResidentialArea.objects.filter(pk=world.area_x.pk).exists()
    client.post(url)
    assert not ResidentialArea.objects.filter(pk=world.area_x.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["party_viewer", "province_officer"])
def test_readers_cannot_write(world, login, role):
    client = login(world.users[role])
    response = add_area(client, world, {"kind": "khom", "name": "Lậu"})
    assert response.status_code == 403
    delete = client.post(reverse("wards:area_delete", args=[world.ward_x.code, world.area_x.pk]))
    assert delete.status_code == 403
    assert ResidentialArea.objects.filter(ward=world.ward_x).count() == 1


@pytest.mark.django_db
def test_another_wards_objects_are_not_found_even_by_posting(world, login):
    client = login(world.users["ward_officer"])
    # Ward Y's area, reached through ward Y's URL and through our own ward's URL.
    for code in (world.ward_y.code, world.ward_x.code):
        url = reverse("wards:area_delete", args=[code, world.area_y.pk])
        assert client.post(url).status_code == 404
    assert ResidentialArea.objects.filter(pk=world.area_y.pk).exists()
