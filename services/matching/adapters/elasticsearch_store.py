"""The Elasticsearch adapter of the matching stores: ProfileStore, VacancyProjectionStore and
FeedStateStore on the indices of `elasticsearch_mappings`.

- Reverse and forward matching: Elasticsearch narrows with one bool filter query; the rules
  (`rules.evaluate`, `ranking.brute_force_matches`) decide and score the candidates, so the
  answer equals the in-memory index's (see the mappings module for why the query is a superset).
- Refresh: writes from an RPC that a later search must see (profiles: a caseworker's
  ListMatchingProfiles and the next vacancy's reverse match; feedback: the client's next feed)
  refresh the shards they touched (`refresh=True`, once per write). Writes from consumed events
  (the vacancy projection with its match set) never wait for a refresh: what an event reads
  back, the vacancy with the match set it announced, is a realtime GET by id.
- Feed visits race (two devices of one client): the previous visit is read with its seq_no and
  the new one written with `if_seq_no`, retried on a conflict, so each call returns the visit
  it actually replaced.
- Events ride in their commit document and are settled into the engine's outbox index
  (services.common.search.outbox): the vacancy projection in `elasticsearch_projection`; "I
  applied" in the feedback document; an erasure in its `matching-erasures` record. What else an
  operation writes is derived from the commit document and written again by a rerun or by
  `settle_abandoned`, the sweep one replica runs for writers that died before settling.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from jobmatch.events.v1.privacy_events_pb2 import ClientDataErased
from services.common.bus.outbox import PendingEvent
from services.common.bus.topics import PRIVACY
from services.common.privacy import EVENT_TYPE_ERASED
from services.common.search.bulk import Refresh
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.outbox import EngineOutbox
from services.common.search.reading import PAGE_SIZE, get_source, search_all
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.adapters.elasticsearch_projection import VacancyProjection
from services.matching.adapters.elasticsearch_projection_batch import VacancyProjectionBatch
from services.matching.domain.model import FeedbackKind, OpenVacancy, SearchProfile
from services.matching.domain.ranking import ProfileMatch, brute_force_matches
from services.matching.domain.rules import (
    ProfileCriteria,
    RuleMatch,
    VacancyCriteria,
    compile_profile,
    compile_vacancy,
    evaluate,
)

_ATTEMPTS = 10
# A batch's reverse matches read the candidates of all its vacancies at once while there are at
# most this many per vacancy (see find_matching_many).
SHARED_CANDIDATES = 4


class CandidatesByKey:
    """Profiles by the occupation keys they accept: a vacancy's candidates are those wanting
    one of its keys (the others fail the occupation rule anyway)."""

    def __init__(self, profiles: list[ProfileCriteria]) -> None:
        self._by_key: dict[Any, list[ProfileCriteria]] = {}
        for profile in profiles:
            for key in profile.keys:
                self._by_key.setdefault(key, []).append(profile)

    def of(self, keys: Any) -> list[ProfileCriteria]:
        found = {id(p): p for key in keys for p in self._by_key.get(key, ())}
        return list(found.values())


class ElasticsearchMatchingStore(VacancyProjection, VacancyProjectionBatch):
    def __init__(self, engine: SearchEngine, prefix: str, outbox: EngineOutbox, *, refresh: Refresh = True) -> None:
        self._es = engine
        self._refresh = refresh  # for RPC writes that a later search must see
        self._profiles = m.SEARCH_PROFILES.alias(prefix)
        self._vacancies = m.MATCHING_VACANCIES.alias(prefix)
        self._closed = m.CLOSED_VACANCIES.alias(prefix)
        self._feedback = m.FEEDBACK.alias(prefix)
        self._feed_state = m.FEED_STATE.alias(prefix)
        self._erasures = m.ERASURES.alias(prefix)
        self._outbox = outbox
        self._read = threading.local()  # per handler thread: the vacancy documents match_set read

    def close(self) -> None:
        return None  # the engine belongs to the caller

    # -- ProfileStore ----------------------------------------------------------------
    def get_profile(self, client_id: str) -> SearchProfile | None:
        found = get_source(self._es, self._profiles, client_id)
        return SearchProfile.model_validate(found["doc"]) if found else None

    def save_profile(self, profile: SearchProfile) -> None:
        document = m.profile_document(
            compile_profile(profile), profile.model_dump(mode="json"), profile.updated_at.isoformat()
        )
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
        candidates = [
            compile_profile(SearchProfile.model_validate(hit["_source"]["doc"]))
            for hit in search_all(self._es, self._profiles, query, m.BY_CLIENT, source=["doc"])
        ]
        return brute_force_matches(candidates, vacancy, today)

    def find_matching_many(self, vacancies: Sequence[VacancyCriteria], today: date) -> list[list[ProfileMatch]]:
        """`find_matching` for a batch, in one of two plans, the same answers either way (the
        rules decide on a superset of the matches in both):
        - few candidates in all (the active profiles wanting any occupation of the batch, counted
          first: at most SHARED_CANDIDATES per vacancy): read them once, the rules decide per
          vacancy. A search engine spends most of a reverse match on the travel-area shapes,
          so this is the cheap plan while the profiles of the batch's occupations are few;
        - else every vacancy's own query (`reverse_match_query`), all in one msearch."""
        queries = [m.reverse_match_query(vacancy) for vacancy in vacancies]
        asked = [vacancy for vacancy, query in zip(vacancies, queries, strict=True) if query is not None]
        if not asked:
            return [[] for _ in vacancies]
        limit = min(SHARED_CANDIDATES * len(asked), PAGE_SIZE)
        shared = m.any_occupation_query([vacancy.keys for vacancy in asked])
        if self._es.count(index=self._profiles, query=shared) <= limit:
            candidates = self._candidates(shared, limit)
            return [
                brute_force_matches(candidates.of(vacancy.keys), vacancy, today) if query is not None else []
                for vacancy, query in zip(vacancies, queries, strict=True)
            ]
        answers = iter(
            self._es.msearch(
                index=self._profiles,
                searches=[
                    {
                        "query": query,
                        "sort": m.BY_CLIENT,
                        "size": PAGE_SIZE,
                        "track_total_hits": False,
                        "source": ["doc"],
                    }
                    for query in queries
                    if query is not None
                ],
            )
        )
        found: list[list[ProfileMatch]] = []
        for vacancy, query in zip(vacancies, queries, strict=True):
            if query is None:
                found.append([])
                continue
            hits = next(answers)["hits"]["hits"]
            if len(hits) >= PAGE_SIZE:  # more than a page: the rest as `find_matching` reads it
                hits = list(search_all(self._es, self._profiles, query, m.BY_CLIENT, source=["doc"]))
            found.append(
                brute_force_matches(
                    [compile_profile(SearchProfile.model_validate(hit["_source"]["doc"])) for hit in hits],
                    vacancy,
                    today,
                )
            )
        return found

    def _candidates(self, query: dict[str, Any], limit: int) -> CandidatesByKey:
        hits = list(search_all(self._es, self._profiles, query, m.BY_CLIENT, page_size=limit + 1, source=["doc"]))
        return CandidatesByKey([compile_profile(SearchProfile.model_validate(hit["_source"]["doc"])) for hit in hits])

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
                self._es.index(
                    index=self._feed_state,
                    id=client_id,
                    document=document,
                    if_seq_no=found["_seq_no"],
                    if_primary_term=found["_primary_term"],
                )
            except Conflict:
                continue
            return datetime.fromisoformat(found["_source"]["last_visit_at"])
        raise RuntimeError(f"feed visits of {client_id} kept racing")

    def feedback_of(self, client_id: str) -> dict[str, set[FeedbackKind]]:
        found: dict[str, set[FeedbackKind]] = {}
        for hit in search_all(self._es, self._feedback, m.client_query(client_id), m.FEEDBACK_SORT):
            found.setdefault(hit["_source"]["vacancy_id"], set()).add(FeedbackKind(hit["_source"]["kind"]))
        return found

    def add_feedback(
        self, client_id: str, vacancy_id: str, kind: FeedbackKind, at: datetime, events: Sequence[PendingEvent] = ()
    ) -> bool:
        doc_id = m.feedback_doc_id(client_id, vacancy_id, int(kind))
        document = {"client_id": client_id, "vacancy_id": vacancy_id, "kind": int(kind), "recorded_at": at.isoformat()}
        try:
            self._es.index(
                index=self._feedback,
                id=doc_id,
                op_type="create",
                document=self._outbox.embed(document, events),
                refresh=self._refresh,
            )
        except Conflict:
            if events:  # recorded before (the first time counts); a first try may have died before settling
                self._outbox.settle(self._feedback, doc_id)
            return False
        if events:
            self._outbox.settle(self._feedback, doc_id)
        return True

    # -- privacy ---------------------------------------------------------------------------
    def erase_client(self, client_id: str, erased: ClientDataErased) -> dict[str, int]:
        """Remove everything about one client (profile, feedback, visits, announced matches) and
        announce it with a ClientDataErased event, which rides in the erasure's record.

        A call after a crash finds the record still pending: the first call's event stands (no
        second one) and the removal is done again; the record goes once announced. A call that
        finds nothing of the client (a retry after the erasure completed, or was completed by the
        sweep) changes nothing and so announces nothing (the SQLite store announces every call)."""
        found = self._raw(self._erasures, client_id)
        stored = found["_source"] if found else None
        if stored and stored.get("pending_events"):
            events = []
        elif self._holds_anything_of(client_id):
            events = [
                PendingEvent(
                    topic=PRIVACY,
                    key=client_id,
                    event_type=EVENT_TYPE_ERASED,
                    subject=f"client/{client_id}",
                    data=erased.SerializeToString(),
                    schema=erased.DESCRIPTOR.full_name,
                )
            ]
        else:
            if found is not None:  # settled, but its writer died before dropping it
                self._drop_record(client_id)
            return {"search_profile": 0, "feedback": 0, "feed_state": 0, "vacancy_match": 0}
        guard = (
            {"op_type": "create"}
            if found is None
            else {"if_seq_no": found["_seq_no"], "if_primary_term": found["_primary_term"]}
        )
        record = {"client_id": client_id, "erased_at": erased.erased_at.ToDatetime(tzinfo=UTC).isoformat()}
        self._es.index(
            index=self._erasures, id=client_id, document=self._outbox.embed(record, events, already=stored), **guard
        )
        return self._finish_erasure(client_id)[0]

    def _finish_erasure(self, client_id: str) -> tuple[dict[str, int], int]:
        """Derived from the record: remove the client's data, settle the event, drop the record."""
        query = m.client_query(client_id)
        counts = {}
        for name, index in (
            ("search_profile", self._profiles),
            ("feedback", self._feedback),
            ("feed_state", self._feed_state),
        ):
            counts[name] = int(
                self._es.delete_by_query(index=index, query=query, refresh=True, conflicts="proceed")["deleted"]
            )
        counts["vacancy_match"] = self._forget_announced(client_id)
        staged = self._outbox.settle(self._erasures, client_id)
        self._drop_record(client_id)
        return counts, staged

    def _drop_record(self, client_id: str) -> None:
        try:
            self._es.delete(index=self._erasures, id=client_id)
        except NotFound:
            pass

    def _holds_anything_of(self, client_id: str) -> bool:
        query = m.client_query(client_id)
        for index, where in (
            (self._profiles, query),
            (self._feedback, query),
            (self._feed_state, query),
            (self._vacancies, m.announced_to_query(client_id)),
        ):
            self._es.refresh(index=index)
            if self._es.count(index=index, query=where):
                return True
        return False

    def _forget_announced(self, client_id: str) -> int:
        """Take the client out of every announced match set (keeping the documents' pending events)."""
        self._es.refresh(index=self._vacancies)
        forgotten = 0
        for hit in search_all(self._es, self._vacancies, m.announced_to_query(client_id), m.BY_VACANCY, source=False):
            for _ in range(_ATTEMPTS):
                state = self._raw(self._vacancies, hit["_id"])
                if state is None or client_id not in (state["_source"].get("announced") or {}):
                    break
                source = dict(state["_source"])
                source["announced"] = {c: s for c, s in source["announced"].items() if c != client_id}
                source["announced_clients"] = sorted(source["announced"])
                try:
                    self._es.index(
                        index=self._vacancies,
                        id=hit["_id"],
                        document=source,
                        if_seq_no=state["_seq_no"],
                        if_primary_term=state["_primary_term"],
                    )
                except Conflict:
                    continue  # a vacancy event wrote it meanwhile: read it again
                forgotten += 1
                break
        return forgotten

    # -- the sweep ---------------------------------------------------------------------------
    def settle_abandoned(self, older_than_s: float = 5.0) -> int:
        """Finish and settle what writers that died left pending for `older_than_s` (one replica
        runs this): derived writes first (closures, erasures), then the events."""
        cutoff = (datetime.now(UTC) - timedelta(seconds=older_than_s)).isoformat()
        staged = self.finish_closures(self._pending_ids(self._closed, cutoff))
        for client_id in self._pending_ids(self._erasures, cutoff):
            staged += self._finish_erasure(client_id)[1]
        self._es.delete_by_query(
            index=self._erasures,
            conflicts="proceed",  # settled; their writer died
            query={"bool": {"must_not": [{"exists": {"field": "pending_since"}}]}},
        )
        return staged + self._outbox.sweep([self._vacancies, self._feedback], older_than_s)

    def _pending_ids(self, index: str, cutoff: str) -> list[str]:
        self._es.refresh(index=index)
        return [
            hit["_id"]
            for hit in search_all(
                self._es, index, {"range": {"pending_since": {"lte": cutoff}}}, [{"_doc": "asc"}], source=False
            )
        ]

    def _raw(self, index: str, doc_id: str) -> dict[str, Any] | None:
        try:
            return self._es.get(index=index, id=doc_id)
        except NotFound:
            return None
