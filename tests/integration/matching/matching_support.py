"""Helpers for the matching tests: a clock the test moves and vacancies as the vacancy
events would open them. (A module of its own: `conftest` is ambiguous across test folders.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.common.reference import occupations, places
from services.matching.domain.model import OpenVacancy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@dataclass
class MovableClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: int = 0, days: int = 0) -> None:
        self.now += timedelta(hours=hours, days=days)


def make_vacancy(
    vacancy_id: str,
    place: str,
    isco: str = "2512",
    hours: tuple[float, float] = (32, 36),
    received_at: datetime = NOW,
    **fields: Any,
) -> OpenVacancy:
    occupation = occupations.by_isco_prefix(isco)[0]
    where = places.lookup(place)
    assert where is not None, place
    values: dict[str, Any] = dict(
        vacancy_id=vacancy_id,
        title=f"{occupation.label_nl} ({place})",
        employer="Voorbeeld B.V.",
        esco_uri=occupation.uri,
        isco_code=occupation.isco_code,
        place_name=where.name,
        latitude=where.latitude,
        longitude=where.longitude,
        has_coordinates=True,
        hours_min=hours[0],
        hours_max=hours[1],
        date_posted="2026-11-20",
        received_at=received_at,
    )
    values.update(fields)
    return OpenVacancy(**values)
