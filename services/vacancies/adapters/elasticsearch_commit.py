"""How the vacancies search store announces a change: the vacancy document is its commit document.

One write of the vacancy document (in the ingest `_bulk`, or the update of a close) stores the
change together with its event (VacancyPublished, VacancyUpdated or VacancyClosed, in the
document's pending events, services.common.search.outbox) and its change-stream entry
(`pending_changes`: the entry with a sequence number reserved before the write). Then `finish`
writes the entries (document id = sequence, so writing one again changes nothing) and settles
the events into the outbox index. Whoever meets a document still pending finishes it: the
retried batch (`known_sources`), a close of a closed vacancy, or the sweep (`settle_abandoned`)
for a writer that died. A sequence reserved by a writer that died before its write is a gap in
the change stream, never a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from jobmatch.events.v1 import vacancy_events_pb2 as events_pb
from services.common.bus import topics
from services.common.bus.outbox import PendingEvent
from services.common.search.bulk import bulk_write, index_op
from services.common.search.engine import SearchEngine
from services.common.search.outbox import EngineOutbox
from services.common.search.reading import search_all

from . import elasticsearch_mappings as m
from .elasticsearch_paging import OwnWrites
from .outbox_batch import wrap_vacancy

PUBLISHED = "nl.werk.vacancy-published.v1"
UPDATED = "nl.werk.vacancy-updated.v1"
CLOSED = "nl.werk.vacancy-closed.v1"
_CHANGE_OF = {PUBLISHED: "published", UPDATED: "updated", CLOSED: "removed"}
_SCHEMA_OF = {
    PUBLISHED: events_pb.VacancyPublished.DESCRIPTOR.full_name,
    UPDATED: events_pb.VacancyUpdated.DESCRIPTOR.full_name,
}


def vacancy_event(vacancy_id: str, event_type: str, serialized_vacancy: bytes) -> PendingEvent:
    """VacancyPublished/VacancyUpdated around the stored vacancy bytes."""
    return PendingEvent(
        topics.VACANCIES, vacancy_id, event_type, vacancy_id, wrap_vacancy(serialized_vacancy), _SCHEMA_OF[event_type]
    )


def closed_event(message: events_pb.VacancyClosed) -> PendingEvent:
    return PendingEvent(
        topics.VACANCIES,
        message.vacancy_id,
        CLOSED,
        message.vacancy_id,
        message.SerializeToString(),
        message.DESCRIPTOR.full_name,
    )


class Announcer:
    """Embeds a change into its vacancy document and finishes it afterwards."""

    def __init__(
        self, engine: SearchEngine, outbox: EngineOutbox, vacancies: str, changes: str, own_writes: OwnWrites
    ) -> None:
        self._es = engine
        self._outbox = outbox
        self._vacancies = vacancies
        self._changes = changes
        self._own_writes = own_writes

    def embed(
        self,
        document: dict[str, Any],
        event: PendingEvent | None,
        sequence: int,
        changed_at: str,
        already: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """`document` with `event` and its change entry (numbered `sequence`), after what `already`
        (the stored document it replaces) still has pending; no event: only what is pending."""
        changes = list((already or {}).get("pending_changes") or []) if (already or {}).get("pending_events") else []
        if event is not None:
            changes.append(m.change_document(sequence, event.key, _CHANGE_OF[event.event_type], changed_at))
        out = self._outbox.embed(document, [event] if event is not None else [], already=already)
        if changes:
            out["pending_changes"] = changes
        return out

    def finish(self, vacancy_ids: Sequence[str], stored: dict[str, dict[str, Any]] | None = None) -> int:
        """Change-stream entries, then the events, of the documents still pending; how many events
        were new. `stored`: the documents as just read (id -> get answer), else they are read."""
        if not vacancy_ids:
            return 0
        if stored is None:
            stored = {
                doc["_id"]: doc
                for doc in self._es.mget(index=self._vacancies, ids=list(vacancy_ids))["docs"]
                if doc.get("found")
            }
        pending = [vid for vid in vacancy_ids if vid in stored and stored[vid]["_source"].get("pending_events")]
        if not pending:
            return 0
        ops: list[dict[str, Any]] = []
        for vacancy_id in pending:
            for change in stored[vacancy_id]["_source"].get("pending_changes") or []:
                ops += index_op(self._changes, str(change["sequence"]), change)
        try:
            bulk_write(self._es, ops)
        finally:
            self._own_writes.wrote(self._changes)
        return self._outbox.settle_many(self._vacancies, pending)

    def settle_abandoned(self, older_than_s: float = 5.0) -> int:
        """The sweep (one replica): finish documents left pending for `older_than_s` (their writer died)."""
        cutoff = (datetime.now(UTC) - timedelta(seconds=older_than_s)).isoformat()
        self._es.refresh(index=self._vacancies)
        ids = [
            hit["_id"]
            for hit in search_all(self._es, self._vacancies, m.pending_since_query(cutoff), m.BY_POSITION, source=False)
        ]
        return sum(self.finish(ids[start : start + 500]) for start in range(0, len(ids), 500))
