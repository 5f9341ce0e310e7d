"""Many outbox events in one statement, for the ingest fast path.

Workaround: the shared `SqliteOutbox.add` writes one event with two statements, which
costs more than storing the vacancy itself. This writes the very same rows (same table,
same gapless per-source sequence, same CloudEvent attributes) with one sequence update and
one executemany per batch, inside the store's transaction. Rows are read and published by
the shared `OutboxRelay` unchanged. To be replaced by an `add_many` on SqliteOutbox.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime

from services.common.bus.cloudevents import PROTOBUF_CONTENT_TYPE, format_time
from services.common.bus.outbox import SqliteOutbox


def varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def wrap_vacancy(serialized_vacancy: bytes) -> bytes:
    """VacancyPublished/VacancyUpdated bytes: field 1 (`vacancy`, length-delimited) = the Vacancy.

    Building the wrapper message would copy and re-serialize the vacancy; its wire form is this.
    """
    return b"\x0a" + varint(len(serialized_vacancy)) + serialized_vacancy


class OutboxBatch:
    def __init__(self, outbox: SqliteOutbox, topic: str) -> None:
        self._outbox = outbox
        self._topic = topic
        self._rows: list[tuple[str, str, str, str, bytes, str]] = []

    def add(self, key: str, event_type: str, data: bytes, schema: str) -> None:
        self._rows.append((key, event_type, key, schema, data, str(uuid.uuid4())))

    def write(self, conn: sqlite3.Connection, now: datetime) -> None:
        """Insert the collected events in the caller's open transaction."""
        if not self._rows:
            return
        if not conn.in_transaction:
            raise RuntimeError("OutboxBatch.write must run inside the caller's transaction")
        count = len(self._rows)
        source = self._outbox.source
        (last,) = conn.execute(
            """INSERT INTO event_outbox_sequence (source, last_sequence) VALUES (?, ?)
               ON CONFLICT (source) DO UPDATE SET last_sequence = last_sequence + excluded.last_sequence
               RETURNING last_sequence""",
            (source, count),
        ).fetchone()
        first = int(last) - count + 1
        stamp = format_time(now)
        conn.executemany(
            """INSERT INTO event_outbox (event_id, source, sequence, topic, message_key,
                   event_type, subject, event_time, data, datacontenttype, dataschema)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [(event_id, source, first + n, self._topic, key, event_type, subject, stamp, data,
              PROTOBUF_CONTENT_TYPE, "proto:" + schema)
             for n, (key, event_type, subject, schema, data, event_id) in enumerate(self._rows)],
        )
        self._rows.clear()
