"""The Elasticsearch adapter of the matching stores: ProfileStore, VacancyProjectionStore and
FeedStateStore on the indices of `elasticsearch_mappings`.

- Reverse and forward matching: Elasticsearch narrows with one bool filter query; the rules
  (`rules.evaluate`, `ranking.brute_force_matches`) decide and score the candidates, so the
  answer equals the in-memory index's (see the mappings module for why the query is a superset).
- Refresh: writes from an RPC that a later search must see (profiles: a caseworker's
  ListMatchingProfiles and the next vacancy's reverse match; feedback: the client's next feed)
  refresh the shards they touched (`refresh=True`, once per write). Writes from consumed events
  (vacancy projection, match set) never wait for a refresh: what an event reads back by id is a
  realtime GET, and the previous match set of a vacancy that was seen before is searched after
  one explicit refresh of the match index.
- Feed visits race (two devices of one client): the previous visit is read with its seq_no and
  the new one written with `if_seq_no`, retried on a conflict, so each call returns the visit
  it actually replaced.
- The vacancy document is written first, guarded by the seq_no of the version read (or
  create-only), and never over a newer version or a later closure (`matching-closed-vacancies`);
  then the match set with one `_bulk` (per-item errors raise BulkError); then the events the
  service layer decided, with their derived ids, go to the local SQLite outbox.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jobmatch.events.v1.privacy_events_pb2 import ClientDataErased
from services.common.bus.outbox import PendingEvent, SqliteOutbox
from services.common.bus.topics import PRIVACY
from services.common.privacy import EVENT_TYPE_ERASED
from services.common.search.bulk import Refresh, bulk_write, delete_op, index_op
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.events import LocalOutbox, OutgoingEvent
from services.common.search.reading import get_source, search_all
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.domain.model import FeedbackKind, OpenVacancy, SearchProfile
from services.matching.domain.ranking import ProfileMatch, brute_force_matches
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria, compile_profile, compile_vacancy, evaluate

_ATTEMPTS = 10



class ElasticsearchMatchingStore:
    def __init__(self, engine: SearchEngine, prefix: str, outbox: SqliteOutbox, *, refresh: Refresh = True) -> None:
        self._es = engine
        self._refresh = refresh  # for RPC writes that a later search must see
        self._profiles = m.SEARCH_PROFILES.alias(prefix)
        self._vacancies = m.MATCHING_VACANCIES.alias(prefix)
        self._matches = m.VACANCY_MATCHES.alias(prefix)
        self._closed = m.CLOSED_VACANCIES.alias(prefix)
        self._feedback = m.FEEDBACK.alias(prefix)
        self._feed_state = m.FEED_STATE.alias(prefix)
        self._outbox = LocalOutbox(outbox)
        self.path: Path = outbox.db_path  # processed-event ids live next to the outbox

    def close(self) -> None:
        self._outbox.close()

    # -- ProfileStore ----------------------------------------------------------------
    def get_profile(self, client_id: str) -> SearchProfile | None:
        found = get_source(self._es, self._profiles, client_id)
        return SearchProfile.model_validate(found["doc"]) if found else None

    def save_profile(self, profile: SearchProfile) -> None:
        document = m.profile_document(compile_profile(profile), profile.model_dump(mode="json"),
                                      profile.updated_at.isoformat())
        self._es.index(index=self._profiles, id=profile.client_id, document=document, refresh=self._refresh)

    def delete_profile(self, client_id: str) -> bool:
        try:
            self._es.delete(index=self._profiles, id=client_id, refresh=self._refresh)
        except NotFound:
            return False
        return True

    def all_profiles(self) -> Iterator[SearchProfile]:
        for hit in search_all(self._es, self._profiles, {"match_all": {}}, m.BY_CLIENT, source=["doc"]):
            yield SearchProfile.model_validate(hit["_source"]["doc"])

    def profile_count(self) -> int:
        return self._es.count(index=self._profiles, query={"match_all": {}})

    def find_matching(self, vacancy: VacancyCriteria, today: date) -> list[ProfileMatch]:
        query = m.reverse_match_query(vacancy)
        if query is None:
            return []
        candidates = [compile_profile(SearchProfile.model_validate(hit["_source"]["doc"]))
                      for hit in search_all(self._es, self._profiles, query, m.BY_CLIENT, source=["doc"])]
        return brute_force_matches(candidates, vacancy, today)

    # -- VacancyProjectionStore -----------------------------------------------------------
    def get_vacancy(self, vacancy_id: str) -> OpenVacancy | None:
        found = get_source(self._es, self._vacancies, vacancy_id)
        return OpenVacancy.model_validate(found["doc"]) if found else None

    def open_vacancy_count(self) -> int:
        return self._es.count(index=self._vacancies, query={"match_all": {}})

    def matching_vacancies(self, profile: ProfileCriteria) -> list[tuple[VacancyCriteria, RuleMatch]]:
        query = m.forward_match_query(profile)
        if query is None:
            return []
        found = []
        for hit in search_all(self._es, self._vacancies, query, m.BY_VACANCY, source=["doc"]):
            vacancy = compile_vacancy(OpenVacancy.model_validate(hit["_source"]["doc"]))
            match = evaluate(profile, vacancy)
            if match is not None:
                found.append((vacancy, match))
        return found

    def match_set(self, vacancy_id: str) -> dict[str, float]:
        """The clients the vacancy matches now. A vacancy not in the projection (realtime GET)
        has none; otherwise the previous event's match writes are made visible once, then read."""
        if get_source(self._es, self._vacancies, vacancy_id) is None:
            return {}
        self._es.refresh(index=self._matches)
        return {hit["_source"]["client_id"]: hit["_source"]["score"] for hit in search_all(
            self._es, self._matches, m.matches_of_vacancy_query(vacancy_id), m.BY_CLIENT)}

    def _guard(self, vacancy: OpenVacancy) -> dict[str, Any] | None:
        """How to write the vacancy's document so that no newer state is overwritten: the seq_no
        of the version read (or create-only), or None when a newer version or closure is stored."""
        try:
            found = self._es.get(index=self._vacancies, id=vacancy.vacancy_id)
        except NotFound:
            found = None
        if found is not None and vacancy.is_older_than(OpenVacancy.model_validate(found["_source"]["doc"])):
            return None
        closed = get_source(self._es, self._closed, vacancy.vacancy_id)
        if closed is not None and (vacancy.source_updated_at is None
                                   or vacancy.source_updated_at <= datetime.fromisoformat(closed["closed_at"])):
            return None
        if found is None:
            return {"op_type": "create"}
        return {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}

    def apply_vacancy(self, vacancy: OpenVacancy, matches: list[ProfileMatch], unmatched: Sequence[str],
                      events: Sequence[PendingEvent]) -> bool:
        guard = self._guard(vacancy)
        if guard is None:
            return False
        # A concurrent writer of the same vacancy (two replicas during a rebalance) makes this
        # raise Conflict: the event is handled again, against the state that won.
        self._es.index(index=self._vacancies, id=vacancy.vacancy_id,
                       document=m.vacancy_document(compile_vacancy(vacancy), vacancy.model_dump(mode="json")), **guard)
        ops: list[dict[str, Any]] = []
        for match in matches:
            ops += index_op(self._matches, m.match_doc_id(vacancy.vacancy_id, match.client_id),
                            {"vacancy_id": vacancy.vacancy_id, "client_id": match.client_id, "score": match.score})
        for client_id in unmatched:
            ops += delete_op(self._matches, m.match_doc_id(vacancy.vacancy_id, client_id))
        bulk_write(self._es, ops)  # event path: no refresh (see match_set)
        self._outbox.emit_pending(events)
        return True

    def close_vacancy(self, vacancy_id: str, closed_at: datetime, clients: Sequence[str],
                      events: Sequence[PendingEvent]) -> bool:
        # Match rows first: a vacancy gone from the projection has no match set (see match_set).
        bulk_write(self._es, [op for c in clients for op in delete_op(self._matches, m.match_doc_id(vacancy_id, c))])
        self._es.index(index=self._closed, id=vacancy_id, document={"vacancy_id": vacancy_id,
                                                                    "closed_at": closed_at.isoformat()})
        try:
            self._es.delete(index=self._vacancies, id=vacancy_id)
            removed = True
        except NotFound:
            removed = False
        self._outbox.emit_pending(events)
        return removed

    # -- FeedStateStore -------------------------------------------------------------------
    def record_visit(self, client_id: str, at: datetime) -> datetime | None:
        document = {"client_id": client_id, "last_visit_at": at.isoformat()}
        for _ in range(_ATTEMPTS):
            try:
                found = self._es.get(index=self._feed_state, id=client_id)
            except NotFound:
                try:
                    self._es.index(index=self._feed_state, id=client_id, document=document, op_type="create")
                    return None
                except Conflict:
                    continue  # the other device's first visit came first
            try:
                self._es.index(index=self._feed_state, id=client_id, document=document,
                               if_seq_no=found["_seq_no"], if_primary_term=found["_primary_term"])
            except Conflict:
                continue
            return datetime.fromisoformat(found["_source"]["last_visit_at"])
        raise RuntimeError(f"feed visits of {client_id} kept racing")

    def feedback_of(self, client_id: str) -> dict[str, set[FeedbackKind]]:
        found: dict[str, set[FeedbackKind]] = {}
        for hit in search_all(self._es, self._feedback, m.client_query(client_id), m.FEEDBACK_SORT):
            found.setdefault(hit["_source"]["vacancy_id"], set()).add(FeedbackKind(hit["_source"]["kind"]))
        return found

    def add_feedback(self, client_id: str, vacancy_id: str, kind: FeedbackKind, at: datetime,
                     events: Sequence[PendingEvent] = ()) -> bool:
        try:
            self._es.index(index=self._feedback, id=m.feedback_doc_id(client_id, vacancy_id, int(kind)), op_type="create",
                           document={"client_id": client_id, "vacancy_id": vacancy_id, "kind": int(kind),
                                     "recorded_at": at.isoformat()}, refresh=self._refresh)
        except Conflict:
            return False  # recorded before: the first time counts
        if events:
            self._outbox.emit_pending(events)
        return True

    # -- privacy ---------------------------------------------------------------------------
    def erase_client(self, client_id: str, erased: ClientDataErased) -> dict[str, int]:
        """Remove everything about one client (profile, feedback, visits, match rows), then
        announce it with a ClientDataErased event in the local outbox."""
        query = m.client_query(client_id)
        counts = {}
        for name, index in (("search_profile", self._profiles), ("feedback", self._feedback),
                            ("feed_state", self._feed_state), ("vacancy_match", self._matches)):
            counts[name] = int(self._es.delete_by_query(index=index, query=query, refresh=True,
                                                        conflicts="proceed")["deleted"])
        self._outbox.emit([OutgoingEvent(PRIVACY, client_id, EVENT_TYPE_ERASED, f"client/{client_id}", erased)])
        return counts
