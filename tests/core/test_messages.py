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


def _cookie_after(add_message, text) -> str:
    """The message cookie a response carries after a page added `text`."""
    page = _request()
    add_message(page, text)
    response = HttpResponse()
    page._messages.update(response)
    return response.cookies["messages"].value


def test_a_message_travels_to_the_next_page_in_the_signed_cookie():
    cookie = _cookie_after(messages.success, "Đã lưu báo cáo tháng 12/2026.")
    assert "Đã lưu" not in cookie  # signed and encoded, not plain text

    following = _request({"messages": cookie})
    assert [str(m) for m in get_messages(following)] == ["Đã lưu báo cáo tháng 12/2026."]


def test_a_forged_message_cookie_shows_nothing():
    cookie = _cookie_after(messages.error, "Có số liệu chưa hợp lệ.")
    forged = cookie[:-1] + ("B" if cookie.endswith("A") else "A")  # its signature broken

    assert list(get_messages(_request({"messages": forged}))) == []


def test_a_request_without_messages_builds_no_signer():
    request = _request()
    assert list(get_messages(request)) == []
    request._messages.update(HttpResponse())
    assert "signer" not in vars(request._messages.storages[0])
