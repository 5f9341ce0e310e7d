"""Which events a consumer already handled: dedupe for at-least-once delivery.

The table lives in the consuming service's own SQLite file. Keep its retention longer
than the producers' outbox retention: a relay may resend retained events after a broker
loss, and those must still be recognised.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from .handling import PROCESSED_TABLE_DDL
from .outbox import configure_connection


class ProcessedEvents(Protocol):
    """The port an `EventConsumer` dedupes through: SQLite (this file, per replica) or the
    search engine (services/common/search/processed.py, shared by every replica)."""

    def seen(self, event_id: str) -> bool: ...

    def mark(self, event_id: str) -> None: ...

    def purge(self) -> int: ...

    def close(self) -> None: ...


class SqliteProcessedEvents:
    """Ids of events this consumer already handled (table in the service's own DB)."""

    def __init__(self, db_path: Path, *, retention_days: int = 30) -> None:
        self.db_path = Path(db_path)
        self.retention = timedelta(days=retention_days)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False)
        configure_connection(self._conn)
        # Losing the last few marks on power loss only means handling those events again
        # (delivery is at-least-once anyway); a full fsync per event would cap throughput.
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(PROCESSED_TABLE_DDL)

    def seen(self, event_id: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM processed_event WHERE event_id = ?", (event_id,)).fetchone()
        return row is not None

    def mark(self, event_id: str) -> None:
        now = datetime.now(UTC)
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO processed_event (event_id, processed_at) VALUES (?, ?)",
                (event_id, now.isoformat()),
            )

    def purge(self) -> int:
        """Forget ids older than the retention (keep it longer than the outbox retention)."""
        cutoff = (datetime.now(UTC) - self.retention).isoformat()
        with self._lock:
            cursor = self._conn.execute("DELETE FROM processed_event WHERE processed_at < ?", (cutoff,))
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()
