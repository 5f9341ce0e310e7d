"""The Elasticsearch adapter of the activities stores: ActivityStore here, ObligationStore and
VacancyProjection in `elasticsearch_obligations`, on the indices of `elasticsearch_mappings`
(behind their aliases).

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
from services.activities.adapters.elasticsearch_obligations import ElasticsearchObligations, changed_meanwhile, chunks
from services.activities.adapters.sqlite_rows import TYPES, VERIFICATIONS
from services.activities.domain.eligibility import employer_key
from services.activities.domain.model import Activity
from services.activities.domain.periods import ActivityFact
from services.activities.service_layer.ports import PendingEvent
from services.common.errors import Aborted, t
from services.common.search.engine import Conflict
from services.common.search.reading import get_source, search_all


class ElasticsearchActivitiesStore(ElasticsearchObligations):
    """ActivityStore, ObligationStore and VacancyProjection on the search engine."""

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
            raise changed_meanwhile()  # erased between the two reads
        stored, created = self.get_activity(activity.client_id, first["activity_id"]), False
        if stored is None:
            # A crash between claim and activity: finish it from the claim (v1 claims hold no doc).
            stored = (
                Activity.model_validate(first["doc"])
                if first.get("doc")
                else activity.model_copy(update={"activity_id": first["activity_id"]})
            )
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
        document = self._with_events(
            m.activity_document(activity.model_dump(mode="json")), events, already=found["_source"]
        )
        try:
            self._es.index(
                index=self._activities,
                id=activity.activity_id,
                document=document,
                if_seq_no=found["_seq_no"],
                if_primary_term=found["_primary_term"],
                refresh=self._refresh,
            )
        except Conflict:
            raise Aborted(
                t(
                    "De activiteit is net door iemand anders gewijzigd. Probeer het opnieuw.",
                    "The activity was just changed by someone else. Please try again.",
                )
            ) from None
        if document.get("pending_events"):
            self._settle(self._activities, activity.activity_id)

    def list_activities(
        self,
        client_id: str,
        *,
        from_date: date | None,
        to_date: date | None,
        limit: int,
        after: tuple[date, str] | None = None,
    ) -> list[Activity]:
        body = m.list_activities_request(client_id, from_date, to_date, limit, after)
        hits = self._es.search(index=self._activities, **body)["hits"]["hits"]
        return [Activity.model_validate(hit["_source"]["doc"]) for hit in hits]

    def facts_for(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        result: dict[str, list[ActivityFact]] = {c: [] for c in client_ids}
        for chunk in chunks(client_ids):
            for hit in search_all(
                self._es, self._activities, m.facts_query(chunk, since), m.BY_ACTIVITY_ID, source=m.FACT_FIELDS
            ):
                s = hit["_source"]
                doc = s.get("doc") or {}
                result[s["client_id"]].append(
                    ActivityFact(
                        s["activity_id"],
                        TYPES[s["type"]],
                        date.fromisoformat(s["date"]),
                        date.fromisoformat(s["logged_on"]),
                        VERIFICATIONS[s["verification"]],
                        employer_key(doc.get("employer", "")),
                        doc.get("vacancy_id", ""),
                    )
                )
        return result

    def last_activity_dates(self, client_ids: Sequence[str]) -> dict[str, date]:
        result: dict[str, date] = {}
        for chunk in chunks(client_ids):
            answer = self._es.search(index=self._activities, **m.last_dates_request(chunk))
            for bucket in answer["aggregations"]["per_client"]["buckets"]:
                if bucket["last"].get("value") is not None:
                    result[bucket["key"]] = date.fromisoformat(bucket["last"]["value_as_string"])
        return result

    def assessment_facts(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        return self.facts_for(client_ids, since)  # every earlier registration: allowed, and one query

    def revisions(self, client_ids: Sequence[str]) -> dict[str, int] | None:
        # Replicas write the indices side by side and nothing here counts a client's changes
        # yet: every caseload call assesses afresh.
        return None

    def _delete(self, query: dict[str, Any]) -> int:
        self._es.delete_by_query(index=self._requests, query=query, refresh=True, conflicts="proceed")
        return int(
            self._es.delete_by_query(index=self._activities, query=query, refresh=True, conflicts="proceed")["deleted"]
        )

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
        return sorted(
            {
                hit["_source"]["client_id"]
                for hit in search_all(self._es, self._holds, {"match_all": {}}, [{"client_id": "asc"}, {"kind": "asc"}])
            }
        )

    def set_legal_hold(self, client_id: str, kind: str, active: bool, now: str) -> list[str]:
        doc_id = f"{client_id}\x1f{kind}"
        if active:
            self._es.index(
                index=self._holds, id=doc_id, document={"client_id": client_id, "kind": kind}, refresh=self._refresh
            )
        else:
            self._es.delete_by_query(
                index=self._holds,
                query={"bool": {"filter": [{"term": {"client_id": client_id}}, {"term": {"kind": kind}}]}},
                refresh=True,
                conflicts="proceed",
            )
        return self.legal_holds(client_id)

    def legal_holds(self, client_id: str) -> list[str]:
        return sorted(
            hit["_source"]["kind"]
            for hit in search_all(self._es, self._holds, m.client_query(client_id), [{"kind": "asc"}])
        )
