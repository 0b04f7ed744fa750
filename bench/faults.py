"""Fault cases on the national dataset; each prints its outcome as JSON and exits 1 on failure.

    python bench/faults.py postgres-restart [--duration 45] [--restart-at 15]
    python bench/faults.py worker-kill

postgres-restart: the mixed load of bench/locustfile.py runs against gunicorn while
PostgreSQL is restarted (`pg_ctlcluster <version> main restart`; run as root on the database
machine, and never while others use that PostgreSQL; `--how terminate` only cuts the
connections to this database, the same failure for the portal without a restart). A probe
asks a public page and the health check every 0.2 s. Passes when every failed answer is
the portal's Vietnamese 503/500 page (no connection error, no other error page), the same
gunicorn workers answer 200 again without any restart, and bench/consistency.py finds
nothing lost or doubled.

worker-kill: an officer asks for a document's PDF; a task worker (`manage.py db_worker`)
takes the task and is killed (SIGKILL) while rendering. Passes when no PDF is half-stored,
`manage.py fail_stale_tasks` marks the task failed, the officer's page says so and offers
"Thử lại", and asking again renders the PDF with a fresh worker.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadtest  # noqa: E402

ROOT = loadtest.ROOT
VIETNAMESE_ERROR_PAGES = ("Hệ thống tạm thời gián đoạn", "Hệ thống đang gặp sự cố")
# The health endpoint answers monitors in JSON; a clean failure there says "error".
HEALTH_ERROR = '"status": "error"'
CLEAN = "trang lỗi tiếng Việt"  # bench/locustfile.py marks such failures


def _run_dir(name):
    run_dir = Path("/tmp") / f"mttq-fault-{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir(parents=True)
    return run_dir


# --- PostgreSQL restarted under load -----------------------------------------------------


class Probe(threading.Thread):
    """GETs a URL every `interval` seconds; records (time, status, Vietnamese error page)."""

    def __init__(self, url, interval=0.2):
        super().__init__(daemon=True)
        self.url, self.interval = url, interval
        self.answers = []
        self.running = True

    def run(self):
        while self.running:
            at = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as response:
                    status, body = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode("utf-8", "replace")
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                status, body = f"no answer: {type(error).__name__}", ""
            clean = status == 200 or any(
                text in body for text in (*VIETNAMESE_ERROR_PAGES, HEALTH_ERROR)
            )
            self.answers.append((at, status, clean))
            time.sleep(max(0.0, self.interval - (time.monotonic() - at)))


def _cluster():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW cluster_name")
        name = cursor.fetchone()[0]  # "15/main" on Debian
    return name.split("/") if "/" in name else (str(connection.pg_version // 10000), "main")


def _workers(master_pid):
    result = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
    )
    return sorted(int(pid) for pid in result.stdout.split())


def _break_database(how, version, cluster) -> bool:
    """Restart the PostgreSQL cluster, or (how="terminate") only cut every connection to
    this database: the same failure for the portal without touching anyone else's."""
    if how == "restart":
        command = ["pg_ctlcluster", version, cluster, "restart"]
        return subprocess.run(command, capture_output=True, text=True).returncode == 0
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def postgres_restart(args) -> dict:
    run_dir = _run_dir("pg")
    loadtest.environment(args.port, args.workers)
    loadtest.setup_django()
    env = dict(os.environ)
    plan = loadtest.make_plan(run_dir, officers=10, viewers=10, provinces=2)
    version, cluster = _cluster()
    url = f"http://{loadtest.HOST}:{args.port}"
    server = loadtest.start_gunicorn(env)
    probes = [Probe(f"{url}/suc-khoe/"), Probe(url + plan["public_funds"][0]["url"])]
    try:
        loadtest.wait_healthy(url)
        loadtest.warm_up(url, plan, rounds=args.workers)
        workers_before = _workers(server.pid)
        load = loadtest.start_locust(
            env, run_dir, url, users=args.users, spawn_rate=args.users, duration=args.duration
        )
        for probe in probes:
            probe.start()
        time.sleep(args.restart_at)
        restarted_at = time.monotonic()
        restart_ok = _break_database(args.how, version, cluster)
        restart_s = time.monotonic() - restarted_at
        load.wait(args.duration + 60)
        for probe in probes:
            probe.running = False
            probe.join()
        workers_after = _workers(server.pid)
    finally:
        if "load" in locals():
            loadtest.stop(load, timeout=15)
        loadtest.stop(server)
    from bench import consistency

    answers = [answer for probe in probes for answer in probe.answers]
    failed = [(at, status, clean) for at, status, clean in answers if status != 200]
    last_failure = max((at for at, _, _ in failed), default=restarted_at)
    statuses = {}
    for _, status, _ in failed:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    stats = loadtest.read_stats(run_dir, args.duration)
    with (run_dir / "locust_failures.csv").open(encoding="utf-8") as handle:
        load_failures = {
            f"{row['Name']}: {row['Error']}": int(row["Occurrences"])
            for row in csv.DictReader(handle)
        }
    # This script's own connection died with the server: reconnect like the app servers do.
    from django.db import connections

    connections.close_all()
    checked = consistency.check(run_dir)
    outcome = {
        "fault": args.how,
        "restart_command_ok": restart_ok,
        "restart_s": round(restart_s, 1),
        "probe_answers": len(answers),
        "probe_failures_by_status": statuses,
        "failures_all_vietnamese_pages": all(clean for _, _, clean in failed),
        "recovered_after_s": round(last_failure - restarted_at, 1),
        "answers_200_at_the_end": all(s == 200 for _, s, _ in answers[-4:]),
        "same_gunicorn_workers": workers_before == workers_after,
        "load_errors": next(e["errors"] for e in stats if e["name"] == "loadtest_mixed"),
        "load_requests": next(e["n"] for e in stats if e["name"] == "loadtest_mixed"),
        "load_failures": load_failures,
        "load_failures_all_vietnamese_pages": all(CLEAN in error for error in load_failures),
        "consistency": checked,
        "run_dir": str(run_dir),
    }
    outcome["ok"] = all(
        outcome[key]
        for key in (
            "restart_command_ok",
            "failures_all_vietnamese_pages",
            "load_failures_all_vietnamese_pages",
            "answers_200_at_the_end",
            "same_gunicorn_workers",
        )
    ) and bool(checked["ok"])
    return outcome


