"""Consumes CloudEvents from Kafka with dedupe, retries and a dead-letter topic.

Delivery is at-least-once; `SqliteProcessedEvents` (in the consuming service's own DB)
turns that into "the handler succeeds once per event id". Offsets are committed only
after the handler succeeded (or the event went to the dead-letter topic).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .cloudevents import DEAD_LETTER_REASON_HEADER, CloudEvent, InvalidEvent, from_kafka
from .outbox import configure_connection
from .topics import DEAD_LETTER_SUFFIX

log = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent], None]


class SqliteProcessedEvents:
    """Ids of events this consumer already handled (table in the service's own DB)."""

    def __init__(self, db_path: Path, *, retention_days: int = 30) -> None:
        self.db_path = Path(db_path)
        self.retention = timedelta(days=retention_days)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False)
        configure_connection(self._conn)
        self._conn.execute(
            """CREATE TABLE IF NOT EXISTS processed_event (
                   event_id TEXT PRIMARY KEY,
                   processed_at TEXT NOT NULL
               )"""
        )

    def seen(self, event_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM processed_event WHERE event_id = ?", (event_id,)
            ).fetchone()
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


class EventConsumer(threading.Thread):
    def __init__(
        self,
        bootstrap_servers: str,
        topics: Sequence[str],
        group_id: str,
        handler: EventHandler,
        processed: SqliteProcessedEvents,
        *,
        max_attempts: int = 5,
        dead_letter_suffix: str = DEAD_LETTER_SUFFIX,
        session_timeout_ms: int = 6000,
        heartbeat_interval_ms: int = 1000,
        auto_offset_reset: str = "earliest",
        retry_backoff: float = 0.05,
        max_backoff: float = 2.0,
    ) -> None:
        super().__init__(name=f"event-consumer[{group_id}]", daemon=True)
        if max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        self.bootstrap_servers = bootstrap_servers
        self.topics = list(topics)
        self.group_id = group_id
        self.handler = handler
        self.processed = processed
        self.max_attempts = max_attempts
        self.dead_letter_suffix = dead_letter_suffix
        self.session_timeout_ms = session_timeout_ms
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.auto_offset_reset = auto_offset_reset
        self.retry_backoff = retry_backoff
        self.max_backoff = max_backoff
        self._stopping = threading.Event()
        self._assigned = threading.Event()
        self._dead_letter_producer: Any = None
        self.handled_count = 0
        self.dead_lettered_count = 0

    # -- public API ------------------------------------------------------------------
    def wait_until_assigned(self, timeout: float = 30.0) -> bool:
        """For tests: True once the group gave this consumer at least one partition."""
        return self._assigned.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    # -- thread ------------------------------------------------------------------
    def run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            consumer = None
            try:
                consumer = self._new_consumer()
                self._consume(consumer)
                backoff = 0.1
            except Exception as exc:  # broker gone, coordinator lost, ...: start over
                log.warning("event consumer %s restarting in %.1fs: %s: %s",
                            self.group_id, backoff, type(exc).__name__, exc)
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            finally:
                if consumer is not None:
                    _close_quietly(consumer)
        if self._dead_letter_producer is not None:
            _close_quietly(self._dead_letter_producer)

    def _new_consumer(self) -> Any:
        from kafka import KafkaConsumer
        from kafka.consumer.subscription_state import ConsumerRebalanceListener

        outer = self

        class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            def on_partitions_revoked(self, revoked: Any) -> None:
                outer._assigned.clear()

            def on_partitions_assigned(self, assigned: Any) -> None:
                if assigned:
                    outer._assigned.set()

        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            client_id=f"consumer-{self.group_id}",
            enable_auto_commit=False,
            auto_offset_reset=self.auto_offset_reset,
            session_timeout_ms=self.session_timeout_ms,
            heartbeat_interval_ms=self.heartbeat_interval_ms,
            reconnect_backoff_max_ms=1000,
            # Discover topics that (re)appear after a broker restart quickly.
            metadata_max_age_ms=2000,
            fetch_max_wait_ms=200,
        )
        consumer.subscribe(self.topics, listener=_Listener())
        return consumer

    def _consume(self, consumer: Any) -> None:
        from kafka import OffsetAndMetadata

        while not self._stopping.is_set():
            batches = consumer.poll(timeout_ms=200)
            for tp, records in batches.items():
                done_offset: int | None = None
                for record in records:
                    if self._stopping.is_set():
                        break
                    if not self._process(record):
                        # Could not finish (dead-letter send failed): read it again later.
                        consumer.seek(tp, record.offset)
                        break
                    done_offset = record.offset + 1
                if done_offset is not None:
                    self._commit(consumer, {tp: OffsetAndMetadata(done_offset, "", -1)})

    def _commit(self, consumer: Any, offsets: dict[Any, Any]) -> None:
        try:
            consumer.commit(offsets)
        except Exception as exc:  # rebalance/broker restart: dedupe covers the re-read
            log.warning("commit failed for %s: %s", self.group_id, exc)

    def _process(self, record: Any) -> bool:
        """Handle one record; True when it is done with (handled, skipped or dead-lettered)."""
        try:
            event = from_kafka(record.headers, record.value)
        except InvalidEvent as exc:
            return self._dead_letter(record, f"undecodable CloudEvent: {exc.reason}", None)
        if self.processed.seen(event.id):
            return True
        attempt = 0
        while True:
            attempt += 1
            try:
                self.handler(event)
            except Exception as exc:
                if attempt >= self.max_attempts or self._stopping.is_set():
                    if self._stopping.is_set() and attempt < self.max_attempts:
                        return False  # stopping: leave it for the next run
                    reason = f"handler failed {attempt} times: {type(exc).__name__}: {exc}"
                    log.error("event %s (%s) to dead letters: %s", event.id, event.type, reason)
                    return self._dead_letter(record, reason, event.id)
                delay = min(self.retry_backoff * 2 ** (attempt - 1), self.max_backoff)
                log.warning("handler failed for event %s (attempt %d/%d), retrying in %.2fs: %s",
                            event.id, attempt, self.max_attempts, delay, exc)
                self._stopping.wait(delay)
                continue
            self.processed.mark(event.id)
            self.handled_count += 1
            return True

    def _dead_letter(self, record: Any, reason: str, event_id: str | None) -> bool:
        topic = record.topic + self.dead_letter_suffix
        headers = [(k, v) for k, v in (record.headers or []) if k != DEAD_LETTER_REASON_HEADER]
        headers.append((DEAD_LETTER_REASON_HEADER, reason.encode("utf-8")))
        try:
            self._get_dead_letter_producer().send(
                topic, key=record.key, value=record.value, headers=headers
            ).get(timeout=10)
        except Exception as exc:
            log.warning("could not send to %s yet: %s", topic, exc)
            _close_quietly(self._dead_letter_producer)
            self._dead_letter_producer = None
            self._stopping.wait(0.5)
            return False
        if event_id is not None:
            self.processed.mark(event_id)
        self.dead_lettered_count += 1
        return True

    def _get_dead_letter_producer(self) -> Any:
        if self._dead_letter_producer is None:
            from kafka import KafkaProducer

            self._dead_letter_producer = KafkaProducer(
                bootstrap_servers=self.bootstrap_servers,
                client_id=f"dead-letters-{self.group_id}",
                acks="all",
                enable_idempotence=False,
                max_in_flight_requests_per_connection=1,
                request_timeout_ms=3000,
                delivery_timeout_ms=6002,
                max_block_ms=3000,
                reconnect_backoff_max_ms=1000,
            )
        return self._dead_letter_producer


def _close_quietly(client: Any) -> None:
    from kafka import KafkaConsumer

    try:
        if isinstance(client, KafkaConsumer):
            client.close(autocommit=False)
        elif client is not None:
            client.close(timeout=1)
    except Exception:
        log.debug("closing kafka client failed", exc_info=True)


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    """Poll `predicate` until it is true or `timeout` passes (handy in tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
