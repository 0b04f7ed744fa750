"""scripts/run_dev.py (`make run`): both processes stop together, nothing is left behind, and
the exit status says how it ended. Small stand-in programs take the place of the web server
and the worker, so each case runs in a second or two; tests/e2e/test_make_run.py runs the real
ones."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import session_processes

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "run_dev.py"
# The script as `make run` runs it, with the two commands replaced and short grace periods.
HARNESS = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("run_dev", sys.argv[1])
run_dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_dev)
run_dev.STOP_GRACE_SECONDS = 2
run_dev.KILL_GRACE_SECONDS = 2
run_dev.SIGINT_SEEN_SECONDS = 1
programs = json.loads(sys.argv[2])
run_dev.commands = lambda address: {
    name: [sys.executable, "-c", code] for name, code in programs.items()
}
sys.exit(run_dev.main(["run_dev.py"]))
"""
# Each stand-in says it is ready once its signal handlers are in place.
READY = "import os, pathlib; pathlib.Path(os.environ['READY_DIR'], {name!r}).touch()\n"
# Stops at the first SIGINT or SIGTERM, as the web server and the worker do when idle.
SERVES = """
import os, signal, sys, time
def stop(signum, frame):
    # One write per line: both stand-ins share the pipe, and print() may write in pieces.
    os.write(1, ("{name} stopped by " + signal.Signals(signum).name + "\\n").encode())
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
"""
WAITS = "time.sleep(120)\n"
FAILS = "time.sleep(0.3)\nsys.exit(3)\n"
# Deaf to both signals, and so is the process it starts.
STUBBORN = """
import signal, subprocess, sys, time
for number in (signal.SIGINT, signal.SIGTERM):
    signal.signal(number, signal.SIG_IGN)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
"""
# Ignores Ctrl+C: started by ORPHANING, it outlives it (an orphan).
ORPHAN = (
    "import signal, time\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n" + READY.format(name="orphan") + WAITS
)
ORPHANING = f"""
import os, pathlib, subprocess, sys, time
subprocess.Popen([sys.executable, "-c", {ORPHAN!r}])
while not pathlib.Path(os.environ["READY_DIR"], "orphan").exists():
    time.sleep(0.05)
"""


class Supervisor:
    def __init__(self, tmp_path, programs: dict[str, tuple[str, str]]):
        self.ready_dir = tmp_path
        codes = {
            name: setup.format(name=name) + READY.format(name=name) + then
            for name, (setup, then) in programs.items()
        }
        self.names = list(programs)
        self.process = subprocess.Popen(
            [sys.executable, "-c", HARNESS, str(SCRIPT), json.dumps(codes)],
            env={**os.environ, "READY_DIR": str(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.session = self.process.pid

    def wait_ready(self):
        deadline = time.monotonic() + 20
        while not all((self.ready_dir / name).exists() for name in self.names):
            assert time.monotonic() < deadline, "the stand-in programs did not start"
            time.sleep(0.05)

    def finish(self, timeout=20) -> tuple[int, str]:
        output, _ = self.process.communicate(timeout=timeout)
        return self.process.returncode, output

    def kill_everything(self):
        for line in session_processes(self.session):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split()[0]), signal.SIGKILL)
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


@pytest.fixture
def supervise(tmp_path):
    started = []

    def _supervise(**programs):
        supervisor = Supervisor(tmp_path, programs)
        started.append(supervisor)
        supervisor.wait_ready()
        return supervisor

    yield _supervise
    for supervisor in started:
        supervisor.kill_everything()


def test_ctrl_c_stops_both_and_exits_0(supervise):
    run = supervise(web=(SERVES, WAITS), worker=(SERVES, WAITS))

    os.killpg(run.session, signal.SIGINT)
    status, output = run.finish()

    assert status == 0
    # Each got the terminal's one Ctrl+C, none a second one from the script.
    assert output.count("web stopped by SIGINT") == 1
    assert output.count("worker stopped by SIGINT") == 1
    assert "buộc dừng" not in output
    assert "Đã dừng máy chủ web và tiến trình chạy nền." in output
    assert session_processes(run.session) == []


def test_a_stop_sent_to_the_script_alone_is_passed_on(supervise):
    run = supervise(web=(SERVES, WAITS), worker=(SERVES, WAITS))

    os.kill(run.process.pid, signal.SIGTERM)
    status, output = run.finish()

    assert status == 0
    assert "web stopped by SIGINT" in output
    assert "worker stopped by SIGINT" in output
    assert session_processes(run.session) == []


def test_when_one_process_ends_the_other_is_stopped_and_its_status_returned(supervise):
    run = supervise(web=(SERVES, FAILS), worker=(SERVES, WAITS))

    status, output = run.finish()

    assert status == 3
    assert "Web đã dừng (mã 3); dừng nốt phần còn lại." in output
    assert "worker stopped by SIGINT" in output
    assert session_processes(run.session) == []


def test_processes_deaf_to_ctrl_c_and_their_children_are_killed(supervise):
    run = supervise(web=(SERVES, WAITS), worker=(STUBBORN, WAITS))
    assert len(session_processes(run.session)) == 4

    started = time.monotonic()
    os.killpg(run.session, signal.SIGINT)
    status, output = run.finish()

    assert status == 1
    assert "Còn tiến trình chưa dừng: buộc dừng." in output
    assert session_processes(run.session) == []
    assert time.monotonic() - started < 15


def test_an_orphan_left_by_a_process_is_found_and_stopped(supervise):
    run = supervise(web=(SERVES, WAITS), worker=(ORPHANING + SERVES, WAITS))
    assert len(session_processes(run.session)) == 4

    os.killpg(run.session, signal.SIGINT)
    status, output = run.finish()

    assert "worker stopped by SIGINT" in output
    assert status == 1
    assert session_processes(run.session) == []
