"""The page frame's parts kept per process (core/templatetags/layout.py) and the message
storage whose cookie signer is made only when needed (core/messages.py)."""

import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse

from core.messages import CookieStorage
from tests import factories
from wards.models import RoleAssignment

Role = RoleAssignment.Role
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _menu_of(page: str) -> str:
    return page[page.index('<div class="collapse navbar-collapse"') : page.index("</nav>")]


@pytest.mark.django_db
def test_each_user_gets_the_menu_of_their_own_ward_name_and_csrf_field(world):
    other = factories.user(role=Role.WARD_OFFICER, ward_obj=world.ward_y)
    other.last_name, other.first_name = "<Trần>", "Bình"
    other.save()
    pages = {}
    for user in (world.users["ward_officer"], other, world.users["province_officer"]):
        client = Client()
        client.force_login(user)
        pages[user.pk] = client.get(reverse("home")).content.decode()
    x, y, province = (
        _menu_of(pages[u.pk])
        for u in (world.users["ward_officer"], other, world.users["province_officer"])
    )
    assert reverse("wards:detail", args=[world.ward_x.code]) in x
    assert reverse("wards:detail", args=[world.ward_y.code]) in y
    assert world.ward_x.code not in y and "Xác thực hai bước" not in y
    assert "&lt;Trần&gt; Bình" in y and "<Trần>" not in y
    assert reverse("wards:province", args=[world.province_a.code]) in province
    assert "Xác thực hai bước" in province and "Quản trị" not in province
    tokens = {CSRF_FIELD.search(_menu_of(page)).group(1) for page in pages.values()}
    assert len(tokens) == 3  # each request's own


@pytest.mark.django_db
def test_the_frame_renders_as_django_s_own_tags_would(world, rf):
    """The same links as {% static %} and {% url %} give."""
    html = (
        engines["django"]
        .from_string(
            "{% load layout static %}{% asset 'css/portal.css' %}|{% static 'css/portal.css' %}|"
            "{% cached_url 'wards:detail' code %}|{% url 'wards:detail' code %}"
        )
        .render({"code": world.ward_x.code})
    )
    first, second, third, fourth = html.split("|")
    assert first == second and third == fourth


def test_messages_use_the_cookie_then_the_session_with_a_lazy_signer():
    request = RequestFactory().get("/")
    request.session = {}
    storage = default_storage(request)
    assert settings.MESSAGE_STORAGE == "core.messages.FallbackStorage"
    cookie = storage.storages[0]
    assert isinstance(cookie, CookieStorage) and "signer" not in cookie.__dict__
    assert list(storage) == []  # no message cookie: nothing to verify
    assert "signer" not in cookie.__dict__


def test_a_message_to_an_anonymous_visitor_travels_in_the_cookie_not_a_session(rf):
    from django.http import HttpResponse

    request = rf.get("/")
    request.session = {}
    request._messages = default_storage(request)
    messages.info(request, "Đã gửi.")
    response = HttpResponse()
    request._messages.update(response)
    assert "messages" in response.cookies and request.session == {}
    later = rf.get("/")
    later.COOKIES["messages"] = response.cookies["messages"].value
    later.session = {}
    assert [str(m) for m in default_storage(later)] == ["Đã gửi."]
