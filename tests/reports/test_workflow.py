"""draft → submitted → approved / returned → locked; who may do each step."""

import pytest
from django.core.exceptions import PermissionDenied

from reports import services
from reports.models import IndicatorValue, MonthlyReport, ReportEvent
from tests.reports.conftest import entry_opened, entry_url, post_entry

Status = MonthlyReport.Status


@pytest.mark.django_db
def test_officer_saves_a_draft_and_figures_show_in_vietnamese_format(world, login):
    client = login(world.users["ward_officer"])
    response = post_entry(client, world.ward_x, TT_BUOI="5", THTK_TIEN="1.804.000.000")
    assert response.status_code == 302
    report = MonthlyReport.objects.get(ward=world.ward_x)
    assert report.status == Status.DRAFT
    saved = dict(report.values.values_list("indicator__code", "value"))
    assert saved["THTK_TIEN"] == 1804000000
    assert saved["TT_BUOI"] == 5
    page = client.get(entry_url(world.ward_x)).content.decode()
    assert 'value="1.804.000.000"' in page
    assert "Đã lưu bản nháp báo cáo tháng 10/2025." in page


@pytest.mark.django_db
def test_bad_input_is_refused_on_the_field_and_kept_on_the_page(world, login):
    client = login(world.users["ward_officer"])
    response = post_entry(client, world.ward_x, TT_BUOI="12,5", TT_LUOT="-3", TT_LOP="7")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhập một số nguyên" in page
    assert "Số liệu không được âm." in page
    assert 'value="12,5"' in page and 'value="7"' in page
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_ratio_needs_both_parts_and_a_numerator_within_the_denominator(world, login):
    client = login(world.users["ward_officer"])
    opened = entry_opened(client, world.ward_x)
    response = client.post(
        entry_url(world.ward_x), {**opened, "v_VH_TANG_VM": "22", "d_VH_TANG_VM": "20"}
    )
    assert "Tử số không được lớn hơn mẫu số." in response.content.decode()
    response = client.post(
        entry_url(world.ward_x),
        {"version": opened["version"], "v_VH_TANG_VM": "20", "d_VH_TANG_VM": ""},
    )
    assert "Nhập cả mẫu số của tỷ lệ." in response.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_full_cycle_submit_return_resubmit_approve_lock(world, login, client):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    client.force_login(officer)
    assert post_entry(client, world.ward_x, action="submit", TT_BUOI="5").status_code == 302
    report = MonthlyReport.objects.get(ward=world.ward_x)
    assert report.status == Status.SUBMITTED

    # Submitted: the officer can no longer change it.
    client.post(entry_url(world.ward_x), {"version": report.version, "v_TT_BUOI": "9"})
    assert report.values.get(indicator__code="TT_BUOI").value == 5

    client.force_login(chair)
    response = client.post(entry_url(world.ward_x, name="reports:return"), {"comment": ""})
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED  # a return needs a comment
    client.post(entry_url(world.ward_x, name="reports:return"), {"comment": "Kiểm tra số buổi."})
    report.refresh_from_db()
    assert report.status == Status.RETURNED

    client.force_login(officer)
    page = client.get(entry_url(world.ward_x)).content.decode()
    assert "Kiểm tra số buổi." in page
    post_entry(client, world.ward_x, action="submit", TT_BUOI="6")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

    client.force_login(chair)
    response = client.post(entry_url(world.ward_x, name="reports:approve"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.APPROVED
    actions = list(report.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["submit", "return", "submit", "approve"]

    # Approved: locked for everyone, the chair included, and the page is read-only.
    for user in (officer, chair):
        client.force_login(user)
        client.post(entry_url(world.ward_x), {"version": report.version, "v_TT_BUOI": "99"})
    assert report.values.get(indicator__code="TT_BUOI").value == 6
    page = client.get(entry_url(world.ward_x)).content.decode()
    assert "Báo cáo đã duyệt và đã khóa" in page
    assert 'name="v_TT_BUOI"' in page and "disabled" in page
    with pytest.raises(services.ReportLocked):
        services.report_save(report=report, user=officer, entries={"TT_BUOI": services.Entry(1)})


@pytest.mark.django_db
def test_reopening_needs_a_chair_and_a_reason_and_is_recorded(world, save, report_x):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    save(report_x, TT_BUOI=3)
    services.report_submit(report=report_x, user=officer)
    services.report_approve(report=report_x, user=chair)
    with pytest.raises(PermissionDenied):
        services.report_reopen(report=report_x, user=officer, reason="Sai số")
    with pytest.raises(services.WorkflowError):
        services.report_reopen(report=report_x, user=chair, reason="  ")
    services.report_reopen(report=report_x, user=chair, reason="Sai số buổi tuyên truyền")
    report_x.refresh_from_db()
    assert report_x.status == Status.RETURNED
    event = report_x.events.get(action=ReportEvent.Action.REOPEN)
    assert (event.actor, event.comment) == (chair, "Sai số buổi tuyên truyền")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ward_officer", "party_viewer", "province_officer", "admin"])
def test_only_the_wards_chair_approves(world, save, report_x, role, login):
    save(report_x, TT_BUOI=3)
    services.report_submit(report=report_x, user=world.users["ward_officer"])
    client = login(world.users[role])
    response = client.post(entry_url(world.ward_x, name="reports:approve"))
    assert response.status_code in (302, 403)
    report_x.refresh_from_db()
    assert report_x.status == Status.SUBMITTED


@pytest.mark.django_db
def test_another_wards_chair_cannot_touch_this_report(world, save, report_x):
    from tests import factories
    from wards.models import RoleAssignment

    other_chair = factories.user(role=RoleAssignment.Role.WARD_CHAIR, ward_obj=world.ward_y)
    save(report_x, TT_BUOI=3)
    services.report_submit(report=report_x, user=world.users["ward_officer"])
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report_x, user=other_chair)


@pytest.mark.django_db
def test_every_change_is_kept_with_who_when_and_old_to_new(world, save, report_x, login):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    save(report_x, officer, TT_BUOI=3)
    save(report_x, chair, TT_BUOI=4)
    client = login(officer)
    page = client.get(entry_url(world.ward_x, name="reports:history")).content.decode()
    assert page.count("TT_BUOI") == 2
    assert chair.username in page and officer.username in page
    rows = [line for line in page.splitlines() if "TT_BUOI" in line]
    assert rows  # the newest change (3 → 4 by the chair) comes first
    history = list(report_x.values.get(indicator__code="TT_BUOI").history.order_by("history_date"))
    assert [h.value for h in history] == [3, 4]
    assert [h.history_user for h in history] == [officer, chair]


@pytest.mark.django_db
def test_concurrent_edit_gets_a_conflict_and_nothing_is_overwritten(world, client, login):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    client.force_login(officer)
    first_page = client.get(entry_url(world.ward_x)).context["form"].initial

    from django.test import Client

    other = Client()
    other.force_login(chair)
    assert post_entry(other, world.ward_x, TT_BUOI="8").status_code == 302

    response = client.post(
        entry_url(world.ward_x),
        {
            "version": first_page["version"],
            "opened_at": first_page["opened_at"].isoformat(),
            "v_TT_BUOI": "5",
            "v_TT_LUOT": "852",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Người khác đã lưu báo cáo này" in page
    assert chair.username in page and "TT_BUOI" in page and "8" in page
    assert 'value="852"' in page  # what the officer typed is still on the page
    values = dict(
        IndicatorValue.objects.filter(report__ward=world.ward_x).values_list(
            "indicator__code", "value"
        )
    )
    assert values["TT_BUOI"] == 8
    assert "TT_LUOT" not in values
