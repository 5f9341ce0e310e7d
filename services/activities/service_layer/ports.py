"""Ports of the activities service: what the use cases need from storage and the outside."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from google.protobuf.message import Message

from services.activities.domain.model import Activity
from services.activities.domain.periods import ActivityFact
from services.activities.domain.policy import PolicyVersion
from services.activities.domain.vacancy import VacancySummary


@dataclass(frozen=True)
class PendingEvent:
    """An event to store in the outbox in the same transaction as the change it reports."""

    event_type: str
    client_id: str  # the Kafka key
    subject: str
    message: Message
    topic: str = "jobmatch.activities.v1"


class ActivityStore(Protocol):
    def add_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> tuple[Activity, bool]:
        """Store a new activity; on a known (client_id, request_id) return the stored one and False."""
        ...

    def get_activity(self, client_id: str, activity_id: str) -> Activity | None: ...

    def save_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> None:
        """Store the changed outcome, verification or withdrawal of an existing activity."""
        ...

    def list_activities(
        self,
        client_id: str,
        *,
        from_date: date | None,
        to_date: date | None,
        limit: int,
        after: tuple[date, str] | None = None,
    ) -> list[Activity]:
        """Not withdrawn, newest first (date, activity_id descending), after the cursor."""
        ...

    def facts_for(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        """Compact facts of not-withdrawn activities dated on or after `since` (agency and staffing-pool
        registrations of any date: one counts once per agency), per client."""
        ...

    def assessment_facts(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        """As `facts_for`, except that of the agency and staffing-pool registrations dated before
        `since` only the first not rejected one per agency name must be there (an adapter may
        give them all): the assessment asks of those only whether the agency was registered with."""
        ...

    def last_activity_dates(self, client_ids: Sequence[str]) -> dict[str, date]: ...

    def revisions(self, client_ids: Sequence[str]) -> dict[str, int] | None:
        """A number per client that changes with every change of its activities or policy versions
        (a client without one: none since the store began keeping them), read before the facts
        it vouches for. None: the store keeps no such number, so callers assess afresh."""
        ...

    def erase_before(self, cutoff: date) -> int:
        """Retention: delete activities dated before the cutoff, except of clients under a legal hold."""
        ...

    def erase_client_before(self, client_id: str, cutoff: date, events: Sequence[PendingEvent]) -> int:
        """Erasure on request: one client's activities dated before the cutoff, with the events."""
        ...

    def count_for_client(self, client_id: str) -> int:
        """How many activities (withdrawn ones included) are stored for the client."""
        ...

    def set_legal_hold(self, client_id: str, kind: str, active: bool, now: str) -> list[str]:
        """Set or lift one kind of legal hold; returns the kinds now active. Retention skips held clients."""
        ...

    def legal_holds(self, client_id: str) -> list[str]: ...


class ObligationStore(Protocol):
    def add_policy_version(self, policy: PolicyVersion, caseworker_id: str | None) -> None:
        """Store a new version (Aborted when that version number exists) and assign the caseload."""
        ...

    def policy_versions(self, client_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]: ...

    def clients_with_policy(self) -> list[str]: ...

    def assign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        """Put the client in the caseload, with the events; False (and no events) when it was."""
        ...

    def unassign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        """Take the client out of the caseload, with the events; False (and no events) when it was not in."""
        ...

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool: ...

    def caseload(self, caseworker_id: str) -> list[str]: ...

    def record_signal(self, client_id: str, period_start: date, kind: str, events: Sequence[PendingEvent]) -> bool:
        """Record that a signal was sent for a period, with its events; False when it already was."""
        ...

    def recorded_signals(self, client_ids: Sequence[str]) -> dict[str, set[tuple[date, str]]]:
        """(period_start, kind) of every signal already sent, per client."""
        ...


class VacancyProjection(Protocol):
    def upsert_vacancy(self, vacancy: VacancySummary) -> None: ...

    def close_vacancy(self, vacancy_id: str) -> None: ...

    def vacancy(self, vacancy_id: str) -> VacancySummary | None: ...
