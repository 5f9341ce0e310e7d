"""Seeded random profiles and vacancies built from the real ESCO and GeoNames data.

Used by the seed, the benchmarks and the tests. Clients live where people live (places
weighted by population); vacancies are spread the same way, some fully remote.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache

from services.common.reference import occupations, sampling, skills
from services.common.reference.skills import normalise_skill
from services.matching.domain.model import (
    ContractType,
    EducationLevel,
    OccupationBreadth,
    OccupationMatch,
    OccupationWishInput,
    OpenVacancy,
    SearchProfileInput,
)
from services.matching.domain.rules import OccupationKey, ProfileCriteria, wish_keys

TRAVEL_KM_CHOICES = (5, 10, 15, 20, 25, 30, 40, 50, 75)
LANGUAGE_SETS = (("nl",), ("nl", "en"), ("nl", "en", "de"), ("en",), ("nl", "pl"), ("nl", "tr"), ("nl", "ar"))
VACANCY_LANGUAGES = ((), ("nl",), ("nl",), ("nl", "en"), ("en",))
HOUR_WINDOWS = ((8, 16), (16, 24), (24, 32), (24, 36), (32, 40), (36, 40), (12, 24), (0, 40))
VACANCY_HOURS = ((0, 0), (16, 24), (24, 32), (32, 36), (36, 40), (38, 38), (40, 40), (20, 20), (8, 16))


@cache
def _skill_pool() -> tuple[str, ...]:
    return skills.skill_labels()


def random_wishes(rng: random.Random) -> list[OccupationWishInput]:
    wishes = []
    for occupation in sampling.random_occupations(rng, rng.choice((1, 1, 1, 2, 2, 3))):
        breadth = rng.choice((OccupationBreadth.EXACT, OccupationBreadth.UNIT_GROUP, OccupationBreadth.MINOR_GROUP))
        if rng.random() < 0.2:
            wishes.append(OccupationWishInput(isco_code=occupation.isco_code, breadth=int(breadth)))
        else:
            wishes.append(OccupationWishInput(esco_uri=occupation.uri, breadth=int(breadth)))
    return wishes


def random_profile_input(rng: random.Random, client_id: str) -> SearchProfileInput:
    """A realistic profile for `client_id` (a pseudonymous id), valid by construction."""
    home = sampling.weighted_places(rng, 1)[0]
    hours_min, hours_max = rng.choice(HOUR_WINDOWS)
    return SearchProfileInput(
        client_id=client_id,
        occupations=random_wishes(rng),
        skills=rng.sample(_skill_pool(), rng.randint(0, 6)),
        home_place_name=home.name,
        max_travel_km=rng.choice(TRAVEL_KM_CHOICES) if rng.random() < 0.9 else rng.randint(1, 300),
        hours_min=hours_min,
        hours_max=hours_max,
        contract_types=rng.choice(([], [], [1], [1, 2], [1, 2, 3], [4])),
        education_level=rng.choice((0, 3, 5, 6, 7, 8, 10, 11)),
        languages=list(rng.choice(LANGUAGE_SETS)),
        has_driving_licence=rng.random() < 0.6,
        remote_acceptable=rng.random() < 0.3,
        min_salary_monthly=rng.choice((0, 0, 0, 2000, 2500, 3000, 4000)),
        status=1 if rng.random() < 0.95 else 2,
    )


def random_vacancy(
    rng: random.Random,
    vacancy_id: str,
    *,
    today: date,
    received_at: datetime,
    occupation: occupations.Occupation | None = None,
) -> OpenVacancy:
    occupation = occupation or sampling.random_occupations(rng, 1)[0]
    place = sampling.weighted_places(rng, 1)[0]
    lat, lon = sampling.random_point_near(rng, place, 5.0)
    remote = rng.random() < 0.08
    hours_min, hours_max = rng.choice(VACANCY_HOURS)
    salary_min = rng.choice((0, 0, 2200, 2600, 3000, 3500, 4200))
    pool = skills.skills_for_occupation(occupation.uri) or _skill_pool()
    required = rng.sample(pool, min(len(pool), rng.randint(0, 5)))
    optional = rng.sample(pool, min(len(pool), rng.randint(0, 3)))
    return OpenVacancy(
        vacancy_id=vacancy_id,
        title=occupation.label_nl,
        employer=f"Werkgever {rng.randint(1, 5000)}",
        esco_uri=occupation.uri,
        isco_code=occupation.isco_code,
        place_name=place.name,
        latitude=lat,
        longitude=lon,
        has_coordinates=not (remote and rng.random() < 0.5),
        remote=remote,
        hours_min=hours_min,
        hours_max=hours_max,
        contract_type=ContractType(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))),
        education_level=EducationLevel(rng.choice((0, 0, 3, 5, 6, 7, 10, 11))),
        salary_min=salary_min,
        salary_max=salary_min + rng.choice((0, 300, 800)) if salary_min else 0,
        languages=rng.choice(VACANCY_LANGUAGES),
        driving_licence_required=rng.random() < 0.2,
        required_skills=tuple(required),
        optional_skills=tuple(optional),
        date_posted=(today - timedelta(days=rng.randint(0, 60))).isoformat(),
        valid_through=(today + timedelta(days=rng.randint(7, 60))).isoformat(),
        application_url=f"https://werk.example.nl/vacature/{vacancy_id}",
        received_at=received_at,
    )


def random_profile_criteria(rng: random.Random, client_id: str) -> ProfileCriteria:
    """Like `compile_profile(make_search_profile(random_profile_input(...)))` without pydantic,
    so a benchmark can build a million profiles in reasonable time."""
    home = sampling.weighted_places(rng, 1)[0]
    hours_min, hours_max = rng.choice(HOUR_WINDOWS)
    keys: dict[OccupationKey, OccupationMatch] = {}
    for occupation in sampling.random_occupations(rng, rng.choice((1, 1, 1, 2, 2, 3))):
        breadth = rng.choice((OccupationBreadth.EXACT, OccupationBreadth.UNIT_GROUP, OccupationBreadth.MINOR_GROUP))
        uri = "" if rng.random() < 0.2 else occupation.uri
        for key, match in wish_keys(uri, occupation.isco_code, breadth).items():
            if key not in keys or match < keys[key]:
                keys[key] = match
    return ProfileCriteria(
        client_id=client_id,
        active=True,
        keys=keys,
        latitude=home.latitude,
        longitude=home.longitude,
        max_km=rng.choice(TRAVEL_KM_CHOICES) if rng.random() < 0.9 else rng.randint(1, 300),
        hours_min=hours_min,
        hours_max=hours_max,
        contract_types=frozenset(rng.choice(((), (), (1,), (1, 2), (1, 2, 3), (4,)))),
        education_level=rng.choice((0, 3, 5, 6, 7, 8, 10, 11)),
        languages=frozenset(rng.choice(LANGUAGE_SETS)),
        has_driving_licence=rng.random() < 0.6,
        remote_acceptable=rng.random() < 0.3,
        min_salary=rng.choice((0, 0, 0, 2000, 2500, 3000, 4000)),
        skills=frozenset(normalise_skill(s) for s in rng.sample(_skill_pool(), rng.randint(0, 6))),
    )
