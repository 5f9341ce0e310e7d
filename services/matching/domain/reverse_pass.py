"""The reverse match of one vacancy as one compiled pass over the posting ranges (numba).

`profile_index` stores every field a hard criterion reads beside the postings (packed
attributes, home coordinates, language mask, minimum salary), so the pass reads each
candidate's posting once, in order: it finds the posting ranges of the vacancy's keys (per
occupation key and radius class one binary search, then one per row of the 3x3 cells inside
that small range), checks the rules on the posting (the attributes without a branch, a chunk
at a time), and only for a candidate that passes them touches its slot (dedupe; then, for
all found at once with their cache misses overlapping, liveness, skills, name prefix). A
distance lower bound without trigonometry (`vectorised.distance_lower_bound_km`) goes
before the exact haversine. It scores and orders the matches and writes them into the
caller's buffers: one call per query, nothing boxed but a few integers.

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

from services.matching.domain.cpu_prefetch import prefetch
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
from services.matching.domain.vectorised import LOWER_BOUND_MARGIN, ROUNDING_MARGIN

# Stored beside the postings as one packed record each: a query reads a posting range with
# one cache miss, not one per field (most ranges hold a few postings).
POSTING_PAYLOAD = np.dtype([("attrs", "u8"), ("lat", "f8"), ("lon", "f8"), ("languages", "u4"), ("min_salary", "u4")])

# What the pass reads of a slot once one of its postings passed the filters, in one record
# (one cache miss, not one per column): the client id's first 16 UTF-8 bytes big-endian (byte
# order is code point order, so equal scores are ordered without the strings), where the rest
# of a longer one starts in the pool of name tails, its length in bytes, where its skills
# start in the skill pool and how many, flags (0: retired) and hours.
SLOT_RECORD = np.dtype(
    [
        ("name_hi", "u8"),
        ("name_lo", "u8"),
        ("tail_at", "u4"),
        ("skill_start", "u4"),
        ("skill_count", "u2"),
        ("name_len", "u2"),
        ("flags", "u1"),
        ("hours_min", "u1"),
        ("hours_max", "u1"),
    ],
    align=True,
)

# Query parameters, packed so the compiled signature stays fixed.
HOURS_LOW, HOURS_HIGH, LAT, LON, RECENCY, TWO, COS_LOW = range(7)  # float64 values
CONTRACT, EDUCATION, LICENCE, REMOTE, HAS_COORDS, SALARY, N_REQUIRED, N_OPTIONAL, GEO = range(9)  # int64 values
_LICENCE_BIT, _REMOTE_BIT = 2, 4  # profile_index's flag bits
_DEGREES_TO_RADIANS = math.pi / 180.0  # what math.radians multiplies by
_HALF_DEGREE_TO_RADIANS = _DEGREES_TO_RADIANS / 2
_MAX_RANGES_PER_KEY = 3 * 16 + 1  # rows of 3x3 cells per radius class, and the remote class
_FILTER_CHUNK = 256  # postings the attribute filter checks before the survivors' other checks


@njit(cache=True, nogil=True)
def _first_at_least(keys, lo, hi, value):
    """The first position in keys[lo:hi] (sorted) whose key is >= value, else hi."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


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
def _fails_attributes(packed, languages, min_salary, qf, qi, language_mask):
    """Every hard criterion but the occupation (the posting key), the place and liveness."""
    attrs = np.int64(packed)  # bits 0-55 used; int64 keeps numba's integer maths in integers
    hours_min, hours_max = np.float64((attrs >> 8) & 0xFF), np.float64((attrs >> 16) & 0xFF)
    contracts, education = (attrs >> 24) & 0xFF, (attrs >> 32) & 0xFF
    # & and | where Python would write `and` and `or`: no branch per criterion. Most
    # candidates fail one, unpredictably; a mispredicted branch costs more than all the checks.
    fails = (qf[HOURS_HIGH] > 0) & ((hours_max < qf[HOURS_LOW]) | (hours_min > qf[HOURS_HIGH]))
    fails |= (qi[CONTRACT] != 0) & (contracts != 0) & ((contracts >> qi[CONTRACT]) & 1 == 0)
    fails |= (qi[EDUCATION] != 0) & (education != 0) & (education < qi[EDUCATION])
    fails |= (qi[LICENCE] != 0) & (attrs & _LICENCE_BIT == 0)
    fails |= languages & language_mask != language_mask
    return fails | ((qi[SALARY] != 0) & (min_salary != 0) & (min_salary > qi[SALARY]))


