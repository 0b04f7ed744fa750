import pytest
from django.urls import reverse

from reports import services
from reports.models import AreaValue, IndicatorValue
from tests.reports.conftest import entry_url


@pytest.mark.django_db
def test_the_admin_cannot_change_values_of_an_approved_report(world, save, report_x, login):
    save(report_x, TT_BUOI=3)
    services.report_submit(report=report_x, user=world.users["ward_officer"])
    services.report_approve(report=report_x, user=world.users["ward_chair"])
    value = IndicatorValue.objects.get(report=report_x, indicator__code="TT_BUOI")
    client = login(world.users["admin"])
    url = reverse("admin:reports_indicatorvalue_change", args=[value.pk])
    response = client.post(url, {"value": "99", "denominator": ""})
    value.refresh_from_db()
    assert value.value == 3
    assert response.status_code == 403
    page = client.get(url).content.decode()
    assert 'name="value"' not in page  # shown, read-only


@pytest.mark.django_db
def test_an_optional_breakdown_by_residential_area(world, login, report_x):
    client = login(world.users["ward_officer"])
    form = client.get(entry_url(world.ward_x)).context["form"]
    field = f"a_HN_NGHEO_{world.area_x.pk}"
    assert field in form.fields
    assert "a_TT_BUOI_" not in " ".join(form.fields)  # only where the indicator asks for it
    response = client.post(
        entry_url(world.ward_x),
        {"version": form.initial["version"], "v_HN_NGHEO": "12", field: "4"},
    )
    assert response.status_code == 302
    assert AreaValue.objects.get(report=report_x, area=world.area_x).value == 4
    page = client.get(entry_url(world.ward_x)).content.decode()
    assert "Chi tiết theo khu dân cư" in page and 'value="4"' in page
    # Left empty, the breakdown is simply not kept.
    version = client.get(entry_url(world.ward_x)).context["form"].initial["version"]
    client.post(entry_url(world.ward_x), {"version": version, "v_HN_NGHEO": "12", field: ""})
    assert not AreaValue.objects.filter(report=report_x).exists()
