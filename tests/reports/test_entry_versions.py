"""The monthly entry never overwrites silently: a POST must say which version it edits, and a
figure the POST does not carry keeps its saved value."""

import re

import pytest
from django.test import Client

from reports.models import AreaValue, IndicatorValue, MonthlyReport
from tests.reports.conftest import entry_opened, entry_url


def saved(ward):
    """The typed figures (computed ones, filled by the portal, left aside)."""
    values = IndicatorValue.objects.filter(report__ward=ward, indicator__source="")
    return dict(values.values_list("indicator__code", "value"))


def hidden(response, name) -> str:
    """The value of a hidden input as the page rendered it."""
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, name
    return match.group(1)


@pytest.mark.django_db
def test_a_post_without_the_version_is_a_conflict_not_an_overwrite(world, login):
    client = login(world.users["ward_officer"])
    first = client.post(
        entry_url(world.ward_x), {**entry_opened(client, world.ward_x), "v_TT_BUOI": "5"}
    )
    assert first.status_code == 302
    response = client.post(entry_url(world.ward_x), {"v_TT_BUOI": "9", "v_TT_LUOT": "852"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "không cho biết bạn đang sửa phiên bản nào của báo cáo, nên chưa lưu gì" in page
    assert 'value="852"' in page  # what was typed is still on the page
    assert saved(world.ward_x) == {"TT_BUOI": 5}


@pytest.mark.django_db
def test_a_figure_missing_from_the_post_keeps_its_value(world, login):
    client = login(world.users["ward_officer"])
    first = {"v_TT_BUOI": "5", "v_TT_LUOT": "852", "v_VH_TANG_VM": "18", "d_VH_TANG_VM": "20"}
    client.post(entry_url(world.ward_x), {**entry_opened(client, world.ward_x), **first})
    # A page that only carries some fields (a partial form, an old page, a script).
    partial = {**entry_opened(client, world.ward_x), "v_TT_BUOI": "6"}
    response = client.post(entry_url(world.ward_x), partial)
    assert response.status_code == 302
    assert saved(world.ward_x) == {"TT_BUOI": 6, "TT_LUOT": 852, "VH_TANG_VM": 18}
    ratio = IndicatorValue.objects.get(indicator__code="VH_TANG_VM")
    assert ratio.denominator == 20
    # A field sent empty is a figure cleared on purpose.
    client.post(entry_url(world.ward_x), {**entry_opened(client, world.ward_x), "v_TT_LUOT": ""})
    assert saved(world.ward_x)["TT_LUOT"] is None


@pytest.mark.django_db
def test_an_area_breakdown_missing_from_the_post_is_kept(world, login):
    client = login(world.users["ward_officer"])
    field = f"a_HN_NGHEO_{world.area_x.pk}"
    client.post(
        entry_url(world.ward_x),
        {**entry_opened(client, world.ward_x), "v_HN_NGHEO": "12", field: "4"},
    )
    client.post(entry_url(world.ward_x), {**entry_opened(client, world.ward_x), "v_HN_NGHEO": "13"})
    assert AreaValue.objects.get(area=world.area_x).value == 4
    assert saved(world.ward_x)["HN_NGHEO"] == 13


@pytest.mark.django_db
def test_after_a_conflict_the_officer_can_save_what_they_typed(world, login):
    officer_page = login(world.users["ward_officer"])
    stale = entry_opened(officer_page, world.ward_x)
    chair = Client()
    chair.force_login(world.users["ward_chair"])
    chair.post(entry_url(world.ward_x), {**entry_opened(chair, world.ward_x), "v_TT_BUOI": "8"})

    conflict = officer_page.post(entry_url(world.ward_x), {**stale, "v_TT_BUOI": "5"})
    assert conflict.status_code == 409
    assert saved(world.ward_x) == {"TT_BUOI": 8}
    # The conflict page now carries the version saved by the chair: saving it is a decision
    # taken with both figures in view, and goes through.
    report = MonthlyReport.objects.get(ward=world.ward_x)
    assert hidden(conflict, "version") == str(report.version)
    assert 'value="5"' in conflict.content.decode()
    again = officer_page.post(
        entry_url(world.ward_x),
        {
            "version": hidden(conflict, "version"),
            "opened_at": hidden(conflict, "opened_at"),
            "v_TT_BUOI": "5",
        },
    )
    assert again.status_code == 302
    assert saved(world.ward_x) == {"TT_BUOI": 5}
