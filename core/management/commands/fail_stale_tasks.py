"""Mark background tasks whose worker died while running them as failed.

A worker stopped normally marks its task failed itself; one killed outright (out of memory,
machine lost, `kill -9`) leaves the task "running" for ever. Run from a timer
(deploy/mttq-fail-stale-tasks.timer): a task running for longer than
TASK_RUNNING_TIMEOUT_SECONDS is marked failed, and the user can start it again.
"""

import datetime
from traceback import format_exception

from django.conf import settings
from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class TaskWorkerLost(Exception):
    """Recorded as the failed task's error."""


class Command(BaseCommand):
    help = "Đánh dấu thất bại các tác vụ nền đang chạy quá lâu (tiến trình xử lý đã dừng)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            help="Số giây (mặc định TASK_RUNNING_TIMEOUT_SECONDS).",
        )

    def handle(self, *args, older_than=None, **options):
        seconds = settings.TASK_RUNNING_TIMEOUT_SECONDS if older_than is None else older_than
        cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
        count = 0
        for task in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
            error = TaskWorkerLost(
                f"Tiến trình xử lý {', '.join(task.worker_ids)} đã dừng khi đang chạy tác vụ "
                f"(bắt đầu {timezone.localtime(task.started_at):%d/%m/%Y %H:%M:%S})."
            )
            # Only if still running: a worker finishing right now keeps its result.
            count += DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                return_value=None,
                exception_class_path=f"{__name__}.{TaskWorkerLost.__qualname__}",
                traceback="".join(format_exception(error)),
            )
        self.stdout.write(f"Đã đánh dấu thất bại {count} tác vụ nền dừng giữa chừng.")
