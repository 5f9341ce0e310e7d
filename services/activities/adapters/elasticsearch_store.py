"""The Elasticsearch adapter of the activities stores: ActivityStore, ObligationStore and
VacancyProjection, on the indices of `elasticsearch_mappings` (behind their aliases).

- Refresh: an RPC write that a later search must show (log, change, policy, caseload, legal
  hold) refreshes the shards it touched (`refresh=True`, the default). The vacancy projection
  (written from consumed events) and period signals (the sweep) never refresh: they are read
  back by id (realtime GET) or decided by `op_type=create`.
- Uniqueness that two instances could race on is decided by Elasticsearch, not by a read
  first: `op_type=create` on deterministic ids (request id, policy version, period signal,
  erasure); a 409 answers "already there".
- Changing an activity or an assignment uses the seq_no/primary_term read with it (`if_seq_no`),
  so a concurrent change is refused instead of being overwritten.
- Events ride in the change's commit document (services.common.search.outbox): claim, activity,
  assignment, signal or erasure record, written first; the other writes are derived from it and
  done again by a retry; then `settle` moves the events to the outbox index. A retry that finds
  the change made (a known request id, an assignment that is already so, a signal already
  recorded) settles what the first attempt left pending; the sweeper settles the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from services.activities.adapters import elasticsearch_mappings as m
from services.activities.adapters.sqlite_rows import TYPES, VERIFICATIONS
from services.activities.domain.eligibility import employer_key
from services.activities.domain.model import Activity, Channel
from services.activities.domain.periods import ActivityFact
from services.activities.domain.policy import PolicyVersion
from services.activities.domain.vacancy import VacancySummary
from services.activities.service_layer.ports import PendingEvent
from services.common.bus import outbox as bus
from services.common.errors import Aborted, t
from services.common.search.bulk import Refresh
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.outbox import EngineOutbox
from services.common.search.reading import get_source, search_all

_CHUNK = 1000  # client ids per terms query
_ATTEMPTS = 3  # changes of an assignment raced by another replica: read and decide again


def _changed_meanwhile() -> Aborted:
    return Aborted(t("Dit is net door iemand anders gewijzigd. Probeer het opnieuw.",
                     "This was just changed by someone else. Please try again."))


class ElasticsearchActivitiesStore:
    """`outbox`: the process's EngineOutbox; None stores no events (tools and tests that need none)."""

    def __init__(self, engine: SearchEngine, prefix: str, outbox: EngineOutbox | None = None, *,
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
        self._erasures = m.ERASURES.alias(prefix)
        self._outbox = outbox
        # Where commit documents may hold pending events (for the outbox sweeper).
        self.commit_indices = [spec.alias(prefix) for spec in m.COMMIT_SPECS]

    def close(self) -> None:
        return None  # the engine belongs to the caller

    def checkpoint(self) -> None:
        return None  # nothing on local disk

    def _with_events(self, document: dict[str, Any], events: Sequence[PendingEvent],
                     already: dict[str, Any] | None = None) -> dict[str, Any]:
        """`document` with `events` (and those still pending in `already`, the source it replaces)."""
        if self._outbox is None:
            return document
        return self._outbox.embed(document, [bus.PendingEvent(
            topic=e.topic, key=e.client_id, event_type=e.event_type, subject=e.subject,
            data=e.message.SerializeToString(), schema=e.message.DESCRIPTOR.full_name) for e in events],
            already=already)

    def _settle(self, index: str, doc_id: str) -> None:
        if self._outbox is not None:
            self._outbox.settle(index, doc_id)

    def _create(self, index: str, doc_id: str, document: dict[str, Any], refresh: Refresh | None = None) -> bool:
        """Store a new document; False when one with this id exists (decided by the cluster)."""
        try:
            self._es.index(index=index, id=doc_id, document=document, op_type="create",
                           refresh=self._refresh if refresh is None else refresh)
        except Conflict:
            return False
        return True

    def _found(self, index: str, doc_id: str) -> dict[str, Any] | None:
        """The stored document with its `_seq_no` / `_primary_term` (realtime get), or None."""
        try:
            return self._es.get(index=index, id=doc_id)
        except NotFound:
            return None

    # -- ActivityStore -----------------------------------------------------------------
    def add_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> tuple[Activity, bool]:
        # The claim is the commit document: it decides "new" (op_type=create), holds the activity
        # as logged and the events. Claims are only read by id (realtime get): no refresh.
        claim_id = m.request_doc_id(activity.client_id, activity.request_id)
        logged = activity.model_dump(mode="json")
        if self._create(self._requests, claim_id, self._with_events(m.claim_document(logged), events), refresh=False):
            self._write_activity(logged)
            if events:
                self._settle(self._requests, claim_id)
            return activity, True
        first = get_source(self._es, self._requests, claim_id)
        if first is None:
            raise _changed_meanwhile()  # erased between the two reads
        stored, created = self.get_activity(activity.client_id, first["activity_id"]), False
        if stored is None:
            # A crash between claim and activity: finish it from the claim (v1 claims hold no doc).
            stored = (Activity.model_validate(first["doc"]) if first.get("doc")
                      else activity.model_copy(update={"activity_id": first["activity_id"]}))
            self._write_activity(stored.model_dump(mode="json"))
            created = True
        self._settle(self._requests, claim_id)  # what the first attempt left pending
        return stored, created

    def _write_activity(self, activity_json: dict[str, Any]) -> None:
        """The activity document derived from its claim; one already there may have changed since: kept."""
        self._create(self._activities, activity_json["activity_id"], m.activity_document(activity_json))

    def get_activity(self, client_id: str, activity_id: str) -> Activity | None:
        found = self._found(self._activities, activity_id)
        if found is None or found["_source"]["client_id"] != client_id:
            return None
        return Activity.model_validate(found["_source"]["doc"])

    def save_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> None:
        found = self._found(self._activities, activity.activity_id)
        if found is None or found["_source"]["client_id"] != activity.client_id:
            raise Aborted(t("Deze activiteit bestaat niet meer.", "This activity no longer exists."))
        document = self._with_events(m.activity_document(activity.model_dump(mode="json")), events,
                                     already=found["_source"])
        try:
            self._es.index(index=self._activities, id=activity.activity_id, document=document,
                           if_seq_no=found["_seq_no"], if_primary_term=found["_primary_term"], refresh=self._refresh)
        except Conflict:
            raise Aborted(t("De activiteit is net door iemand anders gewijzigd. Probeer het opnieuw.",
                            "The activity was just changed by someone else. Please try again.")) from None
        if document.get("pending_events"):
            self._settle(self._activities, activity.activity_id)

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
        # The erasure record (one per client and cutoff day) is the commit document: a retry the
        # same day announces nothing new and does the deletes again (so does the retention sweep).
        record_id = m.erasure_doc_id(client_id, cutoff)
        record = self._with_events({"client_id": client_id, "cutoff": cutoff.isoformat()}, events)
        self._create(self._erasures, record_id, record, refresh=False)
        erased = 0 if self.legal_holds(client_id) else self._delete(m.dated_before_query(cutoff, client_id))
        self._settle(self._erasures, record_id)
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
        return self._set_assigned(caseworker_id, client_id, True, events)

    def unassign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        return self._set_assigned(caseworker_id, client_id, False, events)

    def _set_assigned(self, caseworker_id: str, client_id: str, assigned: bool,
                      events: Sequence[PendingEvent]) -> bool:
        """The assignment document is the commit document of both changes (lifting one keeps it
        as `assigned: false`). Only a change is stored and announced; a call that finds the
        change made (a retry, a redelivery) settles what an earlier attempt left pending."""
        doc_id = m.caseload_doc_id(caseworker_id, client_id)
        document = {"caseworker_id": caseworker_id, "client_id": client_id, "assigned": assigned}
        for _ in range(_ATTEMPTS):
            # op_type=create decides a first assignment on the cluster, so two replicas emit it once.
            if assigned and self._create(self._caseload, doc_id, self._with_events(document, events)):
                break
            found = self._found(self._caseload, doc_id)
            if found is None and not assigned:
                return False
            if found is None:
                continue  # lifted and gone meanwhile: create again
            if found["_source"].get("assigned", True) == assigned:
                self._settle(self._caseload, doc_id)
                return False
            try:
                self._es.index(index=self._caseload, id=doc_id,
                               document=self._with_events(document, events, already=found["_source"]),
                               if_seq_no=found["_seq_no"], if_primary_term=found["_primary_term"],
                               refresh=self._refresh)
            except Conflict:
                continue
            break
        else:
            raise _changed_meanwhile()
        if events:
            self._settle(self._caseload, doc_id)
        return True

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        found = get_source(self._es, self._caseload, m.caseload_doc_id(caseworker_id, client_id))
        return found is not None and found.get("assigned", True)

    def caseload(self, caseworker_id: str) -> list[str]:
        return [hit["_source"]["client_id"] for hit in search_all(
            self._es, self._caseload, m.caseload_query(caseworker_id), m.CASELOAD_SORT, source=["client_id"])]

    def record_signal(self, client_id: str, period_start: date, kind: str, events: Sequence[PendingEvent]) -> bool:
        doc_id = m.signal_doc_id(client_id, period_start, kind)
        document = {"client_id": client_id, "period_start": period_start.isoformat(), "kind": kind}
        created = self._create(self._signals, doc_id, self._with_events(document, events), refresh=False)
        if events or not created:
            self._settle(self._signals, doc_id)  # not created: an earlier attempt may have left events
        return created

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
