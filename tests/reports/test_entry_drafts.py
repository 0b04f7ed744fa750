"""Typing is not lost: the entry form names what its browser draft belongs to (user, ward,
month, the version shown) and loads the script that keeps it; logging out sends the browser
to a login page that tells it to forget every draft and page it kept."""

import lxml.html
import pytest
from django.urls import reverse

from tests.reports.conftest import PERIOD, entry_url, post_entry


def tree(response):
    return lxml.html.fromstring(response.content.decode())


def scripts(page) -> list[str]:
    return [src.rsplit("/", 1)[-1] for src in page.xpath("//script/@src")]


@pytest.mark.django_db
def test_the_entry_form_names_the_draft_it_keeps(world, login):
    officer = world.users["ward_officer"]
    client = login(officer)
    page = tree(client.get(entry_url(world.ward_x)))
    form = page.get_element_by_id("entry-form")
    assert form.get("data-draft-user") == str(officer.pk)
    assert form.get("data-draft-ward") == world.ward_x.code
    assert form.get("data-draft-period") == f"{PERIOD.year}-{PERIOD.month:02d}"
    assert form.get("data-draft-version") == "0"
    assert "entry-draft.js" in scripts(page)

    # After a save the page shows the new version, which tells the browser the draft is saved.
    response = post_entry(client, world.ward_x, TT_BUOI="4")
    assert response.status_code == 302
    saved = client.get(response["Location"])
    assert "Đã lưu bản nháp báo cáo tháng 10/2025." in saved.content.decode()
    form = tree(saved).get_element_by_id("entry-form")
    assert form.get("data-draft-version") == "1"


@pytest.mark.django_db
def test_a_reader_keeps_no_draft(world, login):
    client = login(world.users["party_viewer"])
    response = client.get(entry_url(world.ward_x))
    assert response.status_code == 200
    form = tree(response).get_element_by_id("entry-form")
    assert form.get("data-draft-user") is None


@pytest.mark.django_db
def test_logout_leads_to_a_page_that_forgets_what_the_browser_kept(world, login):
    client = login(world.users["ward_officer"])
    page = tree(client.get(reverse("home"), follow=True))
    logout_forms = page.xpath(f'//form[@action="{reverse("logout")}"]')
    assert logout_forms and all(form.get("data-logout") is not None for form in logout_forms)
    assert "portal-storage.js" in scripts(page)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?dang_xuat=1"
    logged_out = tree(client.get(response["Location"]))
    assert logged_out.xpath("//body")[0].get("data-logged-out") is not None
    assert "portal-storage.js" in scripts(logged_out)
    # The login page an idle logout leads to keeps the drafts, to offer them back.
    plain = tree(client.get(reverse("login")))
    assert plain.xpath("//body")[0].get("data-logged-out") is None