@njit(cache=True, nogil=True)
def hours_part(low, high, window_min, window_max):
    """`scoring.hours_part`: the vacancy's hours low..high against a window."""
    if high <= 0:
        return NEUTRAL
    if high == low:
        return 1.0 if window_min <= low <= window_max else 0.0
    return max(0.0, min(high, window_max) - max(low, window_min)) / (high - low)


@njit(cache=True, nogil=True)
def _ranges(level_keys, key_ids, key_closeness, cell_heights, cell_widths, qf, qi, out):
    """The key ranges (start, end, closeness) of one level the vacancy's keys select:
    with GEO, `profile_index._posting_key`s of the 3x3 cells around the vacancy in every radius
    class (the float operations of `profile_index._cell`) and of the remote class; without,
    `key_ids` are posting keys themselves. Returns how many were written to `out`."""
    n_keys = len(level_keys)
    n = 0
    if not qi[GEO]:
        for i in range(len(key_ids)):
            at = _first_at_least(level_keys, 0, n_keys, key_ids[i])
            if at < n_keys and level_keys[at] == key_ids[i]:
                out[n, 0], out[n, 1], out[n, 2] = at, at + 1, key_closeness[i]
                n += 1
        return n
    n_classes = len(cell_heights)
    lat, lon = qf[LAT], qf[LON]
    for i in range(len(key_ids)):
        first_class = 0 if qi[HAS_COORDS] else n_classes
        last_class = n_classes if qi[REMOTE] else n_classes - 1
        # The key's postings of every class are adjacent: two searches over the whole level,
        # then searches inside that small range (in cache).
        key_lo = _first_at_least(level_keys, 0, n_keys, (key_ids[i] * (n_classes + 1) + first_class) << 32)
        key_hi = _first_at_least(level_keys, key_lo, n_keys, (key_ids[i] * (n_classes + 1) + last_class + 1) << 32)
        for c in range(first_class, last_class + 1):
            if key_lo == key_hi:
                break
            prefix = (key_ids[i] * (n_classes + 1) + c) << 32
            lo = _first_at_least(level_keys, key_lo, key_hi, prefix)
            if lo == key_hi or level_keys[lo] >> 32 != prefix >> 32:
                continue
            hi = _first_at_least(level_keys, lo, key_hi, prefix + (1 << 32))
            if c == n_classes:  # the remote class: one key per occupation key
                if level_keys[lo] == prefix:
                    out[n, 0], out[n, 1], out[n, 2] = lo, lo + 1, key_closeness[i]
                    n += 1
                continue
            cy = np.int64(math.floor((lat + 90.0) / cell_heights[c]))
            cx = np.int64(math.floor((lon + 180.0) / cell_widths[c]))
            for dy in (-1, 0, 1):
                row = ((cy << 16) | cx) + (dy << 16)  # the cells row - 1 .. row + 1
                start = _first_at_least(level_keys, lo, hi, prefix + max(row - 1, 0))
                end = _first_at_least(level_keys, start, hi, prefix + row + 2)
                if start < end and row + 1 >= 0:
                    out[n, 0], out[n, 1], out[n, 2] = start, end, key_closeness[i]
                    n += 1
    return n


@njit(cache=True, nogil=True)
def _seen_entry(seen, slot):
    """Where slot's entry is in `seen`, or the empty entry where it goes. `seen` is a hash
    table, linear probing, of (slot + 1) << 32 | 1 + the slot's position in `found` (0: empty),
    at least four times the size of `found`: it stays in the CPU cache where an array by
    slot (megabytes) costs a cache miss per lookup."""
    wanted = np.int64(slot) + 1
    mask = len(seen) - 1
    at = ((wanted * 2654435761) >> 12) & mask
    while seen[at] != 0 and seen[at] >> 32 != wanted:
        at = (at + 1) & mask
    return at


