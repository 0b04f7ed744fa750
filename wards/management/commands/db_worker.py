"""django-tasks-db's `db_worker`, recording a heartbeat while it runs (wards/task_workers.py).

Same options and behaviour as the library's command, which this one replaces (django_tasks_db
comes after the portal's apps in INSTALLED_APPS). Two things differ under --reload (the
default with DEBUG, as in `make run`):
- Ctrl+C reaches the file watcher and the worker it started; the watcher waits for the worker
  to finish its task instead of killing it a quarter of a second later, mid-task;
- once the worker loop has ended (stopped between two tasks, or --max-tasks reached) the
  process ends too, instead of only watching files.
"""

import os
import signal
import threading

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from wards.task_workers import Heartbeat

logger = upstream.logger


class HeartbeatWorker(upstream.Worker):
    def run(self) -> None:
        super().run()
        if threading.current_thread() is not threading.main_thread():
            # The autoreloader runs this loop in a thread while its main thread watches files;
            # its SIGTERM handler ends the process.
            os.kill(os.getpid(), signal.SIGTERM)


class Command(upstream.Command):
    help = "Chạy tiến trình tác vụ nền (tạo tệp PDF…), có ghi nhịp báo còn chạy."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together. No autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The file watcher: it runs this command again in a child process, and again after
            # each code change. Ctrl+C signals both; the child stops after its current task.
            signal.signal(signal.SIGINT, lambda signum, frame: None)
            run_with_reloader(lambda: None)
            return

        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        heartbeat = Heartbeat(
            worker_id=worker_id,
            backend_name=backend_name,
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
        )
        heartbeat.start()
        try:
            worker.configure_signals()
            if reload:
                run_with_reloader(worker.run)
            else:
                worker.run()
        finally:
            heartbeat.stop()
