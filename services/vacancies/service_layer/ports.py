"""The ports the use cases talk to. Adapters implement them; tests may fake them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.ingest import IngestPlan, KnownSource
from ..domain.model import ChangeType, Vacancy
from ..domain.search import SearchCriteria, SearchPage, SearchPosition

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class VacancyChange:
    sequence: int
    change_type: ChangeType
    vacancy_id: str
    changed_at: datetime
    vacancy: Vacancy


class VacancyStore(Protocol):
    """Where vacancies live. Every write also records the change and its event (outbox)
    in the same transaction, so the change stream and the bus never miss a write."""

    def known_sources(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], KnownSource]: ...

    def open_by_fingerprint(self, fingerprints: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """fingerprint -> [(vacancy_id, source)] of open vacancies."""
        ...

    def apply_ingest(self, plan: IngestPlan, now: datetime) -> None: ...

    def get(self, vacancy_id: str) -> Vacancy | None: ...

    def close(self, vacancy_id: str, reason: str, now: datetime) -> Vacancy | None:
        """Close an open vacancy (closed event); an already closed one is returned as is."""
        ...

    def expire(self, today: str, now: datetime) -> list[str]:
        """Close every open vacancy whose valid_through is before `today`; their ids."""
        ...

    def search(self, criteria: SearchCriteria, page_size: int, after: SearchPosition | None) -> SearchPage:
        """One page in the criteria's order; `after` is the `next_position` of the page before."""
        ...

    def changes_after(self, sequence: int, limit: int) -> list[VacancyChange]: ...

    def open_vacancies_after(self, position: int, limit: int) -> list[tuple[int, Vacancy]]:
        """Open vacancies in storage order after `position` (snapshot paging)."""
        ...

    def last_change_sequence(self) -> int: ...

    def close_store(self) -> None: ...
