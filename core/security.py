"""Access hardening that is not about roles: idle sessions, client address, request size.

Idle sessions. Django's own answer (SESSION_SAVE_EVERY_REQUEST with a short cookie age)
writes the session on every request: one more UPDATE per page view in the database or
Redis. Instead the session keeps the time an officer was last seen, rewritten at most once
per SESSION_IDLE_REFRESH_SECONDS (a minute), and a session idle for longer than
SESSION_IDLE_SECONDS is logged out on its next request. SESSION_COOKIE_AGE stays the
outer bound of a session's life in the store.
"""

import logging
import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import render
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

LAST_SEEN = "mttq_last_seen"


def idle_minutes() -> int:
    return max(1, round(settings.SESSION_IDLE_SECONDS / 60))


class IdleSessionMiddleware:
    """Log out a signed-in session idle for longer than SESSION_IDLE_SECONDS.

    Must follow the session, authentication and messages middleware. Reads only the session
    (no user query); writes it at most once a minute per active user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            last_seen = session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_SECONDS:
                logger.info("Idle session of user %s ended", session[SESSION_KEY])
                logout(request)
                messages.warning(
                    request,
                    f"Phiên làm việc đã hết hạn do không thao tác trong {idle_minutes()} phút. "
                    "Vui lòng đăng nhập lại.",
                )
            elif last_seen is None or now - last_seen >= settings.SESSION_IDLE_REFRESH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Responses to a signed-in user are never stored by the browser or a proxy.

    They show personal data (ID-card numbers, donors' names) that a browser would otherwise
    keep on disk and show again from its history after logout. Anonymous visitors' pages
    (the public disclosure) keep their default caching. Must follow the authentication
    middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: a login that just succeeded counts, a logout does not.
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def client_ip(request) -> str | None:
    """The address login throttling counts: REMOTE_ADDR, or the one our proxies saw.

    With TRUSTED_PROXY_COUNT proxies in front, each appends the address it received from to
    X-Forwarded-For; the entry added by the outermost one is the client. Entries to its left
    were sent by the client and can be forged, so they are never used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= proxies:
            return addresses[-proxies]
    return request.META.get("REMOTE_ADDR")


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds UPLOAD_MAX_REQUEST_BYTES, unread.

    Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files, which it
    streams to temporary files whatever their size; the front proxy should cap bodies too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            megabytes = settings.UPLOAD_MAX_REQUEST_BYTES // (1024 * 1024)
            return refused(
                request,
                "Dữ liệu gửi lên quá lớn",
                f"Mỗi lần chỉ gửi được tối đa {megabytes} MB; chưa có gì được ghi. Hãy chọn tệp "
                "nhỏ hơn (ảnh chụp: giảm kích thước ảnh; sao kê: tách theo khoảng thời gian "
                "ngắn hơn) rồi thử lại.",
                status=413,
            )
        return self.get_response(request)


def refused(request, title: str, message: str, *, status: int):
    return render(
        request, "request_refused.html", {"title": title, "message": message}, status=status
    )


class NulCharacterMiddleware:
    """Refuse text input holding NUL characters, which no form needs, and page addresses
    holding any control character, which no page has.

    Forms already refuse NUL field by field, but query parameters read directly (searches)
    and parts of the address (a ward's code) would reach the database, and PostgreSQL
    rejects NUL in any string: a server error. Uploaded files are not text input and are not
    looked at.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_character(request.path):
            return refused(
                request,
                "Địa chỉ trang không hợp lệ",
                "Địa chỉ trang có ký tự không hợp lệ (ký tự điều khiển). Hãy mở trang từ các "
                "liên kết trên cổng, hoặc gõ lại địa chỉ.",
                status=400,
            )
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return refused(
                request,
                "Dữ liệu không hợp lệ",
                "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự rỗng); chưa có gì được ghi. Hãy "
                "gõ lại nội dung thay vì dán từ tệp khác rồi thử lại.",
                status=400,
            )
        return self.get_response(request)


# NUL, line breaks, escape, DEL and the other C0/C1 control characters (Unicode category Cc).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_character(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _has_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )
