"""The reverse match of one vacancy as one compiled pass over the posting ranges (numba).

`profile_index` stores beside each posting an 8-byte word with what the attribute criteria
read (`POSTING_WORD`), so the pass streams 8 bytes per candidate posting. It finds the ranges of
the vacancy's keys: for the merged level a table gives each (key id, radius class)'s rows, for
the small level of recent postings binary searches do; inside a class, one search per row of
the 3x3 cells. The rows, and then each range's words and slots, are asked for before they are
read, so the cache misses of all ranges overlap. It skips cells out of reach whole, filters
the words without a branch, a chunk at a time, and only for the postings that pass (about
one in nine) touches their slots' records, all of a chunk's at once: liveness, the exact
language and salary checks the word cannot do, the home (a distance lower bound without
trigonometry, `vectorised.distance_lower_bound_km`, before the exact haversine), dedupe. It
scores and orders the matches and writes them into the caller's buffers: one call per query,
nothing boxed but a few integers.

Exactness (the answers must equal `rules.evaluate` + `scoring.combine` bit for bit):
- sin, cos, asin and exp compile to calls of the C library's functions, the same ones Python's
  `math` calls; a profile's cos(latitude) is computed once, in Python, and kept in its record
  (the same call on the same argument gives the same value);
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

# Stored beside the postings, one 8-byte word each: what the attribute filter reads, so a
# query streams 8 bytes per posting (most postings fail the filter and are never read again).
# Bits: hours_min 0-7, hours_max 8-15, contract type bits 16-23, education level 24-31,
# driving licence 32, the first 16 language bits 33-48, minimum salary 49-62 (capped at
# SALARY_CAP: below the real value, so the filter only rejects what the exact check would).
POSTING_WORD = np.dtype("u8")
_WORD_LICENCE = 1 << 32
_WORD_LANGUAGES_AT, _WORD_LANGUAGES = 33, 0xFFFF
_WORD_SALARY_AT, SALARY_CAP = 49, (1 << 14) - 1

# What the pass reads of a slot once one of its postings passed the filter, in one record of
# 64 bytes (one cache line: `columns.aligned_empty`; fetched for a chunk's survivors at once):
# the client id's first 16 UTF-8 bytes big-endian (byte order is code point order, so equal
# scores are ordered without the strings), the home and cos(radians(latitude)), where the rest
# of a longer id starts in the pool of name tails, where its skills start in the skill pool and
# how many, the id's length in bytes, the travel distance, flags (0: retired) and hours. The
# exact languages and minimum salary sit in columns of their own, read only when the word
# cannot tell (a language beyond the 16th, a salary above SALARY_CAP).
SLOT_RECORD = np.dtype(
    [
        ("name_hi", "u8"),
        ("name_lo", "u8"),
        ("lat", "f8"),
        ("lon", "f8"),
        ("cos_lat", "f8"),
        ("tail_at", "u4"),
        ("skill_start", "u4"),
        ("skill_count", "u2"),
        ("name_len", "u2"),
        ("max_km", "u2"),
        ("flags", "u1"),
        ("hours_min", "u1"),
        ("hours_max", "u1"),
    ],
    align=True,
)

# Query parameters, packed so the compiled signature stays fixed.
HOURS_LOW, HOURS_HIGH, LAT, LON, RECENCY, COS_LOW, COS_VACANCY = range(7)  # float64 values
# int64 values: CONTRACT the vacancy's contract type, AT_LEAST/AT_MOST the whole hours a
# profile's window must reach (ceil of the vacancy's low, floor of its high), LANGUAGES the
# mask of the vacancy's languages (first 32).
CONTRACT, EDUCATION, LICENCE, REMOTE, HAS_COORDS, SALARY, N_REQUIRED, N_OPTIONAL, GEO = range(9)
HOURS_AT_LEAST, HOURS_AT_MOST, LANGUAGES = range(9, 12)
INT_PARAMETERS = 12
_LICENCE_BIT, _REMOTE_BIT, HIGH_SALARY_BIT = 2, 4, 8  # profile_index's flag bits; salary above SALARY_CAP
_DEGREES_TO_RADIANS = math.pi / 180.0  # what math.radians multiplies by
_HALF_DEGREE_TO_RADIANS = _DEGREES_TO_RADIANS / 2
_MAX_RANGES_PER_KEY = 3 * 16 + 1  # rows of 3x3 cells per radius class, and the remote class
_MILLION = 1_000_000  # a score's millionths at most
_PREFETCHED_POSTINGS = 512  # of a range, asked for before the filter runs
_PREFETCHED_ROWS = 128  # a class's rows fetched whole before its searches; larger ones at 8 points
_CELL_EDGE = 1e-9  # degrees a cell is widened by when skipped whole (rounding is ~1e-14)
_FILTER_CHUNK = 256  # postings the filter checks before their survivors' records are fetched


def posting_word(
    hours_min: int, hours_max: int, contracts: int, education: int, licence: bool, languages: int, min_salary: int
) -> int:
    """The filter word of a profile's postings (see POSTING_WORD)."""
    return (
        hours_min
        | hours_max << 8
        | contracts << 16
        | education << 24
        | (_WORD_LICENCE if licence else 0)
        | (languages & _WORD_LANGUAGES) << _WORD_LANGUAGES_AT
        | min(min_salary, SALARY_CAP) << _WORD_SALARY_AT
    )


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
def _haversine_km(lat1, lon1, cos_phi1, lat2, lon2, cos_phi2):
    """`rules.distance_km` operation for operation, given the cosines of both latitudes in
    radians (the same values: the same C library call on the same argument)."""
    sin_half_phi = math.sin((lat2 * _DEGREES_TO_RADIANS - lat1 * _DEGREES_TO_RADIANS) / 2)
    sin_half_lambda = math.sin(((lon2 - lon1) * _DEGREES_TO_RADIANS) / 2)
    a = sin_half_phi * sin_half_phi + cos_phi1 * cos_phi2 * (sin_half_lambda * sin_half_lambda)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@njit(cache=True, nogil=True)
