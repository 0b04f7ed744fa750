"""The public front door ("Tra cứu công khai"): provinces → communes → their public pages.

No login; the pages show where each fund's disclosure is, never money, so they are cached for
anonymous visitors under the catalogue's version alone (campaigns/public/directory.py).
"""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from campaigns.public import directory
from core.text import visible_text
from wards import page_cache
from wards.models import Province

QUERY_MIN, QUERY_MAX = 2, 100


class CommuneSearchForm(forms.Form):
    q = forms.CharField(
        label="Tên phường, xã",
        required=False,
        strip=True,
        min_length=QUERY_MIN,
        max_length=QUERY_MAX,
        error_messages={
            "min_length": f"Nhập ít nhất {QUERY_MIN} chữ của tên phường, xã, ví dụ “my thoi”.",
            "max_length": f"Tên phường, xã dài tối đa {QUERY_MAX} ký tự.",
        },
    )

    def query(self) -> str:
        """The valid query with single spaces, or "" (nothing typed, or refused)."""
        if not self.is_valid():
            return ""
        return " ".join(visible_text(self.cleaned_data["q"]).split())


def _search_form(request) -> tuple[CommuneSearchForm, str, int]:
    """The form, the query to run ("" for none) and the page's status (400: refused)."""
    form = CommuneSearchForm(request.GET if "q" in request.GET else None)
    if not form.is_bound:
        return form, "", 200
    query = form.query()
    return form, query, 400 if form.errors else 200


@require_GET
@page_cache.cached_for_anonymous
def public_directory(request):
    """/cong-khai/: the search box, provinces' drives under way, every province; with `q`,
    the communes found."""
    form, query, status = _search_form(request)
    context = {"form": form, "query": query}
    if query:
        context["search"] = directory.search_communes(query, page=request.GET.get("trang"))
    else:
        context["provinces"] = directory.provinces()
        context["active_drives"] = directory.active_drives()
    return render(request, "campaigns/public/front_door/directory.html", context, status=status)


@require_GET
@page_cache.cached_for_anonymous
def public_province(request, province_code):
    """A province's own drives and its communes with their public funds, a page at a time;
    `q` narrows the communes by name."""
    province = get_object_or_404(Province, code=province_code)
    form, query, status = _search_form(request)
    return render(
        request,
        "campaigns/public/front_door/province.html",
        {
            "province": province,
            "form": form,
            "query": query,
            "drives": directory.province_drives(province),
            "communes": directory.province_communes(
                province, query=query, page=request.GET.get("trang")
            ),
        },
        status=status,
    )
