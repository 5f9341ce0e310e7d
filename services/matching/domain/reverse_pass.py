"""The reverse match of one vacancy as one compiled pass over the posting ranges (numba).

`profile_index` stores every field a hard criterion reads beside the postings (packed
attributes, home coordinates, language mask, minimum salary), so the pass reads each
candidate's posting once: it looks the posting keys up, deduplicates slots (keeping the
closest occupation match), checks every rule, scores the matches and orders them, and
answers with arrays. Only the live-flag, skills and name-prefix columns are gathered by slot,
and only for survivors.

Exactness (the answers must equal `rules.evaluate` + `scoring.combine` bit for bit):
- sin, cos, asin and exp compile to calls of the C library's functions, the same ones Python's
  `math` calls; `x ** 2` in Python is the C library's pow(x, 2.0), which is not always x * x,
  so the exponent comes in as a run-time value (`TWO`): a constant 2.0 would let LLVM
  rewrite pow into a multiplication;
- no fast-math: every sum and product runs in the order written, as in the Python source;
- `round(x, 6)` is rint(x * 1e6) / 1e6 except within ROUNDING_MARGIN of a half, where the
  pass flags the item and the caller rounds it with Python's `round`.
The first call compiles (several seconds) unless numba's cache (`cache=True`, in
`__pycache__` or NUMBA_CACHE_DIR) already holds it: services call `warm_up` at start.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from services.matching.domain.rules import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT_LOWER_BOUND
from services.matching.domain.scoring import (
    DISTANCE_SCALE_KM,
    NEUTRAL,
    WEIGHT_DISTANCE,
    WEIGHT_HOURS,
    WEIGHT_OCCUPATION,
    WEIGHT_RECENCY,
    WEIGHT_SKILLS,
)
from services.matching.domain.vectorised import ROUNDING_MARGIN

# Query parameters, packed so the compiled signature stays fixed.
HOURS_LOW, HOURS_HIGH, LAT, LON, RECENCY, TWO = range(6)  # float64 values
CONTRACT, EDUCATION, LICENCE, REMOTE, HAS_COORDS, SALARY, N_REQUIRED, N_OPTIONAL = range(8)  # int64 values
_LICENCE_BIT, _REMOTE_BIT = 2, 4  # profile_index's flag bits
_DEGREES_TO_RADIANS = math.pi / 180.0  # what math.radians multiplies by


@njit(cache=True, nogil=True)
def _positions(level_keys, lookup):
    """Position in the level's keys of every lookup key; -1 when absent."""
    if len(level_keys) == 0:
        return np.full(len(lookup), -1, dtype=np.int64)
    pos = np.searchsorted(level_keys, lookup)
    return np.where((pos < len(level_keys)) & (level_keys[np.minimum(pos, len(level_keys) - 1)] == lookup), pos, -1)


