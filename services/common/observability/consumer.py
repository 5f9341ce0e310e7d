"""What an event consumer reports: events by outcome, handler latency, lag per partition,
and a CONSUMER span per handled event that continues the trace the event carries."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from opentelemetry.trace import SpanKind

from . import tracing
from .metrics import CONSUMER_EVENTS, CONSUMER_HANDLER_DURATION, CONSUMER_LAG

log = logging.getLogger(__name__)


class ConsumerObserver:
    def __init__(self, group: str, lag_interval: float = 1.0) -> None:
        self.group = group
        self._lag_interval = lag_interval
        self._next_lag = 0.0
        self._lag_partitions: set[tuple[str, int]] = set()

    def count(self, topic: str, outcome: str) -> None:
        CONSUMER_EVENTS.labels(self.group, topic, outcome).inc()

    @contextmanager
    def handling(self, event: Any, topic: str) -> Iterator[None]:
        """Around one handler attempt: time and count it when it succeeds, and run it in a
        span whose parent is the event's `traceparent` (a new trace when it carries none)."""
        started = time.perf_counter()
        with self._span(event, topic):
            yield
        CONSUMER_HANDLER_DURATION.labels(self.group, topic).observe(time.perf_counter() - started)
        self.count(topic, "handled")

    @contextmanager
    def handling_batch(self, topic: str, size: int) -> Iterator[None]:
        """Around one attempt of a batch of `size` events: counted as handled when it succeeds,
        each with its share of the time (the events' spans are opened by `span`)."""
        started = time.perf_counter()
        yield
        share = (time.perf_counter() - started) / max(size, 1)
        for _ in range(size):
            CONSUMER_HANDLER_DURATION.labels(self.group, topic).observe(share)
        CONSUMER_EVENTS.labels(self.group, topic, "handled").inc(size)

    def span(self, event: Any, topic: str) -> AbstractContextManager[Any]:
        """The CONSUMER span of one event (its parent the event's `traceparent`)."""
        return self._span(event, topic)

    def _span(self, event: Any, topic: str) -> AbstractContextManager[Any]:
        if not tracing.tracing_enabled():
            return nullcontext()
        return tracing.span_from(
            f"{topic} process",
            SpanKind.CONSUMER,
            tracing.context_from(event.traceparent, event.tracestate),
            {
                "messaging.system": "kafka",
                "messaging.destination.name": topic,
                "messaging.consumer.group.name": self.group,
                "messaging.message.id": event.id,
                "cloudevents.event_type": event.type,
            },
        )

    def observe_lag(self, consumer: Any) -> None:
        """Lag of every owned partition: the broker's high-water mark (as last seen in a fetch
        answer, no extra request) minus this consumer's position. At most once per interval."""
        now = time.monotonic()
        if now < self._next_lag:
            return
        self._next_lag = now + self._lag_interval
        owned: set[tuple[str, int]] = set()
        for tp in consumer.assignment():
            high_water = consumer.highwater(tp)
            if high_water is None:
                continue
            try:
                position = consumer.position(tp, timeout_ms=0)
            except Exception:  # noqa: BLE001 - no position yet (offsets still being fetched): next round
                continue
            if position is None:
                continue
            owned.add((tp.topic, tp.partition))
            CONSUMER_LAG.labels(self.group, tp.topic, str(tp.partition)).set(max(0, high_water - position))
        for topic, partition in self._lag_partitions - owned:
            CONSUMER_LAG.remove(self.group, topic, str(partition))  # another replica reports it now
        self._lag_partitions = owned
