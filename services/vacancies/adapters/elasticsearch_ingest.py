"""The ingest half of the Elasticsearch VacancyStore: one batch's plan written with `_bulk`.

Each vacancy document is written with its event and change-stream entry inside it (sequence
numbers reserved from a counter before the write, see `elasticsearch_commit`); afterwards the
entries are written and the events settled for what was stored; failed items raise BulkError
afterwards. Updates of existing vacancies are written with the seq_no/primary_term they were
read with; on a conflict (a withdrawal in between) the change is decided again on the fresh
document.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.search.bulk import BulkError, ItemFailure, index_op, item_failures
from services.common.search.counters import Counters

from ..domain.ingest import ChangedVacancy, IngestPlan, PreparedItem
from ..domain.model import EXPIRED
from . import elasticsearch_mappings as m
from .elasticsearch_commit import CLOSED, PUBLISHED, UPDATED, Announcer, vacancy_event
from .elasticsearch_paging import OwnWrites
from .proto_codec import content_to_proto, timestamp

__all__ = ["ATTEMPTS", "CLOSED", "IngestWrites", "iso", "proto_of"]
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
    _announcer: Announcer
    _own_writes: OwnWrites

    def _mget(self, index: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def apply_ingest(self, plan: IngestPlan, now: datetime) -> None:
        if plan.is_empty():
            return
        stamp, moment = iso(now), timestamp(now)
        ops: list[dict[str, Any]] = []
        if plan.new:
            first = self._counters.reserve(m.POSITION_COUNTER, len(plan.new))
            sequence = self._counters.reserve(m.CHANGE_COUNTER, len(plan.new))
            for offset, new in enumerate(plan.new):
                item, msg = new.item, document_of(new.vacancy_id, new.item, moment, moment)
                serialized = msg.SerializeToString()
                document = m.vacancy_document(new.vacancy_id, first + offset, item, True, "", stamp, serialized)
                ops += index_op(
                    self._vacancies,
                    new.vacancy_id,
                    self._announcer.embed(
                        document, vacancy_event(new.vacancy_id, PUBLISHED, serialized), sequence + offset, stamp, None
                    ),
                )
                # A former link (of a closed vacancy) becomes the source of its own vacancy.
                ops += index_op(
                    self._sources,
                    m.source_doc_id(*item.content.key),
                    m.source_document(*item.content.key, new.vacancy_id, item.content_hash, True),
                )
        for link in plan.links:
            ops += [
                {"update": {"_index": self._sources, "_id": m.source_doc_id(*link.item.content.key)}},
                {
                    "doc": {"content_hash": link.item.content_hash},
                    "upsert": m.source_document(*link.item.content.key, link.vacancy_id, link.item.content_hash, False),
                },
            ]
        failures = self._write(ops)
        failed_ids = {f.id for f in failures}
        written = [new.vacancy_id for new in plan.new if new.vacancy_id not in failed_ids]
        pending = list(plan.changed)
        for _ in range(ATTEMPTS):
            if not pending:
                break
            pending = self._apply_changes(pending, now, written, failures)
        if pending:
            failures += [ItemFailure("index", self._vacancies, c.vacancy_id, 409, "kept conflicting") for c in pending]
        self._announcer.finish(written)
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

    def _apply_changes(
        self, changed: list[ChangedVacancy], now: datetime, written: list[str], failures: list[ItemFailure]
    ) -> list[ChangedVacancy]:
        """Write the changes on the stored documents; returns those that met a concurrent write."""
        stored = self._mget(self._vacancies, [c.vacancy_id for c in changed])
        moment, stamp = timestamp(now), iso(now)
        decided: dict[str, tuple[str | None, pb.Vacancy]] = {}  # id -> (event type or None: not announced, document)
        for change in changed:
            old = proto_of(stored[change.vacancy_id]["_source"])
            msg = document_of(change.vacancy_id, change.item, old.created_at, moment)
            # The stored status decides, not the one seen at look-up: a withdrawal may have come between.
            was_open = old.status == pb.VACANCY_STATUS_OPEN
            reopen = change.reopen and not was_open and old.closed_reason == EXPIRED
            if not (was_open or reopen):
                msg.status, msg.closed_reason = old.status, old.closed_reason
            decided[change.vacancy_id] = (PUBLISHED if reopen else UPDATED if was_open else None, msg)
        announced = sum(1 for event_type, _ in decided.values() if event_type)
        sequence = self._counters.reserve(m.CHANGE_COUNTER, announced) if announced else 0
        ops: list[dict[str, Any]] = []
        for change in changed:
            raw = stored[change.vacancy_id]
            event_type, msg = decided[change.vacancy_id]
            serialized = msg.SerializeToString()
            document = m.vacancy_document(
                change.vacancy_id,
                raw["_source"]["position"],
                change.item,
                msg.status == pb.VACANCY_STATUS_OPEN,
                msg.closed_reason,
                raw["_source"]["created_at"],
                serialized,
            )
            event = vacancy_event(change.vacancy_id, event_type, serialized) if event_type else None
            ops += index_op(
                self._vacancies,
                change.vacancy_id,
                self._announcer.embed(document, event, sequence, stamp, raw["_source"]),
                if_seq_no=raw["_seq_no"],
                if_primary_term=raw["_primary_term"],
            )
            sequence += 1 if event is not None else 0
            ops += [
                {"update": {"_index": self._sources, "_id": m.source_doc_id(*change.item.content.key)}},
                {"doc": {"content_hash": change.item.content_hash}},
            ]
        retry: list[ChangedVacancy] = []
        item_errors = self._write(ops)
        conflicts = {f.id for f in item_errors if f.status == 409 and f.action == "index"}
        failures += [f for f in item_errors if f.id not in conflicts]
        failed = {f.id for f in item_errors}
        for change in changed:
            if change.vacancy_id in conflicts:
                retry.append(change)  # its reserved number stays unused: a gap, never a duplicate
            elif change.vacancy_id not in failed:
                written.append(change.vacancy_id)  # finished afterwards (also what an earlier writer left pending)
        return retry
