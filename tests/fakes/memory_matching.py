"""An in-memory ProfileStore + VacancyProjectionStore + FeedStateStore (the matching ports).

The documents live in a `MatchingMemory`; a store built on an existing memory rebuilds its
indexes from it, as a restarted SQLite store does from its file. Reverse and forward matching
use the same domain indexes as the SQLite adapter, so only the storage is fake."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from services.common.bus.outbox import PendingEvent
from services.matching.domain.model import FeedbackKind, OpenVacancy, SearchProfile
from services.matching.domain.profile_index import ProfileMatchIndex
from services.matching.domain.ranking import ProfileMatch
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria, compile_profile, compile_vacancy
from services.matching.domain.vacancy_index import VacancyIndex

from .memory_outbox import MemoryOutbox


@dataclass
class MatchingMemory:
    profiles: dict[str, SearchProfile] = field(default_factory=dict)
    vacancies: dict[str, OpenVacancy] = field(default_factory=dict)
    closed_at: dict[str, datetime] = field(default_factory=dict)
    match_sets: dict[str, dict[str, float]] = field(default_factory=dict)
    feedback: dict[str, dict[str, set[FeedbackKind]]] = field(default_factory=dict)
    visits: dict[str, datetime] = field(default_factory=dict)
    outbox: MemoryOutbox = field(default_factory=MemoryOutbox)


class MemoryMatchingStore:
    def __init__(self, memory: MatchingMemory | None = None) -> None:
        self.memory = memory if memory is not None else MatchingMemory()
        self._outbox = self.memory.outbox  # what build_app hands the relay (unused without a broker)
        self._lock = threading.RLock()
        self._profiles = ProfileMatchIndex()
        self._vacancies = VacancyIndex()
        for profile in self.memory.profiles.values():
            self._profiles.upsert(compile_profile(profile))
        for vacancy in self.memory.vacancies.values():
            self._vacancies.upsert(compile_vacancy(vacancy))

    def close(self) -> None:
        pass

    # -- ProfileStore ------------------------------------------------------------
    def get_profile(self, client_id: str) -> SearchProfile | None:
        return self.memory.profiles.get(client_id)

    def save_profile(self, profile: SearchProfile) -> None:
        with self._lock:
            self.memory.profiles[profile.client_id] = profile
            self._profiles.upsert(compile_profile(profile))

    def delete_profile(self, client_id: str) -> bool:
        with self._lock:
            self._profiles.remove(client_id)
            return self.memory.profiles.pop(client_id, None) is not None

    def all_profiles(self) -> Iterator[SearchProfile]:
        with self._lock:
            found = [self.memory.profiles[c] for c in sorted(self.memory.profiles)]
        yield from found

    def profile_count(self) -> int:
        return len(self.memory.profiles)

    def find_matching(self, vacancy: VacancyCriteria, today: date) -> list[ProfileMatch]:
        with self._lock:
            return self._profiles.find_matching(vacancy, today)

    # -- VacancyProjectionStore ---------------------------------------------------
    def get_vacancy(self, vacancy_id: str) -> OpenVacancy | None:
        return self.memory.vacancies.get(vacancy_id)

    def matching_vacancies(self, profile: ProfileCriteria) -> Sequence[tuple[VacancyCriteria, RuleMatch]]:
        with self._lock:
            return self._vacancies.matches(profile)

    def match_set(self, vacancy_id: str) -> dict[str, float]:
        return dict(self.memory.match_sets.get(vacancy_id, {}))

    def _is_stale(self, vacancy: OpenVacancy) -> bool:
        """A newer version, or a closure at or after this version, is stored already."""
        stored = self.memory.vacancies.get(vacancy.vacancy_id)
        if stored is not None and vacancy.is_older_than(stored):
            return True
        closed = self.memory.closed_at.get(vacancy.vacancy_id)
        return closed is not None and (vacancy.source_updated_at is None or vacancy.source_updated_at <= closed)

    def apply_vacancy(
        self,
        vacancy: OpenVacancy,
        matches: list[ProfileMatch],
        unmatched: Sequence[str],
        events: Sequence[PendingEvent],
    ) -> bool:
        with self._lock:
            if self._is_stale(vacancy):
                return False
            self.memory.closed_at.pop(vacancy.vacancy_id, None)
            self.memory.vacancies[vacancy.vacancy_id] = vacancy
            self.memory.match_sets[vacancy.vacancy_id] = {m.client_id: m.score for m in matches}
            self.memory.outbox.add_many(events)
            self._vacancies.upsert(compile_vacancy(vacancy))
        return True

    def close_vacancy(
        self, vacancy_id: str, closed_at: datetime, clients: Sequence[str], events: Sequence[PendingEvent]
    ) -> bool:
        with self._lock:
            removed = self.memory.vacancies.pop(vacancy_id, None) is not None
            self.memory.match_sets.pop(vacancy_id, None)
            before = self.memory.closed_at.get(vacancy_id)
            self.memory.closed_at[vacancy_id] = max(before, closed_at) if before else closed_at
            self.memory.outbox.add_many(events)
            self._vacancies.remove(vacancy_id)
        return removed

    # -- FeedStateStore -------------------------------------------------------------
    def record_visit(self, client_id: str, at: datetime) -> datetime | None:
        with self._lock:
            previous = self.memory.visits.get(client_id)
            self.memory.visits[client_id] = at
        return previous

    def feedback_of(self, client_id: str) -> dict[str, set[FeedbackKind]]:
        return {v: set(kinds) for v, kinds in self.memory.feedback.get(client_id, {}).items()}

    def add_feedback(
        self, client_id: str, vacancy_id: str, kind: FeedbackKind, at: datetime, events: Sequence[PendingEvent] = ()
    ) -> bool:
        with self._lock:
            kinds = self.memory.feedback.setdefault(client_id, {}).setdefault(vacancy_id, set())
            if kind in kinds:
                return False
            kinds.add(kind)
            self.memory.outbox.add_many(events)
        return True
