"""PDF rendering in the background with the database task backend and its worker."""

import datetime
import os
import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from reports.documents import services, tasks
from reports.documents.models import Document
from tests import factories
from wards import task_workers
from wards.models import TaskWorker

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Between tasks the worker closes connections that are not in autocommit mode; inside a
    # test's transaction that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    # The heartbeat's own thread would write through a connection outside the test's
    # transaction: the worker's first beat (from this thread) is enough here.
    monkeypatch.setattr(task_workers, "HEARTBEAT_SECONDS", 3600)


@pytest.fixture
def document(world):
    return factories.document(
        ward_obj=world.ward_x,
        user=world.users["ward_officer"],
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
    )


def run_worker():
    """The worker as an operator runs it, in this process; it installs signal handlers."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def pdf_url(document):
    return reverse("reports:document_pdf", args=[document.ward.code, document.pk])


def test_the_pdf_is_rendered_by_the_worker_and_then_downloaded(
    world, document, login, database_tasks
):
    client = login(world.users["ward_officer"])
    response = client.get(pdf_url(document))
    assert response.status_code == 302
    progress_url = response["Location"]
    waiting = client.get(progress_url, **HTMX).content.decode()
    assert "Đang chờ đến lượt tạo tệp PDF…" in waiting
    assert 'hx-trigger="every 1s"' in waiting

    run_worker()

    done = client.get(progress_url, **HTMX).content.decode()
    assert "Đã tạo xong tệp PDF." in done
    assert "hx-trigger" not in done
    assert f'href="{pdf_url(document)}"' in done
    download = client.get(pdf_url(document))
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    document.refresh_from_db()
    assert document.pdf_pages >= 1


def test_an_unchanged_document_is_served_without_a_new_task(world, document, login, database_tasks):
    client = login(world.users["ward_officer"])
    client.get(pdf_url(document))
    run_worker()
    assert DBTaskResult.objects.count() == 1
    assert client.get(pdf_url(document)).content.startswith(b"%PDF")
    assert DBTaskResult.objects.count() == 1

    services.section_add(
        document=document, user=world.users["ward_officer"], level=2, heading="Mục mới"
    )
    assert client.get(pdf_url(document)).status_code == 302
    assert DBTaskResult.objects.count() == 2


def test_a_failed_task_shows_a_message_and_a_retry(
    world, document, login, database_tasks, monkeypatch
):
    def broken(document):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(tasks.pdf, "stored_or_rendered_pdf", broken)
    client = login(world.users["ward_officer"])
    progress_url = client.get(pdf_url(document))["Location"]
    run_worker()
    page = client.get(progress_url).content.decode()
    assert "Không tạo được tệp PDF." in page
    assert f'href="{pdf_url(document)}">Thử lại</a>' in page
    assert "out of memory" not in page


def test_progress_of_another_document_is_not_found(world, document, login, database_tasks):
    other = factories.document(
        ward_obj=world.ward_x,
        user=world.users["ward_officer"],
        kind=Document.Kind.MONTH,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 1, 31),
    )
    client = login(world.users["ward_officer"])
    task_id = tasks.enqueue_pdf(other).id
    wrong = reverse("reports:document_pdf_progress", args=[world.ward_x.code, document.pk, task_id])
    assert client.get(wrong).status_code == 404
    unknown = reverse(
        "reports:document_pdf_progress", args=[world.ward_x.code, document.pk, "khong-co"]
    )
    assert client.get(unknown).status_code == 404


NO_WORKER = "tiến trình chạy nền của hệ thống đang không chạy"


def queued_for(seconds, client, document):
    """Ask for the PDF; the task then appears to have waited `seconds`. Its progress URL."""
    progress_url = client.get(pdf_url(document))["Location"]
    enqueued_at = timezone.now() - datetime.timedelta(seconds=seconds)
    DBTaskResult.objects.update(enqueued_at=enqueued_at)
    return progress_url


def worker(last_seen_seconds_ago, *, worker_id="w1", queue_names=("default",), **fields):
    last_seen = timezone.now() - datetime.timedelta(seconds=last_seen_seconds_ago)
    return TaskWorker.objects.create(
        worker_id=worker_id,
        backend_name="default",
        queue_names=list(queue_names),
        started_at=last_seen - datetime.timedelta(hours=1),
        last_seen=last_seen,
        **fields,
    )


def test_a_task_waiting_with_no_worker_says_the_worker_is_not_running(
    world, document, login, database_tasks, settings
):
    settings.TASK_NO_WORKER_SECONDS = 15
    client = login(world.users["ward_officer"])
    progress_url = queued_for(125, client, document)

    for page in (client.get(progress_url), client.get(progress_url, **HTMX)):
        text = page.content.decode()
        assert page.status_code == 200
        assert NO_WORKER in text
        assert "đã chờ 2 phút" in text
        assert "python manage.py db_worker" in text
        assert "make run" in text
        assert "Đang chờ đến lượt" not in text
        # A way forward: the Word file and the print view, and the page keeps checking.
        docx = reverse("reports:document_docx", args=[world.ward_x.code, document.pk])
        preview = reverse("reports:document_preview", args=[world.ward_x.code, document.pk])
        assert f'href="{docx}"' in text
        assert f'href="{preview}"' in text
        assert f'hx-get="{progress_url}"' in text
    assert client.get(docx).status_code == 200


def test_a_task_waiting_briefly_shows_the_normal_waiting_text(
    world, document, login, database_tasks, settings
):
    settings.TASK_NO_WORKER_SECONDS = 15
    client = login(world.users["ward_officer"])
    progress_url = queued_for(5, client, document)

    text = client.get(progress_url, **HTMX).content.decode()

    assert "Đang chờ đến lượt tạo tệp PDF…" in text
    assert NO_WORKER not in text


def test_a_task_waiting_behind_a_live_worker_shows_the_normal_waiting_text(
    world, document, login, database_tasks, settings
):
    settings.TASK_NO_WORKER_SECONDS = 15
    worker(last_seen_seconds_ago=3)
    client = login(world.users["ward_officer"])
    progress_url = queued_for(600, client, document)

    text = client.get(progress_url, **HTMX).content.decode()

    assert "Đang chờ đến lượt tạo tệp PDF…" in text
    assert 'hx-trigger="every 1s"' in text
    assert NO_WORKER not in text


@pytest.mark.parametrize(
    "gone",
    [
        {"last_seen_seconds_ago": task_workers.ALIVE_SECONDS + 5},
        {"last_seen_seconds_ago": 1, "queue_names": ["emails"]},
        {"last_seen_seconds_ago": 1, "queue_names": ["*"], "excluded_queue_names": ["default"]},
    ],
    ids=["silent-for-too-long", "other-queue", "excludes-this-queue"],
)
def test_a_worker_that_stopped_beating_or_serves_other_queues_is_no_worker(
    world, document, login, database_tasks, settings, gone
):
    settings.TASK_NO_WORKER_SECONDS = 15
    worker(**gone)
    client = login(world.users["ward_officer"])
    progress_url = queued_for(40, client, document)

    text = client.get(progress_url, **HTMX).content.decode()

    assert NO_WORKER in text
    assert "đã chờ 40 giây" in text


def test_the_worker_beats_while_it_runs_and_forgets_itself_when_it_stops(
    world, document, login, database_tasks, monkeypatch
):
    client = login(world.users["ward_officer"])
    progress_url = queued_for(600, client, document)
    assert NO_WORKER in client.get(progress_url, **HTMX).content.decode()
    seen_while_running = []
    run_task = db_worker.Worker.run_task

    def watched(worker, task_result):
        seen_while_running.extend(task_workers.live_workers())
        # Meanwhile the page sees a live worker: the queue is busy, not abandoned.
        seen_while_running.append(client.get(progress_url, **HTMX).content.decode())
        run_task(worker, task_result)

    monkeypatch.setattr(db_worker.Worker, "run_task", watched)
    run_worker()

    live, page = seen_while_running
    assert live.backend_name == "default"
    assert live.queue_names == ["default"]
    assert live.pid == os.getpid()
    assert "Đang tạo tệp PDF…" in page
    assert NO_WORKER not in page
    assert not TaskWorker.objects.exists()
    assert "Đã tạo xong tệp PDF." in client.get(progress_url, **HTMX).content.decode()
