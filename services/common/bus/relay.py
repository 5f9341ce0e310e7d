"""Publishes outbox rows to Kafka, in sequence order, marking them only after the ack.

Fault model: the broker may be down (keep retrying with backoff, lose nothing) or come
back empty (Tansu keeps topics in memory). The relay notices the second case when a
partition's offsets go backwards compared with the offsets it recorded for its retained
rows, and then sends those rows again. Consumers dedupe on the event id, so the
duplicates this causes are harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from services.common.observability.metrics import OutboxGauges
from services.common.settings import Settings

from . import kafka_clients
from .cloudevents import to_kafka
from .outbox import OutboxEntry, PendingRecord
from .publisher import BatchPublisher, ProducerPublisher, Publisher

log = logging.getLogger(__name__)


class Connection(Protocol):
    def close(self) -> None: ...


class RelaySource(Protocol):
    """What the relay reads and marks: the SQLite outbox (one per process) or the engine's
    (services.common.search.outbox, shared by the replicas).

    A source may also offer `on_add(listener)` (called when this process adds rows) and
    `wait_for_writers(conn)` (returns once an open adding transaction has ended): the relay
    then publishes rows this process adds at once, and polls only for the rest. And (the
    SQLite outbox) `pending_records(conn, limit)`: pending() as (event id, sequence, Kafka
    record), without CloudEvent objects, and `mark_published_runs(conn, runs, cluster_id)`:
    acks as runs of consecutive sequences at consecutive offsets of one partition."""

    source: str

    def connect(self) -> Any: ...
    def pending(self, conn: Any, limit: int = 500) -> list[OutboxEntry]: ...
    def pending_count(self, conn: Any) -> int: ...
    def mark_published(
        self, conn: Any, acks: Iterable[tuple[str, int, int]], cluster_id: str | None = None
    ) -> None: ...
    def published_topics(self, conn: Any) -> set[str]: ...
    def republish_unless_cluster(self, conn: Any, cluster_id: str) -> int: ...
    def acked_high_water(self, conn: Any) -> dict[tuple[str, int], int]: ...
    def republish_topic(self, conn: Any, topic: str) -> int: ...
    def purge(self, conn: Any) -> int: ...


class OutboxRelay(threading.Thread):
    def __init__(
        self,
        outbox: RelaySource,
        bootstrap_servers: str,
        *,
        leads: Callable[[], bool] | None = None,
        poll_interval: float = 0.05,
        batch_size: int = 500,
        check_interval: float = 1.0,
        purge_interval: float = 600.0,
        max_backoff: float = 2.0,
        request_timeout_ms: int = 3000,
        linger_ms: int = 20,
        producer_batch_bytes: int = 256 * 1024,
        idempotent: bool = False,
    ) -> None:
        super().__init__(name=f"outbox-relay[{outbox.source}]", daemon=True)
        self.outbox = outbox
        # With a shared (engine) outbox one relay publishes for all replicas: the one leading.
        self.leads = leads
        self.bootstrap_servers = bootstrap_servers
        self.poll_interval = poll_interval
        self.batch_size = batch_size
        self.check_interval = check_interval
        self.purge_interval = purge_interval
        self.max_backoff = max_backoff
        self.request_timeout_ms = request_timeout_ms
        self.linger_ms = linger_ms
        self.idempotent = idempotent
        self.producer_batch_bytes = producer_batch_bytes
        self._stopping = threading.Event()
        # Set when this process adds outbox rows (or on stop): ends the wait between polls.
        self._added = threading.Event()
        subscribe = getattr(outbox, "on_add", None)
        if subscribe is not None:
            subscribe(self._added.set)
        self._publisher: Publisher | None = None
        self._admin: Any = None
        self._needs_check = True  # at start the broker may have lost what we sent before
        self._last_check = 0.0
        self._last_purge = 0.0
        self._cluster_id: str | None = None  # incarnation seen at the last check
        self._reconciled_cluster_id: str | None = None  # rows of other incarnations re-queued
        # Highest acked offset per (topic, partition), loaded once and kept from the acks.
        self._high_water: dict[tuple[str, int], int] | None = None
        self.published_count = 0
        self.republished_count = 0
        self.error_count = 0  # failed rounds; the relay process reports these and published_count
        self.gauges = OutboxGauges(outbox.source)  # backlog, oldest age, published, errors

    @classmethod
    def from_settings(
        cls, outbox: RelaySource, settings: Settings, *, leads: Callable[[], bool] | None = None
    ) -> OutboxRelay:
        if not settings.kafka_bootstrap_servers:
            raise ValueError("no KAFKA_BOOTSTRAP_SERVERS: nothing to relay to")
        return cls(outbox, settings.kafka_bootstrap_servers, idempotent=settings.kafka_idempotent_producer, leads=leads)

    # -- public API ------------------------------------------------------------------
    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until no row is pending; True when that happened within `timeout`."""
        deadline = time.monotonic() + timeout
        conn = self.outbox.connect()
        try:
            while True:
                if self.outbox.pending_count(conn) == 0:
                    return True
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)
        finally:
            conn.close()

    def wake(self) -> None:
        """Rows were added where `on_add` cannot tell (another process's outbox object): read
        now rather than at the next poll."""
        self._added.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and close the Kafka clients. Safe to call twice."""
        self._stopping.set()
        self._added.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    # -- thread ------------------------------------------------------------------
    def run(self) -> None:
        conn = self.outbox.connect()
        backoff = 0.1
        try:
            while not self._stopping.is_set():
                try:
                    # Cleared before reading, and only when set: a row added from here on
                    # either is read by this cycle (which waits for open writers) or sets
                    # the flag again for the next.
                    added = self._added.is_set()
                    if added:
                        self._added.clear()
                    sent = self._cycle(conn, added)
                    backoff = 0.1
                    if sent == 0:  # the poll stays, for rows other processes (or replicas) add
                        self._added.wait(self.poll_interval)
                except Exception as exc:  # noqa: BLE001 - broker down, timeouts, busy DB: retry later
                    self.error_count += 1
                    self.gauges.errors.inc()
                    log.warning(
                        "outbox relay cannot publish yet, retrying in %.1fs: %s: %s",
                        backoff,
                        type(exc).__name__,
                        exc,
                    )
                    self._reset_clients()
                    self._needs_check = True
                    self._stopping.wait(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
        finally:
            self._reset_clients()
            conn.close()

    def _cycle(self, conn: Any, added: bool = False) -> int:
        """One round; `added`: woken because this process added rows, perhaps not committed yet."""
        self.gauges.observe(self.outbox, conn)  # first: it must go on while the broker is down
        if self.leads is not None and not self.leads():
            self._high_water = None  # another relay acks meanwhile: our offsets go stale
            return 0
        now = time.monotonic()
        if now - self._last_purge >= self.purge_interval:
            purged = self.outbox.purge(conn)
            self._last_purge = now
            if purged:
                log.info("outbox purged %d published events past retention", purged)
        if self._needs_check or now - self._last_check >= self.check_interval:
            self._resend_what_the_broker_lost(conn)
            self._needs_check = False
            self._last_check = time.monotonic()
        entries = self._pending(conn)
        wait_for_writers = getattr(self.outbox, "wait_for_writers", None)
        if not entries and added and wait_for_writers is not None:
            # Woken from inside the adding transaction and read before its commit.
            wait_for_writers(conn)
            entries = self._pending(conn)
        if not entries:
            return 0
        return self._publish(conn, entries)

    def _pending(self, conn: Any) -> list[PendingRecord]:
        read_records = getattr(self.outbox, "pending_records", None)
        if read_records is not None:
            records: list[PendingRecord] = read_records(conn, self.batch_size)
            return records
        return [_record_of(entry) for entry in self.outbox.pending(conn, self.batch_size)]

    def _publish(self, conn: Any, entries: list[PendingRecord]) -> int:
        publisher = self._get_publisher()
        if self._high_water is None:
            self._high_water = self.outbox.acked_high_water(conn)
        high_water = self._high_water
        acked, failure = publisher.send([record for _, _, record in entries])
        acks: list[tuple[str, int, int]] = []
        runs: list[list[int]] = []  # [first sequence, last sequence, partition, first offset]
        lost_topics: set[str] = set()
        for (event_id, sequence, record), (partition, offset) in zip(entries, acked, strict=False):
            acks.append((event_id, partition, offset))
            run = runs[-1] if runs else None
            if run and run[1] + 1 == sequence and run[2] == partition and run[3] + sequence - run[0] == offset:
                run[1] = sequence
            else:
                runs.append([sequence, sequence, partition, offset])
            key = (record[0], partition)
            if high_water.get(key, -1) >= offset:
                lost_topics.add(record[0])  # offsets went backwards: a new, empty broker
            high_water[key] = offset
        if acks:
            mark_runs = getattr(self.outbox, "mark_published_runs", None)
            if mark_runs is not None:
                mark_runs(conn, runs, self._cluster_id)
            else:
                self.outbox.mark_published(conn, acks, self._cluster_id)
            self.published_count += len(acks)
            self.gauges.published.inc(len(acks))
        for topic in sorted(lost_topics):
            self._republish(conn, topic, "acked offset went backwards")
        if lost_topics:
            self._reset_clients()
        if failure is not None:
            raise failure
        return len(acks)

    def _resend_what_the_broker_lost(self, conn: Any) -> None:
        """Resend retained events a new, empty broker incarnation does not have.

        Signals: the cluster id changed since the ack (EmbeddedBroker gives each start its
        own id), or a topic we published to is gone. Tansu's ListOffsets reports the base
        offset of the last batch rather than the log end, so end offsets are not used.
        """
        admin = self._get_admin()
        cluster_id = admin.describe_cluster().get("cluster_id")
        stale_clients = self._cluster_id is not None and cluster_id != self._cluster_id
        self._cluster_id = cluster_id
        # Rows acked by another incarnation can only exist when the id is new to us: the
        # UPDATE scans retained rows, so it runs once per incarnation, not every second.
        if cluster_id and cluster_id != self._reconciled_cluster_id:
            self._reconciled_cluster_id = cluster_id
            self._high_water = None
            count = self.outbox.republish_unless_cluster(conn, cluster_id)
            if count:
                stale_clients = True
                self.republished_count += count
                log.warning(
                    "broker is a new incarnation (cluster %s): sending %d retained events again",
                    cluster_id,
                    count,
                )
        published = self.outbox.published_topics(conn)
        if published:
            existing = set(admin.list_topics())
            for topic in sorted(published - existing):
                stale_clients = True
                self._republish(conn, topic, "topic is missing on the broker")
        if stale_clients:
            self._reset_clients()

    def _republish(self, conn: Any, topic: str, why: str) -> None:
        self._high_water = None
        """Send the topic's retained events again. Callers then drop the Kafka clients:
        a producer that still has the lost topic's metadata (topic id) writes into
        nothing on the new broker, yet gets acks."""
        count = self.outbox.republish_topic(conn, topic)
        self.republished_count += count
        log.warning("broker lost events of %s (%s): sending %d retained events again", topic, why, count)

    # -- Kafka clients -------------------------------------------------------------------
    def _get_publisher(self) -> Publisher:
        if self._publisher is None:
            client_id = f"outbox-relay-{self.outbox.source.split(':systeem:')[-1].replace(':', '.')}"
            if self.idempotent:
                # Producer ids, epochs and sequence numbers stay KafkaProducer's (publisher.py).
                self._publisher = ProducerPublisher(self._producer(client_id), self.request_timeout_ms * 3 / 1000)
            else:
                self._publisher = BatchPublisher(
                    self.bootstrap_servers, client_id=client_id, request_timeout_ms=self.request_timeout_ms
                )
        return self._publisher

    def _producer(self, client_id: str) -> Any:
        return kafka_clients.producer(
            self.bootstrap_servers,
            client_id=client_id,
            acks="all",
            retries=3,
            # On a real Kafka cluster switch idempotence on (KAFKA_IDEMPOTENT_PRODUCER=1).
            # Tansu loses producer ids on restart (UnknownProducerId), so the embedded
            # broker runs without; consumers dedupe on the event id either way.
            enable_idempotence=self.idempotent,
            max_in_flight_requests_per_connection=1,  # retries must not reorder
            # Each cycle ends in flush(), which sends at once whatever linger would hold, so a
            # longer linger costs no latency; 2 ms woke the sender for part-filled requests
            # while a cycle's sends were still coming: ~70 us CPU per event more (bench ingest).
            linger_ms=self.linger_ms,
            # Records travel in batches: one record per request capped the relay at
            # ~1k events/s. Tansu 0.6 answers ListOffsets(latest) with the base offset of
            # the last batch + 1, so readers must not treat end_offsets() as exact (the
            # relay itself does not use them).
            batch_size=self.producer_batch_bytes,
            request_timeout_ms=self.request_timeout_ms,
            delivery_timeout_ms=self.request_timeout_ms * 2 + 2,
            max_block_ms=self.request_timeout_ms,
            reconnect_backoff_max_ms=1000,
        )

    def _get_admin(self) -> Any:
        if self._admin is None:
            self._admin = kafka_clients.admin(
                self.bootstrap_servers,
                client_id="outbox-relay-check",
                request_timeout_ms=self.request_timeout_ms,
                reconnect_backoff_max_ms=1000,
            )
        return self._admin

    def _reset_clients(self) -> None:
        publisher, self._publisher = self._publisher, None
        admin, self._admin = self._admin, None
        for client in (publisher, admin):
            if client is None:
                continue
            try:
                client.close()
            except Exception:  # closing a client of a dead broker may fail; we drop it anyway
                log.debug("closing kafka client failed", exc_info=True)


def _record_of(entry: OutboxEntry) -> PendingRecord:
    headers, value = to_kafka(entry.event)
    return entry.event.id, entry.event.sequence, (entry.topic, entry.key.encode(), value, headers)
