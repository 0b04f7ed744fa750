"""PDF rendering in the background with the database task backend and its worker."""

import datetime
import signal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from reports.documents import services, tasks
from reports.documents.models import Document

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Between tasks the worker closes connections that are not in autocommit mode; inside a
    # test's transaction that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def document(world):
    return services.document_create(
        ward=world.ward_x,
        kind=Document.Kind.YEAR,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
        user=world.users["ward_officer"],
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
    other = services.document_create(
        ward=world.ward_x,
        kind=Document.Kind.MONTH,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 1, 31),
        user=world.users["ward_officer"],
    )
    client = login(world.users["ward_officer"])
    task_id = tasks.enqueue_pdf(other).id
    wrong = reverse("reports:document_pdf_progress", args=[world.ward_x.code, document.pk, task_id])
    assert client.get(wrong).status_code == 404
    unknown = reverse(
        "reports:document_pdf_progress", args=[world.ward_x.code, document.pk, "khong-co"]
    )
    assert client.get(unknown).status_code == 404
