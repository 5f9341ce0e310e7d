"""The ports the matching use cases talk to. SQLite adapters implement them today; an
Elasticsearch ProfileStore (separate issue) will index profiles with the travel area as a
geo shape and hours as a range field, so `find_matching` becomes one query there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from services.common.bus.outbox import PendingEvent
from services.matching.domain.model import FeedbackKind, OpenVacancy, SearchProfile
from services.matching.domain.ranking import ProfileMatch
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria


class ProfileStore(Protocol):
    def get_profile(self, client_id: str) -> SearchProfile | None: ...

    def save_profile(self, profile: SearchProfile) -> None: ...

    def delete_profile(self, client_id: str) -> bool: ...

    def all_profiles(self) -> Iterable[SearchProfile]: ...

    def find_matching(self, vacancy: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """Every active profile the vacancy matches, best first (the reverse match)."""
        ...


class VacancyProjectionStore(Protocol):
    """Open vacancies as seen through the vacancies topic, plus who they were matched to."""

    def get_vacancy(self, vacancy_id: str) -> OpenVacancy | None: ...

    def matching_vacancies(self, profile: ProfileCriteria) -> Sequence[tuple[VacancyCriteria, RuleMatch]]:
        """Every open vacancy that passes the profile's hard criteria (unordered); a sequence,
        not a list, so the SQLite store can answer with its lazy `VacancyMatches`."""
        ...

    def match_set(self, vacancy_id: str) -> dict[str, float]:
        """client id -> score of the clients the vacancy matches now (empty when unknown)."""
        ...

    def apply_vacancy(
        self,
        vacancy: OpenVacancy,
        matches: list[ProfileMatch],
        unmatched: Sequence[str],
        events: Sequence[PendingEvent],
    ) -> bool:
        """Upsert the vacancy, its match set (`matches`; the `unmatched` clients leave it) and
        store `events`, all in one transaction where the store has them. False, and nothing
        written, when a newer version of the vacancy (or a later closure) is stored."""
        ...

    def close_vacancy(
        self, vacancy_id: str, closed_at: datetime, clients: Sequence[str], events: Sequence[PendingEvent]
    ) -> bool:
        """Remove the vacancy and its match set (`clients`), remember when it closed, store
        `events`; True when it was open."""
        ...


@dataclass(frozen=True)
class VacancyRead:
    """What a batch read of one vacancy found: the stored version (`get_vacancy`), the match
    set its clients were told (`match_set`), and the store's own token of that state, which
    the write of a change decided on it must present (its version guard)."""

    vacancy_id: str
    stored: OpenVacancy | None
    match_set: dict[str, float]
    token: Any = None


@dataclass(frozen=True)
class VacancyChange:
    """One vacancy of a batch as `apply_vacancy` takes it, with the read it was decided on."""

    read: VacancyRead
    vacancy: OpenVacancy
    matches: list[ProfileMatch]
    unmatched: Sequence[str]
    events: Sequence[PendingEvent]
    criteria: VacancyCriteria | None = None  # compile_vacancy(vacancy), when the caller has it


class VacancyBatchStore(Protocol):
    """Optional: a store that reads and writes many vacancies in few requests (the search
    store). Handlers use it when the store has it; the SQLite store handles one at a time."""

    def read_vacancies(self, vacancy_ids: Sequence[str]) -> list[VacancyRead]: ...

    def apply_vacancies(self, changes: Sequence[VacancyChange]) -> list[bool | None]:
        """`apply_vacancy` for each change (its commit document written with the read's guard):
        True written, False refused (a newer version or a later closure is stored), None when
        the stored state is no longer the one read (the caller handles that one again)."""
        ...

    def find_matching_many(self, vacancies: Sequence[VacancyCriteria], today: date) -> list[list[ProfileMatch]]:
        """`find_matching` for each vacancy, in order."""
        ...


class FeedStateStore(Protocol):
    def record_visit(self, client_id: str, at: datetime) -> datetime | None:
        """Store this visit; return the previous one (None on the first visit)."""
        ...

    def feedback_of(self, client_id: str) -> dict[str, set[FeedbackKind]]: ...

    def add_feedback(
        self, client_id: str, vacancy_id: str, kind: FeedbackKind, at: datetime, events: Sequence[PendingEvent] = ()
    ) -> bool:
        """Record it once (the first time counts) and, only then, the events with it; True when new."""
        ...


class CaseloadProjection(Protocol):
    """Caseworker -> client assignments as activities publishes them (idempotent set operations)."""

    def assign(self, caseworker_id: str, client_id: str) -> None: ...

    def unassign(self, caseworker_id: str, client_id: str) -> None: ...

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool: ...

    def clients_of(self, caseworker_id: str) -> frozenset[str]: ...

    def close(self) -> None: ...
