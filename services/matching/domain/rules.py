"""The hard criteria of a search profile, evaluated one profile against one vacancy.

This is the reference ("brute force") definition of a match. The indexes in
`profile_index` and `vacancy_index` only narrow down candidates quickly; the property test
proves they return exactly what `evaluate` says.

A vacancy matches an active profile when all of these hold:
1. occupation: one of the profile's occupation keys equals one of the vacancy's keys
   (see `wish_keys`: exact ESCO URI, ISCO unit group, ISCO minor group);
2. place: the vacancy is fully remote and the client accepts remote work, or the vacancy has
   coordinates within `max_travel_km` (great-circle distance) of the client's home place;
3. hours: when the vacancy gives hours, its range overlaps the profile's hours window;
4. contract: when both sides name one, the vacancy's contract type is one the client accepts;
5. education: when both sides give a level, the required level is at most the client's level;
6. languages: every language the vacancy requires is one the client speaks;
7. driving licence: required only if the client has one;
8. salary: when the client set a minimum and the vacancy gives a salary, its maximum
   (monthly) reaches that minimum.
Unknown vacancy data never excludes a vacancy (we do not guess), it just is not "matched".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from services.common.reference import skills as skill_reference
from services.common.reference.skills import normalise_skill
from services.matching.domain.model import Criterion, OccupationBreadth, OccupationMatch, OpenVacancy, SearchProfile

EARTH_RADIUS_KM = 6371.0088
# One degree of latitude is 111.195 km on this sphere; a slightly smaller number keeps the
# "north-south gap is already too far" shortcut on the safe side.
KM_PER_DEGREE_LAT_LOWER_BOUND = 111.0

# An occupation key: ("u", esco_uri) | ("g4", unit group) | ("g3", minor group).
OccupationKey = tuple[str, str]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance; the one definition both the rules and indexes use.

    Squares are products (s * s, one IEEE operation everywhere), not `** 2`: that is the C
    library's pow, which compiled and numpy code would have to call to agree bit for bit.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    sin_half_phi = math.sin((phi2 - phi1) / 2)
    sin_half_lambda = math.sin(math.radians(lon2 - lon1) / 2)
    a = sin_half_phi * sin_half_phi + math.cos(phi1) * math.cos(phi2) * (sin_half_lambda * sin_half_lambda)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def skill_label(skill: str) -> str:
    """A skill as people read it: a known ESCO URI becomes its label."""
    if "://" in skill:
        known = skill_reference.by_uri(skill)
        if known is not None:
            return known.label
    return skill.strip()


def wish_keys(esco_uri: str, isco_code: str, breadth: OccupationBreadth) -> dict[OccupationKey, OccupationMatch]:
    """The vacancy keys a wish accepts, each with how close such a vacancy is.

    A wish for an ESCO occupation accepts that occupation (EXACT) and, when broader, its unit
    group (UNIT_GROUP) and minor group (MINOR_GROUP). A bare ISCO code wish is a unit group
    the client wants as such, so a vacancy in it counts as EXACT.
    """
    keys: dict[OccupationKey, OccupationMatch] = {}
    broad = breadth in (OccupationBreadth.UNIT_GROUP, OccupationBreadth.MINOR_GROUP)
    if esco_uri:
        keys[("u", esco_uri)] = OccupationMatch.EXACT
        if broad:
            keys[("g4", isco_code)] = OccupationMatch.UNIT_GROUP
    else:
        keys[("g4", isco_code)] = OccupationMatch.EXACT
    if breadth == OccupationBreadth.MINOR_GROUP:
        keys[("g3", isco_code[:3])] = OccupationMatch.MINOR_GROUP
    return keys


def profile_keys(profile: SearchProfile) -> dict[OccupationKey, OccupationMatch]:
    """All keys of all wishes; a key wanted by several wishes keeps its closest match."""
    merged: dict[OccupationKey, OccupationMatch] = {}
    for wish in profile.occupations:
        for key, match in wish_keys(wish.esco_uri, wish.isco_code, wish.breadth).items():
            if key not in merged or match < merged[key]:
                merged[key] = match
    return merged


def vacancy_keys(esco_uri: str, isco_code: str) -> tuple[OccupationKey, ...]:
    keys: list[OccupationKey] = []
    if esco_uri:
        keys.append(("u", esco_uri))
    if len(isco_code) >= 4:
        keys.append(("g4", isco_code[:4]))
    if len(isco_code) >= 3:
        keys.append(("g3", isco_code[:3]))
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class ProfileCriteria:
    """A search profile compiled for fast, repeated evaluation."""

    client_id: str
    active: bool
    keys: dict[OccupationKey, OccupationMatch]
    latitude: float
    longitude: float
    max_km: int
    hours_min: int
    hours_max: int
    contract_types: frozenset[int]
    education_level: int
    languages: frozenset[str]
    has_driving_licence: bool
    remote_acceptable: bool
    min_salary: int
    skills: frozenset[str]


def compile_profile(profile: SearchProfile) -> ProfileCriteria:
    return ProfileCriteria(
        client_id=profile.client_id,
        active=profile.active,
        keys=profile_keys(profile),
        latitude=profile.home_latitude,
        longitude=profile.home_longitude,
        max_km=profile.max_travel_km,
        hours_min=profile.hours_min,
        hours_max=profile.hours_max,
        contract_types=frozenset(int(c) for c in profile.contract_types),
        education_level=int(profile.education_level),
        languages=frozenset(profile.languages) or frozenset({"nl"}),
        has_driving_licence=profile.has_driving_licence,
        remote_acceptable=profile.remote_acceptable,
        min_salary=profile.min_salary_monthly,
        skills=frozenset(normalise_skill(s) for s in profile.skills),
    )


@dataclass(frozen=True, slots=True)
class VacancyCriteria:
    """An open vacancy with its matching inputs normalised once."""

    vacancy: OpenVacancy
    keys: tuple[OccupationKey, ...]
    hours_low: float  # 0/0 when not given
    hours_high: float
    languages: frozenset[str]
    required_skills: tuple[str, ...]  # normalised, unique, in the vacancy's order
    optional_skills: tuple[str, ...]
    skill_labels: dict[str, str]  # normalised -> as people read it (explanations)


def compile_vacancy(vacancy: OpenVacancy) -> VacancyCriteria:
    low = vacancy.hours_min or vacancy.hours_max
    high = vacancy.hours_max or vacancy.hours_min
    labels: dict[str, str] = {}
    for skill in (*vacancy.required_skills, *vacancy.optional_skills):
        if skill.strip():
            labels.setdefault(normalise_skill(skill), skill_label(skill))
    required = tuple(dict.fromkeys(normalise_skill(s) for s in vacancy.required_skills if s.strip()))
    optional = tuple(
        s for s in dict.fromkeys(normalise_skill(s) for s in vacancy.optional_skills if s.strip()) if s not in required
    )
    return VacancyCriteria(
        vacancy=vacancy,
        keys=vacancy_keys(vacancy.esco_uri, vacancy.isco_code),
        hours_low=min(low, high),
        hours_high=max(low, high),
        languages=frozenset(code.strip().lower() for code in vacancy.languages if code.strip()),
        required_skills=required,
        optional_skills=optional,
        skill_labels=labels,
    )


@dataclass(frozen=True, slots=True)
class RuleMatch:
    occupation_match: OccupationMatch
    distance_km: float | None  # None when the vacancy has no coordinates
    via_remote: bool  # passed the place criterion because the vacancy is remote
    criteria: tuple[Criterion, ...]


def evaluate(profile: ProfileCriteria, vac: VacancyCriteria) -> RuleMatch | None:
    """The match of one vacancy for one profile, or None when a hard criterion fails.

    Cheap comparisons run first and the distance last (it needs trigonometry); the result
    does not depend on that order.
    """
    if not profile.active:
        return None
    best: OccupationMatch | None = None
    for key in vac.keys:
        match = profile.keys.get(key)
        if match is not None and (best is None or match < best):
            best = match
    if best is None:
        return None
    v = vac.vacancy
    hours = vac.hours_high > 0
    if hours and (vac.hours_low > profile.hours_max or vac.hours_high < profile.hours_min):
        return None
    contract = bool(profile.contract_types and v.contract_type)
    if contract and int(v.contract_type) not in profile.contract_types:
        return None
    education = bool(v.education_level and profile.education_level)
    if education and int(v.education_level) > profile.education_level:
        return None
    languages = bool(vac.languages)
    if languages and not vac.languages <= profile.languages:
        return None
    if v.driving_licence_required and not profile.has_driving_licence:
        return None
    salary = max(v.salary_max, v.salary_min)
    salary_checked = bool(profile.min_salary and salary)
    if salary_checked and salary < profile.min_salary:
        return None
    via_remote = v.remote and profile.remote_acceptable
    distance: float | None = None
    if v.has_coordinates:
        # The north-south gap alone is a lower bound of the distance: skip the trigonometry.
        if not via_remote and abs(profile.latitude - v.latitude) * KM_PER_DEGREE_LAT_LOWER_BOUND > profile.max_km:
            return None
        distance = distance_km(profile.latitude, profile.longitude, v.latitude, v.longitude)
    if not via_remote and (distance is None or distance > profile.max_km):
        return None
    criteria = [Criterion.OCCUPATION, Criterion.REMOTE if via_remote else Criterion.TRAVEL_DISTANCE]
    if hours:
        criteria.append(Criterion.HOURS)
    if contract:
        criteria.append(Criterion.CONTRACT_TYPE)
    if education:
        criteria.append(Criterion.EDUCATION)
    if languages:
        criteria.append(Criterion.LANGUAGES)
    if v.driving_licence_required:
        criteria.append(Criterion.DRIVING_LICENCE)
    if salary_checked:
        criteria.append(Criterion.SALARY)
    return RuleMatch(best, distance, via_remote, tuple(criteria))
