"""Health check for monitors, and the page shown while the database is unreachable.

GET /suc-khoe/ (no login) answers JSON with 200 when every check passes, else 503:
- each database alias (the primary, and the replica when configured) answers SELECT 1;
- the task queue's table is reachable, no task has waited for a worker longer than
  HEALTH_TASK_MAX_WAIT_SECONDS, and none has waited longer than TASK_NO_WORKER_SECONDS with
  no live worker for its queue (settings.HEALTH_UNSERVED_TASKS, the heartbeat in
  wards/task_workers.py: core imports no portal app, so settings name it).
It names no ward and shows no data, only counts and ages of background tasks.
"""

import datetime
import sys
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.db.models import Case, Count, F, Min, When
from django.http import HttpResponse, JsonResponse
from django.tasks import task_backends
from django.template import loader
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as default_server_error
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max


def _database(alias: str) -> dict:
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The class only: messages can name hosts and users.
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _task_queue() -> dict:
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return {"ok": True, "backend": type(backend).__name__}
    now = timezone.now()
    limit = settings.HEALTH_TASK_MAX_WAIT_SECONDS
    # A task waits from when it became runnable: its run_after, or its enqueueing if none.
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    lost_before = now - datetime.timedelta(seconds=settings.TASK_RUNNING_TIMEOUT_SECONDS)
    try:
        waiting = DBTaskResult.objects.ready().aggregate(
            count=Count("pk"), oldest=Min(waiting_since)
        )
        running_too_long = DBTaskResult.objects.running().filter(started_at__lt=lost_before)
        running_too_long = running_too_long.count()
        workers, waiting_without_worker = import_string(settings.HEALTH_UNSERVED_TASKS)(now)
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    age = (now - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    return {
        "ok": age <= limit and not waiting_without_worker,
        "waiting": waiting["count"],
        "oldest_waiting_s": round(max(age, 0.0), 1),
        "max_wait_s": limit,
        "running_too_long": running_too_long,
        "workers": workers,
        "waiting_without_worker": waiting_without_worker,
    }


@never_cache
@require_GET
def health(request):
    aliases = ["default", "replica"] if settings.DATABASE_REPLICA_URL else ["default"]
    checks = {f"database_{alias}": _database(alias) for alias in aliases}
    checks["task_queue"] = _task_queue() if checks["database_default"]["ok"] else {"ok": False}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503
    )


def server_error(request):
    """handler500: "try again in a moment" (503) when the database is unreachable.

    Renders without a request context: context processors would query the database.
    """
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return default_server_error(request)
