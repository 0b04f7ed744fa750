"""The page frame's (templates/base.html) links, built once per process instead of on every
page view: each {% static %} and {% url %} costs about as much as a dozen variables, and the
frame has over twenty. What a link depends on besides its arguments (the URL configuration,
the script prefix, the static files' manifest) is part of each key or clears the memo."""

import functools

from django import template
from django.core.signals import setting_changed
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.templatetags.people import vietnamese_name

register = template.Library()

# Stand for the per-request parts of the cached menu: each request puts its own back.
_NAME_MARK = "\x00user-name\x00"
_CSRF_MARK = "\x00csrf-input\x00"


@functools.lru_cache(maxsize=256)
def _asset(path: str) -> str:
    return static(path)


@register.simple_tag
def asset(path):
    """{% static path %}, looked up once per process (the manifest is read once anyway)."""
    return _asset(path)


@functools.lru_cache(maxsize=8192)
def _url(urlconf, prefix, name, args) -> str:
    return reverse(name, urlconf=urlconf, args=args)


@register.simple_tag
def cached_url(name, *args):
    """{% url name args %} for a URL with no application-namespace instances (never the
    admin's), reversed once per process for each URL configuration and script prefix."""
    return _url(get_urlconf(), get_script_prefix(), name, args)


# About 2 kB each: a process serving every commune keeps the busiest thousand.
@functools.lru_cache(maxsize=1024)
def _menu(urlconf, prefix, ward_code, province_code, is_superuser):
    """The signed-in menu (templates/partials/nav_menu.html) in three parts, split where the
    user's name and the CSRF field go."""
    context = {
        "ward_code": ward_code,
        "province_code": province_code,
        "is_superuser": is_superuser,
        "user_name": _NAME_MARK,
        "csrf_input": _CSRF_MARK,
    }
    # Without the file's last line break: base.html has its own.
    html = get_template("partials/nav_menu.html").render(context).removesuffix("\n")
    before, _, rest = html.partition(_NAME_MARK)
    middle, _, after = rest.partition(_CSRF_MARK)
    if _NAME_MARK in rest or _CSRF_MARK in after or not middle:
        raise template.TemplateSyntaxError("partials/nav_menu.html shows each mark once")
    return before, middle, after


@register.simple_tag(takes_context=True)
def nav_menu(context):
    """The signed-in user's menu: the same for every user of a ward (or a province) with the
    same admin right, but for the name and the CSRF field, which each request puts in."""
    user = context["user"]
    ward, province = context.get("nav_ward"), context.get("nav_province")
    before, middle, after = _menu(
        get_urlconf(),
        get_script_prefix(),
        ward.code if ward else None,
        province.code if province else None,
        bool(user.is_superuser),
    )
    name = conditional_escape(vietnamese_name(user))
    return mark_safe(f"{before}{name}{middle}{CsrfTokenNode().render(context)}{after}")


def forget(**kwargs):
    """Settings changed (tests) or a template edited (runserver): build links anew."""
    _asset.cache_clear()
    _url.cache_clear()
    _menu.cache_clear()


setting_changed.connect(forget, dispatch_uid="layout-links-forget")
file_changed.connect(forget, dispatch_uid="layout-links-forget-files")
