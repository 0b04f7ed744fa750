"""The public front door: provinces, their communes with the funds they disclose, a search.

What counts as public is decided once, in campaigns/public/selectors.py (money-holding kinds,
PUBLIC_CAMPAIGN_KINDS): the ward page lists a commune's own such funds and its province's
drives, and the trail pages show a province's drives. These reads only say where those pages
are. They show no money, so their pages change only with the catalogue (provinces, communes,
campaigns) and are cached by it.

Communes are those of the current map (`Ward.objects`); an abolished commune found by its old
name leads to the communes that replaced it, whose pages hold its successors' funds.

Names are matched folded (no case, no diacritics, "đ" as "d": `fold_text`, the same fold the
disclosure search uses, computed by the database) at the start of a word: "my thoi",
"MỸ THỚI", "phuong my thoi" and "thoi" all find "Phường Mỹ Thới"; "hoi" does not.
"""

import functools
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains, StartsWith

from campaigns.models import Campaign
from campaigns.public.selectors import PUBLIC_CAMPAIGN_KINDS, Folded, fold_text
from campaigns.selectors import province_campaigns
from core.collation import vietnamese_key
from wards.models import Province, Ward, WardSuccession

COMMUNES_PER_PAGE = 50
FORMER_COMMUNES_SHOWN = 20
ACTIVE_DRIVES_SHOWN = 6
_PUBLIC = Q(kind__in=PUBLIC_CAMPAIGN_KINDS)
_PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")


def province_short_name(name: str) -> str:
    """ "Tỉnh An Giang" → "An Giang", "Thành phố Huế" → "Huế": what a list is sorted by."""
    for prefix in _PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


_KIND_PREFIXES = {kind: f"{label} " for kind, label in Ward.Kind.choices}
_FOLDED_PREFIXES = {kind: fold_text(prefix) + " " for kind, prefix in _KIND_PREFIXES.items()}


@functools.lru_cache(maxsize=256)
def _province_key(name: str) -> tuple:
    return vietnamese_key(province_short_name(name))


def _ward_key(ward: Ward) -> tuple:
    """Communes by their name without the kind: "Xã An Hòa" before "Phường Bình Đức"."""
    return vietnamese_key(ward.short_name), ward.code


@dataclass(frozen=True)
class ProvinceEntry:
    province: Province
    communes: int  # current communes
    funds: int  # public funds of its current communes and its own public drives


def provinces() -> list[ProvinceEntry]:
    """Every province with its counts, in Vietnamese order of the name without "Tỉnh": three
    queries, whatever the number of communes."""
    communes = dict(
        Ward.objects.order_by()
        .values("province")
        .annotate(n=Count("pk"))
        .values_list("province", "n")
    )
    funds = dict(
        _public_funds()
        .annotate(place=Coalesce("province", "ward__province"))
        .order_by()
        .values("place")
        .annotate(n=Count("pk"))
        .values_list("place", "n")
    )
    entries = [
        ProvinceEntry(province, communes.get(province.pk, 0), funds.get(province.pk, 0))
        for province in Province.objects.all()
    ]
    entries.sort(key=lambda entry: vietnamese_key(province_short_name(entry.province.name)))
    return entries


def _public_funds():
    """Public funds of current communes and of provinces (an abolished commune's page is no
    longer shown: its successors' are)."""
    return Campaign.objects.filter(_PUBLIC).filter(
        Q(province__isnull=False) | Q(ward__abolished_on__isnull=True)
    )


def active_drives() -> list[Campaign]:
    """Provinces' public drives under way, newest first: what a visitor most likely looks
    for (a disaster relief drive shared everywhere)."""
    drives = Campaign.objects.filter(
        _PUBLIC, province__isnull=False, status=Campaign.Status.ACTIVE
    ).select_related("province")
    return list(drives.order_by("-starts_on", "-pk")[:ACTIVE_DRIVES_SHOWN])


def province_drives(province) -> list[Campaign]:
    """The province's own public drives: their trail pages."""
    return list(province_campaigns(province).filter(_PUBLIC))


@dataclass
class CommuneEntry:
    ward: Ward
    funds: list[Campaign] = field(default_factory=list)


