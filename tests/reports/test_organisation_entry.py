"""The monthly entry form for an organisation officer: its organisation's rows only are
editable, the save service refuses any other change (forged POST included, nothing written),
it cannot submit or approve, and the report shows the month by member organisation."""

import re

import pytest
from django.urls import reverse

from reports import services
from reports.models import Indicator, IndicatorValue, MonthlyReport
from tests import factories
from tests.reports.conftest import PERIOD, entry_opened, entry_url
from wards.models import MassOrganisation


@pytest.fixture
def officer(world):
    return world.users["organisation_officer"]  # Hội LHPN of ward X


def input_tag(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    assert found, f"no input {name}"
    return found.group(0)


def saved(ward, code):
    return list(
        IndicatorValue.objects.filter(
            report__ward=ward, report__period=PERIOD, indicator__code=code
        ).values_list("value", flat=True)
    )


def test_the_officer_sees_only_its_organisations_rows_editable(world, officer, login):
    client = login(officer)
    response = client.get(entry_url(world.ward_x))
    assert response.status_code == 200
    page = response.content.decode()
    own = [
        i.code for i in Indicator.objects.filter(organisation__short_name="Hội LHPN", kind="count")
    ]
    assert own  # the catalogue ties Hội LHPN's indicators to it
    for code in own:
        assert "disabled" not in input_tag(page, f"v_{code}")
    for code in ("TT_BUOI", "TV_ND_MOI", "TV_DTN_CHIHOI", "GS_CUOC"):
        assert "disabled" in input_tag(page, f"v_{code}")
    assert "Lưu phần của Hội LHPN" in page
    assert "Lưu và gửi duyệt" not in page
    assert "Nhập từ Excel" not in page


def test_the_ward_officer_still_has_every_row(world, login):
    page = login(world.users["ward_officer"]).get(entry_url(world.ward_x)).content.decode()
    for code in ("TT_BUOI", "TV_LHPN_MOI", "TV_ND_MOI"):
        assert "disabled" not in input_tag(page, f"v_{code}")
    assert "Lưu và gửi duyệt" in page


def test_the_officer_saves_its_part(world, officer, login):
    client = login(officer)
    response = client.post(
        entry_url(world.ward_x),
        {**entry_opened(client, world.ward_x), "v_TV_LHPN_MOI": "12", "v_TV_LHPN_CHIHOI": "9"},
    )
    assert response.status_code == 302
    assert saved(world.ward_x, "TV_LHPN_MOI") == [12]
    assert saved(world.ward_x, "TV_LHPN_CHIHOI") == [9]


def test_a_forged_post_changing_another_row_writes_nothing(world, officer, login):
    factories.report_values(world.ward_x, PERIOD, status=MonthlyReport.Status.DRAFT, TT_BUOI=4)
    report = MonthlyReport.objects.get(ward=world.ward_x, period=PERIOD)
    version = report.version
    client = login(officer)
    for forged in ({"v_TT_BUOI": "40"}, {"v_TV_ND_MOI": "3"}, {"v_TT_BUOI": ""}):
        response = client.post(
            entry_url(world.ward_x),
            {**entry_opened(client, world.ward_x), "v_TV_LHPN_MOI": "12", **forged},
        )
        assert response.status_code == 403
        text = response.content.decode()
        assert "chỉ được nhập, sửa số liệu của Hội LHPN" in text
        assert "Chưa lưu số liệu nào" in text
        # What was typed stays on the page.
        assert 'value="12"' in input_tag(text, "v_TV_LHPN_MOI")
        assert saved(world.ward_x, "TT_BUOI") == [4]
        assert saved(world.ward_x, "TV_LHPN_MOI") == []
        assert saved(world.ward_x, "TV_ND_MOI") == []
        report.refresh_from_db()
        assert report.version == version


def test_an_unchanged_other_row_in_the_post_is_no_change(world, officer, login):
    factories.report_values(world.ward_x, PERIOD, status=MonthlyReport.Status.DRAFT, TT_BUOI=4)
    client = login(officer)
    response = client.post(
        entry_url(world.ward_x),
        {**entry_opened(client, world.ward_x), "v_TT_BUOI": "4", "v_TV_LHPN_MOI": "2"},
    )
    assert response.status_code == 302
    assert (saved(world.ward_x, "TT_BUOI"), saved(world.ward_x, "TV_LHPN_MOI")) == ([4], [2])


def test_the_service_refuses_other_rows_for_the_officer(world, officer, report_x):
    with pytest.raises(services.OutsideOrganisation):
        services.report_save(
            report=report_x,
            user=officer,
            entries={"TV_LHPN_MOI": services.Entry(1), "VNN_CHI": services.Entry(5)},
        )
    assert not IndicatorValue.objects.filter(report=report_x).exists()
    # The ward's officer changes any row, the organisations' included.
    services.report_save(
        report=report_x,
        user=world.users["ward_officer"],
        entries={"TV_LHPN_MOI": services.Entry(1), "TT_BUOI": services.Entry(5)},
    )
    assert saved(world.ward_x, "TV_LHPN_MOI") == [1] and saved(world.ward_x, "TT_BUOI") == [5]


def test_the_officer_neither_submits_nor_approves(world, officer, login, report_x):
    client = login(officer)
    posted = client.post(
        entry_url(world.ward_x),
        {**entry_opened(client, world.ward_x), "v_TV_LHPN_MOI": "3", "action": "submit"},
    )
    assert posted.status_code == 403
    assert saved(world.ward_x, "TV_LHPN_MOI") == []
    for name in ("reports:submit", "reports:approve"):
        assert client.post(entry_url(world.ward_x, name=name)).status_code in (403, 302)
    report_x.refresh_from_db()
    assert report_x.status == MonthlyReport.Status.DRAFT
    with pytest.raises(services.PermissionDenied):
        services.report_submit(report=report_x, user=officer)
    with pytest.raises(services.PermissionDenied):
        services.report_approve(report=report_x, user=officer)


def test_the_officer_of_another_ward_cannot_save(world, login):
    other = factories.user(
        role="organisation_officer",
        ward_obj=world.ward_y,
        organisation_obj=MassOrganisation.objects.get(short_name="Hội LHPN"),
    )
    client = login(other)
    assert client.get(entry_url(world.ward_x)).status_code == 404
    response = client.post(entry_url(world.ward_x), {"version": "0", "v_TV_LHPN_MOI": "3"})
    assert response.status_code == 404
    assert saved(world.ward_x, "TV_LHPN_MOI") == []


def test_the_report_shows_the_month_by_organisation(world, login):
    lhpn = MassOrganisation.objects.get(short_name="Hội LHPN")
    farmers = MassOrganisation.objects.get(short_name="Hội Nông dân")
    factories.membership(ward_obj=world.ward_x, org=lhpn, members=300, eligible=400, as_of=PERIOD)
    factories.membership(ward_obj=world.ward_x, org=farmers, members=50, eligible=200, as_of=PERIOD)
    factories.report_values(
        world.ward_x, PERIOD, status=MonthlyReport.Status.SUBMITTED, TV_LHPN_MOI=6
    )
    page = login(world.users["ward_chair"]).get(entry_url(world.ward_x)).content.decode()
    section = page[page.index('data-testid="organisation-parts"') :]
    assert "Theo tổ chức thành viên" in section
    lhpn_row = section[section.index(f'data-organisation="{lhpn.pk}"') :]
    lhpn_row = lhpn_row[: lhpn_row.index("</tr>")]
    assert "300" in lhpn_row and "400" in lhpn_row and "75,0" in lhpn_row
    assert "Số đoàn viên, hội viên kết nạp mới – Hội LHPN: 6" in lhpn_row
    total = section[section.index('data-testid="organisation-total"') :]
    total = total[: total.index("</tr>")]
    members, eligible = 300 + 50, 400 + 200
    rate = f"{members * 100 / eligible:.1f}".replace(".", ",")  # 58,3, not (75 + 25) / 2
    assert str(members) in total and str(eligible) in total and rate in total
    assert "50,0" not in total
    assert reverse("reports:approve", args=[world.ward_x.code, 2025, 10]) in page