def _distance_km(lat1, lon1, lat2, lon2):
    """`rules.distance_km`, operation for operation."""
    cos_phi1, cos_phi2 = math.cos(lat1 * _DEGREES_TO_RADIANS), math.cos(lat2 * _DEGREES_TO_RADIANS)
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
def _fails_filter(word, at_least, at_most, contract_bit, education, licence_bit, languages, salary):
    """Every hard criterion but the occupation (the posting key) and the place, on a posting's
    word: exact for hours, contract, education and licence; for languages beyond the first 16
    and salaries above SALARY_CAP the record's exact check follows (`_check_survivors`)."""
    w = np.int64(word)  # bit 63 is never set; int64 keeps numba's integer maths in integers
    hours_min, hours_max = w & 0xFF, (w >> 8) & 0xFF
    contracts, level = (w >> 16) & 0xFF, (w >> 24) & 0xFF
    capped_salary = (w >> _WORD_SALARY_AT) & SALARY_CAP
    # & and | where Python would write `and` and `or`: no branch, so the loop runs on vectors.
    fails = (hours_max < at_least) | (hours_min > at_most)
    fails |= (contracts != 0) & (contracts & contract_bit == 0)
    fails |= (level != 0) & (level < education)
    fails |= licence_bit & ~w != 0
    fails |= (w >> _WORD_LANGUAGES_AT) & languages != languages
    return fails | ((salary != 0) & (capped_salary != 0) & (capped_salary > salary))


@njit(cache=True, nogil=True)
def hours_part(low, high, window_min, window_max):
    """`scoring.hours_part`: the vacancy's hours low..high against a window."""
    if high <= 0:
        return NEUTRAL
    if high == low:
        return 1.0 if window_min <= low <= window_max else 0.0
    return max(0.0, min(high, window_max) - max(low, window_min)) / (high - low)


@njit(cache=True, nogil=True)
def _emit(out, n, key_bounds, words, slots, start, end, closeness, class_index):
    """Range n: level keys start..end, the closeness of their key id and their radius class
    (-1: not place keys). The words of their postings and the slots beside them (read for
    the postings that pass) are asked for now, so the misses of all ranges overlap before the
    filter reads them."""
    out[n, 0], out[n, 1], out[n, 2], out[n, 3] = start, end, closeness, class_index
    first, last = key_bounds[start, 1], key_bounds[end, 1]
    for p in range(first, min(last, first + _PREFETCHED_POSTINGS), 8):  # 8 words, 16 slots a line
        prefetch(words, p)
        prefetch(slots, p)
    return n + 1


