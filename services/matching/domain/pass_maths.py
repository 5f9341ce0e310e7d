"""The exact maths both compiled passes share (`reverse_pass`, `feed_pass`): the haversine
operation for operation as `rules.distance_km`, the distance lower bound without trigonometry
(`vectorised.distance_lower_bound_km`), the hours part of the score, and the positions of the
float query parameters these read (the passes pack their queries so their compiled signatures
stay fixed)."""

from __future__ import annotations

import math

from numba import njit

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)
from services.matching.domain.rules import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT_LOWER_BOUND
from services.matching.domain.scoring import NEUTRAL
from services.matching.domain.vectorised import DEGREES_TO_RADIANS, LOWER_BOUND_MARGIN

HOURS_LOW, HOURS_HIGH, LAT, LON, RECENCY, COS_LOW, COS_VACANCY = range(7)  # float64 query values
FLOAT_PARAMETERS = 7
_HALF_DEGREE_TO_RADIANS = DEGREES_TO_RADIANS / 2


@njit(cache=True, nogil=True)
def _haversine_km(lat1, lon1, cos_phi1, lat2, lon2, cos_phi2):
    """`rules.distance_km` operation for operation, given the cosines of both latitudes in
    radians (the same values: the same C library call on the same argument)."""
    sin_half_phi = math.sin((lat2 * DEGREES_TO_RADIANS - lat1 * DEGREES_TO_RADIANS) / 2)
    sin_half_lambda = math.sin(((lon2 - lon1) * DEGREES_TO_RADIANS) / 2)
    a = sin_half_phi * sin_half_phi + cos_phi1 * cos_phi2 * (sin_half_lambda * sin_half_lambda)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@njit(cache=True, nogil=True)
def _distance_km(lat1, lon1, lat2, lon2):
    """`rules.distance_km`, operation for operation."""
    cos_phi1, cos_phi2 = math.cos(lat1 * DEGREES_TO_RADIANS), math.cos(lat2 * DEGREES_TO_RADIANS)
    return _haversine_km(lat1, lon1, cos_phi1, lat2, lon2, cos_phi2)


@njit(cache=True, nogil=True)
def _too_far(lat, lon, max_km, qf):
    """True when the home is surely beyond max_km: the rules' north-south shortcut, then
    `vectorised.distance_lower_bound_km` (the same bound, the same margin)."""
    d_lat = abs(lat - qf[LAT])
    half_phi = d_lat * _HALF_DEGREE_TO_RADIANS
    d_lon = abs(lon - qf[LON])
    half_lambda = min(d_lon, 360.0 - d_lon) * _HALF_DEGREE_TO_RADIANS
    phi2, lambda2 = half_phi * half_phi, half_lambda * half_lambda
    a = phi2 * (1 - phi2 / 3) + qf[COS_LOW] * lambda2 * (1 - lambda2 / 3)
    # Both checks, joined with | rather than `or`: which one rejects a home is unpredictable.
    beyond_north_south = d_lat * KM_PER_DEGREE_LAT_LOWER_BOUND > max_km
    return beyond_north_south | (
        2 * EARTH_RADIUS_KM * math.sqrt(a) > max_km * (1 + LOWER_BOUND_MARGIN) + LOWER_BOUND_MARGIN
    )


@njit(cache=True, nogil=True)
def hours_part(low, high, window_min, window_max):
    """`scoring.hours_part`: the vacancy's hours low..high against a window."""
    if high <= 0:
        return NEUTRAL
    if high == low:
        return 1.0 if window_min <= low <= window_max else 0.0
    return max(0.0, min(high, window_max) - max(low, window_min)) / (high - low)
