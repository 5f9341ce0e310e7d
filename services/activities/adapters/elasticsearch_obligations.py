"""The obligation side of the activities search store (ObligationStore, VacancyProjection) and
what the whole store shares: its indices (`elasticsearch_mappings`, behind their aliases), its
engine outbox and the writes of commit documents. `elasticsearch_store` adds the ActivityStore.

An assignment's document is the commit document of both its changes: lifting one keeps it as
`assigned: false` (a tombstone), so the lifting has a document for its event to ride in. A
period signal's document (op_type=create on a deterministic id) is the commit document of the
signal's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from services.activities.adapters import elasticsearch_mappings as m
from services.activities.domain.model import Channel
from services.activities.domain.policy import PolicyVersion
from services.activities.domain.vacancy import VacancySummary
from services.activities.service_layer.ports import PendingEvent
from services.common.bus import outbox as bus
from services.common.errors import Aborted, t
from services.common.search.bulk import Refresh
from services.common.search.engine import Conflict, NotFound, SearchEngine
from services.common.search.outbox import EngineOutbox
from services.common.search.reading import get_source, search_all

CHUNK = 1000  # client ids per terms query
_ATTEMPTS = 3  # changes of an assignment raced by another replica: read and decide again


def changed_meanwhile() -> Aborted:
    return Aborted(
        t(
            "Dit is net door iemand anders gewijzigd. Probeer het opnieuw.",
            "This was just changed by someone else. Please try again.",
        )
    )


class ElasticsearchObligations:
    """`outbox`: the process's EngineOutbox; None stores no events (tools and tests that need none)."""

    def __init__(
        self, engine: SearchEngine, prefix: str, outbox: EngineOutbox | None = None, *, refresh: Refresh = True
    ) -> None:
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

    def _with_events(
        self, document: dict[str, Any], events: Sequence[PendingEvent], already: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """`document` with `events` (and those still pending in `already`, the source it replaces)."""
        if self._outbox is None:
            return document
        return self._outbox.embed(
            document,
            [
                bus.PendingEvent(
                    topic=e.topic,
                    key=e.client_id,
                    event_type=e.event_type,
                    subject=e.subject,
                    data=e.message.SerializeToString(),
                    schema=e.message.DESCRIPTOR.full_name,
                )
                for e in events
            ],
            already=already,
        )

    def _settle(self, index: str, doc_id: str) -> None:
        if self._outbox is not None:
            self._outbox.settle(index, doc_id)

    def _create(self, index: str, doc_id: str, document: dict[str, Any], refresh: Refresh | None = None) -> bool:
        """Store a new document; False when one with this id exists (decided by the cluster)."""
        try:
            self._es.index(
                index=index,
                id=doc_id,
                document=document,
                op_type="create",
                refresh=self._refresh if refresh is None else refresh,
            )
        except Conflict:
            return False
        return True

    def _found(self, index: str, doc_id: str) -> dict[str, Any] | None:
        """The stored document with its `_seq_no` / `_primary_term` (realtime get), or None."""
        try:
            return self._es.get(index=index, id=doc_id)
        except NotFound:
            return None

    # -- ObligationStore ---------------------------------------------------------------
    def add_policy_version(self, policy: PolicyVersion, caseworker_id: str | None) -> None:
        document = {
            "client_id": policy.client_id,
            "version": policy.version,
            "start_date": policy.start_date.isoformat(),
            "doc": policy.model_dump(mode="json"),
        }
        if not self._create(self._policies, m.policy_doc_id(policy.client_id, policy.version), document):
            raise Aborted()
        if caseworker_id:
            self.assign(caseworker_id, policy.client_id)

    def policy_versions(self, client_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        result: dict[str, list[PolicyVersion]] = {c: [] for c in client_ids}
        for chunk in chunks(client_ids):
            for hit in search_all(self._es, self._policies, m.client_query(chunk), m.POLICY_SORT, source=["doc"]):
                policy = PolicyVersion.model_validate(hit["_source"]["doc"])
                result[policy.client_id].append(policy)
        return result

    def clients_with_policy(self) -> list[str]:
        clients: list[str] = []
        after = None
        while True:
            agg = self._es.search(index=self._policies, **m.clients_with_policy_request(after))["aggregations"][
                "clients"
            ]
            clients += [bucket["key"]["client_id"] for bucket in agg["buckets"]]
            after = agg.get("after_key")
            if not agg["buckets"] or after is None:
                return clients

    def assign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        return self._set_assigned(caseworker_id, client_id, True, events)

    def unassign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        return self._set_assigned(caseworker_id, client_id, False, events)

    def _set_assigned(self, caseworker_id: str, client_id: str, assigned: bool, events: Sequence[PendingEvent]) -> bool:
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
                self._es.index(
                    index=self._caseload,
                    id=doc_id,
                    document=self._with_events(document, events, already=found["_source"]),
                    if_seq_no=found["_seq_no"],
                    if_primary_term=found["_primary_term"],
                    refresh=self._refresh,
                )
            except Conflict:
                continue
            break
        else:
            raise changed_meanwhile()
        if events:
            self._settle(self._caseload, doc_id)
        return True

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        found = get_source(self._es, self._caseload, m.caseload_doc_id(caseworker_id, client_id))
        return found is not None and found.get("assigned", True)

    def caseload(self, caseworker_id: str) -> list[str]:
        return [
            hit["_source"]["client_id"]
            for hit in search_all(
                self._es, self._caseload, m.caseload_query(caseworker_id), m.CASELOAD_SORT, source=["client_id"]
            )
        ]

    def record_signal(self, client_id: str, period_start: date, kind: str, events: Sequence[PendingEvent]) -> bool:
        doc_id = m.signal_doc_id(client_id, period_start, kind)
        document = {"client_id": client_id, "period_start": period_start.isoformat(), "kind": kind}
        created = self._create(self._signals, doc_id, self._with_events(document, events), refresh=False)
        if events or not created:
            self._settle(self._signals, doc_id)  # not created: an earlier attempt may have left events
        return created

    def recorded_signals(self, client_ids: Sequence[str]) -> dict[str, set[tuple[date, str]]]:
        result: dict[str, set[tuple[date, str]]] = {c: set() for c in client_ids}
        for chunk in chunks(client_ids):
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
        return VacancySummary(
            vacancy_id=found["vacancy_id"],
            title=found["title"],
            employer=found["employer"],
            channel=Channel(found["channel"]),
            open=found["open"],
        )


def chunks(items: Sequence[str]) -> list[list[str]]:
    return [list(items[start : start + CHUNK]) for start in range(0, len(items), CHUNK)]
