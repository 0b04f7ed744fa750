"""The gunicorn worker that hands a kept-alive connection back while it is busier than the
least busy worker (core/gunicorn_worker.py)."""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.util import load_class
from gunicorn.workers.gthread import ThreadWorker

from core import gunicorn_worker
from core.gunicorn_worker import BalancedThreadWorker

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


@pytest.fixture
def slots(monkeypatch):
    """Every slot free again afterwards (they are shared memory of this process)."""
    saved = (
        list(gunicorn_worker._pids),
        list(gunicorn_worker._loads),
        gunicorn_worker._claimed.value,
    )
    for slot in range(gunicorn_worker.SLOTS):
        gunicorn_worker._pids[slot] = 0
        gunicorn_worker._loads[slot] = gunicorn_worker._FREE
    gunicorn_worker._claimed.value = 0
    yield
    gunicorn_worker._pids[:], gunicorn_worker._loads[:], gunicorn_worker._claimed.value = saved


def worker(slot, in_flight, threads=2):
    made = BalancedThreadWorker.__new__(BalancedThreadWorker)
    made.cfg = SimpleNamespace(threads=threads)
    made.alive = True
    made.slot = slot
    gunicorn_worker._claimed.value = max(gunicorn_worker._claimed.value, slot + 1)
    made.in_flight = 0
    made._published(in_flight)
    return made


def answer(made, monkeypatch):
    """Whether the response to one request on a kept-alive connection says "close"."""
    seen = {}

    def handled(self, req, conn):
        seen["close"] = req.must_close
        return not req.must_close

    monkeypatch.setattr(ThreadWorker, "handle_request", handled)
    made.handle_request(SimpleNamespace(must_close=False), conn=None)
    return seen["close"]


def test_a_worker_far_busier_than_the_least_busy_hands_its_connection_back(slots, monkeypatch):
    busy, idle = worker(0, in_flight=6), worker(1, in_flight=1)
    assert answer(busy, monkeypatch) is True
    assert answer(idle, monkeypatch) is False


def test_workers_equally_busy_keep_their_connections(slots, monkeypatch):
    # At saturation every worker is behind: closing would only cost reconnections.
    first, second = worker(0, in_flight=9), worker(1, in_flight=8)
    assert answer(first, monkeypatch) is False
    assert answer(second, monkeypatch) is False
    # Within its thread count of the least busy: kept too.
    third = worker(2, in_flight=6, threads=2)
    lesser = worker(3, in_flight=4)
    assert answer(third, monkeypatch) is False
    lesser._published(-1)  # 3 requests now: the third is more than its threads beyond
    assert answer(third, monkeypatch) is True


def test_a_worker_that_stops_no_longer_counts_as_the_least_busy(slots, monkeypatch):
    busy, stopping = worker(0, in_flight=6), worker(1, in_flight=0)
    monkeypatch.setattr(
        ThreadWorker, "handle_exit", lambda self, sig, frame: setattr(self, "alive", False)
    )
    stopping.handle_exit(None, None)
    assert answer(busy, monkeypatch) is False
    stopping._published(+1)  # a request it still finishes
    assert answer(busy, monkeypatch) is False


def test_a_new_worker_takes_the_slot_of_one_that_died(slots):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gunicorn_worker._pids[0] = dead.pid
    gunicorn_worker._loads[0] = 7
    alive = os.getpid()
    assert gunicorn_worker._claim_slot(alive) == 0
    assert (gunicorn_worker._pids[0], gunicorn_worker._loads[0]) == (alive, 0)
    # A live worker's slot is left alone.
    assert gunicorn_worker._claim_slot(alive) == 1


def test_the_deployed_configuration_uses_it_with_threads(monkeypatch):
    monkeypatch.setenv("GUNICORN_THREADS", "2")
    assert load_class(runpy.run_path(str(CONF))["worker_class"]) is BalancedThreadWorker
    monkeypatch.setenv("GUNICORN_THREADS", "1")
    assert runpy.run_path(str(CONF))["worker_class"] == "sync"
