"""Sample vacancies from the real reference data (ESCO occupations, Dutch places).

The first ones are the demo clients' jobs (`services.common.demo_story`): for each client,
vacancies of their occupation within reach of home, in their hours, requiring the ESCO skills
they have. Employers are neutral phrases, "<sector> in <place>" ("ICT-bedrijf in Utrecht").
Seeded RNG, idempotent: does nothing when the sample source is already present.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from services.common import demo_story
from services.common.reference import occupations, sampling, skills
from services.common.reference.places import Place

from .domain.model import CONTRACT_TYPES, Location, Occupation, VacancyContent

if TYPE_CHECKING:
    from .bootstrap import App

SAMPLE_SOURCE = "voorbeeld-vacaturebank"
SAMPLE_COUNT = 2000
SEED = 20261125
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


def demo_jobs() -> list[tuple[demo_story.DemoClient, Place]]:
    """(client, place) for each demo client's vacancy, in client order."""
    return [(client, place) for client in demo_story.demo_clients() for place in demo_story.job_places(client)]


def sample_vacancies(n: int, *, today: date, seed: int = SEED, source: str = SAMPLE_SOURCE) -> Iterator[VacancyContent]:
    """`n` realistic open vacancies; the first ones are the demo clients' jobs."""
    rng = random.Random(seed)
    demo = demo_jobs()
    chosen_places = sampling.weighted_places(rng, n)
    chosen_occupations = sampling.random_occupations(rng, n)
    for i in range(n):
        occupation, place = chosen_occupations[i], chosen_places[i]
        client = None
        if i < len(demo):
            client, place = demo[i]
            occupation = client.occupation
        lat, lon = sampling.random_point_near(rng, place, 3.0)
        hours = rng.choice(_HOURS)
        if client is not None:  # inside the client's hours window
            hours = (float(client.hours_min), float(client.hours_max))
        posted = today - timedelta(days=rng.randint(0, 40))
        essential = skills.skills_for_occupation(occupation.uri)
        salary = float(rng.randrange(2200, 5800, 100))
        licence = rng.random() < 0.2
        yield VacancyContent(
            source=source,
            external_id=f"VB-{seed % 10000:04d}-{i:06d}",
            title=_title(occupation.label_nl),
            description=_description(occupation, place.name, hours),
            employer=demo_story.employer_name(occupation.isco_code, place.name),
            occupation=Occupation(esco_uri=occupation.uri),
            required_skills=tuple(essential[:5]),
            optional_skills=tuple(essential[5:8]),
            location=Location(
                place_name=place.name,
                country_code="NL",
                province_code=place.province_code,
                latitude=round(lat, 5),
                longitude=round(lon, 5),
            ),
            workplace_type=rng.choice(_WORKPLACE[:5] if client else _WORKPLACE),
            hours_min=hours[0],
            hours_max=hours[1],
            contract_type=rng.choice(CONTRACT_TYPES[:4]),
            education_level=rng.choice(_EDUCATION),
            salary_min=salary,
            salary_max=salary + 800,
            salary_currency="EUR",
            salary_period="month",
            languages=("nl",) if rng.random() < 0.8 or client else ("nl", "en"),
            driving_licence_required=licence and (client is None or client.has_driving_licence),
            date_posted=posted.isoformat(),
            valid_through=(today + timedelta(days=rng.randint(14, 90))).isoformat(),
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
