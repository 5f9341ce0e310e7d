"""An in-memory ActivityStore + ObligationStore + VacancyProjection (the activities ports),
with the SQLite adapter's answers: what it stores, orders, refuses and erases."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from services.activities.domain.eligibility import employer_key
from services.activities.domain.model import AGENCY_TYPES, Activity, Verification
from services.activities.domain.periods import ActivityFact
from services.activities.domain.policy import PolicyVersion
from services.activities.domain.vacancy import VacancySummary
from services.activities.service_layer.ports import PendingEvent
from services.common.errors import Aborted, t

from .memory_outbox import MemoryOutbox


@dataclass
class MemoryActivitiesStore:
    activities: dict[str, Activity] = field(default_factory=dict)  # by activity id
    policies: dict[str, list[PolicyVersion]] = field(default_factory=dict)
    caseloads: set[tuple[str, str]] = field(default_factory=set)  # (caseworker, client)
    signals: set[tuple[str, date, str]] = field(default_factory=set)
    holds: dict[str, set[str]] = field(default_factory=dict)
    vacancies: dict[str, VacancySummary] = field(default_factory=dict)
    outbox: MemoryOutbox = field(default_factory=MemoryOutbox)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def _outbox(self) -> MemoryOutbox:  # what build_app hands the relay (unused without a broker)
        return self.outbox

    def close(self) -> None:
        pass

    def _emit(self, events: Sequence[PendingEvent]) -> None:
        for e in events:
            self.outbox.add(
                topic=e.topic, key=e.client_id, event_type=e.event_type, subject=e.subject, message=e.message
            )

    # -- ActivityStore -----------------------------------------------------------------
    def add_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> tuple[Activity, bool]:
        with self._lock:
            for stored in self.activities.values():
                if (stored.client_id, stored.request_id) == (activity.client_id, activity.request_id):
                    return stored, False
            self.activities[activity.activity_id] = activity
            self._emit(events)
        return activity, True

    def get_activity(self, client_id: str, activity_id: str) -> Activity | None:
        found = self.activities.get(activity_id)
        return found if found is not None and found.client_id == client_id else None

    def save_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> None:
        with self._lock:
            stored = self.get_activity(activity.client_id, activity.activity_id)
            if stored is None:
                raise Aborted(t("Deze activiteit bestaat niet meer.", "This activity no longer exists."))
            # Only what may change after logging is written, as in the adapters.
            self.activities[activity.activity_id] = stored.model_copy(
                update={
                    "outcome": activity.outcome,
                    "verification": activity.verification,
                    "verification_reason": activity.verification_reason,
                    "verified_by": activity.verified_by,
                    "withdrawn_at": activity.withdrawn_at,
                    "rejection_reason": activity.rejection_reason,
                }
            )
            self._emit(events)

    def _live(self, client_id: str) -> list[Activity]:
        return [a for a in self.activities.values() if a.client_id == client_id and a.withdrawn_at is None]

    def list_activities(
        self,
        client_id: str,
        *,
        from_date: date | None,
        to_date: date | None,
        limit: int,
        after: tuple[date, str] | None = None,
    ) -> list[Activity]:
        found = [
            a
            for a in self._live(client_id)
            if (from_date is None or a.date >= from_date)
            and (to_date is None or a.date <= to_date)
            and (after is None or (a.date, a.activity_id) < after)
        ]
        return sorted(found, key=lambda a: (a.date, a.activity_id), reverse=True)[:limit]

    def facts_for(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        return {
            c: [
                ActivityFact(
                    a.activity_id,
                    a.type,
                    a.date,
                    a.logged_at.date(),
                    a.verification,
                    employer_key(a.employer),
                    a.vacancy_id,
                )
                for a in self._live(c)
                if a.date >= since or a.type in AGENCY_TYPES
            ]  # registrations: any date
            for c in client_ids
        }

    def last_activity_dates(self, client_ids: Sequence[str]) -> dict[str, date]:
        result: dict[str, date] = {}
        for c in client_ids:
            done = [a.date for a in self._live(c) if a.verification is not Verification.REJECTED]
            if done:
                result[c] = max(done)
        return result

    def assessment_facts(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        return self.facts_for(client_ids, since)

    def revisions(self, client_ids: Sequence[str]) -> dict[str, int] | None:
        return None  # like the search store: callers assess afresh

    def _erase(self, cutoff: date, client_id: str | None = None) -> int:
        gone = [
            a.activity_id
            for a in self.activities.values()
            if a.date < cutoff and not self.holds.get(a.client_id) and (client_id is None or a.client_id == client_id)
        ]
        for activity_id in gone:
            del self.activities[activity_id]
        return len(gone)

    def erase_before(self, cutoff: date) -> int:
        with self._lock:
            return self._erase(cutoff)

    def erase_client_before(self, client_id: str, cutoff: date, events: Sequence[PendingEvent]) -> int:
        with self._lock:
            erased = self._erase(cutoff, client_id)
            self._emit(events)
        return erased

    def count_for_client(self, client_id: str) -> int:
        return sum(1 for a in self.activities.values() if a.client_id == client_id)

    def set_legal_hold(self, client_id: str, kind: str, active: bool, now: str) -> list[str]:
        with self._lock:
            kinds = self.holds.setdefault(client_id, set())
            (kinds.add if active else kinds.discard)(kind)
            return sorted(kinds)

    def legal_holds(self, client_id: str) -> list[str]:
        return sorted(self.holds.get(client_id, set()))

    # -- ObligationStore ---------------------------------------------------------------
    def add_policy_version(self, policy: PolicyVersion, caseworker_id: str | None) -> None:
        with self._lock:
            versions = self.policies.setdefault(policy.client_id, [])
            if any(v.version == policy.version for v in versions):
                raise Aborted()
            versions.append(policy)
            versions.sort(key=lambda v: v.version)
            if caseworker_id:
                self.caseloads.add((caseworker_id, policy.client_id))

    def policy_versions(self, client_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        return {c: list(self.policies.get(c, [])) for c in client_ids}

    def clients_with_policy(self) -> list[str]:
        return sorted(c for c, versions in self.policies.items() if versions)

    def assign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        with self._lock:
            if (caseworker_id, client_id) in self.caseloads:
                return False
            self.caseloads.add((caseworker_id, client_id))
            self._emit(events)
        return True

    def unassign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        with self._lock:
            if (caseworker_id, client_id) not in self.caseloads:
                return False
            self.caseloads.discard((caseworker_id, client_id))
            self._emit(events)
        return True

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        return (caseworker_id, client_id) in self.caseloads

    def caseload(self, caseworker_id: str) -> list[str]:
        return sorted(client for worker, client in self.caseloads if worker == caseworker_id)

    def record_signal(self, client_id: str, period_start: date, kind: str, events: Sequence[PendingEvent]) -> bool:
        with self._lock:
            if (client_id, period_start, kind) in self.signals:
                return False
            self.signals.add((client_id, period_start, kind))
            self._emit(events)
        return True

    def recorded_signals(self, client_ids: Sequence[str]) -> dict[str, set[tuple[date, str]]]:
        result: dict[str, set[tuple[date, str]]] = {c: set() for c in client_ids}
        for client, start, kind in self.signals:
            if client in result:
                result[client].add((start, kind))
        return result

    # -- VacancyProjection ---------------------------------------------------------------
    def upsert_vacancy(self, vacancy: VacancySummary) -> None:
        self.vacancies[vacancy.vacancy_id] = vacancy

    def close_vacancy(self, vacancy_id: str) -> None:
        found = self.vacancies.get(vacancy_id)
        if found is not None:
            self.vacancies[vacancy_id] = found.model_copy(update={"open": False})

    def vacancy(self, vacancy_id: str) -> VacancySummary | None:
        return self.vacancies.get(vacancy_id)