@njit(cache=True, nogil=True)
def _cell_out_of_reach(key, height, width, radius_km, qf):
    """True when no home in the key's grid cell can be within radius_km of the vacancy:
    `_too_far` of the cell's point nearest to it (latitude and longitude each clamped into
    the cell, widened by far more than rounding), which is a lower bound for every point of
    the cell, since the bound grows with either difference."""
    cy, cx = np.float64((key >> 16) & 0xFFFF), np.float64(key & 0xFFFF)
    south, west = cy * height - 90.0, cx * width - 180.0
    lat = min(max(qf[LAT], south - _CELL_EDGE), south + height + _CELL_EDGE)
    lon = min(max(qf[LON], west - _CELL_EDGE), west + width + _CELL_EDGE)
    if abs(lon - qf[LON]) + width > 179.0:  # near the antimeridian the bound is not monotonic
        return False
    return _too_far(lat, lon, radius_km, qf)


@njit(cache=True, nogil=True)
def _ranges(level, key_ids, key_closeness, cells, qf, qi, out):
    """The ranges the vacancy's keys select in one level, written to `out` (`_emit`: first and
    end level key, the key id's closeness, the radius class or -1); returns how many. With GEO,
    `profile_index._posting_key`s of the 3x3 cells around the vacancy in every radius class (the
    float operations of `profile_index._cell`) and of the remote class; without, `key_ids` are
    posting keys themselves. key_bounds holds (key, first posting) per level key and a last row
    (max, end); where the level has one, `group_starts` gives the first key of each (key id,
    class) group (`pass_level`): no search over the whole level."""
    key_bounds, slots, words, group_starts = level
    cell_heights, cell_widths, _ = cells
    level_keys = key_bounds[:, 0]
    has_table = len(group_starts) != 0
    n_keys = len(key_bounds) - 1
    n = 0
    if not qi[GEO]:
        for i in range(len(key_ids)):
            at = _first_at_least(level_keys, 0, n_keys, key_ids[i])
            if at < n_keys and level_keys[at] == key_ids[i]:
                n = _emit(out, n, key_bounds, words, slots, at, at + 1, key_closeness[i], -1)
        return n
    n_classes = len(cell_heights)
    lat, lon = qf[LAT], qf[LON]
    first_class = 0 if qi[HAS_COORDS] else n_classes
    last_class = n_classes if qi[REMOTE] else n_classes - 1
    if has_table:
        # Every class's rows (most hold a few dozen cells, a few lines) asked for at once
        # before the searches in them: their cache misses overlap instead of one per probe.
        for i in range(len(key_ids)):
            group = key_ids[i] * (n_classes + 1)
            if group + last_class + 1 < len(group_starts):
                for c in range(first_class, last_class + 1):
                    lo, hi = group_starts[group + c], group_starts[group + c + 1]
                    step = 4 if hi - lo <= _PREFETCHED_ROWS else (hi - lo) // 8
                    for at in range(lo, hi, step):  # 4 rows of (key, first posting) per cache line
                        prefetch(level_keys, at)
    for i in range(len(key_ids)):
        group = key_ids[i] * (n_classes + 1)
        if has_table:
            if group + last_class + 1 >= len(group_starts):  # a key id newer than the level
                continue
        else:
            # The key's postings of every class are adjacent: two searches over the whole
            # level, then searches inside that small range (in cache).
            key_lo = _first_at_least(level_keys, 0, n_keys, (group + first_class) << 32)
            key_hi = _first_at_least(level_keys, key_lo, n_keys, (group + last_class + 1) << 32)
        for c in range(first_class, last_class + 1):
            prefix = (group + c) << 32
            if has_table:
                lo, hi = group_starts[group + c], group_starts[group + c + 1]
                if lo == hi:
                    continue
            else:
                if key_lo == key_hi:
                    break
                lo = _first_at_least(level_keys, key_lo, key_hi, prefix)
                if lo == key_hi or level_keys[lo] >> 32 != prefix >> 32:
                    continue
                hi = _first_at_least(level_keys, lo, key_hi, prefix + (1 << 32))
            if c == n_classes:  # the remote class: one key per occupation key
                if level_keys[lo] == prefix:
                    n = _emit(out, n, key_bounds, words, slots, lo, lo + 1, key_closeness[i], -1)
                continue
            cy = np.int64(math.floor((lat + 90.0) / cell_heights[c]))
            cx = np.int64(math.floor((lon + 180.0) / cell_widths[c]))
            for dy in (-1, 0, 1):
                row = ((cy << 16) | cx) + (dy << 16)  # the cells row - 1 .. row + 1
                start = _first_at_least(level_keys, lo, hi, prefix + max(row - 1, 0))
                end = _first_at_least(level_keys, start, hi, prefix + row + 2)
                if start < end and row + 1 >= 0:
                    n = _emit(out, n, key_bounds, words, slots, start, end, key_closeness[i], c)
                lo = end  # the next row's cells come after this row's
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
def _check_survivors(survivors, survivor_closeness, n, slots, slot_columns, seen, answer, n_found, qf, qi):
    """The rest of the checks for postings that passed the filter, on their slots' records
    (liveness, exact languages and salary, place); a slot that passes is recorded once, with
    its closest occupation match (found_at: its entry in `seen`). The slots and records of all
    of them are asked for first, so their cache misses overlap. Returns the new count, or -1
    when `found` is full. slot_columns: the records, each slot's languages (first 32) and
    minimum salary for the rare exact checks the filter word cannot do, the skill pool (a found
    slot's skills are asked for at once: the scores read them); answer: found slots,
    their entries in `seen`, closeness, distance, whether via remote."""
    records, exact_languages, exact_salaries, skill_pool = slot_columns
    found, found_at, closeness, distance, remote = answer
    for i in range(n):
        prefetch(slots, survivors[i])
    for i in range(n):
        survivors[i] = slots[survivors[i]]
        prefetch(records, survivors[i])
    has_coords, remote_vacancy = qi[HAS_COORDS] != 0, qi[REMOTE] != 0
    languages, salary = qi[LANGUAGES], qi[SALARY]
    rare_languages = languages > _WORD_LANGUAGES  # beyond the word's 16 bits: the slot's column
    for i in range(n):
        slot = survivors[i]
        record = records[slot]
        if record.flags == 0:  # retired: its postings stay until the next merge
            continue
        if rare_languages and (exact_languages[slot] & languages != languages):
            continue
        if (salary != 0) & (record.flags & HIGH_SALARY_BIT != 0) and exact_salaries[slot] > salary:
            continue
        via_remote = remote_vacancy and record.flags & _REMOTE_BIT != 0
        max_km = np.float64(record.max_km)
        lat, lon = record.lat, record.lon
        if not via_remote and (not has_coords or _too_far(lat, lon, max_km, qf)):
            continue
        at = _seen_entry(seen, slot)
        if seen[at] != 0:  # passed under another key: the same checks, perhaps a closer match
            mark = seen[at] & 0xFFFFFFFF
            closeness[mark - 1] = min(closeness[mark - 1], survivor_closeness[i])
            continue
        km = _haversine_km(lat, lon, record.cos_lat, qf[LAT], qf[LON], qf[COS_VACANCY]) if has_coords else np.nan
        if not via_remote and km > max_km:
            continue
        if n_found == len(found):
            return -1
        prefetch(skill_pool, record.skill_start)
        found[n_found], closeness[n_found], distance[n_found] = slot, survivor_closeness[i], km
        remote[n_found], found_at[n_found] = via_remote, at
        n_found += 1
        seen[at] = (np.int64(slot) + 1) << 32 | n_found
    return n_found


