"""The ingest half of the Elasticsearch VacancyStore: one batch's plan written with `_bulk`.

What was stored gets its change-stream entries (sequence numbers from a counter reserved with
if_seq_no) and its events (local outbox); failed items raise BulkError afterwards. Updates of
existing vacancies are written with the seq_no/primary_term they were read with; on a conflict
(a withdrawal in between) the change is decided again on the fresh document.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from jobmatch.events.v1 import vacancy_events_pb2 as events_pb
from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.bus import topics
from services.common.search.bulk import BulkError, ItemFailure, bulk_write, index_op, item_failures
from services.common.search.counters import Counters
from services.common.search.events import LocalOutbox, OutgoingEvent

from ..domain.ingest import ChangedVacancy, IngestPlan, PreparedItem
from ..domain.model import EXPIRED
from . import elasticsearch_mappings as m
from .elasticsearch_paging import OwnWrites
from .proto_codec import content_to_proto, timestamp

PUBLISHED = "nl.werk.vacancy-published.v1"
UPDATED = "nl.werk.vacancy-updated.v1"
CLOSED = "nl.werk.vacancy-closed.v1"
ATTEMPTS = 5


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def document_of(vacancy_id: str, item: PreparedItem, created: Timestamp, now: Timestamp) -> pb.Vacancy:
    msg = content_to_proto(item.content)
    msg.vacancy_id = vacancy_id
    msg.status = pb.VACANCY_STATUS_OPEN
    msg.created_at.CopyFrom(created)
    msg.updated_at.CopyFrom(now)
    return msg


def proto_of(source: dict[str, Any]) -> pb.Vacancy:
    return pb.Vacancy.FromString(base64.b64decode(source["doc"]))


class IngestWrites:
    """Mixed into ElasticsearchVacancyStore, which provides these attributes and `_mget`."""

    _es: Any
    _vacancies: str
    _sources: str
    _changes: str
    _counters: Counters
    _outbox: LocalOutbox
    _own_writes: OwnWrites

    def _mget(self, index: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def apply_ingest(self, plan: IngestPlan, now: datetime) -> None:
        if plan.is_empty():
            return
        stamp, moment = iso(now), timestamp(now)
        ops: list[dict[str, Any]] = []
        announced: dict[str, tuple[str, str, pb.Vacancy]] = {}  # vacancy_id -> (change, event type, doc)
        if plan.new:
            first = self._counters.reserve(m.POSITION_COUNTER, len(plan.new))
            for offset, new in enumerate(plan.new):
                item, msg = new.item, document_of(new.vacancy_id, new.item, moment, moment)
                ops += index_op(self._vacancies, new.vacancy_id, m.vacancy_document(
                    new.vacancy_id, first + offset, item, True, "", stamp, msg.SerializeToString()))
                # A former link (of a closed vacancy) becomes the source of its own vacancy.
                ops += index_op(self._sources, m.source_doc_id(*item.content.key), m.source_document(
                    *item.content.key, new.vacancy_id, item.content_hash, True))
                announced[new.vacancy_id] = ("published", PUBLISHED, msg)
        for link in plan.links:
            ops += [{"update": {"_index": self._sources, "_id": m.source_doc_id(*link.item.content.key)}},
                    {"doc": {"content_hash": link.item.content_hash},
                     "upsert": m.source_document(*link.item.content.key, link.vacancy_id, link.item.content_hash, False)}]
        failures = self._write(ops)
        failed_ids = {f.id for f in failures}
        announced = {vid: a for vid, a in announced.items() if vid not in failed_ids}
        pending = list(plan.changed)
        for _ in range(ATTEMPTS):
            if not pending:
                break
            pending = self._apply_changes(pending, now, announced, failures)
        if pending:
            failures += [ItemFailure("index", self._vacancies, c.vacancy_id, 409, "kept conflicting") for c in pending]
        self._record(announced, stamp)
        if failures:
            raise BulkError(failures)

    def _write(self, ops: list[dict[str, Any]]) -> list[ItemFailure]:
        if not ops:
            return []
        # No refresh: the event path never waits for one (reads that need these writes refresh).
        try:
            response = self._es.bulk(operations=ops)
        finally:  # even a failed bulk may have stored some items
            self._own_writes.wrote(self._vacancies, self._sources)
        return item_failures(response) if response.get("errors") else []

    def _apply_changes(self, changed: list[ChangedVacancy], now: datetime,
                       announced: dict[str, tuple[str, str, pb.Vacancy]], failures: list[ItemFailure]) -> list[ChangedVacancy]:
        """Write the changes on the stored documents; returns those that met a concurrent write."""
        stored = self._mget(self._vacancies, [c.vacancy_id for c in changed])
        moment = timestamp(now)
        ops: list[dict[str, Any]] = []
        decided: dict[str, tuple[str, str, pb.Vacancy] | None] = {}
        for change in changed:
            raw = stored[change.vacancy_id]
            old = proto_of(raw["_source"])
            msg = document_of(change.vacancy_id, change.item, old.created_at, moment)
            # The stored status decides, not the one seen at look-up: a withdrawal may have come between.
            was_open = old.status == pb.VACANCY_STATUS_OPEN
            reopen = change.reopen and not was_open and old.closed_reason == EXPIRED
            if not (was_open or reopen):
                msg.status, msg.closed_reason = old.status, old.closed_reason
            is_open = msg.status == pb.VACANCY_STATUS_OPEN
            ops += index_op(self._vacancies, change.vacancy_id, m.vacancy_document(
                change.vacancy_id, raw["_source"]["position"], change.item, is_open, msg.closed_reason,
                raw["_source"]["created_at"], msg.SerializeToString()),
                if_seq_no=raw["_seq_no"], if_primary_term=raw["_primary_term"])
            ops += [{"update": {"_index": self._sources, "_id": m.source_doc_id(*change.item.content.key)}},
                    {"doc": {"content_hash": change.item.content_hash}}]
            decided[change.vacancy_id] = (("published", PUBLISHED, msg) if reopen else ("updated", UPDATED, msg)
                                          if was_open else None)
        retry: list[ChangedVacancy] = []
        item_errors = self._write(ops)
        conflicts = {f.id for f in item_errors if f.status == 409 and f.action == "index"}
        failures += [f for f in item_errors if f.id not in conflicts]
        failed = {f.id for f in item_errors}
        for change in changed:
            if change.vacancy_id in conflicts:
                retry.append(change)
            elif change.vacancy_id not in failed and decided[change.vacancy_id] is not None:
                announced[change.vacancy_id] = decided[change.vacancy_id]  # type: ignore[assignment]
        return retry

    def _record(self, announced: dict[str, tuple[str, str, pb.Vacancy]], stamp: str) -> None:
        """Change-stream entries and events for what was stored."""
        if not announced:
            return
        first = self._counters.reserve(m.CHANGE_COUNTER, len(announced))
        ops: list[dict[str, Any]] = []
        events: list[OutgoingEvent] = []
        for offset, (vacancy_id, (change, event_type, msg)) in enumerate(announced.items()):
            ops += index_op(self._changes, str(first + offset), m.change_document(first + offset, vacancy_id, change, stamp))
            wrapper = (events_pb.VacancyPublished if event_type == PUBLISHED else events_pb.VacancyUpdated)(vacancy=msg)
            events.append(OutgoingEvent(topics.VACANCIES, vacancy_id, event_type, vacancy_id, wrapper))
        try:
            bulk_write(self._es, ops)
        finally:
            self._own_writes.wrote(self._changes)
        self._outbox.emit(events)

