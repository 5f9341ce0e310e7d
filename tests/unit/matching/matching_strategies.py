"""Hypothesis strategies for profiles and vacancies built from the real ESCO and place data.

Occupations are drawn around one "theme" occupation per example (same minor group, same
unit group, same URI, or anything), so matches at every closeness level are common.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime

from hypothesis import strategies as st

from services.common.reference import occupations, places
from services.common.reference.geo import EARTH_RADIUS_KM
from services.common.reference.sampling import random_point_near
from services.matching.domain.model import (
    ContractType,
    EducationLevel,
    OccupationWishInput,
    OpenVacancy,
    SearchProfile,
    SearchProfileInput,
    make_search_profile,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ALL_OCCUPATIONS = occupations.all_occupations()
ALL_PLACES = places.all_places()
SKILLS = ("Python", "SQL", "TypeScript", "Java", "klantgericht werken", "teamwork", "Scrum", "Git")
LANGUAGES = ("nl", "en", "de", "fr")

themes = st.sampled_from(ALL_OCCUPATIONS)


def related_occupation(rnd: random.Random, theme: occupations.Occupation) -> occupations.Occupation:
    pool = rnd.choice(
        (
            (theme,),
            occupations.by_isco_prefix(theme.isco_code),
            occupations.by_isco_prefix(theme.isco_code[:3]),
            ALL_OCCUPATIONS,
        )
    )
    return rnd.choice(pool)


def random_profile(
    rnd: random.Random, theme: occupations.Occupation, client_id: str, near: places.Place
) -> SearchProfile:
    """A valid profile; values lean on the edges (1/25/300 km, empty sets, paused)."""
    wishes = []
    for _ in range(rnd.randint(1, 3)):
        occupation = related_occupation(rnd, theme)
        bare = rnd.random() < 0.25
        wishes.append(
            OccupationWishInput(
                esco_uri="" if bare else occupation.uri,
                isco_code=occupation.isco_code if bare or rnd.random() < 0.5 else "",
                breadth=rnd.randint(0, 3),
            )
        )
    home = near if rnd.random() < 0.5 else rnd.choice(ALL_PLACES)
    hours_max = rnd.randint(1, 60)
    status = rnd.choice((0, 1, 1, 2))
    draft = SearchProfileInput(
        client_id=client_id,
        occupations=[] if status == 2 and rnd.random() < 0.5 else wishes,
        skills=rnd.sample(SKILLS, rnd.randint(0, 4)),
        home_place_name=home.name,
        max_travel_km=rnd.choice((1, 5, 6, 24, 25, 26, 50, 299, 300, rnd.randint(1, 300), rnd.randint(1, 300))),
        hours_min=rnd.randint(0, hours_max),
        hours_max=hours_max,
        contract_types=rnd.sample([c.value for c in ContractType if c], rnd.choice((0, 0, 1, 2, 3))),
        education_level=rnd.choice([e.value for e in EducationLevel]),
        languages=rnd.sample(LANGUAGES, rnd.randint(0, 3)),
        has_driving_licence=rnd.random() < 0.5,
        remote_acceptable=rnd.random() < 0.5,
        min_salary_monthly=rnd.choice((0, 0, 2000, 3000, 4500, 16383, 16384, 50000)),  # around the index's cap
        status=status,
    )
    return make_search_profile(draft, now=NOW)


def point_at(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The point `km` away from (lat, lon) in direction `bearing` (radians)."""
    angular = km / EARTH_RADIUS_KM
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2 = math.asin(math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1), math.cos(angular) - math.sin(lat1) * math.sin(lat2)
    )
    return math.degrees(lat2), math.degrees(lon2)


def random_vacancy(
    rnd: random.Random,
    theme: occupations.Occupation,
    near: places.Place,
    vacancy_id: str = "vac-1",
    around: list[SearchProfile] = (),
) -> OpenVacancy:
    """A vacancy near `near`, or (half the time) right around the edge of one profile's travel area."""
    occupation = related_occupation(rnd, theme)
    place = near if rnd.random() < 0.5 else rnd.choice(ALL_PLACES)
    if around and rnd.random() < 0.5:
        edge = rnd.choice(around)
        lat, lon = point_at(
            edge.home_latitude,
            edge.home_longitude,
            edge.max_travel_km * rnd.uniform(0.85, 1.03),
            rnd.uniform(0, 2 * math.pi),
        )
    else:
        lat, lon = random_point_near(rnd, place, rnd.choice((0.0, 0.0, 1.0, 10.0, 40.0)))
    salary = rnd.choice((0, 1800, 2999, 3000, 5000, 16383, 20000))
    return OpenVacancy(
        vacancy_id=vacancy_id,
        title=occupation.label_nl,
        esco_uri=rnd.choice((occupation.uri, occupation.uri, "")),
        isco_code=rnd.choice((occupation.isco_code, occupation.isco_code, occupation.isco_code[:3], "")),
        place_name=place.name,
        latitude=lat,
        longitude=lon,
        has_coordinates=rnd.random() < 0.75,
        remote=rnd.random() < 0.25,
        hours_min=rnd.choice((0.0, 7.5, 8.0, 16.0, 24.0, 32.0, 36.0, 40.0)),
        hours_max=rnd.choice((0.0, 8.0, 24.0, 32.5, 36.0, 40.0, 60.0)),
        contract_type=ContractType(rnd.randint(0, 7)),
        education_level=EducationLevel(rnd.randint(0, 12)),
        salary_min=salary,
        salary_max=rnd.choice((0, salary, salary + 500)),
        languages=tuple(rnd.sample(LANGUAGES, rnd.choice((0, 0, 1, 2)))),
        driving_licence_required=rnd.random() < 0.5,
        required_skills=tuple(rnd.sample(SKILLS, rnd.randint(0, 4))),
        optional_skills=tuple(rnd.sample(SKILLS, rnd.randint(0, 2))),
        date_posted=rnd.choice(("2026-11-25", "2026-11-01", "2026-09-30", "")),
        received_at=NOW,
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[SearchProfile], list[OpenVacancy]]:
    """A handful of profiles and vacancies around one theme occupation and one place.

    Hypothesis draws the theme, the place and the sizes; a seeded Random (also drawn by
    Hypothesis, so failures replay) fills in the details cheaply. A genuine Random, not the
    shrinking one (use_true_random=False): that one makes every call a Hypothesis draw, ~110 ms
    per scenario of a few hundred calls against ~20 ms, for shrinking details that the printed
    theme, place, sizes and seed already pin down.
    """
    theme = draw(themes)
    near = draw(st.sampled_from(ALL_PLACES[:200]))  # bigger places: several profiles share one
    rnd = draw(st.randoms(use_true_random=True))
    profile_list = [random_profile(rnd, theme, f"c-{i:03d}", near) for i in range(draw(st.integers(1, 16)))]
    vacancy_list = [random_vacancy(rnd, theme, near, f"vac-{j}", profile_list) for j in range(draw(st.integers(1, 4)))]
    return profile_list, vacancy_list
