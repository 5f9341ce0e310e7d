"""The outbox relay in a process of its own, beside the service process (the default with the
SQLite outbox and a broker; JOBMATCH_VACANCIES_RELAY_PROCESS=0 keeps it a thread).

Ingest's servicer and the relay are both Python: in one process they take turns on one GIL,
so a second core cannot help (bench ingest: ~70 µs CPU per vacancy in the servicer, ~15 in
the relay, one after the other). In a child process the relay publishes on the other core
while the servicer stores. The child reads the same SQLite outbox file through its own
connection, exactly as the relay thread does (WAL, busy timeout), so order, acks and the
resend-after-broker-loss logic are the relay's own, unchanged.

The child is `python -m services.vacancies.relay_process`, not a multiprocessing spawn: spawn
imports the parent's __main__ again in the child, which for a service is the service itself.
It gets its settings as a pickle on stdin (secrets stay off the command line), says "ready"
on stdout, and stops when its stdin closes. It dies with the thread that started it
(PDEATHSIG on Linux): a supervising thread that lives until `stop`, and starts the child again
when it exits unasked (after 1 s, doubling to 30 s while it keeps exiting). When the service
adds outbox rows it writes a byte to the child's stdin,
which wakes the relay as `on_add` wakes the thread: an event waits for no poll (50 ms).

The service's /metrics shows the same outbox series as with the thread, from two places: the
child reports its published and failed-round totals on stdout (a line when they changed, at
most every REPORT_INTERVAL, and one when it stops), and the parent reads the backlog and the
age of the oldest pending event from the outbox file itself, once a second. So while no child
runs the backlog grows and ages (the alert on the age fires), rather than gauges frozen at
their last value.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import select
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from services.common.bus import kafka_clients
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.child_process import dying_with_parent
from services.common.logs import configure_logging
from services.common.observability.metrics import OutboxGauges
from services.common.settings import Settings

log = logging.getLogger(__name__)
_READY = b"ready\n"
LOG_SERVICE_NAME = "vacancies"  # the service field of its log lines: the service's own
_COUNTS = b"counts"  # b"counts <published> <errors>\n": the child's totals since it started
REPORT_INTERVAL = 0.25  # seconds; how stale the service's relay counters may be
# A child that exited unasked is started again after 1 s, then 2, 4 ... at most 30 s while it
# keeps exiting; after a minute of running the next exit waits 1 s again.
RESTART_DELAY_SECONDS, MAX_RESTART_DELAY_SECONDS, HEALTHY_SECONDS = 1.0, 30.0, 60.0
_PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where `services` is importable from


class RelayProcess:
    """Starts, flushes and stops the relay child; the same `start`/`flush`/`stop` as OutboxRelay.

    A supervising thread of its own starts the child and starts it again when it exits unasked
    (killed, out of memory): a relay thread goes on after a failed round, so the child must too.
    That thread lives until `stop`, so the child, which dies with the thread that started it,
    dies with the service and never before it."""

    def __init__(self, outbox: SqliteOutbox, settings: Settings) -> None:
        if not settings.kafka_bootstrap_servers:
            raise ValueError("no KAFKA_BOOTSTRAP_SERVERS: nothing to relay to")
        self.outbox = outbox
        self._settings = settings
        self._process: subprocess.Popen[bytes] | None = None
        self.gauges = OutboxGauges(outbox.source)  # this process's: what its /metrics serves
        self.published_count = 0  # the current child's totals as last reported
        self.error_count = 0
        self.restarts = 0
        self._supervisor: threading.Thread | None = None
        self._stopping = threading.Event()
        self._stdin_lock = threading.Lock()  # no wake-up byte to a closed (perhaps reused) descriptor
        outbox.on_add(self._wake)

    def start(self, timeout: float = 60.0) -> None:
        """Start the child; raises when the first one does not start within `timeout`."""
        self._stopping.clear()
        first: queue.Queue[BaseException | None] = queue.Queue(maxsize=1)
        supervisor = threading.Thread(
            target=self._supervise, args=(timeout, first), name="outbox-relay-supervisor", daemon=True
        )
        self._supervisor = supervisor
        supervisor.start()
        failure = first.get()
        if failure is not None:
            supervisor.join()
            raise RuntimeError("the outbox relay process did not start") from failure

    def _supervise(self, timeout: float, first: queue.Queue[BaseException | None] | None) -> None:
        delay = RESTART_DELAY_SECONDS
        conn = self.outbox.connect()
        try:
            while not self._stopping.is_set():
                try:
                    process = self._spawn(timeout)
                except Exception as error:
                    if first is not None:
                        first.put(error)
                        return
                    log.error("outbox relay process did not start again", exc_info=True)
                else:
                    if first is not None:
                        first.put(None)
                        first = None
                    began = time.monotonic()
                    self._watch(process, conn)
                    code = self._discard(process)
                    if self._stopping.is_set():
                        return
                    if time.monotonic() - began > HEALTHY_SECONDS:
                        delay = RESTART_DELAY_SECONDS
                    log.error("outbox relay process exited (code %s); starting it again in %.0f s", code, delay)
                # Meanwhile the backlog grows on /metrics, as it does with a relay that fails.
                deadline = time.monotonic() + delay
                while not self._stopping.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
                    self._observe(conn)
                    if time.monotonic() >= deadline:
                        break
                delay = min(2 * delay, MAX_RESTART_DELAY_SECONDS)
                self.restarts += 1
        finally:
            conn.close()

    def _spawn(self, timeout: float) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        }
        with self._stdin_lock:  # `stop` either sees this child or keeps it from starting
            if self._stopping.is_set():
                raise RuntimeError("stopped while starting")
            process = subprocess.Popen(  # fixed argv, no shell
                dying_with_parent([sys.executable, "-m", "services.vacancies.relay_process"]),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                bufsize=0,  # both ways: wake-ups go out at once, reports wait in no buffer (read with os.read)
                env=env,
            )
            assert process.stdin is not None and process.stdout is not None
            unsent = memoryview(pickle.dumps((self._settings, str(self.outbox.db_path), self.outbox.source)))
            while unsent:  # under the lock: no wake-up byte in the middle of the settings
                unsent = unsent[process.stdin.write(unsent) or 0 :]
            self._process = process
        answered, _, _ = select.select([process.stdout], [], [], timeout)
        if not answered or process.stdout.readline() != _READY:
            self._discard(process, kill=True)
            raise RuntimeError("no ready line from the outbox relay process")
        os.set_blocking(process.stdin.fileno(), False)  # a full pipe already holds a wake-up
        self.published_count = self.error_count = 0  # a new child counts from 0
        return process

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    def is_alive(self) -> bool:
        process = self._process
        return process is not None and process.poll() is None

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until no row is pending; True when that happened within `timeout`."""
        deadline = time.monotonic() + timeout
        conn = self.outbox.connect()
        try:
            while self.outbox.pending_count(conn):
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)
            return True
        finally:
            conn.close()

    def stop(self, timeout: float = 10.0) -> None:
        """Close the child's stdin (it stops its relay, reports and exits), kill it after
        `timeout`, take its last report; no child starts after this. Safe twice."""
        self._stopping.set()
        with self._stdin_lock:
            process = self._process
            if process is not None and process.stdin is not None:
                process.stdin.close()
        if process is not None:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.join(timeout)  # the child is gone: its stdout ends, the supervisor returns

    def _discard(self, process: subprocess.Popen[bytes], kill: bool = False) -> int | None:
        """Reap an ended (or, with `kill`, a failed) child and close its pipes; its exit code."""
        if kill:
            process.kill()
        try:
            code = process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait(5)
        with self._stdin_lock:
            if self._process is process:
                self._process = None
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
        return code

    def _wake(self) -> None:
        """Rows were added (inside the adding transaction): one byte tells the child's relay."""
        with self._stdin_lock:
            process = self._process
            if process is None or process.stdin is None or process.stdin.closed:
                return
            try:
                os.write(process.stdin.fileno(), b"+")
            except OSError:  # full (a wake-up is waiting anyway) or the child is gone
                pass

    def _watch(self, process: subprocess.Popen[bytes], conn: sqlite3.Connection) -> None:
        """Until the child exits: mirror its reported totals in this process's counters and
        observe the backlog from the outbox file."""
        reports = process.stdout
        assert reports is not None
        unread = b""
        while True:
            self._observe(conn)
            if not select.select([reports], [], [], 1.0)[0]:
                continue
            chunk = os.read(reports.fileno(), 4096)
            if not chunk:  # the child exited
                return
            *lines, unread = (unread + chunk).split(b"\n")
            if lines:
                self._take(lines[-1])  # totals: the last line says all

    def _observe(self, conn: sqlite3.Connection) -> None:
        try:
            self.gauges.observe(self.outbox, conn)  # at most once a second, as the relay does
        except Exception:  # a busy or closing database: the next round reads again
            log.debug("outbox gauges not read", exc_info=True)

    def _take(self, report: bytes) -> None:
        parts = report.split()
        if len(parts) != 3 or parts[0] != _COUNTS:
            return  # not a report: skipped (the next one's totals catch up)
        published_total, error_total = int(parts[1]), int(parts[2])
        self.gauges.published.inc(max(0, published_total - self.published_count))
        self.gauges.errors.inc(max(0, error_total - self.error_count))
        self.published_count, self.error_count = published_total, error_total


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The child: relay the outbox and report its totals until stdin closes."""
    settings, db_path, source = pickle.load(stdin)  # from our own parent only
    from services.vacancies.bootstrap import tune_garbage_collection

    # The relay's lines (re-sends, failed rounds) in the service's JSON log, on the stderr
    # this child shares with it: without this, Python's last-resort handler keeps only warnings.
    configure_logging(LOG_SERVICE_NAME, settings.log_level)
    tune_garbage_collection()
    kafka_clients.configure(settings)
    relay = OutboxRelay.from_settings(SqliteOutbox(Path(db_path), source, settings.outbox_retention_days), settings)
    relay.start()
    stdout.write(_READY)
    stdout.flush()
    reported, next_report = (0, 0), time.monotonic()
    # After the settings the parent writes wake-up bytes only; end of file: it closed stdin (or went).
    while True:
        if select.select([stdin], [], [], REPORT_INTERVAL)[0]:
            if not os.read(stdin.fileno(), 4096):
                break
            relay.wake()
        if time.monotonic() >= next_report:
            reported, next_report = _report(relay, stdout, reported), time.monotonic() + REPORT_INTERVAL
    relay.stop()
    _report(relay, stdout, reported)


def _report(relay: OutboxRelay, stdout: IO[bytes], reported: tuple[int, int]) -> tuple[int, int]:
    """Write the relay's totals when they changed since `reported`; the totals written."""
    counts = (relay.published_count, relay.error_count)
    if counts != reported:
        try:
            stdout.write(b"%s %d %d\n" % (_COUNTS, *counts))
            stdout.flush()
        except OSError:  # the parent is gone or no longer listening
            return reported
    return counts


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
