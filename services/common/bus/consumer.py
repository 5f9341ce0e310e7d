"""Consumes CloudEvents from Kafka with dedupe, retries and a dead-letter topic.

Delivery is at-least-once; a `ProcessedEvents` store (`SqliteProcessedEvents` in the consuming
service's own DB, or the search engine's shared one) turns that into "the handler succeeds once
per event id". Offsets are committed only
after the handler succeeded (or the event went to the dead-letter topic).

A handler with `handle_batch`, on a dedupe store with `seen_many`/`mark_many` (the search
engine's), gets the records of one partition from one poll together, in order: one dedupe
read, one handler call, one mark, then the commit. A batch that fails is handled again one
event at a time (retries and dead letters as always), so handlers stay idempotent per event.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from services.common.observability.consumer import ConsumerObserver

from . import kafka_clients
from .absent_leader import watch_for_absent_leader
from .cloudevents import DEAD_LETTER_REASON_HEADER, CloudEvent, InvalidEvent, from_kafka
from .consumer_watch import BrokerIncarnation, LogReplaced, Stalled, StallWatch
from .group import GroupListener, PartitionOwnership, UncommittedOffsets, finish_joining, request_timeout_ms
from .handling import handling
from .processed import ProcessedEvents, SqliteProcessedEvents
from .topics import DEAD_LETTER_SUFFIX

__all__ = ["EventConsumer", "EventHandler", "ProcessedEvents", "SqliteProcessedEvents"]

log = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent], None]
# A handler may also take the events of one poll together: `handle_batch(events, within)`, where
# `within(event)` is the context (handling id, span) to decide that event's effects in. It must
# be idempotent per event as the single path is: a failed batch is handled again event by event.

PROCESSED_PURGE_INTERVAL = 3600.0  # seconds between clean-ups of old processed ids

# How long the broker may hold a fetch that finds nothing. Kafka answers a held fetch as soon as
# a record arrives; Tansu 0.6 looks again only at 1/2, 3/4, 7/8 ... of the wait (measured with a
# 500 ms wait: records produced 1 ms and 200 ms into it both came back ~250 ms into it, one
# produced at 300 ms at ~375 ms), so the wait bounds the delay of every hop. 50 ms: at most ~25 ms
# per hop, for ~20 empty fetches a second while idle (measured on the loaded dev box: ~5 % of a
# core for the client, ~2 % for Tansu; with 200 ms 1.6 % and 0.6 %).
FETCH_MAX_WAIT_MS = 50


class EventConsumer(threading.Thread):
    """One thread, one KafkaConsumer: decode, dedupe, handle, commit; retries, then DLQ.
    A transient handler error (`is_transient`) pauses the partition until it passes instead.

    It joins the consumer group `group_id` (`subscribe`): the group splits the partitions of
    its topics over the replicas, so N replicas with one group_id each handle a share and
    together every event once. A rebalance listener commits what was processed before a
    partition is given up; `owns(topic, partition)` tells whether this replica owns a partition
    now (single-writer jobs). Join and rebalance take about half `session_timeout_ms` on Tansu;
    a replica that dies without leaving keeps its partitions for one session timeout.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        topics: Sequence[str],
        group_id: str,
        handler: EventHandler,
        processed: ProcessedEvents,
        *,
        max_attempts: int = 5,
        dead_letter_suffix: str = DEAD_LETTER_SUFFIX,
        session_timeout_ms: int = 6000,
        heartbeat_interval_ms: int = 1000,
        max_poll_interval_ms: int = 60_000,
        auto_offset_reset: str = "earliest",
        retry_backoff: float = 0.05,
        max_backoff: float = 2.0,
        stall_timeout: float = 5.0,
        fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS,
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
        self.max_poll_interval_ms = max_poll_interval_ms
        self.auto_offset_reset = auto_offset_reset
        self.retry_backoff = retry_backoff
        self.max_backoff = max_backoff
        self.stall_timeout = stall_timeout
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self._stopping = threading.Event()
        self._ownership = PartitionOwnership(session_timeout_ms / 1000)
        self._uncommitted = UncommittedOffsets()
        self._dead_letter_producer: Any = None
        self._rewind_pending = False
        self._last_purge = float("-inf")
        self.handled_count = 0
        self.observer = ConsumerObserver(group_id)  # metrics and the span per handled event
        self.dead_lettered_count = 0

    # -- public API ------------------------------------------------------------------
    def wait_until_assigned(self, timeout: float = 30.0) -> bool:
        """True once the group has assigned this member at least one partition (waits up to
        `timeout`); False while it owns none, e.g. the other replicas hold them all."""
        return self._ownership.assigned.wait(timeout)

    def owns(self, topic: str, partition: int = 0) -> bool:
        """Whether this replica owns `topic[partition]` now: the group gave it and the group
        coordinator answered within the last session timeout. At most one member of the group
        owns a partition at a time, so "owner of partition 0 runs the sweep" runs it once."""
        return self._ownership.owns(topic, partition)

    def assignment(self) -> set[tuple[str, int]]:
        """(topic, partition) pairs this replica owns now."""
        return self._ownership.owned()

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
                self._purge_processed()
                consumer = self._new_consumer()
                self._consume(consumer)
                backoff = 0.1
            except Stalled as stalled:
                log.warning("consumer %s restarts its Kafka client: %s", self.group_id, stalled)
            except LogReplaced as replaced:
                # A fresh client: the old one keeps fetch state of the lost broker and can
                # stall; the new one starts from the beginning (see _consume).
                log.warning(
                    "broker lost the log of %s: consumer %s starts again from the "
                    "beginning (already processed events are skipped)",
                    sorted(replaced.topics),
                    self.group_id,
                )
                self._rewind_pending = True
                # Its metadata names the lost topics: it would write into nothing.
                _close_quietly(self._dead_letter_producer)
                self._dead_letter_producer = None
            except Exception as exc:  # noqa: BLE001 - broker gone, coordinator lost, ...: start over
                log.warning(
                    "event consumer %s restarting in %.1fs: %s: %s", self.group_id, backoff, type(exc).__name__, exc
                )
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            finally:
                if consumer is not None:
                    finish_joining(consumer, self.session_timeout_ms / 1000)
                    _close_quietly(consumer)  # leaves the group: its partitions move at once
                self._ownership.clear()
        if self._dead_letter_producer is not None:
            _close_quietly(self._dead_letter_producer)

    def _purge_processed(self) -> None:
        if time.monotonic() - self._last_purge < PROCESSED_PURGE_INTERVAL:
            return
        self._last_purge = time.monotonic()
        try:
            forgotten = self.processed.purge()
        except Exception as exc:  # noqa: BLE001 - a shared store that is down: forgetting can wait an hour
            log.warning("consumer %s could not purge processed event ids: %s", self.group_id, exc)
            return
        if forgotten:
            log.info("consumer %s forgot %d processed event ids past retention", self.group_id, forgotten)

    def _new_consumer(self) -> Any:
        return kafka_clients.consumer(
            self.bootstrap_servers,
            group_id=self.group_id,
            client_id=f"consumer-{self.group_id}",
            enable_auto_commit=False,
            session_timeout_ms=self.session_timeout_ms,
            heartbeat_interval_ms=self.heartbeat_interval_ms,
            # Also how long a rebalance waits for members to rejoin; a member that polls less
            # often (a handler stuck that long) is put out of the group.
            max_poll_interval_ms=self.max_poll_interval_ms,
            auto_offset_reset=self.auto_offset_reset,
            reconnect_backoff_max_ms=1000,
            metadata_max_age_ms=2000,  # see (re)created topics and partitions quickly
            fetch_max_wait_ms=self.fetch_max_wait_ms,
            request_timeout_ms=request_timeout_ms(self.session_timeout_ms),
            allow_auto_create_topics=False,  # topics belong to their producers
        )

    def _consume(self, consumer: Any) -> None:
        from kafka import OffsetAndMetadata

        incarnation = BrokerIncarnation()
        # After the broker lost its log, offsets committed before the loss point into a
        # log that no longer exists: this client reads its first partitions from the start.
        from_beginning, self._rewind_pending = self._rewind_pending, False
        self._ownership.follow(consumer)
        watch_for_absent_leader(consumer)  # Tansu can keep a leader that left mid-rebalance
        consumer.subscribe(
            self.topics,
            listener=GroupListener(consumer, self.group_id, self._ownership, self._uncommitted, rewind=from_beginning),
        )
        stall = StallWatch(self.stall_timeout)
        while not self._stopping.is_set():
            replaced = incarnation.replaced_topics(consumer, self.topics)
            if replaced:
                raise LogReplaced(replaced)
            batches = consumer.poll(timeout_ms=200)  # joins, rebalances, fetches
            self.observer.observe_lag(consumer)
            assigned = consumer.assignment()
            if batches or not assigned or not stall.behind(consumer, assigned):
                stall.progress()
            elif stall.stalled():
                self._rewind_pending = from_beginning  # a fresh client, same starting point
                raise Stalled(f"no records for {self.stall_timeout:.0f}s while behind the log end")
            self._purge_processed()
            for tp, records in batches.items():
                done = self._process_batch(records) if self._batches() else self._process_each(records)
                if done < len(records) and not self._stopping.is_set():
                    # Could not finish (dead-letter send failed, a dependency down): read it again later.
                    consumer.seek(tp, records[done].offset)
                if done:
                    self._commit(consumer, {tp: OffsetAndMetadata(records[done - 1].offset + 1, "", -1)})

    def _process_each(self, records: Sequence[Any]) -> int:
        """One record after the other; how many (from the first) are done with."""
        for done, record in enumerate(records):
            if self._stopping.is_set() or not self._process(record):
                return done
        return len(records)

    def _batches(self) -> bool:
        """Whether the handler takes the records of a poll together (`handle_batch`) and the
        processed-event store checks and marks many ids at once."""
        return hasattr(self.handler, "handle_batch") and hasattr(self.processed, "seen_many")

    def _process_batch(self, records: Sequence[Any]) -> int:
        """The records of one partition from one poll, in order: runs of decodable events go to
        the handler's `handle_batch` together (one processed check, one mark); an undecodable
        record goes to dead letters between them. How many (from the first) are done with."""
        done = 0
        while done < len(records) and not self._stopping.is_set():
            run: list[tuple[Any, CloudEvent]] = []
            for record in records[done:]:
                try:
                    run.append((record, from_kafka(record.headers, record.value)))
                except InvalidEvent:
                    break
            if not run:  # an undecodable record: the single path dead-letters it
                if not self._process(records[done]):
                    return done
                done += 1
                continue
            handled = self._process_run(run)
            done += handled
            if handled < len(run):
                return done
        return done

    def _process_run(self, run: list[tuple[Any, CloudEvent]]) -> int:
        """Dedupe, handle and mark decoded records together; how many are done with. A batch
        whose handler fails is handled again one event at a time (retries, dead letters)."""
        processed: Any = self.processed
        try:
            seen = set(processed.seen_many([event.id for _, event in run]))
        except Exception as exc:  # noqa: BLE001 - the dedupe store's errors are sorted by is_transient
            self._pause_if_transient(exc, run[0][1].id)
            return 0
        fresh: list[tuple[Any, CloudEvent]] = []
        for record, event in run:
            if event.id in seen:  # handled before, or earlier in this same batch
                self.observer.count(record.topic, "duplicate")
            else:
                seen.add(event.id)
                fresh.append((record, event))
        if not fresh:
            return len(run)
        topic = {event.id: record.topic for record, event in fresh}
        try:
            with self.observer.handling_batch(run[0][0].topic, len(fresh)):
                self.handler.handle_batch(  # type: ignore[attr-defined]
                    [event for _, event in fresh], lambda event: self._within(event, topic[event.id])
                )
        except Exception as exc:  # noqa: BLE001 - a handler may raise anything; is_transient sorts it
            if is_transient(exc) and not self._stopping.is_set():
                log.warning("a batch of %d events waits, a dependency is unavailable: %s", len(fresh), exc)
                self._stopping.wait(self.max_backoff)
                return 0
            # Idempotent handlers: what the batch did is found done by the single path.
            log.warning(
                "a batch of %d events failed (%s: %s); handling them one at a time", len(fresh), type(exc).__name__, exc
            )
            return self._process_each([record for record, _ in run])
        try:
            processed.mark_many([event.id for _, event in fresh])
        except Exception as exc:  # noqa: BLE001 - the dedupe store's errors are sorted by is_transient
            # Not marked: the redelivery runs the handler again (idempotent on that path).
            self._pause_if_transient(exc, fresh[0][1].id)
            return 0
        self.handled_count += len(fresh)
        return len(run)

    @contextmanager
    def _within(self, event: CloudEvent, topic: str) -> Iterator[None]:
        """What a batch handler runs an event's own decisions in: its id (derived event ids)
        and its span (the trace the events it announces join)."""
        with handling(event.id), self.observer.span(event, topic):
            yield

    def _commit(self, consumer: Any, offsets: dict[Any, Any]) -> None:
        """Commit after the handler; a failed commit is tried again when the partition is
        revoked (rebalance listener), else the next owner re-reads and dedupe skips."""
        for tp, done in offsets.items():
            self._uncommitted.put(tp, done)
        try:
            consumer.commit(offsets)
        except Exception as exc:  # noqa: BLE001 - rebalance/broker restart: dedupe covers the re-read
            log.warning("commit failed for %s: %s", self.group_id, exc)
        else:
            self._uncommitted.committed(offsets)

    def _process(self, record: Any) -> bool:
        """Handle one record; True when it is done with (handled, skipped or dead-lettered)."""
        try:
            event = from_kafka(record.headers, record.value)
        except InvalidEvent as exc:
            return self._dead_letter(record, f"undecodable CloudEvent: {exc.reason}", None)
        try:
            if self.processed.seen(event.id):
                self.observer.count(record.topic, "duplicate")
                return True
        except Exception as exc:  # noqa: BLE001 - the dedupe store's errors are sorted by is_transient
            # The shared dedupe store (search engine) is down: as for a handler, wait, then read again.
            return self._pause_if_transient(exc, event.id)
        attempt = 0
        while True:
            attempt += 1
            try:
                with handling(event.id), self.observer.handling(event, record.topic):
                    self.handler(event)
            except Exception as exc:  # noqa: BLE001 - a handler may raise anything; is_transient sorts it
                if is_transient(exc) and not self._stopping.is_set():
                    # A dependency is down (search engine unreachable or overloaded): not the
                    # event's fault, so no attempt is counted and it never goes to dead letters.
                    # Pause, then read it again (polling in between keeps the group membership).
                    log.warning("event %s waits, a dependency is unavailable: %s", event.id, exc)
                    self._stopping.wait(self.max_backoff)
                    return False
                self.observer.count(record.topic, "failed")
                if attempt >= self.max_attempts or self._stopping.is_set():
                    if self._stopping.is_set() and attempt < self.max_attempts:
                        return False  # stopping: leave it for the next run
                    reason = f"handler failed {attempt} times: {type(exc).__name__}: {exc}"
                    log.error("event %s (%s) to dead letters: %s", event.id, event.type, reason)
                    return self._dead_letter(record, reason, event.id)
                delay = min(self.retry_backoff * 2 ** (attempt - 1), self.max_backoff)
                log.warning(
                    "handler failed for event %s (attempt %d/%d), retrying in %.2fs: %s",
                    event.id,
                    attempt,
                    self.max_attempts,
                    delay,
                    exc,
                )
                self._stopping.wait(delay)
                continue
            try:
                self.processed.mark(event.id)
            except Exception as exc:  # noqa: BLE001 - the dedupe store's errors are sorted by is_transient
                # Not marked: the redelivery runs the handler again (idempotent on that path).
                return self._pause_if_transient(exc, event.id)
            self.handled_count += 1
            return True

    def _pause_if_transient(self, exc: Exception, event_id: str) -> bool:
        """False after a pause when `exc` says "try later"; otherwise re-raise it."""
        if not is_transient(exc):
            raise exc
        log.warning("event %s waits, the processed-event store is unavailable: %s", event_id, exc)
        self._stopping.wait(self.max_backoff)
        return False

    def _dead_letter(self, record: Any, reason: str, event_id: str | None) -> bool:
        topic = record.topic + self.dead_letter_suffix
        headers = [(k, v) for k, v in (record.headers or []) if k != DEAD_LETTER_REASON_HEADER]
        headers.append((DEAD_LETTER_REASON_HEADER, reason.encode("utf-8")))
        try:
            self._get_dead_letter_producer().send(topic, key=record.key, value=record.value, headers=headers).get(
                timeout=10
            )
        except Exception as exc:  # noqa: BLE001 - any send failure: close the producer and try again
            log.warning("could not send to %s yet: %s", topic, exc)
            _close_quietly(self._dead_letter_producer)
            self._dead_letter_producer = None
            self._stopping.wait(0.5)
            return False
        if event_id is not None:
            self.processed.mark(event_id)
        self.dead_lettered_count += 1
        self.observer.count(record.topic, "dead_lettered")
        return True

    def _get_dead_letter_producer(self) -> Any:
        if self._dead_letter_producer is None:
            self._dead_letter_producer = kafka_clients.producer(
                self.bootstrap_servers,
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


def is_transient(error: BaseException) -> bool:
    """Whether a handler error says "try later" (`transient = True` on the exception, e.g. the
    search engine's EngineUnavailable): the consumer pauses instead of counting attempts."""
    return bool(getattr(error, "transient", False))
