"""The installable web app: a manifest every page links to, and a service worker served from
the root with the header that lets it serve the whole site."""

import json

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def page_tree(response):
    return lxml.html.fromstring(response.content.decode())


@pytest.mark.django_db
def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert reverse("service_worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]  # a new worker is picked up at once
    body = response.content.decode()
    # It keeps the static files the pages load, by the names the pages use.
    for path in ("js/entry-draft.js", "js/entry-form.js", "vendor/bootstrap/bootstrap.min.css"):
        assert f'"{static(path)}"' in body
    assert 'self.addEventListener("fetch"' in body
    assert client.post("/sw.js").status_code == 405


def test_the_manifest_names_the_app_in_vietnamese_with_its_icons():
    with open(finders.find("manifest.webmanifest"), encoding="utf-8") as file:
        manifest = json.load(file)
    assert manifest["name"] == "Cổng MTTQ"
    assert manifest["lang"] == "vi"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        found = finders.find(icon["src"])
        assert found, icon["src"]
        if icon["type"] == "image/png":
            with open(found, "rb") as image:
                assert image.read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.django_db
def test_pages_link_the_manifest_and_signed_in_pages_register_the_worker(client, world, login):
    login_page = page_tree(client.get(reverse("login")))
    assert login_page.xpath("//link[@rel='manifest']/@href") == [static("manifest.webmanifest")]
    # A visitor's pages register no worker; an officer's do.
    assert not login_page.xpath("//script[@data-service-worker]")
    officer = login(world.users["ward_officer"])
    home = page_tree(officer.get(reverse("home"), follow=True))
    assert home.xpath("//link[@rel='manifest']/@href") == [static("manifest.webmanifest")]
    assert home.xpath("//script[@data-service-worker]/@data-service-worker") == ["/sw.js"]


@pytest.mark.django_db
def test_the_manifest_is_served_as_a_static_file(client):
    response = client.get(static("manifest.webmanifest"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    assert json.loads(b"".join(response.streaming_content))["short_name"] == "Cổng MTTQ"
