"""Pages kept in the cache until the data they show changes.

Each ward has a version (a random token in the shared cache, by ward code: a public page
knows the code from its URL without a query), and so has the catalogue (provinces, wards,
campaigns, indicators...). A cached page is stored with the versions it was built under, and
read together with the current versions in one round trip (MGET); it is used only when they
are equal. So a write that bumps a version retires every page built before it at once, on
every app server: nothing is deleted, stale entries are rebuilt or expire
(PAGE_CACHE_SECONDS, also the bound on how long a write that bypasses the models, such as a
bulk load, can go unseen).

Versions are bumped after the writer's transaction commits: a page rebuilt under the new
version can only have read committed data. A version missing from the cache (evicted, or
Redis restarted) comes back as a new token, which is safe: it matches no cached page.

The cache must be shared by every app server and worker process (REDIS_URL); with the
per-process default cache, pages are not cached at all (see `enabled()`).

With a read replica (core/db_router.py) a page can be rebuilt from the replica after a write
committed on the primary and before the replica replayed it: stored under the new versions,
it would show the old figures until it expires. So with a replica every new version carries
the primary's WAL position after the commit ("token@0/1A2B3C4"), and a page built from the
replica is stored only when the replica had replayed that far before the page was built
(one query on a miss).

Anonymous visitors' pages (a drive's page shared everywhere at once) have two more layers: a
page outdated by a write is rebuilt by one request while the others get it as it was (a
lock in the cache), and each process serves the pages it served last for
PAGE_CACHE_LOCAL_SECONDS without asking Redis. So a write shows to a visitor after at most
PAGE_CACHE_LOCAL_SECONDS + the replication lag + one rebuild of the page.
"""

import functools
import hashlib
import itertools
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.http import HttpResponse
from django.utils.csp import generate_nonce

from core.db_router import PRIMARY, REPLICA, reads_from_replica

logger = logging.getLogger(__name__)

CATALOGUE = "catalogue"
_PREFIX = "page-version"
# A version that expired comes back as a new token, which is safe; expiring bounds what
# visits to made-up ward codes leave in the cache.
VERSION_SECONDS = 24 * 3600


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _key(name) -> str:
    return f"{_PREFIX}:{name}"


def _version_keys(names) -> list[str]:
    return [_key(CATALOGUE), *(_key(name) for name in names)]


def _current(found: dict, keys: list[str]) -> str:
    """The versions among `found`, one key part; missing ones start afresh."""
    missing = [key for key in keys if key not in found]
    if missing:
        # add(): a token another process set meanwhile wins, so all of them agree.
        for key in missing:
            cache.add(key, secrets.token_hex(6), VERSION_SECONDS)
        found = {**found, **cache.get_many(missing)}
    return "-".join(str(found.get(key, "")) for key in keys)


def _lookup(key: str, names):
    """(the value stored under `key` if built under the current versions of the catalogue and
    of `names`, else None; the value stored under older versions, if any; the current
    versions): one round trip."""
    keys = _version_keys(names)
    found = cache.get_many([key, *keys])
    current = _current(found, keys)
    stored = found.get(key)
    if stored is None:
        return None, None, current
    if stored[0] == current:
        return stored[1], None, current
    return None, stored[1], current


def _store(key: str, built_under: str, value) -> None:
    # Versions read before building: a write committed meanwhile has already moved them on,
    # so this value is never taken for newer than it is.
    cache.set(key, (built_under, value), settings.PAGE_CACHE_SECONDS)


def _bump(names) -> None:
    def publish():
        publish.done = True
        suffix = _written_at()
        tokens = {_key(name): secrets.token_hex(6) + suffix for name in names}
        cache.set_many(tokens, VERSION_SECONDS)

    publish.version_keys = frozenset(_key(name) for name in names)
    publish.done = False
    transaction.on_commit(publish)


