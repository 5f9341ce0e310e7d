"""Which incoming event the running handler is working on, so that the handler's own
transaction can record it as processed (a transactional inbox).

The EventConsumer marks an event processed after its handler returns. A crash between the
handler's commit and that mark would make the handler run again on redelivery, and a handler
that emits events would emit them twice under new ids. So while a handler runs, the outbox
also writes the incoming event's id into `processed_event` inside the same transaction as the
outgoing events and the state change: committed together or not at all. A handler that emits
events must therefore do its work in one transaction (matching's apply_vacancy does).
"""

from __future__ import annotations

import contextvars
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

PROCESSED_TABLE_DDL = """CREATE TABLE IF NOT EXISTS processed_event (
    event_id TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
)"""

_handling: contextvars.ContextVar[str | None] = contextvars.ContextVar("jobmatch_handling_event", default=None)


@contextmanager
def handling(event_id: str) -> Iterator[None]:
    token = _handling.set(event_id)
    try:
        yield
    finally:
        _handling.reset(token)


def mark_handled_in(conn: sqlite3.Connection) -> None:
    """Inside the caller's open transaction: the event being handled counts as processed."""
    event_id = _handling.get()
    if event_id is None:
        return
    conn.execute(
        "INSERT OR IGNORE INTO processed_event (event_id, processed_at) VALUES (?, ?)",
        (event_id, datetime.now(UTC).isoformat()),
    )


def current_event_id() -> str | None:
    """Id of the incoming event whose handler is running (None outside a handler): what a
    handler passes to `derived_event_id` for the events it emits."""
    return _handling.get()