def _with_funds(wards: list[Ward]) -> list[CommuneEntry]:
    """Each commune with its own public funds (the ward page's own part): one query."""
    entries = {ward.pk: CommuneEntry(ward) for ward in wards}
    if entries:
        for fund in Campaign.objects.filter(_PUBLIC, ward__in=list(entries)):
            entries[fund.ward_id].funds.append(fund)
    return list(entries.values())


def search_terms(query: str) -> str:
    """The folded query: lower case, no diacritics, single spaces."""
    return fold_text(query)


def _name_matches(folded: str) -> Q:
    """A name with a word that starts with the folded query (which may hold several words)."""
    name = Folded("name")
    return Q(StartsWith(name, folded)) | Q(Contains(name, " " + folded))


def _rank(short: str, kind: str, folded: str) -> int:
    """0: the query is the whole name, or the name without its kind; 1: the name without its
    kind starts with it; 2: a later word does."""
    short = fold_text(short)
    if folded in (short, _FOLDED_PREFIXES.get(kind, "") + short):
        return 0
    return 1 if short.startswith(folded) else 2


def _ordered_ids(wards, folded: str = "") -> list[int]:
    """The ids of `wards` in list order: the best matches of the folded query first (when
    there is one), then by name without the kind in Vietnamese order, then by province. Reads
    plain values, not model instances: a broad query matches thousands."""
    keyed = []
    rows = wards.order_by().values_list("pk", "code", "name", "kind", "province__name")
    for pk, code, name, kind, province in rows:
        short = name.removeprefix(_KIND_PREFIXES.get(kind, ""))
        rank = _rank(short, kind, folded) if folded else 0
        keyed.append(((rank, vietnamese_key(short), _province_key(province), code), pk))
    keyed.sort()
    return [pk for _key, pk in keyed]


def _communes_page(wards, folded: str, number) -> Page:
    """One page of `wards` in list order, as CommuneEntry with their public funds: three
    queries."""
    found = Paginator(_ordered_ids(wards, folded), COMMUNES_PER_PAGE).get_page(number)
    by_id = Ward.objects.select_related("province").in_bulk(list(found.object_list))
    found.object_list = _with_funds([by_id[pk] for pk in found.object_list])
    return found


def province_communes(province, *, query: str = "", page=1) -> Page:
    """A page of the province's current communes (those whose name matches `query`, if
    given), each with its public funds: three queries."""
    wards = Ward.objects.filter(province=province)
    folded = search_terms(query)
    if folded:
        wards = wards.filter(_name_matches(folded))
    return _communes_page(wards, folded, page)


@dataclass(frozen=True)
class FormerCommune:
    """An abolished commune whose old name matched, and the current ones that replaced it."""

    ward: Ward
    successors: list[Ward]


@dataclass
class CommuneSearch:
    query: str
    communes: Page  # of CommuneEntry
    former: list[FormerCommune]

    @property
    def count(self) -> int:
        return self.communes.paginator.count


def search_communes(query: str, *, page=1) -> CommuneSearch:
    """Current communes of any province whose name matches the query, best matches first,
    each with its public funds; and, when they fit on one page, abolished communes of that
    name with their successors. At most six queries, whatever the number of matches."""
    folded = search_terms(query)
    matches = _name_matches(folded)
    found = _communes_page(Ward.objects.filter(matches), folded, page)
    # Old names help when the current ones give little; a broad query ("xa") skips them.
    few = not found.has_other_pages()
    return CommuneSearch(
        query=query, communes=found, former=_former_communes(matches) if few else []
    )


def _former_communes(matches: Q) -> list[FormerCommune]:
    """Abolished communes whose name matches, with the current communes that replaced them
    (the one their figures roll up into first): two queries."""
    former = list(
        Ward.all_units.filter(matches, abolished_on__isnull=False)
        .select_related("province")
        .order_by("province__code", "name", "code")[:FORMER_COMMUNES_SHOWN]
    )
    if not former:
        return []
    successors: dict[int, list[Ward]] = {ward.pk: [] for ward in former}
    links = (
        WardSuccession.objects.filter(predecessor__in=list(successors))
        .filter(successor__abolished_on__isnull=True)
        .select_related("successor__province")
        .order_by("-rolls_up", "successor__code")
    )
    for link in links:
        successors[link.predecessor_id].append(link.successor)
    former.sort(key=_ward_key)
    return [FormerCommune(ward, successors[ward.pk]) for ward in former]
