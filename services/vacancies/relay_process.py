"""The outbox relay in a process of its own, beside the service process (opt-in).

Ingest's servicer and the relay are both Python: in one process they take turns on one GIL,
so a second core cannot help (bench ingest: ~390 µs CPU per vacancy in the servicer, ~190 in
the relay thread, one after the other). In a child process the relay publishes on the other
core while the servicer stores. The child reads the same SQLite outbox file through its own
connection, exactly as the relay thread does (WAL, busy timeout), so order, acks and the
resend-after-broker-loss logic are the relay's own, unchanged.

What differs from the thread: its outbox gauges live in the child (the service's /metrics
does not show them), and it dies with the process that started it (PDEATHSIG on Linux).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from services.common.bus import kafka_clients
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.settings import Settings

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """SIGKILL this process when the thread that started it ends (Linux; elsewhere best effort)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _run(settings: Settings, db_path: str, source: str, ready: Connection, stop: Any) -> None:
    """The child: relay the outbox until `stop` is set (or the parent goes)."""
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent went before the death signal was armed
        return
    from services.vacancies.bootstrap import tune_garbage_collection

    tune_garbage_collection()
    kafka_clients.configure(settings)
    outbox = SqliteOutbox(Path(db_path), source, settings.outbox_retention_days)
    relay = OutboxRelay.from_settings(outbox, settings)
    relay.start()
    ready.send(True)
    ready.close()
    stop.wait()
    relay.stop()


class RelayProcess:
    """Starts, flushes and stops the relay child; the same `start`/`flush`/`stop` as OutboxRelay."""

    def __init__(self, outbox: SqliteOutbox, settings: Settings) -> None:
        if not settings.kafka_bootstrap_servers:
            raise ValueError("no KAFKA_BOOTSTRAP_SERVERS: nothing to relay to")
        self.outbox = outbox
        self._settings = settings
        # spawn, not fork: the parent runs gRPC and kafka threads, which a fork would copy half-way.
        self._context = multiprocessing.get_context("spawn")
        self._stop = self._context.Event()
        self._process: Any = None

    def start(self, timeout: float = 60.0) -> None:
        ready, child_end = self._context.Pipe(duplex=False)
        self._process = self._context.Process(
            target=_run,
            args=(self._settings, str(self.outbox.db_path), self.outbox.source, child_end, self._stop),
            name=f"outbox-relay-process[{self.outbox.source}]",
            daemon=True,
        )
        self._process.start()
        child_end.close()
        if not ready.poll(timeout):
            self.stop(0)
            raise RuntimeError("the outbox relay process did not start")
        ready.recv()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until no row is pending; True when that happened within `timeout`."""
        deadline = time.monotonic() + timeout
        conn = self.outbox.connect()
        try:
            while self.outbox.pending_count(conn):
                if time.monotonic() >= deadline or not self.is_alive():
                    return False
                time.sleep(0.02)
            return True
        finally:
            conn.close()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the child to stop (it closes its Kafka clients), kill it after `timeout`. Safe twice."""
        process, self._process = self._process, None
        if process is None:
            return
        self._stop.set()
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(5)