def _written_in_this_transaction(keys) -> bool:
    """Has the current transaction written rows that these versions follow, not committed
    yet? Then a value it reads may hold its own uncommitted writes (gone if it rolls back).
    Read from the commit callbacks `_bump` left: a savepoint rolled back takes its own away."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(
        not getattr(callback, "done", True) and not keys.isdisjoint(callback.version_keys)
        for _, callback, *_ in connection.run_on_commit
    )


# --- Replication lag ---------------------------------------------------------------------

_POSITION = re.compile(r"@([0-9A-F]{1,8})/([0-9A-F]{1,8})")
# Stands for "position unknown": no replica is ever taken to have reached it.
_UNKNOWN_POSITION = "@FFFFFFFF/FFFFFFFF"


def _written_at() -> str:
    """ "@<the primary's WAL position>" right after a commit, when a replica serves reads."""
    if not settings.DATABASE_REPLICA_URL or connections[PRIMARY].vendor != "postgresql":
        return ""
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            return f"@{cursor.fetchone()[0]}"
    except DatabaseError:
        # The write is committed; pages of this version are then built but never stored.
        logger.warning("WAL position unknown after a commit; pages rebuilt until next write")
        return _UNKNOWN_POSITION


def _position(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def _replayed_position() -> int | None:
    """How far the replica has replayed the primary's WAL; None if it is no standby."""
    if connections[REPLICA].vendor != "postgresql":
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()")
        replayed = cursor.fetchone()[0]
    return None if replayed is None else _position(replayed)


def _storable(versions: str) -> bool:
    """May a value built from now on be stored under `versions`? Not if it is read from a
    replica that has not yet replayed the writes that made these versions."""
    reads = reads_from_replica.get()
    if reads is None:
        return True
    written = [_position(f"{high}/{low}") for high, low in _POSITION.findall(versions)]
    if not written or not reads.replica_usable():
        return True
    replayed = _replayed_position()
    return replayed is None or replayed >= max(written)


def _names(wards=(), users=(), records=()) -> list[str]:
    """Version names of wards (by code), of their records (by code) and of users (by id), in
    a stable order."""
    return sorted(
        {
            *(f"ward:{code}" for code in wards if code),
            *(f"records:{code}" for code in records if code),
            *(f"user:{pk}" for pk in users if pk),
        }
    )


def wards_changed(ward_codes, *, records=True) -> None:
    """Pages showing these wards' data are out of date once the current transaction commits.
    An abolished commune's data is shown by the communes it rolls up into too.

    `records=False`: only the wards' monthly reports changed. Values cached with `records=`
    (figures the portal computes from a ward's money, houses and memberships) stay valid."""
    from wards.models import LEGACY_CODE_SUFFIX, WardSuccession

    ward_codes = [code for code in ward_codes if code]
    former = [code for code in ward_codes if code.endswith(LEGACY_CODE_SUFFIX)]
    if former:
        ward_codes += WardSuccession.objects.filter(predecessor__code__in=former).values_list(
            "successor__code", flat=True
        )
    if names := _names(wards=ward_codes, records=ward_codes if records else ()):
        _bump(names)


def users_changed(user_ids) -> None:
    """What is cached about these users is out of date once the current transaction commits."""
    if names := _names(users=user_ids):
        _bump(names)


def catalogue_changed() -> None:
    """Every cached page is out of date once the current transaction commits."""
    _bump([CATALOGUE])


