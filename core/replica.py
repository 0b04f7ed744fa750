"""Which requests read from the replica (see core/db_router.py).

A read-only page listed in REPLICA_VIEWS reads from the replica, unless the same browser
wrote something in the last REPLICA_STICKY_SECONDS: after any POST the response carries a
short-lived cookie and that browser's reads stay on the primary, so an officer who just saved
sees their own figures even while the replica is a few seconds behind.

When the replica fails during such a request (the server stopped, the connection cut), the
view runs again on the primary: these views only read, so running one twice is harmless. A
streamed download reads its rows after the view has returned: they are read in the request's
context, from the replica too.
"""

import contextvars
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from core.db_router import REPLICA, REPLICA_VIEWS, ReplicaReads, reads_from_replica

STICKY_COOKIE = "mttq_primary_until"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _recently_wrote(request) -> bool:
    try:
        return int(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def _in_context(context, chunks):
    """Iterate `chunks` inside `context` (a copy of the request's context variables)."""
    iterator = iter(chunks)
    while True:
        try:
            yield context.run(next, iterator)
        except StopIteration:
            return


class ReplicaReadsMiddleware:
    """A no-op without a replica; otherwise routes a request's reads and marks writers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.replica_token = None
        try:
            response = self.get_response(request)
            if request.replica_token is not None and response.streaming:
                response.streaming_content = _in_context(
                    contextvars.copy_context(), response.streaming_content
                )
        finally:
            if request.replica_token is not None:
                reads_from_replica.reset(request.replica_token)
        if request.method not in SAFE_METHODS and settings.DATABASE_REPLICA_URL:
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            settings.DATABASE_REPLICA_URL
            and request.method in SAFE_METHODS
            and request.resolver_match.view_name in REPLICA_VIEWS
            and not _recently_wrote(request)
        ):
            request.replica_reads = ReplicaReads()
            request.replica_view = (view_func, view_args, view_kwargs)
            request.replica_token = reads_from_replica.set(request.replica_reads)

    def process_exception(self, request, exception):
        """The replica failed under a read-only view: run the view again on the primary."""
        if (
            request.replica_token is None
            or not isinstance(exception, OperationalError | InterfaceError)
            or not connections[REPLICA].errors_occurred
        ):
            return None
        request.replica_reads.replica_failed()
        view_func, view_args, view_kwargs = request.replica_view
        return view_func(request, *view_args, **view_kwargs)