@njit(cache=True, nogil=True)
def _distance_km(lat1, lon1, lat2, lon2, two):
    """`rules.distance_km`, operation for operation."""
    phi1 = lat1 * _DEGREES_TO_RADIANS
    phi2 = lat2 * _DEGREES_TO_RADIANS
    a = (
        math.sin((phi2 - phi1) / 2) ** two
        + math.cos(phi1) * math.cos(phi2) * math.sin(((lon2 - lon1) * _DEGREES_TO_RADIANS) / 2) ** two
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@njit(cache=True, nogil=True)
def _passes(packed, lat, lon, languages, min_salary, qf, qi, language_mask):
    """Every hard criterion but the occupation (the posting key) and liveness; the distance
    when the vacancy has coordinates (NaN otherwise); whether the place passed via remote."""
    attrs = np.int64(packed)  # bits 0-55 used; int64 keeps numba's integer maths in integers
    hours_min, hours_max = (attrs >> 8) & 0xFF, (attrs >> 16) & 0xFF
    if qf[HOURS_HIGH] > 0 and (hours_max < qf[HOURS_LOW] or hours_min > qf[HOURS_HIGH]):
        return False, np.nan, False
    contracts = (attrs >> 24) & 0xFF
    if qi[CONTRACT] and contracts != 0 and (contracts >> qi[CONTRACT]) & 1 == 0:
        return False, np.nan, False
    education = (attrs >> 32) & 0xFF
    if qi[EDUCATION] and education != 0 and education < qi[EDUCATION]:
        return False, np.nan, False
    if qi[LICENCE] and attrs & _LICENCE_BIT == 0:
        return False, np.nan, False
    if languages & language_mask != language_mask:
        return False, np.nan, False
    if qi[SALARY] and min_salary != 0 and min_salary > qi[SALARY]:
        return False, np.nan, False
    via_remote = qi[REMOTE] != 0 and attrs & _REMOTE_BIT != 0
    max_km = (attrs >> 40) & 0xFFFF
    distance = np.nan
    if qi[HAS_COORDS]:
        if not via_remote and abs(lat - qf[LAT]) * KM_PER_DEGREE_LAT_LOWER_BOUND > max_km:
            return False, np.nan, False
        distance = _distance_km(lat, lon, qf[LAT], qf[LON], qf[TWO])
    if not via_remote and (not qi[HAS_COORDS] or distance > max_km):
        return False, np.nan, False
    return True, distance, via_remote


@njit(cache=True, nogil=True)
def _collect(
    level,
    found_at,
    lookup_closeness,
    flags,
    seen,
    touched,
    n_touched,
    found,
    closeness,
    distance,
    remote,
    n_found,
    qf,
    qi,
    language_mask,
):
    """Check every posting under `lookup` in one level; first sight of a slot decides it
    (`seen`: 0 unseen, -1 failed, else 1 + its position in `found`)."""
    _, bounds, slots, attrs, lat, lon, languages, min_salary = level
    for k in range(len(found_at)):
        at = found_at[k]
        if at < 0:
            continue
        for e in range(bounds[at], bounds[at + 1]):
            slot = slots[e]
            mark = seen[slot]
            if mark > 0:
                closeness[mark - 1] = min(closeness[mark - 1], lookup_closeness[k])
                continue
            if mark < 0:
                continue
            touched[n_touched] = slot
            n_touched += 1
            ok, km, via_remote = _passes(attrs[e], lat[e], lon[e], languages[e], min_salary[e], qf, qi, language_mask)
            if not ok or flags[slot] == 0:  # flags: a posting outlives its slot until the next merge
                seen[slot] = -1
                continue
            found[n_found], closeness[n_found], distance[n_found], remote[n_found] = (
                slot,
                lookup_closeness[k],
                km,
                via_remote,
            )
            n_found += 1
            seen[slot] = n_found
    return n_touched, n_found


@njit(cache=True, nogil=True)
def lookup_keys(key_ids, key_closeness, cell_heights, cell_widths, neighbours, lat, lon, has_coords, remote):
    """The posting keys of `profile_index._posting_key` a vacancy looks up, with the
    closeness of each (the same float operations as `profile_index._cell`)."""
    n_classes = len(cell_heights)
    per_key = (n_classes * len(neighbours) if has_coords else 0) + (1 if remote else 0)
    keys = np.empty(len(key_ids) * per_key, dtype=np.int64)
    closeness = np.empty(len(key_ids) * per_key, dtype=np.int8)
    n = 0
    for i in range(len(key_ids)):
        if has_coords:
            for c in range(n_classes):
                cy = np.int64(math.floor((lat + 90.0) / cell_heights[c]))
                cx = np.int64(math.floor((lon + 180.0) / cell_widths[c]))
                for nb in neighbours:
                    keys[n] = ((key_ids[i] * (n_classes + 1) + c) << 32) | (((cy << 16) | cx) + nb)
                    closeness[n] = key_closeness[i]
                    n += 1
        if remote:
            keys[n] = (key_ids[i] * (n_classes + 1) + n_classes) << 32
            closeness[n] = key_closeness[i]
            n += 1
    return keys, closeness


@njit(cache=True, nogil=True)
def reverse_match(
    levels,
    lookup,
    lookup_closeness,
    flags,
    seen,
    skill_start,
    skill_count,
    skill_pool,
    skill_group,
    hours_min,
    hours_max,
    name_hi,
    name_lo,
    closeness_value,
    qf,
    qi,
    language_mask,
):
    """Matches of one vacancy, best first: (slots, closeness, distance km or NaN, scores,
    near-half positions to round in Python, whether equal keys remain to order by full name,
    the unrounded totals).

    Order: score descending, then the client id's first 16 UTF-8 bytes (the order of the
    strings where those differ); `seen` must be all zero and is left so.
    """
    capacity = 0
    positions = [_positions(level[0], lookup) for level in levels]
    for j in range(len(levels)):
        for at in positions[j]:
            if at >= 0:
                capacity += levels[j][1][at + 1] - levels[j][1][at]
    touched = np.empty(capacity, dtype=np.int32)
    found = np.empty(capacity, dtype=np.int32)
    closeness = np.empty(capacity, dtype=np.int8)
    distance = np.empty(capacity, dtype=np.float64)
    remote = np.empty(capacity, dtype=np.bool_)
    n_touched, n = 0, 0
    mask = language_mask[0]
    for j in range(len(levels)):
        n_touched, n = _collect(
            levels[j],
            positions[j],
            lookup_closeness,
            flags,
            seen,
            touched,
            n_touched,
            found,
            closeness,
            distance,
            remote,
            n,
            qf,
            qi,
            mask,
        )
    for i in range(n_touched):
        seen[touched[i]] = 0
    scores = np.empty(n, dtype=np.float64)
    totals = np.empty(n, dtype=np.float64)
    near_half = np.zeros(n, dtype=np.bool_)
    n_required, n_optional = qi[N_REQUIRED], qi[N_OPTIONAL]
    denominator = 2 * n_required + n_optional
    low, high = qf[HOURS_LOW], qf[HOURS_HIGH]
    for i in range(n):
        slot = found[i]
        common_required, common_optional = 0, 0
        for p in range(skill_start[slot], skill_start[slot] + skill_count[slot]):
            group = skill_group[skill_pool[p]]
            if group == 1:
                common_required += 1
            elif group == 2:
                common_optional += 1
        skills = NEUTRAL if denominator == 0 else (2 * common_required + common_optional) / denominator
        near = 1.0 if remote[i] or not qi[HAS_COORDS] else math.exp(-distance[i] / DISTANCE_SCALE_KM)
        window_min, window_max = np.float64(hours_min[slot]), np.float64(hours_max[slot])
        if high <= 0:
            hours = NEUTRAL
        elif high == low:
            hours = 1.0 if window_min <= low <= window_max else 0.0
        else:
            hours = max(0.0, min(high, window_max) - max(low, window_min)) / (high - low)
        total = (
            WEIGHT_OCCUPATION * closeness_value[closeness[i]]
            + WEIGHT_SKILLS * skills
            + WEIGHT_DISTANCE * near
            + WEIGHT_HOURS * hours
            + WEIGHT_RECENCY * qf[RECENCY]
        )
        totals[i] = total
        scaled = total * 1e6
        scores[i] = np.rint(scaled) / 1e6
        near_half[i] = abs(scaled - math.floor(scaled) - 0.5) < ROUNDING_MARGIN
    # Stable sorts, least significant key first.
    order = np.argsort(name_lo[found[:n]], kind="mergesort")
    order = order[np.argsort(name_hi[found[:n]][order], kind="mergesort")]
    order = order[np.argsort(-scores[order], kind="mergesort")]
    slots = found[:n][order]
    ties = False
    for i in range(1, n):
        a, b = slots[i - 1], slots[i]
        if scores[order[i]] == scores[order[i - 1]] and name_hi[a] == name_hi[b] and name_lo[a] == name_lo[b]:
            ties = True
    return (
        slots,
        closeness[:n][order],
        distance[:n][order],
        scores[order],
        np.flatnonzero(near_half[order]),
        ties,
        totals[order],
    )


def _empty_level() -> tuple[np.ndarray, ...]:
    keys, bounds, slots = np.empty(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32)
    f8, u8 = np.empty(0, dtype=np.float64), np.empty(0, dtype=np.uint64)
    return keys, bounds, slots, u8, f8, f8, u8, np.empty(0, dtype=np.uint32)


def warm_up() -> None:
    """Compile the pass, or load it from numba's cache, for the argument types the index
    passes: call once at service start so the first vacancy does not wait for it."""
    lookup, closeness = lookup_keys(
        np.zeros(1, dtype=np.int64),
        np.ones(1, dtype=np.int8),
        np.ones(2),
        np.ones(2),
        np.zeros(9, dtype=np.int64),
        52.0,
        5.0,
        True,
        True,
    )
    u1, u2, u4 = (np.zeros(1, dtype=t) for t in (np.uint8, np.uint16, np.uint32))
    u8 = np.zeros(1, dtype=np.uint64)
    reverse_match(
        (_empty_level(), _empty_level()),
        lookup,
        closeness,
        u1,
        np.zeros(1, dtype=np.int32),
        u4,
        u2,
        np.zeros(0, dtype=np.int32),
        np.zeros(1, dtype=np.int8),
        u1,
        u1,
        u8,
        u8,
        np.zeros(4),
        np.zeros(6),
        np.zeros(8, dtype=np.int64),
        u8,
    )
