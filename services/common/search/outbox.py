"""The outbox of the search-engine stores: events ride in the commit document, the engine holds them.

Elasticsearch and OpenSearch write one document atomically and nothing more, so:
1. A store operation that announces events writes them INSIDE the one document whose write makes
   the change real (its commit document), in two fields every such index maps (`PENDING_FIELDS`).
   Either both the change and its events are stored, or neither.
2. `settle(index, id)` then copies those events into the shared `<prefix>-outbox` index (document
   id = event id, create-only: an event enters the outbox once, whoever settles it and however
   often) and clears the fields (`if_seq_no`; a conflict leaves them for the next settle).
3. A replica that dies between its write and its settle leaves the events pending in the commit
   document; `sweep` (run by one replica) settles documents pending for longer than a few seconds.
4. One relay across replicas publishes from the outbox index (`OutboxRelay` over this class, the
   same relay as the SQLite path) and marks what the broker acked.

Sequence numbers: every replica stages under its own CloudEvents source (`Settings.source_urn`
adds JOBMATCH_REPLICA_ID), numbering its events when they enter the outbox index, after the
highest number stored for that source. No number is handed out without its event being stored,
so `sequence` is gap-free per source. Hence: one `EngineOutbox` per process, shared by every
adapter of the service, and a replica id unique per running replica.

Nothing about it lives on a replica's disk: a replica can be replaced by a fresh one.
"""

from __future__ import annotations

import base64
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.common.bus.cloudevents import CloudEvent, format_time, parse_time
from services.common.bus.outbox import OutboxEntry, PendingEvent, validate_pending

from .bulk import BulkError, bulk_write
from .engine import Conflict, NotFound, SearchEngine
from .indices import IndexSpec
from .reading import search_all

log = logging.getLogger(__name__)

# Mapping properties of every index whose documents are commit documents.
PENDING_FIELDS: dict[str, Any] = {
    "pending_events": {"type": "object", "enabled": False},
    "pending_since": {"type": "date"},
}

_OUTBOX_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "event_id": {"type": "keyword"},
        "source": {"type": "keyword"},
        "sequence": {"type": "long"},
        "topic": {"type": "keyword"},
        "key": {"type": "keyword"},
        "type": {"type": "keyword"},
        "subject": {"type": "keyword"},
        "time": {"type": "keyword"},
        "data": {"type": "binary"},
        "datacontenttype": {"type": "keyword"},
        "dataschema": {"type": "keyword"},
        "traceparent": {"type": "keyword", "index": False},
        "tracestate": {"type": "keyword", "index": False},
        "staged_at": {"type": "date"},
        "published_at": {"type": "date"},
        "kafka_partition": {"type": "integer"},
        "kafka_offset": {"type": "long"},
        "kafka_cluster_id": {"type": "keyword"},
        # The highest sequence of a source, kept apart so purging old events never restarts it.
        "last_sequence": {"type": "long"},
    },
}


def outbox_index_spec(service: str) -> IndexSpec:
    """Each service has an outbox index of its own: its relay publishes that one only."""
    return IndexSpec(f"{service}-outbox", 1, _OUTBOX_MAPPINGS, {"number_of_shards": 1})


_PENDING_ORDER = [{"staged_at": "asc"}, {"source": "asc"}, {"sequence": "asc"}]
_UNPUBLISHED = {
    "bool": {"filter": [{"exists": {"field": "sequence"}}], "must_not": [{"exists": {"field": "published_at"}}]}
}
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def encode(event: PendingEvent, at: datetime) -> dict[str, Any]:
    """A pending event as stored inside a commit document (it gets its id here if it has none)."""
    return {
        "id": event.event_id or str(uuid.uuid4()),
        "topic": event.topic,
        "key": event.key,
        "type": event.event_type,
        "subject": event.subject,
        "schema": event.schema,
        "data": base64.b64encode(event.data).decode("ascii"),
        "time": format_time(at),
        "traceparent": event.traceparent,
        "tracestate": event.tracestate,
    }


