"""`make run` as a developer starts it: the web server and the task worker, stopped together.

The portal runs in `make run`'s own processes (on a free port, with a temporary SQLite
database and media directory, so the checkout's db.sqlite3 is untouched); a demo officer
exports a new period report as PDF, the worker renders it, the browser downloads it; then a
Ctrl+C (SIGINT to the process group) stops everything.
"""

import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.documents.models import Document
from tests.processes import session_processes
from wards.demo import DEMO_PASSWORD
from wards.models import TaskWorker

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240  # migrate, the official map and the demo data on a fresh database
STOP_TIMEOUT = 60


@pytest.fixture(autouse=True)
def catalogues():
    """Replaces the e2e conftest's: this portal has its own processes and database."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/suc-khoe/", timeout=5) as response:
            return json.load(response)
    except OSError:
        return None


class MakeRun:
    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = tmp_path / "db.sqlite3"
        self.log = tmp_path / "make-run.log"
        env = {
            key: value
            for key, value in os.environ.items()
            # An outer make's job server, another database or cache: not for this portal.
            if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "REDIS_URL", "TASKS_BACKEND"}
            and not key.startswith("DATABASE_")
        }
        env.update(
            DATABASE_URL=f"sqlite:///{self.database}",
            MEDIA_ROOT=str(tmp_path / "media"),
            DEBUG="1",
            PYTHONUNBUFFERED="1",
        )
        with self.log.open("wb") as log:
            # -o: never reinstall the venv here, even if pyproject.toml is newer than it.
            self.process = subprocess.Popen(
                ["make", "-o", ".venv/.installed", "run", "HOST=127.0.0.1", f"PORT={self.port}"],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.session = self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self) -> dict:
        """/suc-khoe/ answers (the worker may still be starting: the PDF page waits for it)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run ended ({self.process.returncode}):\n{self.output()}")
            state = health(self.url)
            if state:
                return state
            time.sleep(0.5)
        pytest.fail(f"make run did not serve in {START_TIMEOUT} s:\n{self.output()}")

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.database, timeout=20) as connection:
            return connection.execute(sql).fetchall()

    def rows(self, model, columns: str) -> list[tuple]:
        return self.query(f"SELECT {columns} FROM {model._meta.db_table} ORDER BY id")

    def ctrl_c(self) -> int:
        """SIGINT to the whole process group, as the terminal sends it; make's exit status."""
        os.killpg(self.session, signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run still running {STOP_TIMEOUT} s after Ctrl+C:\n{self.output()}")

    def kill_everything(self) -> None:
        for line in session_processes(self.session):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split()[0]), signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=10)


@pytest.fixture
def make_run(tmp_path):
    running = MakeRun(tmp_path)
    try:
        yield running
    finally:
        # Whatever the test's outcome, nothing it started outlives it.
        running.kill_everything()


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def test_make_run_renders_a_new_report_as_pdf_and_stops_on_ctrl_c(make_run, page):
    make_run.wait_until_serving()
    output = make_run.output()
    assert f"mật khẩu chung: {DEMO_PASSWORD}" in output
    assert "canbo.mythoi" in output
    # The demo data's own document only: the report below is new.
    documents_before = make_run.rows(Document, "id")

    page.goto(f"{make_run.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("canbo.mythoi")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#user-menu")).to_be_visible()

    page.get_by_role("link", name="Văn bản, báo cáo").first.click()
    page.get_by_role("link", name="Tạo văn bản").click()
    page.get_by_label("Báo cáo quý").check()
    page.get_by_label("Từ ngày").fill("15/04/2025")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_role("heading", name="Báo cáo quý")).to_be_visible()
    (new_document,) = set(make_run.rows(Document, "id")) - set(documents_before)

    # The PDF is queued; the page follows the task until the worker has stored the file.
    page.get_by_role("link", name="Xuất PDF").click()
    expect(page.get_by_role("heading", name="Tạo tệp PDF")).to_be_visible()
    download_link = page.locator("#pdf-download")
    expect(download_link).to_be_visible(timeout=90_000)
    with page.expect_download() as download_info:
        download_link.click()
    pdf_path = Path(download_info.value.path())
    assert pdf_path.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf_path)
    assert "PHƯỜNG MỸ THỚI" in text
    assert "quý II năm 2025" in text
    assert "phương hướng nhiệm vụ quý III năm 2025" in text

    # Rendered by the worker `make run` started, for this new document.
    ((status, worker_ids, args_kwargs),) = make_run.rows(
        DBTaskResult, "status, worker_ids, args_kwargs"
    )
    assert status == "SUCCESSFUL"
    assert json.loads(args_kwargs)["kwargs"] == {"document_id": new_document[0]}
    workers = make_run.rows(TaskWorker, "worker_id, pid")
    assert [worker_id for worker_id, _pid in workers] == json.loads(worker_ids)
    worker_pid = workers[0][1]
    assert any(line.split()[0] == str(worker_pid) for line in session_processes(make_run.session))
    running = health(make_run.url)
    assert running["status"] == "ok"
    assert running["checks"]["task_queue"]["workers"] == 1

    # Ctrl+C: everything stops by itself, the worker forgets its heartbeat.
    returncode = make_run.ctrl_c()
    output = make_run.output()
    assert "[make run] Đã dừng máy chủ web và tiến trình chạy nền." in output
    assert "buộc dừng" not in output
    # make, once its recipe has ended, dies of the SIGINT, as a command interrupted in a
    # terminal does (scripts/run_dev.py's own status is tested in tests/test_run_dev.py).
    assert returncode == -signal.SIGINT, output
    assert session_processes(make_run.session) == []
    assert health(make_run.url) is None
    assert make_run.rows(TaskWorker, "id") == []