@njit(cache=True, nogil=True)
def _collect(
    level, ranges, n_ranges, passed, seen, found, found_at, closeness, distance, remote, n_found, qf, qi, mask
):
    """Check every posting of the ranges; a slot that passes is recorded once, with its
    closest occupation match (found_at: its entry in `seen`), retired slots too (the caller
    drops them). Returns the new count, or -1 when `found` is full."""
    _, bounds, slots, payload = level
    has_coords, remote_vacancy = qi[HAS_COORDS] != 0, qi[REMOTE] != 0
    for r in range(n_ranges):
        key_closeness = ranges[r, 2]
        end = bounds[ranges[r, 1]]
        e = bounds[ranges[r, 0]]  # ranges of keys, bounds of postings
        while e < end:
            # The attribute filter first, over a chunk, without a branch: each position is
            # written and kept (the count moves) only when it passes. Most postings fail one
            # criterion, unpredictably; a mispredicted branch per posting cost more than all
            # the checks (bench reverse-match: ~14 us of ~105 in this loop at 1 M profiles).
            n_passed, chunk_end = 0, min(end, e + len(passed))
            for p in range(e, chunk_end):
                posting = payload[p]
                passed[n_passed] = p
                n_passed += not _fails_attributes(posting.attrs, posting.languages, posting.min_salary, qf, qi, mask)
            e = chunk_end
            for c in range(n_passed):
                p = passed[c]
                posting = payload[p]
                attrs = posting.attrs
                via_remote = remote_vacancy and attrs & _REMOTE_BIT != 0
                max_km = np.float64((np.int64(attrs) >> 40) & 0xFFFF)
                lat, lon = posting.lat, posting.lon
                if not via_remote and (not has_coords or _too_far(lat, lon, max_km, qf)):
                    continue
                slot = slots[p]
                at = _seen_entry(seen, slot)
                if seen[at] != 0:  # passed under another key: the same checks, perhaps a closer match
                    mark = seen[at] & 0xFFFFFFFF
                    closeness[mark - 1] = min(closeness[mark - 1], key_closeness)
                    continue
                km = _distance_km(lat, lon, qf[LAT], qf[LON], qf[TWO]) if has_coords else np.nan
                if not via_remote and km > max_km:
                    continue
                if n_found == len(found):
                    return -1
                found[n_found], closeness[n_found], distance[n_found] = slot, key_closeness, km
                remote[n_found], found_at[n_found] = via_remote, at
                n_found += 1
                seen[at] = (np.int64(slot) + 1) << 32 | n_found
    return n_found


@njit(cache=True, nogil=True)
def _drop_retired(records, n, found, closeness, distance, remote):
    """Keep the found slots whose profile is live (a posting outlives its slot until the next
    merge), in order; returns how many. The liveness check waits until here, off the filter
    loop: reading a slot's record is a cache miss, and here the misses overlap (prefetched)."""
    for i in range(n):
        prefetch(records, found[i])
    kept = 0
    for i in range(n):
        if records[found[i]].flags != 0:
            found[kept], closeness[kept], distance[kept], remote[kept] = found[i], closeness[i], distance[i], remote[i]
            kept += 1
    return kept


@njit(cache=True, nogil=True)
def _write_name(record, name_tails, names, at):
    """The client id's UTF-8 bytes into names[at:]: the first 16 from the record, the rest
    from the pool of tails. Returns the end."""
    length = np.int64(record.name_len)
    head = min(length, 16)
    for i in range(head):
        word = record.name_hi if i < 8 else record.name_lo
        names[at + i] = (word >> np.uint64(56 - 8 * (i % 8))) & np.uint64(0xFF)
    tail = np.int64(record.tail_at)
    for i in range(length - head):
        names[at + head + i] = name_tails[tail + i]
    return at + length