def connect(model, ward_path=None, *, reports=False) -> None:
    """Bump on every save and delete of `model` the ward its rows belong to, reached through
    `ward_path` ("ward", "donation__ward"), or the catalogue when there is none. `reports`:
    the model is part of the monthly reports, so its writes leave the ward's records' version.

    The ward is read from the related objects the writer already holds, else with one query.
    A row moved to another ward (`ward_path` "ward" only) bumps the ward it left as well.
    """
    from django.db.models.signals import post_delete, post_init, post_save, pre_delete

    from wards.models import Ward

    uid = f"page-cache-{model._meta.label}"
    if ward_path is None:

        def bump_catalogue(**kwargs):
            catalogue_changed()

        post_save.connect(bump_catalogue, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(bump_catalogue, sender=model, weak=False, dispatch_uid=uid)
        return

    relations = ward_path.split("__")
    direct = relations == ["ward"]

    def code_of(instance):
        related = instance
        for name in relations:
            related = related._state.fields_cache.get(name)
            if related is None:
                rows = model._default_manager.filter(pk=instance.pk)
                return rows.values_list(f"{ward_path}__code", flat=True).first()
        return related.code

    def remember_ward(instance, **kwargs):
        instance._page_cache_ward_id = instance.__dict__.get("ward_id")

    def changed(codes):
        # A row no ward holds (a province committee's own donation) shows on the province's
        # pages, which are many wards': every page is renewed, as for a campaign.
        if None in codes:
            catalogue_changed()
        wards_changed([code for code in codes if code is not None], records=not reports)

    def bump_after_save(instance, **kwargs):
        codes = [code_of(instance)]
        loaded = getattr(instance, "_page_cache_ward_id", None)
        if direct and loaded is not None and loaded != instance.ward_id:
            codes += Ward.objects.filter(pk=loaded).values_list("code", flat=True)
        instance._page_cache_ward_id = instance.__dict__.get("ward_id")
        changed(codes)

    def bump_before_delete(instance, **kwargs):
        changed([code_of(instance)])

    if direct:
        post_init.connect(remember_ward, sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(bump_after_save, sender=model, weak=False, dispatch_uid=uid)
    pre_delete.connect(bump_before_delete, sender=model, weak=False, dispatch_uid=uid)


def connect_users(model, user_field) -> None:
    """Bump the user `user_field` names on every save and delete of `model`."""
    from django.db.models.signals import post_delete, post_save

    def bump(instance, **kwargs):
        users_changed([getattr(instance, user_field)])

    uid = f"page-cache-users-{model._meta.label}"
    post_save.connect(bump, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(bump, sender=model, weak=False, dispatch_uid=uid)


# --- Whole public pages ------------------------------------------------------------------

# Stands for the request's CSP nonce in a stored page; each hit puts its own nonce back.
NONCE_MARK = "__MTTQ_CSP_NONCE__"
# After a write, one request rebuilds a page while the others get it as it was: when a
# drive's page is shared everywhere, every visitor arriving during the rebuild would rebuild
# it too, and a few donations a second would keep the server doing nothing else. The lock
# expires by itself should its holder die.
REBUILD_LOCK_SECONDS = 10
# A streamed download (a CSV) up to this size is cached whole; a larger one streams on.
MAX_STORED_DOWNLOAD_BYTES = 1024 * 1024
# Each process keeps the anonymous pages it served last for PAGE_CACHE_LOCAL_SECONDS, without
# asking Redis: under a spike a hit then costs about what a trivial view does. A write shows
# that much later at most. At most this many pages are kept (the least recently used go).
LOCAL_PAGES = 200
_local_pages: OrderedDict = OrderedDict()  # key → (until, (content parts, headers, status))
_local_lock = threading.Lock()


def _recent(key):
    """The page this process served under `key` less than PAGE_CACHE_LOCAL_SECONDS ago."""
    entry = _local_pages.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _split(text, nonce):
    return tuple(text.split(nonce)) if nonce else (text,)


def _keep(key, nonce, response) -> None:
    """Keep `response` as it goes out, once every middleware has added its headers: encoded
    once and split where each response puts its own nonce (in the page and in the CSP
    header), so a page served from this memory costs a join of bytes."""
    if settings.PAGE_CACHE_LOCAL_SECONDS <= 0 or response.cookies or response.streaming:
        return
    headers = tuple(
        (name, _split(value, nonce))
        for name, value in response.items()
        if name.lower() != "content-length"
    )
    parts = _split(response.content, nonce.encode() if nonce else None)
    with _local_lock:
        _local_pages[key] = (
            time.monotonic() + settings.PAGE_CACHE_LOCAL_SECONDS,
            (parts, headers, response.status_code),
        )
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _with_headers(response, headers, nonce) -> HttpResponse:
    """`response` with `headers` (values split where the nonce goes) and its length."""
    for name, value in headers:
        response.headers[name] = nonce.join(value) if len(value) > 1 else value[0]
    response.headers["Content-Length"] = str(len(response.content))
    return response


def _served_from_memory(kept) -> HttpResponse:
    parts, headers, status = kept
    nonce = generate_nonce()
    content = nonce.encode().join(parts) if len(parts) > 1 else parts[0]
    return _with_headers(HttpResponse(content, status=status), headers, nonce)


# What each process learnt of the cached pages it passed on: the versions a page follows and
# the headers the middleware adds to it (security headers, CSP), so that a page fresh in the
# shared cache goes out before the middleware too. At most this many pages (the least
# recently used go).
ROUTES_KEPT = 10_000
_routes: OrderedDict = OrderedDict()  # key → (version names, added headers)


def _learn_route(key, names, view_headers, nonce, response) -> None:
    if response.cookies or response.status_code != 200:
        return
    own = {name.lower() for name in view_headers}
    added = tuple(
        (name, _split(value, nonce))
        for name, value in response.items()
        if name.lower() not in own and name.lower() != "content-length"
    )
    with _local_lock:
        _routes[key] = (names, added)
        _routes.move_to_end(key)
        while len(_routes) > ROUTES_KEPT:
            _routes.popitem(last=False)


def _served_from_shared_cache(key, route):
    """The page under `key` if fresh in the shared cache, with the headers the middleware
    gave it last time and a nonce of its own; None otherwise (the view decides)."""
    names, added = route
    fresh, _, _ = _lookup(key, names)
    if fresh is None:
        return None, None
    content, headers = fresh
    nonce = generate_nonce()
    if isinstance(content, str):
        content = content.replace(NONCE_MARK, nonce)
    return _with_headers(HttpResponse(content, headers=headers), added, nonce), nonce


def forget_local_pages() -> None:
    """Empty this process's pages and shared values (tests)."""
    with _local_lock:
        _local_pages.clear()
        _routes.clear()
        _shared_values.clear()


def _anonymous(request) -> bool:
    """No session and no pending message: the page is the same for every such visitor."""
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HX-Request" not in request.headers
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _page_key(request) -> str:
    return f"anonymous-page:{_digest(request.get_full_path())}"


def _served(request, stored) -> HttpResponse:
    content, headers = stored
    if isinstance(content, str) and NONCE_MARK in content:
        content = content.replace(NONCE_MARK, str(request._csp_nonce))
    return HttpResponse(content, headers=headers)


def _whole(response) -> HttpResponse | None:
    """A streamed response read into one, if at most MAX_STORED_DOWNLOAD_BYTES long; else
    None, and `response` streams on from where reading stopped."""
    chunks, size = [], 0
    stream = iter(response.streaming_content)
    for chunk in stream:
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_STORED_DOWNLOAD_BYTES:
            response.streaming_content = itertools.chain(chunks, stream)
            return None
    return HttpResponse(b"".join(chunks), headers=dict(response.items()))


def _stored_form(request, response):
    """(content, headers) to store, or None for a response that is not the same for every
    anonymous visitor. A streamed one is read whole first (`response` is then replaced)."""
    if response.status_code != 200 or response.cookies:
        return None, response
    if response.streaming:
        whole = _whole(response)
        if whole is None:
            return None, response
        return (whole.content, dict(whole.items())), whole
    content = response.content.decode(response.charset)
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # a LazyNonce is true once the page used it
        content = content.replace(str(nonce), NONCE_MARK)
    return (content, dict(response.items())), response


class AnonymousPagesMiddleware:
    """Serve an anonymous visitor a page cached by cached_for_anonymous before any other
    middleware runs: four requests in five under load are such pages, and the session,
    authentication, OTP, messages and CSRF middleware cost a hit more than the hit itself.
    From this process's memory (served less than PAGE_CACHE_LOCAL_SECONDS ago), else from the
    shared cache when fresh there and this process has passed the page on before (it then
    knows the versions the page follows and the headers the middleware adds: security
    headers, CSP, which goes out with a nonce of its own). Anything else (a page outdated or
    never seen) goes down the chain to the view, which rebuilds it.

    Goes right after SecurityMiddleware and WhiteNoise. Learns from what the view marked
    (`_page_cache_keep`) as it passes on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (_local_pages or _routes) and enabled() and _anonymous(request):
            # As CommonMiddleware would: an address outside ALLOWED_HOSTS gets its 400.
            request.get_host()
            key = _page_key(request)
            kept = _recent(key)
            if kept is not None:
                return _served_from_memory(kept)
            route = _routes.get(key)
            if route is not None:
                response, nonce = _served_from_shared_cache(key, route)
                if response is not None:
                    _keep(key, nonce, response)
                    return response
        response = self.get_response(request)
        marked = getattr(response, "_page_cache_keep", None)
        if marked is not None:
            key, names, view_headers = marked
            nonce = getattr(request, "_csp_nonce", None)
            nonce = str(nonce) if nonce else None  # a LazyNonce is true once used
            _keep(key, nonce, response)
            _learn_route(key, names, view_headers, nonce, response)
        return response


def cached_for_anonymous(view):
    """Serve a view's 200 pages (and downloads up to MAX_STORED_DOWNLOAD_BYTES) to anonymous
    visitors from the cache, keyed by the URL and the versions of the catalogue and of the ward
    its `ward_code` argument names (a page with no such argument, such as the public front
    door, follows the catalogue alone). While one request rebuilds an outdated page, others
    get the old one."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (enabled() and _anonymous(request)):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        names = _names(wards=[kwargs.get("ward_code")])
        fresh, outdated, current = _lookup(key, names)
        if fresh is not None:
            response = _served(request, fresh)
            response._page_cache_keep = (key, names, fresh[1])
            return response
        lock = f"rebuilding:{key}"
        if outdated is not None and not cache.add(lock, 1, REBUILD_LOCK_SECONDS):
            return _served(request, outdated)
        try:
            storable = _storable(current)
            response = view(request, *args, **kwargs)
            stored, response = _stored_form(request, response)
            if storable and stored is not None:
                _store(key, current, stored)
                response._page_cache_keep = (key, names, stored[1])
        finally:
            if outdated is not None:
                cache.delete(lock)
        return response

    return wrapper


def versions(*, wards=()) -> str:
    """The current versions of the catalogue and of these wards (codes), one round trip; ""
    when pages are not cached. A validator (an ETag) of data that these versions follow may
    include them: any save of a ward's rows, or of the catalogue, changes them."""
    if not enabled():
        return ""
    keys = _version_keys(_names(wards=wards))
    return _current(cache.get_many(keys), keys)


# Values every request of a process may share (cached(..., shared=True)): the last one each
# process read, with the versions it was built under. Unpickling the catalogue's few hundred
# model instances from the cache cost an officer's page more CPU than the rest of its work.
_shared_values: OrderedDict = OrderedDict()  # key → (versions, value)
_SHARED_VALUES_KEPT = 32


def cached(parts, compute, *, wards=(), records=(), users=(), shared=False):
    """What `compute()` returns (a piece of HTML, figures, a user), cached under `parts` (what
    it depends on besides the data: the URL, the role...) and the versions of the catalogue
    and of the wards (codes) and users (ids) it reads. A None result is not cached.

    `records` instead of `wards`: the value reads the wards' records (money, houses,
    memberships...) but none of their monthly reports, and so outlives a report's save.

    Within a transaction that has written rows these versions follow (a writer that reads
    back what it wrote), the value is computed afresh and not stored.

    `shared`: the value is only read, never changed, by its callers and is the same for
    everyone (the catalogue): the process keeps the object it last read and hands out that
    one while the versions, still read from the shared cache on every call, are unchanged."""
    if not enabled():
        return compute()
    key = f"computed:{_digest(repr(parts))}"
    names = _names(wards, users, records)
    # (The catalogue is left out: no writer reads back a campaign or an indicator it wrote.)
    if names and _written_in_this_transaction({_key(name) for name in names}):
        return compute()
    if shared:
        keys = _version_keys(names)
        current = _current(cache.get_many(keys), keys)
        with _local_lock:
            held = _shared_values.get(key)
        if held is not None and held[0] == current:
            return held[1]
    value, _, current = _lookup(key, names)
    if value is None:
        storable = _storable(current)
        value = compute()
        if value is not None and storable:
            _store(key, current, value)
    if shared and value is not None:
        with _local_lock:
            _shared_values[key] = (current, value)
            _shared_values.move_to_end(key)
            while len(_shared_values) > _SHARED_VALUES_KEPT:
                _shared_values.popitem(last=False)
    return value
