"""The Elasticsearch adapter of the activities stores: ActivityStore, ObligationStore and
VacancyProjection, on the indices of `elasticsearch_mappings` (behind their aliases).

- Refresh: an RPC write that a later search must show (log, change, policy, caseload, legal
  hold) refreshes the shards it touched (`refresh=True`, the default). The vacancy projection
  (written from consumed events) and period signals (the sweep) never refresh: they are read
  back by id (realtime GET) or decided by `op_type=create`.
- Uniqueness that two instances could race on is decided by Elasticsearch, not by a read
  first: `op_type=create` on deterministic ids (request id, policy version, period signal);
  a 409 answers "already there".
- Changing an activity uses the seq_no/primary_term read with it (`if_seq_no`), so a
  concurrent change is refused with Aborted instead of being overwritten.
- Events go to the service's local SQLite outbox after the documents are stored
  (see services.common.search.events).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from services.activities.adapters import elasticsearch_mappings as m
from services.activities.domain.eligibility import employer_key
from services.activities.domain.model import Activity, Channel
from services.activities.domain.periods import ActivityFact
from services.activities.domain.policy import PolicyVersion
from services.activities.domain.vacancy import VacancySummary
from services.activities.adapters.sqlite_rows import TYPES, VERIFICATIONS
from services.activities.service_layer.ports import PendingEvent
from services.common.bus.outbox import SqliteOutbox
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.bulk import Refresh
from services.common.search.events import LocalOutbox, OutgoingEvent
from services.common.search.reading import get_source, search_all
from services.common.errors import Aborted, t

_CHUNK = 1000  # client ids per terms query


class ElasticsearchActivitiesStore:
    def __init__(self, engine: SearchEngine, prefix: str, outbox: SqliteOutbox | None = None, *,
                 refresh: Refresh = True) -> None:
        self._es = engine
        self._refresh = refresh  # for RPC writes that a later search must see
        self._activities = m.ACTIVITIES.alias(prefix)
        self._requests = m.ACTIVITY_REQUESTS.alias(prefix)
        self._policies = m.POLICY_VERSIONS.alias(prefix)
        self._caseload = m.CASELOAD.alias(prefix)
        self._signals = m.PERIOD_SIGNALS.alias(prefix)
        self._vacancies = m.VACANCY_PROJECTION.alias(prefix)
        self._holds = m.LEGAL_HOLDS.alias(prefix)
        self._outbox = LocalOutbox(outbox) if outbox is not None else None
        # The bus consumer keeps its processed-event ids next to the outbox.
        self.path: Path | None = outbox.db_path if outbox is not None else None

    def close(self) -> None:
        if self._outbox is not None:
            self._outbox.close()

    def checkpoint(self) -> None:
        if self._outbox is not None:
            self._outbox.checkpoint()

    def _emit(self, events: Sequence[PendingEvent]) -> None:
        if self._outbox is not None:
            self._outbox.emit([OutgoingEvent(e.topic, e.client_id, e.event_type, e.subject, e.message) for e in events])

    def _create(self, index: str, doc_id: str, document: dict[str, Any], refresh: Refresh | None = None) -> bool:
        """Store a new document; False when one with this id exists (decided by the cluster)."""
        try:
            self._es.index(index=index, id=doc_id, document=document, op_type="create",
                           refresh=self._refresh if refresh is None else refresh)
        except Conflict:
            return False
        return True

    # -- ActivityStore -----------------------------------------------------------------
    def add_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> tuple[Activity, bool]:
        request_id = m.request_doc_id(activity.client_id, activity.request_id)
        claim = {"client_id": activity.client_id, "request_id": activity.request_id,
                 "activity_id": activity.activity_id, "date": activity.date.isoformat()}
        # Claims are only read by id (realtime get): no refresh to wait for.
        if not self._create(self._requests, request_id, claim, refresh=False):
            first = get_source(self._es, self._requests, request_id) or claim
            stored = self.get_activity(activity.client_id, first["activity_id"])
            if stored is not None:
                return stored, False
            # The claim was stored but its activity not (a crash between the two): finish it.
            activity = activity.model_copy(update={"activity_id": first["activity_id"]})
        self._es.index(index=self._activities, id=activity.activity_id,
                       document=m.activity_document(activity.model_dump(mode="json")), refresh=self._refresh)
        self._emit(events)
        return activity, True

    def _read(self, client_id: str, activity_id: str) -> tuple[Activity, int, int] | None:
        try:
            found = self._es.get(index=self._activities, id=activity_id)
        except NotFound:
            return None
        if found["_source"]["client_id"] != client_id:
            return None
        return Activity.model_validate(found["_source"]["doc"]), found["_seq_no"], found["_primary_term"]

    def get_activity(self, client_id: str, activity_id: str) -> Activity | None:
        found = self._read(client_id, activity_id)
        return found[0] if found else None

    def save_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> None:
        found = self._read(activity.client_id, activity.activity_id)
        if found is None:
            raise Aborted(t("Deze activiteit bestaat niet meer.", "This activity no longer exists."))
        _, seq_no, primary_term = found
        try:
            self._es.index(index=self._activities, id=activity.activity_id,
                           document=m.activity_document(activity.model_dump(mode="json")),
                           if_seq_no=seq_no, if_primary_term=primary_term, refresh=self._refresh)
        except Conflict:
            raise Aborted(t("De activiteit is net door iemand anders gewijzigd. Probeer het opnieuw.",
                            "The activity was just changed by someone else. Please try again.")) from None
        self._emit(events)

    def list_activities(self, client_id: str, *, from_date: date | None, to_date: date | None, limit: int,
                        after: tuple[date, str] | None = None) -> list[Activity]:
        body = m.list_activities_request(client_id, from_date, to_date, limit, after)
        hits = self._es.search(index=self._activities, **body)["hits"]["hits"]
        return [Activity.model_validate(hit["_source"]["doc"]) for hit in hits]

    def facts_for(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        result: dict[str, list[ActivityFact]] = {c: [] for c in client_ids}
        for chunk in _chunks(client_ids):
            for hit in search_all(self._es, self._activities, m.facts_query(chunk, since), m.BY_ACTIVITY_ID,
                                  source=m.FACT_FIELDS):
                s = hit["_source"]
                doc = s.get("doc") or {}
                result[s["client_id"]].append(ActivityFact(
                    s["activity_id"], TYPES[s["type"]], date.fromisoformat(s["date"]),
                    date.fromisoformat(s["logged_on"]), VERIFICATIONS[s["verification"]],
                    employer_key(doc.get("employer", "")), doc.get("vacancy_id", "")))
        return result

    def last_activity_dates(self, client_ids: Sequence[str]) -> dict[str, date]:
        result: dict[str, date] = {}
        for chunk in _chunks(client_ids):
            answer = self._es.search(index=self._activities, **m.last_dates_request(chunk))
            for bucket in answer["aggregations"]["per_client"]["buckets"]:
                if bucket["last"].get("value") is not None:
                    result[bucket["key"]] = date.fromisoformat(bucket["last"]["value_as_string"])
        return result

    def _delete(self, query: dict[str, Any]) -> int:
        self._es.delete_by_query(index=self._requests, query=query, refresh=True, conflicts="proceed")
        return int(self._es.delete_by_query(index=self._activities, query=query, refresh=True,
                                            conflicts="proceed")["deleted"])

    def erase_before(self, cutoff: date) -> int:
        return self._delete(m.dated_before_query(cutoff, held=self._held_clients()))

    def erase_client_before(self, client_id: str, cutoff: date, events: Sequence[PendingEvent]) -> int:
        erased = 0 if self.legal_holds(client_id) else self._delete(m.dated_before_query(cutoff, client_id))
        self._emit(events)
        return erased

    def count_for_client(self, client_id: str) -> int:
        return self._es.count(index=self._activities, query=m.client_query(client_id))

    def _held_clients(self) -> list[str]:
        return sorted({hit["_source"]["client_id"] for hit in search_all(
            self._es, self._holds, {"match_all": {}}, [{"client_id": "asc"}, {"kind": "asc"}])})

    def set_legal_hold(self, client_id: str, kind: str, active: bool, now: str) -> list[str]:
        doc_id = f"{client_id}\x1f{kind}"
        if active:
            self._es.index(index=self._holds, id=doc_id, document={"client_id": client_id, "kind": kind},
                           refresh=self._refresh)
        else:
            self._es.delete_by_query(index=self._holds, query={"bool": {"filter": [
                {"term": {"client_id": client_id}}, {"term": {"kind": kind}}]}}, refresh=True, conflicts="proceed")
        return self.legal_holds(client_id)

    def legal_holds(self, client_id: str) -> list[str]:
        return sorted(hit["_source"]["kind"] for hit in search_all(
            self._es, self._holds, m.client_query(client_id), [{"kind": "asc"}]))

    # -- ObligationStore ---------------------------------------------------------------
    def add_policy_version(self, policy: PolicyVersion, caseworker_id: str | None) -> None:
        document = {"client_id": policy.client_id, "version": policy.version,
                    "start_date": policy.start_date.isoformat(), "doc": policy.model_dump(mode="json")}
        if not self._create(self._policies, m.policy_doc_id(policy.client_id, policy.version), document):
            raise Aborted()
        if caseworker_id:
            self.assign(caseworker_id, policy.client_id)

    def policy_versions(self, client_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        result: dict[str, list[PolicyVersion]] = {c: [] for c in client_ids}
        for chunk in _chunks(client_ids):
            for hit in search_all(self._es, self._policies, m.client_query(chunk), m.POLICY_SORT, source=["doc"]):
                policy = PolicyVersion.model_validate(hit["_source"]["doc"])
                result[policy.client_id].append(policy)
        return result

    def clients_with_policy(self) -> list[str]:
        clients: list[str] = []
        after = None
        while True:
            agg = self._es.search(index=self._policies, **m.clients_with_policy_request(after))["aggregations"]["clients"]
            clients += [bucket["key"]["client_id"] for bucket in agg["buckets"]]
            after = agg.get("after_key")
            if not agg["buckets"] or after is None:
                return clients

    def assign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        # op_type=create decides "new" on the cluster, so two replicas emit the event once.
        if not self._create(self._caseload, m.caseload_doc_id(caseworker_id, client_id),
                            {"caseworker_id": caseworker_id, "client_id": client_id}):
            return False
        self._emit(events)
        return True

    def unassign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        try:
            self._es.delete(index=self._caseload, id=m.caseload_doc_id(caseworker_id, client_id),
                            refresh=self._refresh)
        except NotFound:
            return False
        self._emit(events)
        return True

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        return get_source(self._es, self._caseload, m.caseload_doc_id(caseworker_id, client_id)) is not None

    def caseload(self, caseworker_id: str) -> list[str]:
        return [hit["_source"]["client_id"] for hit in search_all(
            self._es, self._caseload, m.caseload_query(caseworker_id), m.CASELOAD_SORT, source=["client_id"])]

    def record_signal(self, client_id: str, period_start: date, kind: str, events: Sequence[PendingEvent]) -> bool:
        document = {"client_id": client_id, "period_start": period_start.isoformat(), "kind": kind}
        if not self._create(self._signals, m.signal_doc_id(client_id, period_start, kind), document, refresh=False):
            return False
        self._emit(events)
        return True

    def recorded_signals(self, client_ids: Sequence[str]) -> dict[str, set[tuple[date, str]]]:
        result: dict[str, set[tuple[date, str]]] = {c: set() for c in client_ids}
        for chunk in _chunks(client_ids):
            for hit in search_all(self._es, self._signals, m.client_query(chunk), m.SIGNAL_SORT):
                s = hit["_source"]
                result[s["client_id"]].add((date.fromisoformat(s["period_start"]), s["kind"]))
        return result

    # -- VacancyProjection ---------------------------------------------------------------
    def upsert_vacancy(self, vacancy: VacancySummary) -> None:
        self._es.index(index=self._vacancies, id=vacancy.vacancy_id, document=vacancy.model_dump(mode="json"))

    def close_vacancy(self, vacancy_id: str) -> None:
        try:
            self._es.update(index=self._vacancies, id=vacancy_id, doc={"open": False}, retry_on_conflict=3)
        except NotFound:
            pass  # never seen: nothing to close

    def vacancy(self, vacancy_id: str) -> VacancySummary | None:
        found = get_source(self._es, self._vacancies, vacancy_id)
        if found is None:
            return None
        return VacancySummary(vacancy_id=found["vacancy_id"], title=found["title"], employer=found["employer"],
                              channel=Channel(found["channel"]), open=found["open"])


def _chunks(items: Sequence[str]) -> list[list[str]]:
    return [list(items[start:start + _CHUNK]) for start in range(0, len(items), _CHUNK)]
