"""Sample vacancies from the real reference data (ESCO occupations, GeoNames places).

Employers are clearly synthetic ("Zorggroep Utrecht"): sector word + place, never a person.
Seeded RNG, idempotent: does nothing when the sample source is already present.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from services.common.reference import occupations, places, sampling, skills

from .domain.model import CONTRACT_TYPES, Location, Occupation, VacancyContent

if TYPE_CHECKING:
    from .bootstrap import App

SAMPLE_SOURCE = "voorbeeld-vacaturebank"
SAMPLE_COUNT = 2000
SEED = 20261125
# The matching team's acceptance test looks for software developers around Utrecht.
UTRECHT_SOFTWARE_JOBS = 8
SOFTWARE_DEVELOPER_ISCO = "2512"

# First ISCO digit -> sector word for a synthetic employer name.
_SECTOR = {
    "0": "Defensie-eenheid", "1": "Managementbureau", "2": "Kenniscentrum", "3": "Technisch Bureau",
    "4": "Administratiekantoor", "5": "Zorggroep", "6": "Agrarisch Bedrijf", "7": "Bouwbedrijf",
    "8": "Productiebedrijf", "9": "Facilitair Bedrijf",
}
_ICT_SECTOR = "ICT-bedrijf"
_HOURS = ((16.0, 24.0), (24.0, 32.0), (32.0, 36.0), (36.0, 40.0), (38.0, 40.0), (20.0, 40.0))
_EDUCATION = ("vmbo", "mbo_2", "mbo_3", "mbo_4", "hbo", "wo")
_WORKPLACE = ("on_site", "on_site", "on_site", "hybrid", "hybrid", "remote")


def _title(label: str) -> str:
    return f"{label[:1].upper()}{label[1:]} (m/v/x)"


def _description(occupation: occupations.Occupation, place: str, hours: tuple[float, float]) -> str:
    return (
        f"Wij zoeken een {occupation.label_nl} voor onze vestiging in {place}.\n\n"
        f"Wat ga je doen?\n{occupation.description_nl}\n\n"
        f"Wat bieden wij?\n- {hours[0]:g} tot {hours[1]:g} uur per week\n- Een fijn team\n- Goede opleidingsmogelijkheden"
    )


def sample_vacancies(n: int, *, today: date, seed: int = SEED, source: str = SAMPLE_SOURCE) -> Iterator[VacancyContent]:
    """`n` realistic open vacancies; the first few are ISCO 2512 jobs in and around Utrecht."""
    rng = random.Random(seed)
    software = [o for o in occupations.by_isco_prefix(SOFTWARE_DEVELOPER_ISCO)]
    utrecht = places.lookup("Utrecht")
    chosen_places = sampling.weighted_places(rng, n)
    chosen_occupations = sampling.random_occupations(rng, n)
    for i in range(n):
        occupation, place = chosen_occupations[i], chosen_places[i]
        if i < UTRECHT_SOFTWARE_JOBS and utrecht is not None and software:
            occupation, place = software[i % len(software)], utrecht
        lat, lon = sampling.random_point_near(rng, place, 3.0)
        hours = rng.choice(_HOURS)
        sector = _ICT_SECTOR if occupation.isco_code.startswith("25") else _SECTOR.get(occupation.isco_code[:1], "Bedrijf")
        posted = today - timedelta(days=rng.randint(0, 40))
        essential = skills.skills_for_occupation(occupation.uri)
        salary = float(rng.randrange(2200, 5800, 100))
        yield VacancyContent(
            source=source, external_id=f"VB-{seed % 10000:04d}-{i:06d}", title=_title(occupation.label_nl),
            description=_description(occupation, place.name, hours), employer=f"{sector} {place.name}",
            occupation=Occupation(esco_uri=occupation.uri),
            required_skills=tuple(essential[:5]), optional_skills=tuple(essential[5:8]),
            location=Location(place_name=place.name, country_code="NL", province_code=place.province_code,
                              latitude=round(lat, 5), longitude=round(lon, 5)),
            workplace_type=rng.choice(_WORKPLACE), hours_min=hours[0], hours_max=hours[1],
            contract_type=rng.choice(CONTRACT_TYPES[:4]), education_level=rng.choice(_EDUCATION),
            salary_min=salary, salary_max=salary + 800, salary_currency="EUR", salary_period="month",
            languages=("nl",) if rng.random() < 0.8 else ("nl", "en"),
            driving_licence_required=rng.random() < 0.2,
            date_posted=posted.isoformat(), valid_through=(today + timedelta(days=rng.randint(14, 90))).isoformat(),
            application_url=f"https://vacatures.example.nl/{source}/{i}",
        )


def seed_sample_data(app: App) -> None:
    """Ingest the sample vacancies once (checked by their source key)."""
    if app.store.known_sources([(SAMPLE_SOURCE, f"VB-{SEED % 10000:04d}-{0:06d}")]):
        return
    today = app.clock().date()
    batch: list[VacancyContent] = []
    for content in sample_vacancies(SAMPLE_COUNT, today=today):
        batch.append(content)
        if len(batch) == 500:
            app.ingest(batch)
            batch = []
    if batch:
        app.ingest(batch)
