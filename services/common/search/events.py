"""Events of the Elasticsearch stores go through the shared SQLite outbox and relay.

Why: the outbox port (`SqliteOutbox.add(conn, ...)`, read by `OutboxRelay` over SQLite) is
built on a SQLite transaction, and Elasticsearch has no transaction spanning documents. So an
ES store first writes its documents (refresh as the call needs), then stores the events in the
service's local outbox file in one SQLite transaction; the unchanged relay publishes them.
The gap: a crash between the two writes loses those events (the change itself is stored).
Writing the events first would instead announce changes that may never be stored; consumers
can re-derive state from a later event, they cannot take back a false one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from google.protobuf.message import Message

from services.common.bus.outbox import PendingEvent, SqliteOutbox, configure_connection


@dataclass(frozen=True)
class OutgoingEvent:
    topic: str
    key: str
    event_type: str
    subject: str
    message: Message


class LocalOutbox:
    """Adds events to the outbox file in one transaction per call."""

    def __init__(self, outbox: SqliteOutbox) -> None:
        self.outbox = outbox
        self.path: Path = outbox.db_path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        configure_connection(self._conn)
        outbox.create_schema(self._conn)

    def emit(self, events: Sequence[OutgoingEvent]) -> None:
        if not events:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for e in events:
                    self.outbox.add(self._conn, topic=e.topic, key=e.key, event_type=e.event_type,
                                    subject=e.subject, message=e.message)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def emit_pending(self, events: Sequence[PendingEvent]) -> None:
        """Events decided by a service layer (with their derived ids), in one transaction."""
        if not events:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self.outbox.add_many(self._conn, events)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def checkpoint(self) -> None:
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
