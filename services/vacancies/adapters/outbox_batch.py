"""The ingest fast path's events: collected per batch and written with one
`SqliteOutbox.add_many` (one sequence update, one executemany), inside the store's
transaction; the event wrapper's wire form is built directly from the stored vacancy bytes."""

from __future__ import annotations

import sqlite3

from services.common.bus.outbox import PendingEvent, SqliteOutbox
from services.common.observability.tracing import current_trace_headers


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
    """Collects a batch's events, then stores them with one `SqliteOutbox.add_many`."""

    def __init__(self, outbox: SqliteOutbox, topic: str) -> None:
        self._outbox = outbox
        self._topic = topic
        self._pending: list[PendingEvent] = []
        # One batch is decided in one span: its trace context is read once, not twice per event.
        self._traceparent, self._tracestate = current_trace_headers()

    def add(self, key: str, event_type: str, data: bytes, schema: str) -> None:
        self._pending.append(
            PendingEvent(
                self._topic,
                key,
                event_type,
                key,
                data,
                schema,
                traceparent=self._traceparent,
                tracestate=self._tracestate,
            )
        )

    def write(self, conn: sqlite3.Connection) -> None:
        """Insert the collected events in the caller's open transaction."""
        self._outbox.add_many(conn, self._pending)
        self._pending.clear()
