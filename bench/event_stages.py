"""Where the event-latency benchmark's time goes: wall-clock marks per vacancy along the path.

Marks come from what the path records anyway (the RPC's start, the vacancy's outbox row: its
CloudEvents `time` = when it was written and `published_at` = when the broker acked it, the
match record's CreateTime = when the relay handed it to its producer, when the bench's reader
got it) plus the matching handler's start and end, taken by wrapping the service's handler.
No extra consumer reads the vacancies topic: it would line the reader's fetches up with the
vacancy events (Tansu answers a held fetch only at fractions of its wait). One machine, one clock.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import percentile
from services.common.bus.cloudevents import parse_time

# (hop, from mark, to mark), in path order
HOPS = (
    ("rpc_until_vacancy_row_written", "sent", "vacancy_written"),
    ("vacancy_row_until_broker_acked", "vacancy_written", "vacancy_acked"),
    ("vacancy_acked_until_handler_starts", "vacancy_acked", "handler_started"),
    ("handler", "handler_started", "handler_done"),
    ("handler_done_until_relay_sends", "handler_done", "match_relayed"),
    ("match_relayed_until_bench_reads_it", "match_relayed", "match_read"),
)


class StageMarks:
    """First time each mark was seen, per vacancy id (thread-safe enough: one writer per mark)."""

    def __init__(self) -> None:
        self.marks: dict[str, dict[str, float]] = defaultdict(dict)

    def mark(self, vacancy_id: str, name: str, at: float) -> None:
        self.marks[vacancy_id].setdefault(name, at)

    def mark_outbox_rows(self, db_path: Path, event_type: str, written: str, acked: str) -> None:
        """Mark when each event of `event_type` in a SQLite outbox was written and acked."""
        with sqlite3.connect(db_path) as conn:
            rows = conn.execute(
                "SELECT subject, event_time, published_at FROM event_outbox WHERE event_type = ?", (event_type,)
            ).fetchall()
        for subject, event_time, published_at in rows:
            self.mark(subject, written, parse_time(event_time).timestamp())
            if published_at:
                self.mark(subject, acked, parse_time(published_at).timestamp())

    def per_hop_ms(self, vacancy_ids: list[str]) -> dict[str, dict[str, float]]:
        """p50, p95 and max of each hop over the vacancies that have both of its marks."""
        summary: dict[str, dict[str, float]] = {}
        for hop, start, end in HOPS:
            spans = [
                (m[end] - m[start]) * 1000 for m in (self.marks[v] for v in vacancy_ids) if start in m and end in m
            ]
            if spans:
                summary[hop] = {
                    "p50": round(percentile(spans, 0.5), 1),
                    "p95": round(percentile(spans, 0.95), 1),
                    "max": round(max(spans), 1),
                }
        return summary


class TimedHandler:
    """The matching service's event handler, marking when each vacancy event's handling
    starts and ends. It offers only the one-event path, which is what the consumer takes on
    the SQLite store this benchmark runs (its processed-event store has no `seen_many`)."""

    def __init__(self, handler: Callable[[Any], None], marks: StageMarks, clock: Callable[[], float]) -> None:
        self._handler = handler
        self._marks = marks
        self._clock = clock

    def __call__(self, event: Any) -> None:
        self._marks.mark(event.subject, "handler_started", self._clock())
        self._handler(event)
        self._marks.mark(event.subject, "handler_done", self._clock())
