"""The vacancy projection of the search store for a batch of vacancy events (ports.VacancyBatchStore).

The same commit documents, guards and settling as `elasticsearch_projection`, in fewer
requests: one mget of the vacancy documents and one of the closure tombstones (realtime, as the
single path's GETs), one bulk of the commit documents — each item with the `if_seq_no` of the
document its events were decided on, or create-only — and one settle of those that carry
events (`settle_written`: the bulk's answer gives their seq_no, no read back). Each item of the bulk is atomic on its own, exactly as the single path's write:
a crash before the bulk leaves nothing, after it leaves whole documents with their events
pending for the rerun or the sweep. An item refused for a conflict (another replica wrote that
vacancy since the read) is reported as None and handled again on its own by the caller.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from services.common.search.bulk import BulkError, item_failures
from services.common.search.engine import SearchEngine
from services.common.search.outbox import EngineOutbox
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.adapters.elasticsearch_projection import _updated_at, closed_over
from services.matching.domain.model import OpenVacancy
from services.matching.domain.rules import compile_vacancy
from services.matching.service_layer.ports import VacancyChange, VacancyRead


class VacancyProjectionBatch:
    """Mixed into ElasticsearchMatchingStore, which sets these attributes."""

    _es: SearchEngine
    _outbox: EngineOutbox
    _vacancies: str
    _closed: str
    _read: threading.local

    def read_vacancies(self, vacancy_ids: Sequence[str]) -> list[VacancyRead]:
        """Each vacancy's stored version and told match set (as `get_vacancy` and `match_set`),
        its token the (vacancy document, tombstone) pair its write is guarded by."""
        if not vacancy_ids:
            return []
        states = self._es.mget(index=self._vacancies, ids=list(vacancy_ids))["docs"]
        closures = self._es.mget(index=self._closed, ids=list(vacancy_ids))["docs"]
        reads = []
        for vacancy_id, found, closed in zip(vacancy_ids, states, closures, strict=True):
            state = found if found.get("found") else None
            closure = closed["_source"] if closed.get("found") else None
            stored = OpenVacancy.model_validate(state["_source"]["doc"]) if state else None
            told = (
                {}
                if state is None or closed_over(_updated_at(state["_source"]), closure)
                else dict(state["_source"].get("announced") or {})
            )
            reads.append(VacancyRead(vacancy_id, stored, told, (state, closure)))
        return reads

    def apply_vacancies(self, changes: Sequence[VacancyChange]) -> list[bool | None]:
        outcomes: list[bool | None] = [False] * len(changes)
        ops: list[dict[str, Any]] = []
        written: list[int] = []
        for n, change in enumerate(changes):
            state, closure = change.read.token
            if change.read.stored is not None and change.vacancy.is_older_than(change.read.stored):
                continue
            if closed_over(change.vacancy.source_updated_at, closure):
                continue
            vacancy = change.vacancy
            meta: dict[str, Any] = {"_index": self._vacancies, "_id": vacancy.vacancy_id}
            if state is not None:
                meta.update(if_seq_no=state["_seq_no"], if_primary_term=state["_primary_term"])
            announced = {match.client_id: match.score for match in change.matches}  # `unmatched` left it
            criteria = change.criteria or compile_vacancy(vacancy)
            document = m.vacancy_document(criteria, vacancy.model_dump(mode="json"), announced)
            document = self._outbox.embed(
                document, change.events, already=state["_source"] if state is not None else None
            )
            ops += [{"index" if state is not None else "create": meta}, document]
            written.append(n)
        if not ops:
            return outcomes
        response = self._es.bulk(operations=ops)
        settle: list[tuple[str, list[dict[str, Any]], int, int]] = []
        for n, item, document in zip(written, response["items"], ops[1::2], strict=True):
            ((_, result),) = item.items()
            status = int(result.get("status", 0))
            if status < 300:
                outcomes[n] = True
                if document.get("pending_events"):
                    settle.append(
                        (
                            changes[n].vacancy.vacancy_id,
                            document["pending_events"],
                            result["_seq_no"],
                            result["_primary_term"],
                        )
                    )
            elif status == 409:
                outcomes[n] = None
        self._outbox.settle_written(self._vacancies, settle)
        failures = [failure for failure in item_failures(response) if failure.status != 409]
        if failures:  # written ones are settled; the batch fails and its events are handled again
            raise BulkError(failures)
        return outcomes
