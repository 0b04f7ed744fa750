"""`make run`: the development server and the background task worker, started and stopped together.

    .venv/bin/python scripts/run_dev.py [ADDRESS]      # ADDRESS: 127.0.0.1:8000 by default

The portal needs both: the web server answers pages, the worker (`manage.py db_worker`)
renders the PDFs they queue. Both stay in this process's group, as commands typed in the
terminal would, so Ctrl+C reaches each of them (and a breakpoint() in a view still reads the
terminal); the worker first finishes the task it is running. A stop asked otherwise
(SIGTERM, SIGHUP, a signal to this process alone) is passed on as a Ctrl+C. When one of the
two ends by itself, the other is stopped too. Whatever still runs STOP_GRACE_SECONDS after the
stop is terminated, then killed, with every process it started: nothing is left behind.

Exit status: 0 after a requested stop where everything stopped by itself; the status of the
process that ended by itself (at least 1); 1 if something had to be terminated.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Long enough for the worker to finish a PDF it is rendering.
STOP_GRACE_SECONDS = 30
KILL_GRACE_SECONDS = 5
# A web server given Ctrl+C is gone well within this: still there, it never got it.
SIGINT_SEEN_SECONDS = 3
POLL_SECONDS = 0.1
PR_SET_CHILD_SUBREAPER = 36

stop_requests: list[int] = []


def say(text: str) -> None:
    print(f"[make run] {text}", flush=True)


def request_stop(signum, frame) -> None:
    stop_requests.append(signum)


def become_subreaper() -> None:
    """Orphans of our children (a reloader's child whose parent died) become ours, so that
    they can still be found and stopped. Linux only; elsewhere a no-op."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def descendants(pid: int) -> list[int]:
    """Every process started by pid, and by those, … (from /proc; empty where there is none)."""
    children: dict[int, list[int]] = {}
    try:
        entries = list(Path("/proc").iterdir())
    except OSError:
        return []
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (command) state ppid …": the command may hold spaces and parentheses.
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def send(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def signal_trees(processes, signum: int) -> None:
    """signum to each running process and all it started (all listed first: a parent's
    death would hide its children)."""
    pids = []
    for process in processes:
        if process.poll() is None:
            pids += [process.pid, *descendants(process.pid)]
    send(pids, signum)


def wait_all(processes, seconds: float, *, until=None) -> bool:
    """True once every process has ended within seconds (False early if until() turns true)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(process.poll() is not None for process in processes):
            return True
        if until is not None and until():
            return False
        time.sleep(POLL_SECONDS)
    return all(process.poll() is not None for process in processes)


def reap_leftovers() -> bool:
    """Stop and collect any descendant still there (adopted orphans); True if there was one."""
    leftovers = descendants(os.getpid())
    for signum in (signal.SIGTERM, signal.SIGKILL):
        send(descendants(os.getpid()), signum)
        deadline = time.monotonic() + KILL_GRACE_SECONDS
        while descendants(os.getpid()) and time.monotonic() < deadline:
            collect_orphans()
            time.sleep(POLL_SECONDS)
    collect_orphans()
    return bool(leftovers)


def collect_orphans() -> None:
    """Wait for adopted processes that have ended (ours were waited for by Popen)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def exit_status(returncode: int) -> int:
    if returncode < 0:
        return 128 - returncode
    return returncode or 1


def commands(address: str) -> dict[str, list[str]]:
    """What runs, by name; the web server first."""
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    return {
        "máy chủ web": [*manage, "runserver", address],
        "tiến trình chạy nền (db_worker)": [*manage, "db_worker"],
    }


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 else "127.0.0.1:8000"
    become_subreaper()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    names = {
        subprocess.Popen(command, cwd=BASE_DIR): name for name, command in commands(address).items()
    }
    processes = list(names)
    web = processes[0]
    say(
        f"Máy chủ web: http://{address}/ · tiến trình chạy nền (db_worker) tạo tệp PDF. "
        "Ctrl+C dừng cả hai."
    )

    ended = None
    while not stop_requests and ended is None:
        ended = next((process for process in processes if process.poll() is not None), None)
        time.sleep(POLL_SECONDS)

    if ended is not None:
        say(f"{names[ended].capitalize()} đã dừng (mã {ended.returncode}); dừng nốt phần còn lại.")
        signal_trees(processes, signal.SIGINT)
    elif stop_requests[0] != signal.SIGINT:
        signal_trees(processes, signal.SIGINT)
    elif not wait_all([web], SIGINT_SEEN_SECONDS):
        # Ctrl+C in a terminal reaches the whole group; a SIGINT sent to this process alone
        # does not: pass it on.
        signal_trees(processes, signal.SIGINT)

    requests_so_far = len(stop_requests)
    forced = not wait_all(
        processes, STOP_GRACE_SECONDS, until=lambda: len(stop_requests) > requests_so_far
    )
    if forced:
        say("Còn tiến trình chưa dừng: buộc dừng.")
        signal_trees(processes, signal.SIGTERM)
        if not wait_all(processes, KILL_GRACE_SECONDS):
            signal_trees(processes, signal.SIGKILL)
            wait_all(processes, KILL_GRACE_SECONDS)
    forced = reap_leftovers() or forced
    say("Đã dừng máy chủ web và tiến trình chạy nền.")

    if ended is not None:
        return exit_status(ended.returncode)
    return 1 if forced else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
