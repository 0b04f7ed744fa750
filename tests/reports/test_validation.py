"""Cross-indicator rules (data, editable) and outlier warnings."""

import datetime

import pytest

from reports import services
from reports.models import MonthlyReport, ValidationRule
from tests.reports.conftest import PERIOD, entry_url


@pytest.mark.django_db
def test_an_error_rule_blocks_submission_with_its_message(world, save, report_x, login):
    save(report_x, BC_CUTRI=6688, BC_DIBAU=6700)
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.report_submit(report=report_x, user=world.users["ward_officer"])
    assert [b.rule.left for b in blocked.value.errors] == ["BC_DIBAU"]
    report_x.refresh_from_db()
    assert report_x.status == MonthlyReport.Status.DRAFT
    page = login(world.users["ward_officer"]).get(entry_url(world.ward_x)).content.decode()
    assert "Số cử tri đi bầu không thể lớn hơn tổng số cử tri." in page
    assert "6.700" in page and "6.688" in page


@pytest.mark.django_db
def test_a_rule_summing_several_indicators(world, save, report_x):
    save(report_x, HN_NGHEO=10, HN_CANNGHEO=5, HN_TONGHO=14)
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.report_submit(report=report_x, user=world.users["ward_officer"])
    assert blocked.value.errors[0].left == 15


@pytest.mark.django_db
def test_a_warning_needs_an_explanation_then_passes(world, save, report_x, login):
    save(report_x, GS_KIENNGHI=3, GS_GIAIQUYET=5)
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.report_submit(report=report_x, user=world.users["ward_officer"])
    assert not blocked.value.errors
    rule = blocked.value.unexplained[0].rule
    client = login(world.users["ward_officer"])
    form = client.get(entry_url(world.ward_x)).context["form"]
    assert f"x_{rule.pk}" in form.fields
    response = client.post(
        entry_url(world.ward_x),
        {
            "version": form.initial["version"],
            "v_GS_KIENNGHI": "3",
            "v_GS_GIAIQUYET": "5",
            f"x_{rule.pk}": "Giải quyết thêm 2 vụ tồn từ tháng 9.",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    report_x.refresh_from_db()
    assert report_x.status == MonthlyReport.Status.SUBMITTED


@pytest.mark.django_db
def test_rules_are_data_an_admin_can_add(world, save, report_x):
    ValidationRule.objects.create(
        left="TT_LUOT",
        operator=">=",
        right="TT_BUOI",
        severity="error",
        message="Mỗi buổi tuyên truyền phải có người dự.",
    )
    save(report_x, TT_BUOI=5, TT_LUOT=0)
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.report_submit(report=report_x, user=world.users["ward_officer"])
    assert blocked.value.errors[0].rule.message == "Mỗi buổi tuyên truyền phải có người dự."


@pytest.mark.django_db
def test_a_rule_with_an_unknown_code_is_refused_in_the_admin_form(world):
    rule = ValidationRule(left="KHONG_CO", operator="<=", right="TT_BUOI", severity="error")
    with pytest.raises(Exception) as error:
        rule.full_clean()
    assert "Mã chỉ tiêu không tồn tại: KHONG_CO" in str(error.value)


def _history(world, save, code, values):
    for months_back, value in enumerate(values, start=1):
        period = (PERIOD - datetime.timedelta(days=31 * months_back)).replace(day=1)
        report = MonthlyReport.objects.create(ward=world.ward_x, period=period)
        save(report, **{code: value})


@pytest.mark.django_db
def test_an_outlier_asks_for_confirmation_but_never_blocks(world, save, report_x, login):
    _history(world, save, "TT_LUOT", [100, 120, 90, 110, 100])
    save(report_x, TT_LUOT=852)
    client = login(world.users["ward_officer"])
    page = client.get(entry_url(world.ward_x)).content.decode()
    assert "Số liệu bất thường" in page and "852" in page
    with pytest.raises(services.SubmissionBlocked) as blocked:
        services.report_submit(report=report_x, user=world.users["ward_officer"])
    assert [o.indicator.code for o in blocked.value.outliers] == ["TT_LUOT"]
    services.report_submit(report=report_x, user=world.users["ward_officer"], confirm_outliers=True)
    report_x.refresh_from_db()
    assert report_x.status == MonthlyReport.Status.SUBMITTED


@pytest.mark.django_db
def test_a_value_within_three_medians_is_no_outlier(world, save, report_x):
    _history(world, save, "TT_LUOT", [100, 120, 90, 110, 100])
    save(report_x, TT_LUOT=290)
    services.report_submit(report=report_x, user=world.users["ward_officer"])
    report_x.refresh_from_db()
    assert report_x.status == MonthlyReport.Status.SUBMITTED