class _NoConnection:
    """The relay opens and closes a 'connection'; the engine client needs none."""

    def close(self) -> None:
        return None


class EngineOutbox:
    def __init__(
        self,
        engine: SearchEngine,
        prefix: str,
        service: str,
        source: str,
        *,
        retention_days: int = 7,
        clock: Clock | None = None,
    ) -> None:
        if not source.startswith("urn:"):
            raise ValueError(f"source must be a URN (urn:nld:oin:<OIN>:systeem:<system>), got {source!r}")
        self._es = engine
        self.index = outbox_index_spec(service).alias(prefix)
        self.source = source
        self.retention = timedelta(days=retention_days)
        self._clock: Clock = clock or _utc_now
        self._lock = threading.Lock()
        self._last_sequence: int | None = None  # loaded on the first stage
        self._on_add: list[Callable[[], None]] = []

    def on_add(self, listener: Callable[[], None]) -> None:
        """Call `listener` (cheap, e.g. `Event.set`) after this process stages events: the
        relay, when it leads on this replica, publishes them at once instead of at its next poll."""
        self._on_add.append(listener)

    # -- store side ----------------------------------------------------------------------
    def embed(
        self, document: dict[str, Any], events: Sequence[PendingEvent], *, already: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """`document` plus `events` (after those still pending in `already`, the stored source the
        caller read and is about to overwrite; an id pending there is not added twice)."""
        for event in events:
            validate_pending(event)
        kept = list((already or {}).get("pending_events") or [])
        known = {item["id"] for item in kept}
        now = self._clock()
        for event in events:
            if event.event_id is None or event.event_id not in known:
                item = encode(event, now)
                kept.append(item)
                known.add(item["id"])
        out = {key: value for key, value in document.items() if key not in PENDING_FIELDS}
        if kept:
            since = (already or {}).get("pending_since") or format_time(now)
            out.update(pending_events=kept, pending_since=since)
        return out

    def settle(self, index: str, doc_id: str) -> int:
        """Move the commit document's pending events into the outbox index; how many were new.
        Call it before deleting a commit document, or its pending events go with it."""
        try:
            found = self._es.get(index=index, id=doc_id)
        except NotFound:
            return 0
        pending = found["_source"].get("pending_events") or []
        if not pending:
            return 0
        staged = self.stage_encoded(pending)
        try:
            self._es.update(
                index=index,
                id=doc_id,
                doc={"pending_events": None, "pending_since": None},
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
            )
        except (Conflict, NotFound):
            pass  # changed meanwhile: whatever is pending now is settled by its writer or the sweep
        return staged

    def settle_many(self, index: str, doc_ids: Sequence[str]) -> int:
        """`settle` for a batch of commit documents of one index (ingest): one read, one stage,
        one bulk of guarded clears, in `doc_ids` order; how many events were new."""
        if not doc_ids:
            return 0
        found = [
            doc
            for doc in self._es.mget(index=index, ids=list(doc_ids))["docs"]
            if doc.get("found") and doc["_source"].get("pending_events")
        ]
        return self.settle_written(
            index,
            [(doc["_id"], doc["_source"]["pending_events"], doc["_seq_no"], doc["_primary_term"]) for doc in found],
        )

    def settle_written(self, index: str, written: Sequence[tuple[str, list[dict[str, Any]], int, int]]) -> int:
        """`settle_many` of commit documents the caller has just written, as (id, their
        `pending_events`, the `_seq_no` and `_primary_term` the write answered): no read back.
        A document written over since (the guard fails) is left to its writer or the sweep."""
        if not written:
            return 0
        staged = self.stage_encoded([item for _, pending, _, _ in written for item in pending])
        ops: list[dict[str, Any]] = []
        for doc_id, _, seq_no, primary_term in written:
            ops += [
                {"update": {"_index": index, "_id": doc_id, "if_seq_no": seq_no, "if_primary_term": primary_term}},
                {"doc": {"pending_events": None, "pending_since": None}},
            ]
        try:
            bulk_write(self._es, ops)
        except BulkError as error:
            if len(error.conflicts) != len(error.failures):
                raise  # a conflict is left for its writer or the sweep, as in `settle`
        return staged

    def stage(self, events: Sequence[PendingEvent]) -> int:
        """Put events straight into the outbox index (for changes that are themselves idempotent
        and decided again on redelivery); how many were new."""
        for event in events:
            validate_pending(event)
        now = self._clock()
        return self.stage_encoded([encode(event, now) for event in events])

    def stage_encoded(self, items: Sequence[dict[str, Any]]) -> int:
        staged = self._stage_encoded(items)
        if staged:
            for listener in self._on_add:
                listener()
        return staged

    def _stage_encoded(self, items: Sequence[dict[str, Any]]) -> int:
        if not items:
            return 0
        with self._lock:
            unique: dict[str, dict[str, Any]] = {}
            for item in items:
                unique.setdefault(item["id"], item)
            found = self._es.mget(index=self.index, ids=list(unique))["docs"]
            fresh = [unique[doc["_id"]] for doc in found if not doc.get("found")]
            if not fresh:
                return 0
            first = self._next_sequence()
            staged_at = format_time(self._clock())
            ops: list[dict[str, Any]] = []
            for n, item in enumerate(fresh):
                ops += [
                    {"create": {"_index": self.index, "_id": item["id"]}},
                    {
                        "event_id": item["id"],
                        "source": self.source,
                        "sequence": first + n,
                        "topic": item["topic"],
                        "key": item["key"],
                        "type": item["type"],
                        "subject": item["subject"],
                        "time": item["time"],
                        "data": item["data"],
                        "datacontenttype": "application/protobuf",
                        "dataschema": "proto:" + item["schema"],
                        "traceparent": item.get("traceparent"),
                        "tracestate": item.get("tracestate"),
                        "staged_at": staged_at,
                    },
                ]
            try:
                bulk_write(self._es, ops)
            except BulkError as error:
                if len(error.conflicts) != len(error.failures):
                    self._last_sequence = None  # unknown what was stored: reload before numbering again
                    raise
                # Another replica staged the same event in the same instant: it counts once, and
                # the numbers after the first conflict are renumbered by the next load.
                log.warning("outbox: %d event(s) staged concurrently elsewhere", len(error.conflicts))
                self._last_sequence = None
                return len(fresh) - len(error.conflicts)
            self._last_sequence = first + len(fresh) - 1
            self._save_last_sequence(self._last_sequence)
            return len(fresh)

    def _next_sequence(self) -> int:
        if self._last_sequence is None:
            self._last_sequence = self._stored_last_sequence()
        return self._last_sequence + 1

    def _counter_id(self) -> str:
        return f"sequence:{self.source}"

    def _stored_last_sequence(self) -> int:
        counter = 0
        try:
            counter = int(self._es.get(index=self.index, id=self._counter_id())["_source"]["last_sequence"])
        except NotFound:
            pass
        self._es.refresh(index=self.index)
        hits = self._es.search(
            index=self.index,
            query={"term": {"source": self.source}},
            sort=[{"sequence": "desc"}],
            size=1,
            source=["sequence"],
        )["hits"]["hits"]
        stored = int(hits[0]["_source"]["sequence"]) if hits else 0
        return max(counter, stored)

    def _save_last_sequence(self, value: int) -> None:
        # Only a floor for after a purge: the stored events are the truth while they are kept.
        self._es.index(index=self.index, id=self._counter_id(), document={"last_sequence": value})

    def sweep(self, indices: Iterable[str], older_than_s: float = 5.0) -> int:
        """Settle commit documents left pending for `older_than_s` (their writer died). One
        replica runs it; running it on two is safe, only wasteful."""
        cutoff = format_time(self._clock() - timedelta(seconds=older_than_s))
        staged = 0
        for index in indices:
            self._es.refresh(index=index)
            query = {"range": {"pending_since": {"lte": cutoff}}}
            for hit in search_all(self._es, index, query, [{"_doc": "asc"}], source=False):
                staged += self.settle(index, hit["_id"])
        return staged

    # -- relay side: the port OutboxRelay reads (see services.common.bus.relay) ----------------
    def connect(self) -> _NoConnection:
        return _NoConnection()

    def pending(self, conn: object, limit: int = 500) -> list[OutboxEntry]:
        """Unpublished events of every source, oldest staged first."""
        self._es.refresh(index=self.index)
        hits = self._es.search(
            index=self.index, query=_UNPUBLISHED, sort=_PENDING_ORDER, size=limit, track_total_hits=False
        )["hits"]["hits"]
        return [_entry(hit["_source"]) for hit in hits]

    def pending_count(self, conn: object) -> int:
        self._es.refresh(index=self.index)
        return self._es.count(index=self.index, query=_UNPUBLISHED)

    def mark_published(self, conn: object, acks: Iterable[tuple[str, int, int]], cluster_id: str | None = None) -> None:
        now = format_time(self._clock())
        ops: list[dict[str, Any]] = []
        for event_id, partition, offset in acks:
            ops += [
                {"update": {"_index": self.index, "_id": event_id}},
                {
                    "doc": {
                        "published_at": now,
                        "kafka_partition": partition,
                        "kafka_offset": offset,
                        "kafka_cluster_id": cluster_id,
                    }
                },
            ]
        bulk_write(self._es, ops)

    def published_topics(self, conn: object) -> set[str]:
        self._es.refresh(index=self.index)
        found = self._es.search(
            index=self.index,
            query={"exists": {"field": "published_at"}},
            size=0,
            aggs={"topics": {"terms": {"field": "topic", "size": 1000}}},
        )
        return {bucket["key"] for bucket in found["aggregations"]["topics"]["buckets"]}

    def acked_high_water(self, conn: object) -> dict[tuple[str, int], int]:
        # Several relays have acked into this index over time; the relay keeps its own from its acks.
        return {}

    def republish_unless_cluster(self, conn: object, cluster_id: str) -> int:
        return self._make_pending_again(
            {
                "bool": {
                    "filter": [{"exists": {"field": "published_at"}}, {"exists": {"field": "kafka_cluster_id"}}],
                    "must_not": [{"term": {"kafka_cluster_id": cluster_id}}],
                }
            }
        )

    def republish_topic(self, conn: object, topic: str) -> int:
        return self._make_pending_again(
            {"bool": {"filter": [{"exists": {"field": "published_at"}}, {"term": {"topic": topic}}]}}
        )

    def _make_pending_again(self, query: dict[str, Any]) -> int:
        self._es.refresh(index=self.index)
        ops: list[dict[str, Any]] = []
        for hit in search_all(self._es, self.index, query, [{"_doc": "asc"}], source=False):
            ops += [
                {"update": {"_index": self.index, "_id": hit["_id"]}},
                {
                    "doc": {
                        "published_at": None,
                        "kafka_partition": None,
                        "kafka_offset": None,
                        "kafka_cluster_id": None,
                    }
                },
            ]
        bulk_write(self._es, ops)
        return len(ops) // 2

    def purge(self, conn: object) -> int:
        cutoff = format_time(self._clock() - self.retention)
        return int(
            self._es.delete_by_query(
                index=self.index, query={"range": {"published_at": {"lt": cutoff}}}, conflicts="proceed"
            )["deleted"]
        )


def _entry(doc: dict[str, Any]) -> OutboxEntry:
    return OutboxEntry(
        topic=doc["topic"],
        key=doc["key"],
        event=CloudEvent(
            id=doc["event_id"],
            source=doc["source"],
            type=doc["type"],
            subject=doc["subject"],
            time=parse_time(doc["time"]),
            sequence=int(doc["sequence"]),
            data=base64.b64decode(doc["data"]),
            datacontenttype=doc["datacontenttype"],
            dataschema=doc.get("dataschema"),
            traceparent=doc.get("traceparent"),
            tracestate=doc.get("tracestate"),
        ),
    )
