"""gunicorn's threaded worker, handing a kept-alive connection back while it is busier than
the least busy worker.

A kept-alive connection stays with the worker process that accepted it. Clients that keep
their connections (a proxy's upstream pool, the load test's users) can so pile their heavy
pages (an officer's entry page and its save) on one worker while the others idle: in
`make loadtest` one worker ran at 75 % of a core and two at 25 %, and every page it held
waited (officers' pages p50 0,5 s at under half the server's capacity). So each worker
publishes how many requests it holds, and one holding more than its threads beyond the least
busy worker answers with "Connection: close": the client's next request opens a new
connection, which an idle worker is the first to accept (a busy one's accepting thread waits
for the interpreter lock). Workers equally busy keep their connections: closing them would
only cost reconnections.
"""

import multiprocessing
import os

from gunicorn.workers.gthread import ThreadWorker

# One slot per live worker: its pid and the requests it holds. Made when gunicorn's master
# imports this module for the worker class, before it forks: shared by every worker.
SLOTS = 128
# A free slot's load: never the least.
_FREE = 1 << 30
_pids = multiprocessing.RawArray("i", SLOTS)
_loads = multiprocessing.RawArray("i", [_FREE] * SLOTS)
# Slots below this one have been claimed: the only ones worth reading.
_claimed = multiprocessing.RawValue("i", 0)
_claiming = multiprocessing.Lock()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim_slot(pid: int) -> int | None:
    """A slot for this worker: a free one, or one whose worker has died."""
    with _claiming:
        for slot in range(SLOTS):
            if _pids[slot] == 0 or not _alive(_pids[slot]):
                _pids[slot] = pid
                _loads[slot] = 0
                _claimed.value = max(_claimed.value, slot + 1)
                return slot
    return None


class BalancedThreadWorker(ThreadWorker):
    slot = None
    # Requests submitted to this worker's threads and not finished. Changed only by the
    # worker's main thread (submitting, and finishing through its method queue).
    in_flight = 0

    def init_process(self):
        self.slot = _claim_slot(os.getpid())
        super().init_process()

    def _published(self, change):
        self.in_flight += change
        if self.slot is not None:
            # A stopping worker finishes its requests but takes no new connections.
            _loads[self.slot] = self.in_flight if self.alive else _FREE

    def enqueue_req(self, conn):
        self._published(+1)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self._published(-1)
        super().finish_request(conn, fs)

    def busier_than_others(self) -> bool:
        if self.slot is None:
            return False
        # One slice of the shared array (a copy in C), not an element at a time.
        return self.in_flight - min(_loads[: _claimed.value]) > self.cfg.threads

    def handle_request(self, req, conn):
        if self.busier_than_others():
            req.must_close = True
        return super().handle_request(req, conn)

    def handle_exit(self, sig, frame):
        if self.slot is not None:
            _loads[self.slot] = _FREE
        super().handle_exit(sig, frame)
