"""The health check, the page shown while the database is down, and lost background tasks."""

import datetime
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from wards.models import TaskWorker

HEALTH = "/suc-khoe/"


def queued_task(*, status="READY", **times):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="reports.documents.tasks.render_document",
        backend_name="default",
        run_after=get_date_max(),
        status=status,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(**times)
    return task


def live_worker(worker_id="worker-1", **fields):
    now = timezone.now()
    return TaskWorker.objects.create(
        worker_id=worker_id,
        backend_name="default",
        queue_names=["default"],
        started_at=now,
        last_seen=now,
        **fields,
    )


def unreachable_database():
    return mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to server")
    )


def test_health_answers_ok_without_login_and_without_ward_data(client, world):
    response = client.get(HEALTH)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database_default"]["ok"] is True
    assert body["checks"]["task_queue"] == {
        "ok": True,
        "waiting": 0,
        "oldest_waiting_s": 0.0,
        "max_wait_s": 300,
        "running_too_long": 0,
        "workers": 0,
        "waiting_without_worker": 0,
    }
    assert world.ward_x.name not in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_reachable_over_plain_http_when_https_is_forced(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(HEALTH).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_health_fails_when_a_task_waits_longer_than_the_threshold(client, settings, db):
    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 60
    # A worker runs: the queue is only slow.
    live_worker()
    queued_task(enqueued_at=timezone.now() - datetime.timedelta(seconds=30))
    assert client.get(HEALTH).status_code == 200

    queued_task(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    response = client.get(HEALTH)

    assert response.status_code == 503
    queue = response.json()["checks"]["task_queue"]
    assert queue["ok"] is False
    assert queue["waiting"] == 2
    assert 595 <= queue["oldest_waiting_s"] <= 620


def test_health_fails_when_a_task_waits_with_no_live_worker(client, settings, db):
    settings.TASK_NO_WORKER_SECONDS = 15
    queued_task(enqueued_at=timezone.now() - datetime.timedelta(seconds=5))
    assert client.get(HEALTH).status_code == 200

    queued_task(enqueued_at=timezone.now() - datetime.timedelta(seconds=40))
    response = client.get(HEALTH)

    assert response.status_code == 503
    queue = response.json()["checks"]["task_queue"]
    assert queue["workers"] == 0
    assert queue["waiting_without_worker"] == 1
    assert queue["oldest_waiting_s"] < queue["max_wait_s"]

    # A worker that stopped beating a minute ago is no worker; one that beats now is.
    silent = live_worker(worker_id="silent")
    TaskWorker.objects.filter(pk=silent.pk).update(
        last_seen=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(HEALTH).status_code == 503
    live_worker()
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.json()["checks"]["task_queue"]["workers"] == 1
    assert response.json()["checks"]["task_queue"]["waiting_without_worker"] == 0


def test_a_task_scheduled_for_later_waits_from_its_start_time(client, db):
    now = timezone.now()
    queued_task(
        enqueued_at=now - datetime.timedelta(hours=2), run_after=now - datetime.timedelta(seconds=5)
    )

    response = client.get(HEALTH)

    assert response.status_code == 200
    assert response.json()["checks"]["task_queue"]["oldest_waiting_s"] < 60


def test_health_answers_503_when_the_database_is_unreachable(client, db):
    with unreachable_database():
        response = client.get(HEALTH)

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "checks": {
            "database_default": {"ok": False, "error": "OperationalError"},
            "task_queue": {"ok": False},
        },
    }


def test_pages_answer_a_vietnamese_503_while_the_database_is_down_and_recover(world):
    client = Client(raise_request_exception=False)
    url = reverse("campaigns:public_ward", args=[world.ward_x.code])

    with unreachable_database():
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in page
    assert "chưa được lưu" in page
    # Back as soon as the database is: no restart of the app.
    assert client.get(url).status_code == 200


def test_other_server_errors_keep_the_500_page(world):
    client = Client(raise_request_exception=False)
    url = reverse("campaigns:public_ward", args=[world.ward_x.code])

    with mock.patch("campaigns.public.views._ward_or_404", side_effect=ValueError("bug")):
        response = client.get(url)

    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_tasks_whose_worker_died_are_marked_failed(client, db):
    now = timezone.now()
    lost = queued_task(status="RUNNING", started_at=now - datetime.timedelta(hours=1))
    DBTaskResult.objects.filter(pk=lost.pk).update(worker_ids=["worker-7"])
    busy = queued_task(status="RUNNING", started_at=now - datetime.timedelta(seconds=20))
    assert client.get(HEALTH).json()["checks"]["task_queue"]["running_too_long"] == 1

    call_command("fail_stale_tasks", stdout=mock.Mock())

    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == "FAILED"
    assert lost.finished_at is not None
    assert "worker-7" in lost.traceback
    assert lost.exception_class_path.endswith("TaskWorkerLost")
    assert busy.status == "RUNNING"
    assert client.get(HEALTH).json()["checks"]["task_queue"]["running_too_long"] == 0
