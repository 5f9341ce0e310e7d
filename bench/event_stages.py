"""Where the event-latency benchmark's time goes: wall-clock marks per vacancy along the path.

Marks come from what the path records anyway (the RPC's start and end, each event's
CloudEvents `time` = when its outbox row was written, each Kafka record's CreateTime = when
the relay handed it to its producer, when the bench's reader got it) plus the matching
handler's start and end, taken by wrapping the service's handler. One machine, one clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.report import percentile

# (hop, from mark, to mark), in path order
HOPS = (
    ("rpc_until_vacancy_row_written", "sent", "vacancy_written"),
    ("vacancy_row_until_relay_sends", "vacancy_written", "vacancy_relayed"),
    ("vacancy_relayed_until_handler_starts", "vacancy_relayed", "handler_started"),
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