@njit(cache=True, nogil=True)
def reverse_match(
    levels,
    key_ids,
    key_closeness,
    cell_heights,
    cell_widths,
    records,
    seen,
    skill_pool,
    skill_group,
    name_tails,
    closeness_value,
    qf,
    qi,
    language_mask,
    out,
):
    """The matches of one vacancy, best first, written to the out buffers (slots, closeness,
    distance km or NaN, scores, unrounded totals, within rounding error of a half: to round in
    Python; the client ids' UTF-8 bytes, NUL between two). Returns (count or -1 when a buffer
    is too small, near-half count, whether equal keys remain to order by full name,
    the end of the client ids' bytes).

    Order: score descending, then the client id's first 16 UTF-8 bytes (the order of the
    strings where those differ); `seen` (`_seen_entry`) must be all zero and is left so.
    """
    out_slots, out_closeness, out_distances, out_scores, out_totals, out_near_half, out_names = out
    capacity = len(out_slots)
    found = np.empty(capacity, dtype=np.int32)
    found_at = np.empty(capacity, dtype=np.int64)
    closeness = np.empty(capacity, dtype=np.int8)
    distance = np.empty(capacity, dtype=np.float64)
    remote = np.empty(capacity, dtype=np.bool_)
    ranges = np.empty((len(key_ids) * _MAX_RANGES_PER_KEY, 3), dtype=np.int64)
    passed = np.empty(_FILTER_CHUNK, dtype=np.int64)
    n = 0
    for level in levels:
        n_ranges = _ranges(level[0], key_ids, key_closeness, cell_heights, cell_widths, qf, qi, ranges)
        grown = _collect(
            level,
            ranges,
            n_ranges,
            passed,
            seen,
            found,
            found_at,
            closeness,
            distance,
            remote,
            n,
            qf,
            qi,
            language_mask[0],
        )
        if grown < 0:  # full: every entry of found holds a marked slot
            seen[found_at] = 0
            return -1, 0, False, 0
        n = grown
    seen[found_at[:n]] = 0
    n = _drop_retired(records, n, found, closeness, distance, remote)
    for i in range(n):  # the skill lists the scores read: their misses overlap
        prefetch(skill_pool, records[found[i]].skill_start)
    scores = np.empty(n, dtype=np.float64)
    totals = np.empty(n, dtype=np.float64)
    name_hi = np.empty(n, dtype=np.uint64)
    name_lo = np.empty(n, dtype=np.uint64)
    n_required, n_optional = qi[N_REQUIRED], qi[N_OPTIONAL]
    denominator = 2 * n_required + n_optional
    low, high = qf[HOURS_LOW], qf[HOURS_HIGH]
    for i in range(n):
        record = records[found[i]]
        name_hi[i], name_lo[i] = record.name_hi, record.name_lo
        common_required, common_optional = 0, 0
        if denominator:
            start = np.int64(record.skill_start)
            for p in range(start, start + record.skill_count):
                group = skill_group[skill_pool[p]]
                if group == 1:
                    common_required += 1
                elif group == 2:
                    common_optional += 1
        skills = NEUTRAL if denominator == 0 else (2 * common_required + common_optional) / denominator
        near = 1.0 if remote[i] or not qi[HAS_COORDS] else math.exp(-distance[i] / DISTANCE_SCALE_KM)
        hours = hours_part(low, high, np.float64(record.hours_min), np.float64(record.hours_max))
        total = (
            WEIGHT_OCCUPATION * closeness_value[closeness[i]]
            + WEIGHT_SKILLS * skills
            + WEIGHT_DISTANCE * near
            + WEIGHT_HOURS * hours
            + WEIGHT_RECENCY * qf[RECENCY]
        )
        totals[i] = total
        scores[i] = np.rint(total * 1e6) / 1e6
    # Stable sorts, least significant key first.
    order = np.argsort(name_lo, kind="mergesort")
    order = order[np.argsort(name_hi[order], kind="mergesort")]
    order = order[np.argsort(-scores[order], kind="mergesort")]
    near_halves, ties, names_end = 0, False, 0
    for i in range(n):
        at = order[i]
        slot = found[at]
        out_slots[i], out_closeness[i], out_distances[i] = slot, closeness[at], distance[at]
        out_scores[i], out_totals[i] = scores[at], totals[at]
        scaled = totals[at] * 1e6
        out_near_half[i] = abs(scaled - math.floor(scaled) - 0.5) < ROUNDING_MARGIN
        near_halves += out_near_half[i]
        if i:
            previous = order[i - 1]
            if out_scores[i] == out_scores[i - 1] and name_hi[at] == name_hi[previous]:
                ties |= name_lo[at] == name_lo[previous]
            out_names[names_end] = 0
            names_end += 1
        if names_end + records[slot].name_len > len(out_names):
            return -1, 0, False, 0
        names_end = _write_name(records[slot], name_tails, out_names, names_end)
    return n, near_halves, ties, names_end


def _empty_level(payload: np.dtype) -> tuple[np.ndarray, ...]:
    keys, bounds, slots = np.empty(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32)
    return keys, bounds, slots, np.empty(0, dtype=payload)


def warm_up() -> None:
    """Compile the pass, or load it from numba's cache, for the argument types the index
    passes: call once at service start so the first vacancy does not wait for it."""

    f8 = np.zeros(1, dtype=np.float64)
    reverse_match(
        (_empty_level(POSTING_PAYLOAD), _empty_level(POSTING_PAYLOAD)),
        np.zeros(1, dtype=np.int64),
        np.ones(1, dtype=np.int8),
        np.ones(2),
        np.ones(2),
        np.zeros(1, dtype=SLOT_RECORD),
        np.zeros(4, dtype=np.int64),
        np.zeros(0, dtype=np.int32),
        np.zeros(1, dtype=np.int8),
        np.zeros(0, dtype=np.uint8),
        np.zeros(4),
        np.zeros(7),
        np.zeros(9, dtype=np.int64),
        np.zeros(1, dtype=np.uint64),
        (
            np.zeros(1, dtype=np.int32),
            np.zeros(1, dtype=np.int8),
            f8,
            f8,
            f8,
            np.zeros(1, dtype=np.bool_),
            np.zeros(1, dtype=np.uint8),
        ),
    )
