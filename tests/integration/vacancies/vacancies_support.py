"""Helpers shared by the vacancies integration tests (a unique module name: test dirs are not packages)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from services.vacancies.domain.model import Location, Occupation, VacancyContent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "vacancies"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def vacancy(
    external_id: str, *, source: str = "werkbank", title: str = "Medewerker", place: str = "Utrecht", **fields: object
) -> VacancyContent:
    """A valid vacancy in `place` (coordinates come from the shipped places)."""
    values: dict[str, object] = {
        "source": source,
        "external_id": external_id,
        "title": title,
        "employer": f"Werkgever {external_id}",
        "description": f"Vacature {title} in {place}.",
        "location": Location(place_name=place),
        "date_posted": "2026-11-20",
        "valid_through": "2026-12-31",
    }
    values.update(fields)
    return VacancyContent(**values)  # type: ignore[arg-type]


def software_job(external_id: str, **fields: object) -> VacancyContent:
    fields.setdefault("title", "Softwareontwikkelaar")
    return vacancy(external_id, occupation=Occupation(esco_uri=SOFTWARE_DEVELOPER), **fields)  # type: ignore[arg-type]
