"""The outbox relay in a process of its own, beside the service process (opt-in).

Ingest's servicer and the relay are both Python: in one process they take turns on one GIL,
so a second core cannot help (bench ingest: ~390 µs CPU per vacancy in the servicer, ~190 in
the relay thread, one after the other). In a child process the relay publishes on the other
core while the servicer stores. The child reads the same SQLite outbox file through its own
connection, exactly as the relay thread does (WAL, busy timeout), so order, acks and the
resend-after-broker-loss logic are the relay's own, unchanged.

The child is `python -m services.vacancies.relay_process`, not a multiprocessing spawn: spawn
imports the parent's __main__ again in the child, which for a service is the service itself.
It gets its settings as a pickle on stdin (secrets stay off the command line), says "ready"
on stdout, and stops when its stdin closes. It dies with the thread that started it
(PDEATHSIG on Linux). Its outbox gauges live in the child: the service's /metrics lacks them.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from services.common.bus import kafka_clients
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.child_process import dying_with_parent
from services.common.settings import Settings

_READY = b"ready\n"
_PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where `services` is importable from


class RelayProcess:
    """Starts, flushes and stops the relay child; the same `start`/`flush`/`stop` as OutboxRelay."""

    def __init__(self, outbox: SqliteOutbox, settings: Settings) -> None:
        if not settings.kafka_bootstrap_servers:
            raise ValueError("no KAFKA_BOOTSTRAP_SERVERS: nothing to relay to")
        self.outbox = outbox
        self._settings = settings
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        }
        process = subprocess.Popen(  # fixed argv, no shell
            dying_with_parent([sys.executable, "-m", "services.vacancies.relay_process"]),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._process = process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(pickle.dumps((self._settings, str(self.outbox.db_path), self.outbox.source)))
        process.stdin.flush()
        answered, _, _ = select.select([process.stdout], [], [], timeout)
        if not answered or process.stdout.readline() != _READY:
            self.stop(0)
            raise RuntimeError("the outbox relay process did not start")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

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
        """Close the child's stdin (it stops its relay and exits), kill it after `timeout`. Safe twice."""
        process, self._process = self._process, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The child: relay the outbox until stdin closes."""
    settings, db_path, source = pickle.load(stdin)  # from our own parent only
    from services.vacancies.bootstrap import tune_garbage_collection

    tune_garbage_collection()
    kafka_clients.configure(settings)
    relay = OutboxRelay.from_settings(SqliteOutbox(Path(db_path), source, settings.outbox_retention_days), settings)
    relay.start()
    stdout.write(_READY)
    stdout.flush()
    stdin.read()  # returns when the parent closes our stdin (or goes)
    relay.stop()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