# --- A task worker killed mid-render ------------------------------------------------------


def _start_worker(env, worker_id):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.1",
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _wait_for(task_id, statuses, timeout):
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = DBTaskResult.objects.filter(pk=task_id).values_list("status", flat=True).first()
        if status in statuses:
            return status
        time.sleep(0.01)
    raise RuntimeError(f"task {task_id} never reached {statuses}")


def _document(officer, ward):
    """A year report of the officer's ward whose PDF has to be rendered."""
    import datetime

    from reports.documents import services
    from reports.documents.models import Document

    year = datetime.date.today().year - 1
    document = Document.objects.filter(ward=ward, kind=Document.Kind.YEAR).first()
    if document is None:
        document = services.document_create(
            ward=ward,
            kind=Document.Kind.YEAR,
            starts_on=datetime.date(year, 1, 1),
            ends_on=datetime.date(year, 12, 31),
            user=officer,
        )
    # As if the officer had just edited it: the stored PDF (if any) is out of date.
    Document.objects.filter(pk=document.pk).update(pdf_source_hash="")
    document.refresh_from_db()
    return document


def worker_kill(args) -> dict:
    run_dir = _run_dir("worker")
    os.environ["MEDIA_ROOT"] = str(run_dir / "media")
    loadtest.environment(args.port, 1)
    loadtest.setup_django()
    env = dict(os.environ)
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from campaigns.models import Campaign
    from reports.documents import pdf

    fund = Campaign.objects.filter(kind="fund", ward__isnull=False).order_by("ward__code").first()
    officer = loadtest._account(
        f"{loadtest.PREFIX}canbo.{fund.ward.code}", role="ward_officer", ward=fund.ward
    )
    document = _document(officer, fund.ward)
    client = Client(HTTP_HOST=loadtest.HOST)
    client.force_login(officer)
    pdf_url = reverse("reports:document_pdf", args=[fund.ward.code, document.pk])

    asked = client.get(pdf_url)
    progress_url = asked["Location"]
    task_id = progress_url.rstrip("/").rsplit("/", 1)[1]
    worker = _start_worker(env, "fault-killed")
    try:
        _wait_for(task_id, {"RUNNING"}, timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    document.refresh_from_db()
    after_kill = client.get(progress_url).content.decode()
    half_written = pdf.pdf_is_current(document)
    call_command("fail_stale_tasks", "--older-than", "0")
    failed_page = client.get(progress_url).content.decode()

    again = client.get(pdf_url)
    new_task_id = again["Location"].rstrip("/").rsplit("/", 1)[1]
    worker = _start_worker(env, "fault-fresh")
    try:
        final_status = _wait_for(new_task_id, {"SUCCESSFUL", "FAILED"}, timeout=180)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    download = client.get(pdf_url)
    outcome = {
        "asked_status": asked.status_code,
        "killed_while": "RUNNING",
        "page_after_kill_says_running": "Đang tạo tệp PDF" in after_kill,
        "pdf_half_stored": half_written,
        "page_after_fail_stale_tasks_says_failed": "Không tạo được tệp PDF" in failed_page
        and "Thử lại" in failed_page,
        "rerun_is_a_new_task": new_task_id != task_id,
        "rerun_status": final_status,
        "download_status": download.status_code,
        "download_is_pdf": download.get("Content-Type") == "application/pdf"
        and b"".join(download.streaming_content if download.streaming else [download.content])[:4]
        == b"%PDF",
        "run_dir": str(run_dir),
    }
    outcome["ok"] = (
        outcome["page_after_kill_says_running"]
        and not half_written
        and outcome["page_after_fail_stale_tasks_says_failed"]
        and outcome["rerun_is_a_new_task"]
        and final_status == "SUCCESSFUL"
        and outcome["download_is_pdf"]
    )
    return outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=["postgres-restart", "worker-kill"])
    parser.add_argument("--duration", type=int, default=45, help="seconds of load")
    parser.add_argument("--restart-at", type=int, default=15, help="seconds into the load")
    parser.add_argument(
        "--how",
        choices=["restart", "terminate"],
        default="restart",
        help="postgres-restart: restart the cluster, or only cut this database's connections",
    )
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args(argv)
    outcome = postgres_restart(args) if args.case == "postgres-restart" else worker_kill(args)
    text = json.dumps(outcome, ensure_ascii=False, indent=2)
    Path(outcome["run_dir"], "fault.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    sys.exit(0 if outcome["ok"] else 1)


if __name__ == "__main__":
    main()
