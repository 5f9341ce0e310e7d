"""The Elasticsearch `VacancyStore`: vacancies, their sources and the change stream in three
indices (see `elasticsearch_mappings`), search as one request (`elasticsearch_search`).

- Writes go in `_bulk` requests (ingest: `elasticsearch_ingest`) with per-item error handling:
  what was stored gets its change entries and events; failed items raise BulkError afterwards.
  No write waits for a refresh; reads that must see earlier writes (search, the change stream,
  the next batch's fingerprint look-up, expiry, a vacancy's links) refresh the indices this
  store wrote, once (`elasticsearch_paging.OwnWrites`). Look-ups by id are realtime.
- Search pages read one point in time each search (`elasticsearch_paging.search_page`).
- Changing an existing vacancy (update, close, expire) writes with the `if_seq_no`/
  `if_primary_term` read with it; on a conflict (a withdrawal raced an update) the change is
  decided again on the fresh document, as the SQLite adapter decides on the stored status.
- Storage position and change sequence numbers come from counters reserved with if_seq_no.
  With several writers, a reader may see sequence n+1 before n is stored; run ingest on one
  instance (the use case already serialises batches within an instance).
- Events: inside the vacancy document they announce, with its change-stream entry, settled
  into the engine's outbox index afterwards (`elasticsearch_commit`). A document still pending
  (its writer died) is finished by whoever meets it: the retried batch, a second close, the sweep.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from jobmatch.events.v1 import vacancy_events_pb2 as events_pb
from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.search.counters import Counters
from services.common.search.engine import Conflict, SearchEngine
from services.common.search.outbox import EngineOutbox
from services.common.search.reading import search_all

from ..domain.ingest import KnownSource
from ..domain.model import EXPIRED, ChangeType, SourceReference, Vacancy
from ..domain.search import SearchCriteria, SearchPage, SearchPosition
from ..service_layer.ports import VacancyChange
from . import elasticsearch_mappings as m
from .elasticsearch_commit import Announcer, closed_event
from .elasticsearch_ingest import ATTEMPTS, IngestWrites, iso, proto_of
from .elasticsearch_paging import OwnWrites, search_page
from .proto_codec import timestamp, vacancy_from_proto

_MGET_CHUNK = 1000


class ElasticsearchVacancyStore(IngestWrites):
    def __init__(self, engine: SearchEngine, prefix: str, outbox: EngineOutbox) -> None:
        self._es = engine
        self._own_writes = OwnWrites(engine)
        self._vacancies = m.VACANCIES.alias(prefix)
        self._sources = m.VACANCY_SOURCES.alias(prefix)
        self._changes = m.VACANCY_CHANGES.alias(prefix)
        self._counters = Counters(engine, prefix)
        self._outbox = outbox
        self._announcer = Announcer(engine, outbox, self._vacancies, self._changes, self._own_writes)

    # -- look-ups ---------------------------------------------------------------------
    def _mget(self, index: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """id -> the raw get answer (with _source, _seq_no, _primary_term) of the ids that exist."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), _MGET_CHUNK):
            for doc in self._es.mget(index=index, ids=list(ids[start : start + _MGET_CHUNK]))["docs"]:
                if doc.get("found"):
                    found[doc["_id"]] = doc
        return found

    def known_sources(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], KnownSource]:
        sources = [d["_source"] for d in self._mget(self._sources, [m.source_doc_id(*k) for k in keys]).values()]
        states = self._mget(self._vacancies, list({src["vacancy_id"] for src in sources}))
        self._announcer.finish(sorted(states), states)  # a batch retried after its writer died
        found = {}
        for src in sources:
            state = states.get(src["vacancy_id"])
            if state is not None:
                found[(src["source"], src["external_id"])] = KnownSource(
                    src["vacancy_id"],
                    src["content_hash"],
                    src["canonical"],
                    state["_source"]["is_open"],
                    state["_source"]["closed_reason"],
                )
        return found

    def open_by_fingerprint(self, fingerprints: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        self._own_writes.make_visible()  # duplicates of the batch before must be found
        unique = list(dict.fromkeys(fingerprints))
        for start in range(0, len(unique), _MGET_CHUNK):
            query = m.open_by_fingerprint_query(unique[start : start + _MGET_CHUNK])
            for hit in search_all(
                self._es, self._vacancies, query, m.BY_POSITION, source=["fingerprint", "vacancy_id", "source"]
            ):
                src = hit["_source"]
                found.setdefault(src["fingerprint"], []).append((src["vacancy_id"], src["source"]))
        return found

    # -- lifecycle ----------------------------------------------------------------------
    def get(self, vacancy_id: str) -> Vacancy | None:
        found = self._mget(self._vacancies, [vacancy_id])  # realtime: no refresh needed
        if vacancy_id not in found:
            return None
        self._own_writes.make_visible()  # the links are found by a search on the sources
        return self._with_links([found[vacancy_id]["_source"]])[0]

    def _with_links(self, sources: Sequence[dict[str, Any]]) -> list[Vacancy]:
        ids = [src["vacancy_id"] for src in sources]
        links: dict[str, list[SourceReference]] = {}
        for start in range(0, len(ids), _MGET_CHUNK):
            for hit in search_all(
                self._es, self._sources, m.links_query(ids[start : start + _MGET_CHUNK]), m.LINK_SORT
            ):
                link = hit["_source"]
                links.setdefault(link["vacancy_id"], []).append(
                    SourceReference(source=link["source"], external_id=link["external_id"])
                )
        result = []
        for src in sources:
            vacancy = vacancy_from_proto(proto_of(src), src["fingerprint"])
            if src["vacancy_id"] in links:
                vacancy = vacancy.model_copy(update={"linked_sources": tuple(links[src["vacancy_id"]])})
            result.append(vacancy)
        return result

    def _close_one(self, vacancy_id: str, reason: str, now: datetime) -> bool | None:
        """Close if open: True when this call closed it, False when already closed, None when unknown."""
        for _ in range(ATTEMPTS):
            found = self._mget(self._vacancies, [vacancy_id]).get(vacancy_id)
            if found is None:
                return None
            if not found["_source"]["is_open"]:
                self._announcer.finish([vacancy_id], {vacancy_id: found})  # closed by a writer that died?
                return False
            msg = proto_of(found["_source"])
            msg.status, msg.closed_reason = pb.VACANCY_STATUS_CLOSED, reason
            msg.updated_at.CopyFrom(timestamp(now))
            sequence = self._counters.reserve(m.CHANGE_COUNTER, 1)
            event = closed_event(
                events_pb.VacancyClosed(vacancy_id=vacancy_id, reason=reason, closed_at=timestamp(now))
            )
            change = {
                "is_open": False,
                "closed_reason": reason,
                "doc": base64.b64encode(msg.SerializeToString()).decode("ascii"),
            }
            try:
                self._es.update(
                    index=self._vacancies,
                    id=vacancy_id,
                    if_seq_no=found["_seq_no"],
                    if_primary_term=found["_primary_term"],
                    doc=self._announcer.embed(change, event, sequence, iso(now), found["_source"]),
                )
            except Conflict:
                continue  # its number stays unused: a gap in the change stream, never a duplicate
            self._own_writes.wrote(self._vacancies)
            self._announcer.finish([vacancy_id])
            return True
        raise RuntimeError(f"vacancy {vacancy_id} kept changing while closing it")

    def close(self, vacancy_id: str, reason: str, now: datetime) -> Vacancy | None:
        if self._close_one(vacancy_id, reason, now) is None:
            return None
        return self.get(vacancy_id)

    def expire(self, today: str, now: datetime) -> list[str]:
        self._own_writes.make_visible()  # a closing date changed by the last batch counts
        due = [
            hit["_source"]["vacancy_id"]
            for hit in search_all(
                self._es, self._vacancies, m.expired_query(today), m.BY_POSITION, source=["vacancy_id"]
            )
        ]
        return [vacancy_id for vacancy_id in due if self._close_one(vacancy_id, EXPIRED, now)]

    # -- reading ------------------------------------------------------------------------
    def search(self, criteria: SearchCriteria, page_size: int, after: SearchPosition | None) -> SearchPage:
        return search_page(self._es, self._own_writes, self._vacancies, criteria, page_size, after, self._with_links)

    def changes_after(self, sequence: int, limit: int) -> list[VacancyChange]:
        self._own_writes.make_visible()
        rows = [
            hit["_source"]
            for hit in self._es.search(index=self._changes, **m.changes_after_request(sequence, limit))["hits"]["hits"]
        ]
        docs = self._mget(self._vacancies, list({row["vacancy_id"] for row in rows}))
        rows = [row for row in rows if row["vacancy_id"] in docs]
        vacancies = self._with_links([docs[row["vacancy_id"]]["_source"] for row in rows])
        return [
            VacancyChange(
                row["sequence"],
                _change_type(row["change_type"]),
                row["vacancy_id"],
                datetime.fromisoformat(row["changed_at"]),
                vacancy,
            )
            for row, vacancy in zip(rows, vacancies, strict=True)
        ]

    def open_vacancies_after(self, position: int, limit: int) -> list[tuple[int, Vacancy]]:
        self._own_writes.make_visible()
        hits = self._es.search(index=self._vacancies, **m.open_after_request(position, limit))["hits"]["hits"]
        docs = self._mget(self._vacancies, [hit["_source"]["vacancy_id"] for hit in hits])
        sources = [docs[hit["_source"]["vacancy_id"]]["_source"] for hit in hits]
        return [(src["position"], vacancy) for src, vacancy in zip(sources, self._with_links(sources), strict=True)]

    def last_change_sequence(self) -> int:
        self._own_writes.make_visible()
        value = self._es.search(index=self._changes, **m.LAST_CHANGE_REQUEST)["aggregations"]["last"]["value"]
        return int(value or 0)

    def settle_abandoned(self, older_than_s: float = 5.0) -> int:
        """The sweep: finish what writers that died left pending (run by the leading replica)."""
        return self._announcer.settle_abandoned(older_than_s)

    def close_store(self) -> None:
        return None  # the engine belongs to the caller


def _change_type(value: str) -> ChangeType:
    if value not in ("published", "updated", "removed"):
        raise ValueError(f"unknown change type in store: {value!r}")
    return value  # type: ignore[return-value]
