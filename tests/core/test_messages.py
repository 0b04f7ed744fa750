"""Messages go in a signed cookie, read back on the next page; a forged cookie shows nothing,
and a request without messages never builds the cookie's signer."""

from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from core.messages import FallbackStorage


def _request(cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_message_travels_to_the_next_page_in_the_signed_cookie():
    first = _request()
    messages.success(first, "Đã lưu báo cáo tháng 12/2026.")
    response = HttpResponse()
    first._messages.update(response)
    cookie = response.cookies["messages"].value
    assert "Đã lưu" not in cookie  # signed and encoded, not plain text

    following = _request({"messages": cookie})
    assert [str(m) for m in get_messages(following)] == ["Đã lưu báo cáo tháng 12/2026."]


def test_a_forged_message_cookie_shows_nothing():
    first = _request()
    messages.error(first, "Có số liệu chưa hợp lệ.")
    response = HttpResponse()
    first._messages.update(response)
    cookie = response.cookies["messages"].value
    forged = cookie[:-1] + ("B" if cookie.endswith("A") else "A")  # its signature broken

    assert list(get_messages(_request({"messages": forged}))) == []


def test_a_request_without_messages_builds_no_signer():
    request = _request()
    assert list(get_messages(request)) == []
    request._messages.update(HttpResponse())
    assert "signer" not in vars(request._messages.storages[0])
