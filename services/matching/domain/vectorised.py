"""Vectorised helpers that give bit-for-bit the numbers of the scalar rules and score.

Exactness is the point: the indexes must return what `rules.evaluate` and `scoring.combine`
return. numpy's +, -, *, / and comparisons are the same IEEE operations as Python's, but its
sin/cos/exp may differ from `math` in the last bit, and `np.round` is not Python's `round`.
So:
- transcendental parts are computed with the scalar functions once per distinct input
  (`per_unique`): few distinct hours windows, skill counts, homes, posting dates;
- distances come from `exact_distance_km`: the rules' formula with numpy for the IEEE
  operations and `math`'s functions mapped over the elements for the rest (the compiled
  passes, `reverse_pass` and `feed_pass`, call the same C functions);
- `round_like_python` rounds like `round(x, 6)` and falls back to it near a tie.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from services.matching.domain.model import OccupationMatch
from services.matching.domain.rules import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT_LOWER_BOUND
from services.matching.domain.scoring import DISTANCE_SCALE_KM, OCCUPATION_CLOSENESS

SCORE_DECIMALS = 6  # as scoring.combine
# numpy's exp is within a few ulps of math's: 1e-4 millionths (1e-10 of a score) is orders
# of magnitude wider than that, and still rarely hit.
ROUNDING_MARGIN = 1e-4

DEGREES_TO_RADIANS = math.pi / 180.0  # what math.radians multiplies by


def _mapped(function: Callable[..., float], values: np.ndarray, *more: object) -> np.ndarray:
    """`function` (from math) on every element, in C via map(): the exact libm result."""
    arguments = [values.tolist()] + [repeat(m) for m in more]
    return np.fromiter(map(function, *arguments), dtype=np.float64, count=len(values))


def _math(function: Callable[[float], float], values: np.ndarray | float) -> np.ndarray | float:
    if isinstance(values, np.ndarray) and np.ndim(values) != 0:
        return _mapped(function, values)
    return function(float(values))


def exact_distance_km(
    lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float
) -> np.ndarray:
    """`rules.distance_km` element by element (any argument may be an array), bit for bit.

    The same operations in the same order: +, -, *, / and sqrt are IEEE in numpy as in
    Python; sin, cos and asin go through the very functions Python uses.
    """
    phi1 = np.multiply(lat1, DEGREES_TO_RADIANS)
    phi2 = np.multiply(lat2, DEGREES_TO_RADIANS)
    half_phi, half_lambda = np.broadcast_arrays(
        (phi2 - phi1) / 2, np.multiply(np.subtract(lon2, lon1), DEGREES_TO_RADIANS) / 2
    )
    if half_phi.size == 0:
        return np.empty(half_phi.shape, dtype=np.float64)
    sin_half_phi = _mapped(math.sin, np.ascontiguousarray(half_phi))
    sin_half_lambda = _mapped(math.sin, np.ascontiguousarray(half_lambda))
    a = sin_half_phi * sin_half_phi + _math(math.cos, phi1) * _math(math.cos, phi2) * (
        sin_half_lambda * sin_half_lambda
    )
    return 2 * EARTH_RADIUS_KM * _mapped(math.asin, np.minimum(1.0, np.sqrt(a)))


def exact_distance_parts(distances: np.ndarray) -> np.ndarray:
    """`scoring.distance_part(d, via_remote=False)` for every d, bit for bit."""
    return _mapped(math.exp, -distances / DISTANCE_SCALE_KM)


def per_unique(codes: np.ndarray, compute: Callable[[Any], float]) -> np.ndarray:
    """`compute(code)` for every element, calling it once per distinct code."""
    if len(codes) == 0:
        return np.empty(0, dtype=np.float64)
    distinct, inverse = np.unique(codes, return_inverse=True)
    values = np.array([compute(code) for code in distinct.tolist()], dtype=np.float64)
    return values[inverse]


def round_like_python(totals: np.ndarray, exact: Callable[[int], float]) -> np.ndarray:
    """`round(x, 6)` for every x, as Python rounds it.

    Python rounds the exact binary value half-even; `rint(x * 1e6)` gives the same integer
    unless x * 1e6 lies within rounding error of a half (then `exact(i)` decides for item i);
    the integer / 1e6 is then the same correctly rounded double. Inputs may themselves carry
    ulp-level error (numpy's exp): that error is far below ROUNDING_MARGIN, so outside the
    margin it cannot change the rounded value either.
    """
    scaled = totals * 10.0**SCORE_DECIMALS
    rounded = np.rint(scaled) / 10.0**SCORE_DECIMALS
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < ROUNDING_MARGIN)
    for i in near_half.tolist():
        rounded[i] = exact(i)
    return rounded


def segment_counts(starts: np.ndarray, counts: np.ndarray, pool: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each segment pool[start:start + count], how many of its values are in `wanted`."""
    total = int(counts.sum())
    if total == 0 or len(wanted) == 0:
        return np.zeros(len(starts), dtype=np.int64)
    counts = counts.astype(np.int64)
    first = np.cumsum(counts) - counts
    offsets = np.repeat(starts.astype(np.int64) - first, counts) + np.arange(total)
    hits = np.isin(pool[offsets], wanted)
    owner = np.repeat(np.arange(len(starts)), counts)
    return np.bincount(owner[hits], minlength=len(starts))


def segment_counts_by_group(
    starts: np.ndarray, counts: np.ndarray, pool: np.ndarray, groups: Sequence[np.ndarray], n_values: int
) -> list[np.ndarray]:
    """`segment_counts` for several disjoint groups of wanted values in one pass over the pool."""
    total = int(counts.sum())
    if total == 0:
        return [np.zeros(len(starts), dtype=np.int64) for _ in groups]
    group_of = np.zeros(n_values, dtype=np.int8)  # 0: in no group
    for number, values in enumerate(groups, start=1):
        group_of[values] = number
    counts = counts.astype(np.int64)
    first = np.cumsum(counts) - counts
    offsets = np.repeat(starts.astype(np.int64) - first, counts) + np.arange(total)
    hits = group_of[pool[offsets]]
    owner = np.repeat(np.arange(len(starts)), counts)
    return [np.bincount(owner[hits == number], minlength=len(starts)) for number in range(1, len(groups) + 1)]


def order_by(keys: Sequence[np.ndarray], name_of: Callable[[int], str]) -> list[int]:
    """Positions sorted ascending by `keys` (first is most significant), equal keys by `name_of(position)`."""
    order = np.lexsort(tuple(reversed(keys)))
    if len(order) < 2:
        return order.tolist()
    same = np.ones(len(order) - 1, dtype=bool)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    tied = np.flatnonzero(same)  # position p ties with p + 1
    positions = order.tolist()
    if len(tied):
        breaks = np.diff(tied) != 1
        run_starts = tied[np.concatenate(([True], breaks))].tolist()
        run_ends = (tied[np.concatenate((breaks, [True]))] + 2).tolist()
        for lo, hi in zip(run_starts, run_ends, strict=True):
            positions[lo:hi] = sorted(positions[lo:hi], key=name_of)
    return positions


# The occupation part of a score by OccupationMatch value (1 exact .. 3 minor group; 0 unused).
CLOSENESS_VALUE = np.array([0.0] + [OCCUPATION_CLOSENESS[OccupationMatch(i)] for i in (1, 2, 3)])

MAX_TRAVEL_KM = 300  # profile_index.RADIUS_CLASSES_KM[-1]: no profile travels further


def cos_lat_lower_bound(lat2: float) -> float:
    """A lower bound of cos(phi1) * cos(phi2) for phi2 = radians(lat2) and every home phi1
    that passed the north-south shortcut of `rules.evaluate` (within MAX_TRAVEL_KM of lat2)."""
    band = MAX_TRAVEL_KM / KM_PER_DEGREE_LAT_LOWER_BOUND
    far = min(90.0, abs(lat2) + band)
    return max(0.0, math.cos(math.radians(far)) * math.cos(math.radians(lat2)) * (1 - 1e-12))


def distance_lower_bound_km(lat1: np.ndarray, lon1: np.ndarray, lat2: float, lon2: float, cos_low: float) -> np.ndarray:
    """A lower bound of `rules.distance_km` with no trigonometry per element (a pre-check:
    whatever it puts above a limit, the exact distance is above it too).

    The haversine a = sin²(dphi/2) + cos(phi1)cos(phi2) sin²(dlambda/2), with sin²(x) >=
    x²(1 - x²/3) for |x| <= pi/2, cos(phi1)cos(phi2) >= cos_low (`cos_lat_lower_bound`), and
    2R asin(sqrt(a)) >= 2R sqrt(a). Rounding in this bound is ~1e-15 relative: callers compare
    with a margin of 1e-9.
    """
    half_phi = np.abs(lat1 - lat2) * (DEGREES_TO_RADIANS / 2)
    d_lon = np.abs(lon1 - lon2)
    half_lambda = np.minimum(d_lon, 360.0 - d_lon) * (DEGREES_TO_RADIANS / 2)
    phi2, lambda2 = half_phi * half_phi, half_lambda * half_lambda
    a = phi2 * (1 - phi2 / 3) + cos_low * lambda2 * (1 - lambda2 / 3)
    return 2 * EARTH_RADIUS_KM * np.sqrt(a)


# A pre-check rejects only beyond limit * (1 + LOWER_BOUND_MARGIN) + LOWER_BOUND_MARGIN km.
LOWER_BOUND_MARGIN = 1e-9
