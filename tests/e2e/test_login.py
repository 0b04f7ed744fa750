import pytest
from playwright.sync_api import expect

from tests import factories
from wards.models import RoleAssignment


@pytest.fixture
def officer(world):
    return world.users["ward_officer"]


@pytest.mark.django_db(transaction=True)
def test_officer_logs_in_sees_their_ward_and_is_refused_another(live_server, page, world, officer):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", name="Ủy ban MTTQ Việt Nam Phường Mỹ Thới")).to_be_visible()
    expect(page.get_by_text("Việc cần làm")).to_be_visible()
    expect(page.get_by_text(RoleAssignment.Role.WARD_OFFICER.label)).to_be_visible()

    page.get_by_role("link", name="Xem thông tin phường, xã").click()
    expect(page.get_by_role("cell", name="Khóm Đông Thịnh 1")).to_be_visible()

    response = page.goto(f"{live_server.url}/phuong-xa/{world.ward_y.code}/")
    assert response.status == 404
    expect(page.get_by_text("Phường Long Xuyên")).to_have_count(0)