@njit(cache=True, nogil=True)
def _collect(
    level, cells, ranges, n_ranges, passes, survivors, survivor_closeness, slot_columns, seen, answer, n_found, qf, qi
):
    """Filter every posting of the ranges, a chunk at a time, and check the survivors
    (`_check_survivors`) whenever a chunk's worth has gathered; a grid cell out of reach of
    its class's radius is skipped whole (a corner of the 3x3 cells, most of the time).
    Returns the new count of found slots, or -1 when `found` is full."""
    key_bounds, slots, words, _ = level
    cell_heights, cell_widths, cell_radii = cells
    at_least, at_most = qi[HOURS_AT_LEAST], qi[HOURS_AT_MOST]
    contract_bit = np.int64(1) << qi[CONTRACT] if qi[CONTRACT] != 0 else np.int64(0xFF)
    education, salary = qi[EDUCATION], qi[SALARY]
    licence_bit = np.int64(_WORD_LICENCE) if qi[LICENCE] != 0 else np.int64(0)
    languages = qi[LANGUAGES] & _WORD_LANGUAGES
    chunk = len(passes)
    n = 0
    for r in range(n_ranges):
        key_closeness, c = ranges[r, 2], ranges[r, 3]
        for k in range(ranges[r, 0], ranges[r, 1]):
            if c >= 0 and _cell_out_of_reach(key_bounds[k, 0], cell_heights[c], cell_widths[c], cell_radii[c], qf):
                continue
            e, end = key_bounds[k, 1], key_bounds[k + 1, 1]
            while e < end:
                # The filter without a branch, a chunk at a time (the compiler makes it vector
                # code), then the survivors' positions kept without a branch either: most
                # postings fail one criterion, unpredictably, and a mispredicted branch per
                # posting costs more than all the checks.
                m = min(end - e, chunk)
                for i in range(0, m, 16):  # slots beyond what `_emit` asked for (long ranges)
                    prefetch(slots, e + i)
                for i in range(m):
                    passes[i] = not _fails_filter(
                        words[e + i], at_least, at_most, contract_bit, education, licence_bit, languages, salary
                    )
                for i in range(m):
                    survivors[n], survivor_closeness[n] = e + i, key_closeness
                    n += passes[i]
                e += m
                if n >= chunk:  # survivors has room for two chunks
                    n_found = _check_survivors(
                        survivors, survivor_closeness, n, slots, slot_columns, seen, answer, n_found, qf, qi
                    )
                    if n_found < 0:
                        return -1
                    n = 0
    return _check_survivors(survivors, survivor_closeness, n, slots, slot_columns, seen, answer, n_found, qf, qi)


