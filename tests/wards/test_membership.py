from decimal import Decimal

import pytest
from django.urls import reverse

from core.numbers import percent_text
from wards.models import Membership, membership_rate


def add_membership(world, login, *, as_of, members, eligible):
    """Ward X's officer posts a new count for the organisation of `world.membership_x`."""
    return login(world.users["ward_officer"]).post(
        reverse("wards:membership_create", args=[world.ward_x.code]),
        {
            "organisation": world.membership_x.organisation_id,
            "as_of": as_of,
            "members": members,
            "eligible": eligible,
        },
    )


def test_rate_is_members_over_eligible_in_percent():
    # Unrounded (differences in points are taken from it); shown with one decimal.
    assert membership_rate(82, 100) == 82
    assert membership_rate(2, 3) == Decimal(200) / Decimal(3)
    assert membership_rate(6622, 6688) == Decimal(662200) / Decimal(6688)
    assert percent_text(membership_rate(2, 3)) == "66,7\u00a0%"
    assert percent_text(membership_rate(6622, 6688)) == "99,0\u00a0%"


def test_rate_is_empty_when_nobody_can_be_enrolled():
    assert membership_rate(0, 0) is None


@pytest.mark.django_db
def test_ward_page_shows_rates_from_counts_and_the_overall_rate_from_sums(world, login):
    # 80/100 and 1/3: the overall rate is 81/103 = 78,6 %, not the mean of 80 % and 33,3 %.
    world.membership_x.delete()
    from tests import factories

    factories.membership(ward_obj=world.ward_x, members=80, eligible=100)
    factories.membership(ward_obj=world.ward_x, members=1, eligible=3)
    client = login(world.users["party_viewer"])
    page = client.get(reverse("wards:detail", args=[world.ward_x.code])).content.decode()
    assert "80,0\u00a0%" in page
    assert "33,3\u00a0%" in page
    assert "78,6\u00a0%" in page


@pytest.mark.django_db
def test_the_rate_cannot_be_typed_and_is_recomputed_after_an_edit(world, login):
    client = login(world.users["ward_officer"])
    url = reverse("wards:membership_update", args=[world.ward_x.code, world.membership_x.pk])
    form_page = client.get(url).content.decode()
    assert 'name="rate"' not in form_page
    response = client.post(
        url,
        {
            "organisation": world.membership_x.organisation_id,
            "as_of": "31/12/2025",
            "members": "90",
            "eligible": "120",
            "rate": "99",
        },
    )
    assert response.status_code == 302
    world.membership_x.refresh_from_db()
    assert world.membership_x.rate == Decimal("75.00")


@pytest.mark.django_db
def test_it_refuses_more_members_than_eligible_people(world, login):
    response = add_membership(world, login, as_of="01/06/2026", members="150", eligible="100")
    assert response.status_code == 200
    assert "không được lớn hơn số người trong diện tập hợp" in response.content.decode()
    assert Membership.objects.filter(ward=world.ward_x).count() == 1


@pytest.mark.django_db
def test_it_refuses_a_second_record_for_the_same_day(world, login):
    same_day = world.membership_x.as_of.strftime("%d/%m/%Y")
    response = add_membership(world, login, as_of=same_day, members="10", eligible="100")
    assert "Đã có số liệu của tổ chức này tại ngày này" in response.content.decode()
    assert Membership.objects.filter(ward=world.ward_x).count() == 1
