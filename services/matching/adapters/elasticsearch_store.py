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
- The match set of a vacancy is replaced with one `_bulk` (per-item errors raise BulkError);
  VacancyMatched/VacancyUnmatched go to the local SQLite outbox after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from google.protobuf import timestamp_pb2

from jobmatch.events.v1 import matching_events_pb2 as events
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.topics import MATCHING
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.bulk import Refresh, bulk_write, delete_op, index_op
from jobmatch.events.v1.privacy_events_pb2 import ClientDataErased
from services.common.bus.topics import PRIVACY
from services.common.search.events import LocalOutbox, OutgoingEvent
from services.common.privacy import EVENT_TYPE_ERASED
from services.common.search.reading import get_source, search_all
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.adapters.sqlite_store import EVENT_MATCHED, EVENT_UNMATCHED
from services.matching.domain.model import FeedbackKind, OpenVacancy, SearchProfile
from services.matching.domain.ranking import ProfileMatch, brute_force_matches
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria, compile_profile, compile_vacancy, evaluate

_ATTEMPTS = 10


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


class ElasticsearchMatchingStore:
    def __init__(self, engine: SearchEngine, prefix: str, outbox: SqliteOutbox, *, refresh: Refresh = True) -> None:
        self._es = engine
        self._refresh = refresh  # for RPC writes that a later search must see
        self._profiles = m.SEARCH_PROFILES.alias(prefix)
        self._vacancies = m.MATCHING_VACANCIES.alias(prefix)
        self._matches = m.VACANCY_MATCHES.alias(prefix)
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

    def _match_set(self, vacancy_id: str) -> dict[str, float]:
        """The clients the vacancy matches now. A vacancy not in the projection (realtime GET)
        has none; otherwise the previous event's match writes are made visible once, then read."""
        if get_source(self._es, self._vacancies, vacancy_id) is None:
            return {}
        self._es.refresh(index=self._matches)
        return {hit["_source"]["client_id"]: hit["_source"]["score"] for hit in search_all(
            self._es, self._matches, m.matches_of_vacancy_query(vacancy_id), m.BY_CLIENT)}

    def apply_vacancy(self, vacancy: OpenVacancy, matches: list[ProfileMatch], now: datetime) -> None:
        before = self._match_set(vacancy.vacancy_id)
        after = {match.client_id: match.score for match in matches}
        ops = index_op(self._vacancies, vacancy.vacancy_id,
                       m.vacancy_document(compile_vacancy(vacancy), vacancy.model_dump(mode="json")))
        for client_id, score in after.items():
            ops += index_op(self._matches, m.match_doc_id(vacancy.vacancy_id, client_id),
                            {"vacancy_id": vacancy.vacancy_id, "client_id": client_id, "score": score})
        for client_id in sorted(set(before) - set(after)):
            ops += delete_op(self._matches, m.match_doc_id(vacancy.vacancy_id, client_id))
        bulk_write(self._es, ops)  # event path: no refresh (see _match_set)
        out = []
        for match in matches:
            change = events.VACANCY_MATCH_CHANGE_UPDATED if match.client_id in before else events.VACANCY_MATCH_CHANGE_ADDED
            out.append(self._matched(match.client_id, vacancy.vacancy_id, match.score, change, now))
        for client_id in sorted(set(before) - set(after)):
            out.append(self._unmatched(client_id, vacancy.vacancy_id, events.VACANCY_UNMATCH_REASON_NO_LONGER_MATCHES, now))
        self._outbox.emit(out)

    def close_vacancy(self, vacancy_id: str, now: datetime) -> bool:
        clients = sorted(self._match_set(vacancy_id))
        # Match rows first: a vacancy gone from the projection has no match set (see _match_set).
        bulk_write(self._es, [op for c in clients for op in delete_op(self._matches, m.match_doc_id(vacancy_id, c))])
        try:
            self._es.delete(index=self._vacancies, id=vacancy_id)
            removed = True
        except NotFound:
            removed = False
        self._outbox.emit([self._unmatched(c, vacancy_id, events.VACANCY_UNMATCH_REASON_CLOSED, now) for c in clients])
        return removed

    @staticmethod
    def _matched(client_id: str, vacancy_id: str, score: float, change: int, now: datetime) -> OutgoingEvent:
        message = events.VacancyMatched(client_id=client_id, vacancy_id=vacancy_id, score=score, change=change,  # type: ignore[arg-type]
                                        matched_at=_timestamp(now))
        return OutgoingEvent(MATCHING, client_id, EVENT_MATCHED, vacancy_id, message)

    @staticmethod
    def _unmatched(client_id: str, vacancy_id: str, reason: int, now: datetime) -> OutgoingEvent:
        message = events.VacancyUnmatched(client_id=client_id, vacancy_id=vacancy_id, reason=reason,  # type: ignore[arg-type]
                                          unmatched_at=_timestamp(now))
        return OutgoingEvent(MATCHING, client_id, EVENT_UNMATCHED, vacancy_id, message)

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

    def add_feedback(self, client_id: str, vacancy_id: str, kind: FeedbackKind, at: datetime) -> None:
        try:
            self._es.index(index=self._feedback, id=m.feedback_doc_id(client_id, vacancy_id, int(kind)), op_type="create",
                           document={"client_id": client_id, "vacancy_id": vacancy_id, "kind": int(kind),
                                     "recorded_at": at.isoformat()}, refresh=self._refresh)
        except Conflict:
            pass  # recorded before: the first time counts

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
