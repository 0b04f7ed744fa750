"""/robots.txt: crawlers may read the public disclosure pages, nothing behind the login."""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ROBOTS_TXT = "User-agent: *\nAllow: /cong-khai/\nAllow: /static/\nDisallow: /\n"


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