@njit(cache=True, nogil=True)
def _order(sort_keys, name_hi, name_lo):
    """Positions by sort key, and where keys are equal by (name_hi, name_lo): one sort of
    integers, then an insertion sort of each run of equal keys (equal scores and id starts;
    short)."""
    order = np.argsort(sort_keys)
    n, i = len(order), 0
    while i < n:
        j = i + 1
        while j < n and sort_keys[order[j]] == sort_keys[order[i]]:
            j += 1
        for k in range(i + 1, j):
            at = order[k]
            m = k
            while m > i and (name_hi[order[m - 1]], name_lo[order[m - 1]]) > (name_hi[at], name_lo[at]):
                order[m] = order[m - 1]
                m -= 1
            order[m] = at
        i = j
    return order


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
    cells,
    slot_columns,
    seen,
    skill_group,
    name_tails,
    closeness_value,
    out,
    key_ids,
    key_closeness,
    skills,
    qf,
    qi,
):
    """The matches of one vacancy, best first, written to the out buffers (slots, closeness,
    distance km or NaN, scores, unrounded totals, within rounding error of a half: to round in
    Python; the client ids' UTF-8 bytes, NUL between two). Returns (count or -1 when a buffer
    is too small, near-half count, whether equal keys remain to order by full name,
    the end of the client ids' bytes).

    Order: score descending, then the client id's first 16 UTF-8 bytes (the order of the
    strings where those differ); `seen` (`_seen_entry`) must be all zero and is left so, as is
    `skill_group` (by skill id: 1 required, 2 optional, set here from `skills`, the vacancy's
    skills the index knows as id * 4 + group).
    """
    for i in range(len(skills)):
        skill_group[skills[i] >> 2] = skills[i] & 3
    answer = _matches(
        levels, key_ids, key_closeness, cells, slot_columns, seen, skill_group, name_tails, closeness_value, qf, qi, out
    )
    for i in range(len(skills)):
        skill_group[skills[i] >> 2] = 0
    return answer


