"""Seeded helpers for sample data and benchmarks. Pass a `random.Random(seed)` for repeatable output."""

from __future__ import annotations

import math
import random
from functools import cache

from services.common.reference.geo import EARTH_RADIUS_KM
from services.common.reference.occupations import Occupation, all_occupations
from services.common.reference.places import Place, all_places


@cache
def _populated_places() -> tuple[tuple[Place, ...], tuple[int, ...]]:
    # Places with population 0 in GeoNames would never be drawn; leave them out.
    populated = tuple(place for place in all_places() if place.population > 0)
    cumulative: list[int] = []
    total = 0
    for place in populated:
        total += place.population
        cumulative.append(total)
    return populated, tuple(cumulative)


def weighted_places(rng: random.Random, n: int) -> list[Place]:
    """`n` places drawn with replacement, weighted by population (where people live and work)."""
    _check_count(n)
    places, cumulative = _populated_places()
    return rng.choices(places, cum_weights=cumulative, k=n)


def random_occupations(rng: random.Random, n: int) -> list[Occupation]:
    """`n` occupations, all different while `n` is at most the number of occupations."""
    _check_count(n)
    occupations = all_occupations()
    if n <= len(occupations):
        return rng.sample(occupations, n)
    return rng.choices(occupations, k=n)


def random_point_near(rng: random.Random, place: Place, km: float) -> tuple[float, float]:
    """A (latitude, longitude) uniformly spread over the disc of radius `km` around `place`."""
    if km < 0 or math.isnan(km):
        raise ValueError(f"radius must be zero or more, got {km}")
    # sqrt makes the points uniform over the area rather than bunched at the centre.
    distance = km * math.sqrt(rng.random())
    bearing = rng.uniform(0.0, 2 * math.pi)
    angular = distance / EARTH_RADIUS_KM
    lat1, lon1 = math.radians(place.latitude), math.radians(place.longitude)
    lat2 = math.asin(math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1),
        math.cos(angular) - math.sin(lat1) * math.sin(lat2),
    )
    return math.degrees(lat2), (math.degrees(lon2) + 540.0) % 360.0 - 180.0


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"count must be zero or more, got {n}")
