"""Whose document: a commune's (phường, xã) or the province committee's (tỉnh, thành phố).

The pages of both are the same views and templates; the URLs differ by their prefix
(`phuong-xa/<code>/van-ban/…`, names "reports:document…"; `tinh/<code>/van-ban/…`, names
"reports:province_document…"), which these helpers pick from the holder.
"""

from django.urls import reverse

from wards.models import Province

WARD, PROVINCE = "ward", "province"
NAMESPACE = "reports:"
PROVINCE_PREFIX = "province_"


def is_province(holder) -> bool:
    return isinstance(holder, Province)


def url_names(holder) -> str:
    """The prefix of the holder's document URL names, for `{% url doc_urls|add:'document' %}`."""
    return NAMESPACE + (PROVINCE_PREFIX if is_province(holder) else "")


def holder_url(name: str, holder, *args) -> str:
    """reverse() of a document URL name ("document", "documents", …) for the holder."""
    return reverse(url_names(holder) + name, args=[holder.code, *args])


def context(holder) -> dict:
    """Template variables naming the holder: `holder`, `holder_is_province`, `doc_urls`, and
    `ward` for a commune
    (the breadcrumbs and navigation read it)."""
    values = {
        "holder": holder,
        "holder_is_province": is_province(holder),
        "doc_urls": url_names(holder),
    }
    if not is_province(holder):
        values["ward"] = holder
    return values


def short_name(holder) -> str:
    """ "Phường Mỹ Thới" → "Mỹ Thới"; "Tỉnh An Giang" → "An Giang"; "Thành phố Hà Nội" →
    "Hà Nội" (the place in "An Giang, ngày …")."""
    if not is_province(holder):
        return holder.short_name
    for prefix in ("Tỉnh ", "Thành phố "):
        if holder.name.startswith(prefix):
            return holder.name.removeprefix(prefix)
    return holder.name


def unit_word(holder) -> str:
    """ "phường", "xã", "tỉnh", "thành phố": the unit as a sentence names it."""
    if is_province(holder):
        return "thành phố" if holder.name.startswith("Thành phố") else "tỉnh"
    return holder.get_kind_display().lower()