@njit(cache=True, nogil=True)
def _matches(
    levels, key_ids, key_closeness, cells, slot_columns, seen, skill_group, name_tails, closeness_value, qf, qi, out
):
    """`reverse_match` with the vacancy's skill groups set."""
    out_slots, out_closeness, out_distances, out_scores, out_totals, out_near_half, out_names = out
    capacity = len(out_slots)
    found = np.empty(capacity, dtype=np.int32)
    found_at = np.empty(capacity, dtype=np.int64)
    closeness = np.empty(capacity, dtype=np.int8)
    distance = np.empty(capacity, dtype=np.float64)
    remote = np.empty(capacity, dtype=np.bool_)
    answer = (found, found_at, closeness, distance, remote)
    records, _, _, skill_pool = slot_columns
    ranges = np.empty((len(key_ids) * _MAX_RANGES_PER_KEY, 4), dtype=np.int64)
    passes = np.empty(_FILTER_CHUNK, dtype=np.bool_)
    survivors = np.empty(2 * _FILTER_CHUNK, dtype=np.int64)
    survivor_closeness = np.empty(2 * _FILTER_CHUNK, dtype=np.int8)
    n = 0
    for level in levels:
        n_ranges = _ranges(level, key_ids, key_closeness, cells, qf, qi, ranges)
        grown = _collect(
            level, cells, ranges, n_ranges, passes, survivors, survivor_closeness, slot_columns, seen, answer, n, qf, qi
        )
        if grown < 0:  # full: every entry of found holds a marked slot
            seen[found_at] = 0
            return -1, 0, False, 0
        n = grown
    seen[found_at[:n]] = 0
    scores = np.empty(n, dtype=np.float64)
    totals = np.empty(n, dtype=np.float64)
    name_hi = np.empty(n, dtype=np.uint64)
    name_lo = np.empty(n, dtype=np.uint64)
    sort_keys = np.empty(n, dtype=np.int64)
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
        millionths = np.rint(total * 1e6)
        scores[i] = millionths / 1e6
        # One sort key: the score in millionths (0..1e6, 20 bits) descending, then the id's
        # first 43 bits; what that leaves equal is ordered by the 16-byte prefix below.
        sort_keys[i] = (_MILLION - np.int64(millionths)) << 43 | np.int64(name_hi[i] >> np.uint64(21))
    order = _order(sort_keys, name_hi, name_lo)
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


def pass_level(
    keys: np.ndarray, bounds: np.ndarray, slots: np.ndarray, words: np.ndarray, group_size: int = 0
) -> tuple[np.ndarray, ...]:
    """A posting level as the pass reads it: (key, first posting) rows, slots, words, and for a
    large level of place keys (`group_size`: classes per key id) the first row of every (key
    id, class) group of every key id up to the level's last (`_ranges`): half a megabyte per
    million profiles, where a search of the whole level costs a dozen cache misses per key."""
    key_bounds = np.empty((len(keys) + 1, 2), dtype=np.int64)
    key_bounds[:-1, 0], key_bounds[-1, 0] = keys, np.iinfo(np.int64).max
    key_bounds[:, 1] = bounds
    group_starts = np.empty(0, dtype=np.int64)
    if group_size and len(keys):
        groups = keys >> 32
        n_groups = (groups[-1] // group_size + 1) * group_size  # all classes of the last key id
        group_starts = np.searchsorted(groups, np.arange(n_groups + 1)).astype(np.int64)
    return key_bounds, slots, words, group_starts


def _empty_level() -> tuple[np.ndarray, ...]:
    keys, bounds, slots = np.empty(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32)
    return pass_level(keys, bounds, slots, np.empty(0, dtype=POSTING_WORD))


def warm_up() -> None:
    """Compile the pass, or load it from numba's cache, for the argument types the index
    passes: call once at service start so the first vacancy does not wait for it."""

    f8 = np.zeros(1, dtype=np.float64)
    reverse_match(
        (_empty_level(), _empty_level()),
        (np.ones(2), np.ones(2), np.ones(2)),
        (
            np.zeros(1, dtype=SLOT_RECORD),
            np.zeros(1, dtype=np.uint32),
            np.zeros(1, dtype=np.uint32),
            np.zeros(0, dtype=np.int32),
        ),
        np.zeros(4, dtype=np.int64),
        np.zeros(1, dtype=np.int8),
        np.zeros(0, dtype=np.uint8),
        np.zeros(4),
        (
            np.zeros(1, dtype=np.int32),
            np.zeros(1, dtype=np.int8),
            f8,
            f8,
            f8,
            np.zeros(1, dtype=np.bool_),
            np.zeros(1, dtype=np.uint8),
        ),
        np.zeros(1, dtype=np.int64),
        np.ones(1, dtype=np.int8),
        np.zeros(0, dtype=np.int64),
        np.zeros(COS_VACANCY + 1),
        np.zeros(INT_PARAMETERS, dtype=np.int64),
    )
