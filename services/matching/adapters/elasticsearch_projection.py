"""The vacancy projection of the matching search store, and how its changes are announced.

Each vacancy event has one commit document (services.common.search.outbox): its single write
makes the change real and carries the events that announce it.
- Opened or changed: the vacancy document, holding the vacancy, the match set the clients have
  been told (`announced`) and the VacancyMatched/VacancyUnmatched events of this change. The
  service layer decides those events against `match_set`, which is read from that same
  document, so a handler run again after a crash (the document already written) decides
  nothing new: the ids are derived from the incoming event, and the events of the first run
  stay pending in the document until settled (`EngineOutbox.embed(already=...)`).
- Closed: the closure tombstone (`matching-closed-vacancies`), holding when it closed and the
  VacancyUnmatched events. From its write on the vacancy has no match set (`match_set`), so a
  rerun decides nothing; removing the vacancy document is derived from the tombstone and done
  again by the rerun or by `finish_closures` (the sweep).
Then `settle` moves the events into the outbox index. The vacancy document is written with the
seq_no read by `match_set` (or create-only), so a state nobody decided against is never
overwritten: a concurrent writer makes the write raise Conflict and the event is handled again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.common.bus.outbox import PendingEvent
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.outbox import EngineOutbox
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.domain.model import OpenVacancy
from services.matching.domain.ranking import ProfileMatch
from services.matching.domain.rules import compile_vacancy


def _raw(engine: SearchEngine, index: str, doc_id: str) -> dict[str, Any] | None:
    """The realtime GET answer (with _seq_no), or None."""
    try:
        return engine.get(index=index, id=doc_id)
    except NotFound:
        return None


def _updated_at(source: dict[str, Any]) -> datetime | None:
    value = source["doc"].get("source_updated_at")
    return datetime.fromisoformat(value) if value else None


def closed_over(updated_at: datetime | None, closure: dict[str, Any] | None) -> bool:
    """A version updated at `updated_at` is no newer than the closure (so it stays closed)."""
    return closure is not None and (updated_at is None or updated_at <= datetime.fromisoformat(closure["closed_at"]))


class VacancyProjection:
    """Mixed into ElasticsearchMatchingStore, which sets these attributes."""

    _es: SearchEngine
    _outbox: EngineOutbox
    _vacancies: str
    _closed: str
    _read: threading.local

    def _remember(self, vacancy_id: str, read: tuple[dict[str, Any] | None, dict[str, Any] | None]) -> None:
        self._read.__dict__.setdefault("seen", {})[vacancy_id] = read

    def _recall(self, vacancy_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None] | None:
        """What `match_set` read of the vacancy on this thread (once): the state its events were decided on."""
        return self._read.__dict__.get("seen", {}).pop(vacancy_id, None)

    def _check_unchanged(self, vacancy_id: str, state: dict[str, Any] | None) -> None:
        """The events were decided on the match set read by `match_set`: the document must still be that one."""
        seen = self._recall(vacancy_id)
        if seen is not None and (seen[0] or {}).get("_seq_no") != (state or {}).get("_seq_no"):
            raise Conflict(f"vacancy {vacancy_id} changed since its match set was read", 409)

    def _current(self, vacancy_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(vacancy document, closure tombstone), both realtime reads."""
        state = _raw(self._es, self._vacancies, vacancy_id)
        closure = _raw(self._es, self._closed, vacancy_id)
        return state, closure["_source"] if closure else None

    def match_set(self, vacancy_id: str) -> dict[str, float]:
        """The match set the clients were told: none for a vacancy closed (tombstone) since its version."""
        state, closure = self._current(vacancy_id)
        self._remember(vacancy_id, (state, closure))
        if state is None or closed_over(_updated_at(state["_source"]), closure):
            return {}
        return dict(state["_source"].get("announced") or {})

    def apply_vacancy(
        self,
        vacancy: OpenVacancy,
        matches: list[ProfileMatch],
        unmatched: Sequence[str],
        events: Sequence[PendingEvent],
    ) -> bool:
        # Written with the seq_no of what the events were decided on (or create-only): a concurrent
        # writer makes this raise Conflict, and the event is handled again on the state that won.
        state, closure = self._recall(vacancy.vacancy_id) or self._current(vacancy.vacancy_id)
        stored = state["_source"] if state else None
        if stored is not None and vacancy.is_older_than(OpenVacancy.model_validate(stored["doc"])):
            return False
        if closed_over(vacancy.source_updated_at, closure):
            return False
        guard: dict[str, Any] = (
            {"op_type": "create"}
            if state is None
            else {"if_seq_no": state["_seq_no"], "if_primary_term": state["_primary_term"]}
        )
        announced = {match.client_id: match.score for match in matches}  # `unmatched` left it
        document = m.vacancy_document(compile_vacancy(vacancy), vacancy.model_dump(mode="json"), announced)
        document = self._outbox.embed(document, events, already=stored)
        self._es.index(index=self._vacancies, id=vacancy.vacancy_id, document=document, **guard)
        if document.get("pending_events"):
            self._outbox.settle(self._vacancies, vacancy.vacancy_id)
        return True

    def close_vacancy(
        self, vacancy_id: str, closed_at: datetime, clients: Sequence[str], events: Sequence[PendingEvent]
    ) -> bool:
        self._check_unchanged(vacancy_id, _raw(self._es, self._vacancies, vacancy_id))
        found = _raw(self._es, self._closed, vacancy_id)
        stored = found["_source"] if found else None
        if stored is not None:  # a later closure stays the one that counts
            closed_at = max(closed_at, datetime.fromisoformat(stored["closed_at"]))
        guard: dict[str, Any] = (
            {"op_type": "create"}
            if found is None
            else {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}
        )
        tombstone = self._outbox.embed(
            {"vacancy_id": vacancy_id, "closed_at": closed_at.isoformat()}, events, already=stored
        )
        self._es.index(index=self._closed, id=vacancy_id, document=tombstone, **guard)
        removed = self._remove_closed(vacancy_id, tombstone)
        if tombstone.get("pending_events"):
            self._outbox.settle(self._closed, vacancy_id)
        return removed

    def _remove_closed(self, vacancy_id: str, closure: dict[str, Any]) -> bool:
        """Derived from the tombstone: the vacancy document goes, unless a later version reopened it."""
        state = _raw(self._es, self._vacancies, vacancy_id)
        if state is None or not closed_over(_updated_at(state["_source"]), closure):
            return False
        # An earlier change whose writer died before settling still has its events in there.
        self._outbox.settle(self._vacancies, vacancy_id)
        try:
            self._es.delete(index=self._vacancies, id=vacancy_id)
        except NotFound:
            return False
        return True

    def finish_closures(self, ids: Sequence[str]) -> int:
        """For the sweep: closures whose writer died before settling; remove, then settle."""
        staged = 0
        for vacancy_id in ids:
            found = _raw(self._es, self._closed, vacancy_id)
            if found is not None and found["_source"].get("pending_events"):
                self._remove_closed(vacancy_id, found["_source"])
                staged += self._outbox.settle(self._closed, vacancy_id)
        return staged
