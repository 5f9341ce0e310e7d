"""Processed-event ids in the search engine: the dedupe memory every replica of a consumer
group shares (`services.common.bus.processed.ProcessedEvents`).

With N replicas a partition can move from one replica to another (a rebalance, a broker that
lost its log); the new owner must recognise what the old one handled, so the ids cannot stay in
each replica's local SQLite file. One document per (group, event id), id `<group>:<event id>`:
- `mark` creates it (`op_type=create`: a second mark, here or on another replica, is a 409
  that means "already there");
- `seen` is a realtime GET by id, so a mark is visible to the next check at once, on any
  replica, without a refresh; `seen_many` and `mark_many` do the same for a batch of events
  (one mget, one bulk of creates), which the consumer uses with a handler that takes batches;
- `purge` deletes documents of this group older than the retention (every replica may run it:
  deleting by age is idempotent).

Unlike the SQLite transactional inbox, the mark is a separate write after the handler: a crash
in between makes the handler run again on redelivery, which is safe because the search-path
effects are idempotent (derived event ids, version guards on projection writes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from .bulk import BulkError, bulk_write
from .engine import Conflict, NotFound, SearchEngine
from .indices import IndexSpec

PROCESSED_EVENTS_INDEX = IndexSpec(
    name="processed-events",
    version=1,
    mappings={
        "dynamic": "strict",
        "properties": {
            "group": {"type": "keyword"},
            "event_id": {"type": "keyword"},
            "processed_at": {"type": "date"},
        },
    },
    # Small documents looked up by id only: one shard; the refresh interval matters only to purge.
    settings={"number_of_shards": 1, "refresh_interval": "5s"},
)
INDEX_SPECS = (PROCESSED_EVENTS_INDEX,)


class SearchProcessedEvents:
    """Ids of events the consumer group `group` already handled, shared by its replicas."""

    def __init__(self, engine: SearchEngine, prefix: str, group: str, *, retention_days: int = 30) -> None:
        self._engine = engine
        self._alias = PROCESSED_EVENTS_INDEX.alias(prefix)
        self.group = group
        self.retention = timedelta(days=retention_days)

    def _doc_id(self, event_id: str) -> str:
        return f"{self.group}:{event_id}"

    def seen(self, event_id: str) -> bool:
        try:
            found: dict[str, Any] = self._engine.get(index=self._alias, id=self._doc_id(event_id))
        except NotFound:
            return False
        return bool(found.get("found", True))

    def mark(self, event_id: str) -> None:
        document = {"group": self.group, "event_id": event_id, "processed_at": datetime.now(UTC).isoformat()}
        try:
            self._engine.index(index=self._alias, id=self._doc_id(event_id), document=document, op_type="create")
        except Conflict:
            pass  # marked before (a redelivery, or another replica): the first mark stands

    def seen_many(self, event_ids: Sequence[str]) -> set[str]:
        """`seen` for a batch: one realtime mget; the ids among `event_ids` marked before."""
        if not event_ids:
            return set()
        docs = self._engine.mget(index=self._alias, ids=[self._doc_id(e) for e in event_ids])["docs"]
        return {event_id for event_id, doc in zip(event_ids, docs, strict=True) if doc.get("found")}

    def mark_many(self, event_ids: Sequence[str]) -> None:
        """`mark` for a batch: one bulk of creates; an id marked before keeps its first mark."""
        now = datetime.now(UTC).isoformat()
        ops: list[dict[str, Any]] = []
        for event_id in dict.fromkeys(event_ids):
            ops += [
                {"create": {"_index": self._alias, "_id": self._doc_id(event_id)}},
                {"group": self.group, "event_id": event_id, "processed_at": now},
            ]
        try:
            bulk_write(self._engine, ops)
        except BulkError as error:
            if len(error.conflicts) != len(error.failures):
                raise

    def purge(self) -> int:
        """Forget ids of this group older than the retention (keep it longer than the outbox's)."""
        cutoff = (datetime.now(UTC) - self.retention).isoformat()
        query = {"bool": {"filter": [{"term": {"group": self.group}}, {"range": {"processed_at": {"lt": cutoff}}}]}}
        self._engine.refresh(index=self._alias)  # marks since the last refresh are old enough too
        result = self._engine.delete_by_query(index=self._alias, query=query, refresh=True, conflicts="proceed")
        return int(result.get("deleted", 0))

    def close(self) -> None:
        """The engine belongs to the service's store, which closes it."""
