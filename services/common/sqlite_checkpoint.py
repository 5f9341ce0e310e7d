"""A database's WAL checkpoints on a thread of their own, away from the requests that write.

SQLite's automatic checkpoint runs inside the commit that crosses its limit: that commit copies
the WAL into the database file and waits for fsyncs, holding whatever lock the writer holds.
In the processing log that added 20-50 ms to caseload calls; in the activities store, every
~1 400th LogActivity waited 65-78 ms for the 82 MB WAL its limit of 20 000 pages allowed (its
four callers with it, behind the store's lock).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

_logger = logging.getLogger("jobmatch.sqlite")


class WalCheckpointer:
    """Checkpoints a database's WAL from a thread with its own connection, after writes, so that
    no writing request copies pages or waits for an fsync (the writer's connection sets
    `PRAGMA wal_autocheckpoint=0` and calls `wrote()` after each commit). What a commit promises
    is unchanged: with synchronous=NORMAL a committed row survives the process dying at any
    moment, and a power loss once a checkpoint has fsynced it, as with SQLite's own checkpoints.

    A PASSIVE checkpoint neither waits for nor blocks the writer. SQLite starts the WAL over
    only after a checkpoint that reached the last commit, which one beside a steady writer never
    does (the WAL grew to 776 MB in 400 caseload calls). So passes repeat while they find new
    frames; one that finds none has reached the end, and one that finds only a few is followed
    by a last pass holding the writer's lock (a few frames: milliseconds). Under writes that
    never pause, the writer is held for a last pass only once the WAL is past `CAP_FRAMES`."""

    CATCH_UP_FRAMES = 128  # ~0.5 MB: copied while holding the writer's lock
    CAP_FRAMES = 65_536  # ~256 MB of WAL at most while writes never pause
    ROUNDS = 8

    def __init__(
        self, path: Path, writer: threading.Lock | threading.RLock, *, name: str, interval: float = 1.0
    ) -> None:
        self._path = path
        self._name = name
        self._writer = writer
        self._interval = interval
        self._written = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def wrote(self) -> None:
        self._written.set()
        if self._thread is None:  # started by the first write: a log nobody writes costs no thread
            with self._start:
                if self._thread is None and not self._stopping.is_set():
                    self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        try:
            while True:
                self._written.wait()
                if self._stopping.is_set():
                    return
                self._written.clear()
                try:
                    self._checkpoint(conn)
                except sqlite3.Error as failed:  # tried again after the next write: the WAL must not grow unchecked
                    _logger.warning("WAL checkpoint failed", extra={"thread": self._name, "error": str(failed)})
                self._stopping.wait(self._interval)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        seen = 0
        for _ in range(self.ROUNDS):
            _, frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            new = frames - seen if frames >= seen else frames  # fewer: the WAL started over
            if new == 0:
                return  # the pass before reached the last commit
            if new <= self.CATCH_UP_FRAMES:
                break
            seen = frames
        else:
            if frames <= self.CAP_FRAMES:
                return  # again after the pause
        with self._writer:  # the last frames: none land after them
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def stop(self) -> None:
        with self._start:
            self._stopping.set()
            self._written.set()
            thread = self._thread
        if thread is not None:
            thread.join()
