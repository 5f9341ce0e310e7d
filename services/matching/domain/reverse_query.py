"""One reverse-match query as one compiled call: `reverse_match_at` turns the index's table of
arrays (`array_table`, TABLE_LAYOUT) back into arrays, finds the ranges of each posting level
(`reverse_ranges`), filters and checks their postings (`reverse_pass.collect`) and scores and
orders the matches (`reverse_answer`). See `reverse_pass` for the exactness the answers keep."""

from __future__ import annotations

import numpy as np
from numba import njit

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)
from services.matching.domain.array_table import ArrayTable, matrix, vector
from services.matching.domain.pass_maths import FLOAT_PARAMETERS
from services.matching.domain.reverse_answer import OUT_FLOATS, scored_answer
from services.matching.domain.reverse_pass import (
    FILTER_CHUNK,
    GEO,
    HAS_COORDS,
    INT_PARAMETERS,
    N_KEYS,
    N_OPTIONAL,
    N_REQUIRED,
    N_SKILLS,
    POSTING_WORD,
    REMOTE,
    SLOT_RECORD,
    collect,
)
from services.matching.domain.reverse_ranges import MAX_RANGES_PER_KEY, pass_level, ranges_of


@njit(cache=True, nogil=True)
def reverse_match(levels, slot_columns, seen, skill_group, out, qf, qi):
    """The matches of one vacancy, best first, written to the out buffers: slots, closeness,
    and rows of floats (distance km or NaN, score, unrounded total, 1.0 where the total is
    within rounding error of a half: to round in Python). Returns (count or -1 when the buffers
    are too small, near-half count, whether equal keys remain to order by full client id).

    Order: score descending, then the client id's first 16 UTF-8 bytes (the order of the
    strings where those differ); `seen` (`_seen_entry`) must be all zero and is left so, as is
    `skill_group` (by skill id: 1 required, 2 optional, set here from the query's skills).
    """
    keys_end = INT_PARAMETERS + qi[N_KEYS]
    keys, skills = qi[INT_PARAMETERS:keys_end], qi[keys_end : keys_end + qi[N_SKILLS]]
    for i in range(len(skills)):
        skill_group[skills[i] >> 2] = skills[i] & 3
    answer = _matches(levels, keys, slot_columns, seen, skill_group, qf, qi, out)
    for i in range(len(skills)):
        skill_group[skills[i] >> 2] = 0
    return answer


@njit(cache=True, nogil=True)
def _matches(levels, keys, slot_columns, seen, skill_group, qf, qi, out):
    """`reverse_match` with the vacancy's skill groups set."""
    capacity = len(out[0])  # the answer's columns (`reverse_match`); found slots fit them
    found = np.empty(capacity, dtype=np.int32)
    found_at = np.empty(capacity, dtype=np.int64)
    closeness = np.empty(capacity, dtype=np.int8)
    distance = np.empty(capacity, dtype=np.float64)
    remote = np.empty(capacity, dtype=np.bool_)
    answer = (found, found_at, closeness, distance, remote)
    ranges = np.empty((len(keys) * MAX_RANGES_PER_KEY, 3), dtype=np.int64)
    passes = np.empty(FILTER_CHUNK, dtype=np.bool_)
    survivors = np.empty(2 * FILTER_CHUNK, dtype=np.int64)
    survivor_closeness = np.empty(2 * FILTER_CHUNK, dtype=np.int8)
    n = 0
    for level in levels:
        n_ranges = ranges_of(level, keys, qf, qi[GEO], qi[HAS_COORDS], qi[REMOTE], ranges)
        grown = collect(
            level, ranges, n_ranges, passes, survivors, survivor_closeness, slot_columns, seen, answer, n, qf, qi
        )
        if grown < 0:  # full: every entry of found holds a marked slot
            seen[found_at] = 0
            return -1, 0, False
        n = grown
    seen[found_at[:n]] = 0
    has_coords = qi[HAS_COORDS] != 0
    return scored_answer(n, answer, slot_columns, skill_group, qf, qi[N_REQUIRED], qi[N_OPTIONAL], has_coords, out)


# The index's arrays as `reverse_match_at` reads them from its table (`array_table`): each
# level's key bounds, slots, words and group starts, then the slot records, the skill pool,
# the seen table, the skill groups and the three output buffers.
TABLE_LAYOUT = (
    *(np.dtype(np.int64), np.dtype(np.int32), POSTING_WORD, np.dtype(np.int64)) * 2,
    SLOT_RECORD,
    np.dtype(np.int32),
    np.dtype(np.int64),
    np.dtype(np.int8),
    np.dtype(np.int32),
    np.dtype(np.int8),
    np.dtype(np.float64),
)


@njit(cache=True, nogil=True)
def _level_at(table, at):
    return (
        matrix(table, at, np.int64),
        vector(table, at + 1, np.int32),
        vector(table, at + 2, np.uint64),
        vector(table, at + 3, np.int64),
    )


@njit(cache=True, nogil=True)
def reverse_match_at(table, qf, qi):
    """`reverse_match` on the arrays of an `array_table.ArrayTable` of TABLE_LAYOUT: one
    array argument where `reverse_match` has fifteen (numba unboxes each, every call)."""
    levels = (_level_at(table, 0), _level_at(table, 4))
    slot_columns = (vector(table, 8, SLOT_RECORD), vector(table, 9, np.int32))
    out = (vector(table, 12, np.int32), vector(table, 13, np.int8), matrix(table, 14, np.float64))
    return reverse_match(levels, slot_columns, vector(table, 10, np.int64), vector(table, 11, np.int8), out, qf, qi)


def _empty_level() -> tuple[np.ndarray, ...]:
    keys, bounds, slots = np.empty(0, dtype=np.int64), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32)
    return pass_level(keys, bounds, slots, np.empty(0, dtype=POSTING_WORD))


def warm_up() -> None:
    """Compile the pass, or load it from numba's cache, for the argument types the index
    passes: call once at service start so the first vacancy does not wait for it."""

    qi = np.zeros(INT_PARAMETERS + 1, dtype=np.int64)
    qi[N_KEYS] = 1
    arrays = (
        *_empty_level()[:4],
        *_empty_level()[:4],
        np.zeros(1, dtype=SLOT_RECORD),
        np.zeros(0, dtype=np.int32),
        np.zeros(2, dtype=np.int64),
        np.zeros(1, dtype=np.int8),
        np.zeros(1, dtype=np.int32),
        np.zeros(1, dtype=np.int8),
        np.zeros((OUT_FLOATS, 1)),
    )
    reverse_match_at(ArrayTable(arrays, TABLE_LAYOUT).table, np.zeros(FLOAT_PARAMETERS), qi)
