"""Which background task workers are alive, and tasks that wait with no worker to take them.

django-tasks-db records the worker that took a task, but nothing about a worker waiting for
one, so a queue nobody serves looks like a busy one. The portal's `manage.py db_worker`
(wards/management/commands/db_worker.py) therefore runs a Heartbeat: the worker's TaskWorker
row is written every HEARTBEAT_SECONDS, also while a task runs, and deleted when the worker
stops. A worker not seen for ALIVE_SECONDS is gone (killed, machine down). Any number of
workers on any number of machines each keep their own row; it works the same on SQLite and
PostgreSQL.

A task that has waited longer than TASK_NO_WORKER_SECONDS while no live worker serves its
queue is stuck: the PDF page says so (reports/documents/views.py) and /suc-khoe/ answers 503.
"""

import datetime
import logging
import os
import socket
import threading
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Case, F, When
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from wards.models import TaskWorker

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# Four missed beats: a worker busy on a long task still beats (from its own thread).
ALIVE_SECONDS = 20
# Rows of workers that vanished without deleting theirs are cleared by the next worker.
FORGET_AFTER = datetime.timedelta(days=1)


def live_workers(now: datetime.datetime | None = None) -> list[TaskWorker]:
    now = now or timezone.now()
    alive_since = now - datetime.timedelta(seconds=ALIVE_SECONDS)
    return list(TaskWorker.objects.filter(last_seen__gte=alive_since))


def is_served(backend_name: str, queue_name: str, workers: list[TaskWorker]) -> bool:
    return any(worker.serves(backend_name, queue_name) for worker in workers)


def waiting_since(result) -> datetime.datetime | None:
    """When a ready task (a django.tasks TaskResult) became runnable."""
    return result.task.run_after or result.enqueued_at


def unserved_wait(result, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long this ready task has waited, if past TASK_NO_WORKER_SECONDS with no live worker
    for its queue; None while it waits normally. Only database workers beat: other backends'
    tasks are never judged."""
    if not isinstance(task_backends[result.backend], DatabaseBackend):
        return None
    now = now or timezone.now()
    since = waiting_since(result)
    if since is None:
        return None
    waited = now - since
    if waited.total_seconds() <= settings.TASK_NO_WORKER_SECONDS:
        return None
    if is_served(result.backend, result.task.queue_name, live_workers(now)):
        return None
    return waited


def unserved_task_count(now: datetime.datetime | None = None) -> tuple[int, int]:
    """(live workers, ready tasks waiting past TASK_NO_WORKER_SECONDS that none of them serves)."""
    now = now or timezone.now()
    workers = live_workers(now)
    waiting_from = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    cutoff = now - datetime.timedelta(seconds=settings.TASK_NO_WORKER_SECONDS)
    stale = (
        DBTaskResult.objects.ready()
        .alias(waiting_from=waiting_from)
        .filter(waiting_from__lt=cutoff)
        .values_list("backend_name", "queue_name")
    )
    counts = Counter(stale)
    unserved = sum(
        count
        for (backend_name, queue_name), count in counts.items()
        if not is_served(backend_name, queue_name, workers)
    )
    return len(workers), unserved


class Heartbeat:
    """Keeps one worker's TaskWorker row fresh from a thread of its own, until stop()."""

    def __init__(self, *, worker_id, backend_name, queue_names, excluded_queue_names):
        self.worker_id = worker_id
        self.fields = {
            "backend_name": backend_name,
            "queue_names": list(queue_names),
            "excluded_queue_names": list(excluded_queue_names),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        }
        self._stopping = threading.Event()
        self._thread = None
        self._failing = False

    def beat(self) -> None:
        now = timezone.now()
        rows = TaskWorker.objects.filter(worker_id=self.worker_id)
        if not rows.update(last_seen=now, **self.fields):
            TaskWorker.objects.create(
                worker_id=self.worker_id, started_at=now, last_seen=now, **self.fields
            )

    def start(self) -> None:
        """First beat at once (the worker counts as alive before it takes a task), then more."""
        try:
            TaskWorker.objects.filter(last_seen__lt=timezone.now() - FORGET_AFTER).delete()
            self.beat()
        except DatabaseError:
            # The worker itself waits for the database; the thread beats once it is back.
            logger.warning("Task worker %s: heartbeat not recorded yet", self.worker_id)
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.worker_id}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stopping.wait(HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except DatabaseError:
                    if not self._failing:
                        logger.warning("Task worker %s: heartbeat failed", self.worker_id)
                    self._failing = True
                    # A broken connection is opened again on the next beat.
                    connection.close()
                else:
                    self._failing = False
        finally:
            connection.close()

    def stop(self) -> None:
        """No more beats, and the row goes: pages know at once that this worker has stopped."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_SECONDS)
        try:
            TaskWorker.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("Task worker %s: heartbeat row left behind", self.worker_id)
