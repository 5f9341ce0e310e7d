"""Where a vacancy's matches can be, in a posting level: the ranges of level keys of the
vacancy's occupation keys, per radius class the rows of 3x3 grid cells around it (compiled,
numba), the level as the reverse pass reads it (`pass_level`), and the radius classes with
their grid cells (`profile_index` posts profiles by them)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)
from services.matching.domain.cpu_prefetch import prefetch
from services.matching.domain.pass_maths import LAT, LON
from services.matching.domain.rules import KM_PER_DEGREE_LAT_LOWER_BOUND

RADIUS_CLASSES_KM = (5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300)
N_CLASSES = len(RADIUS_CLASSES_KM)
# Cells are at least R km high (1 degree latitude is 111.2 km) and at least R km wide up to
# 60 degrees north (1 degree longitude is 55.6 km there); homes are Dutch places (< 54 N).
KM_PER_DEGREE_LON_LOWER_BOUND = 55.0
CELL_SIZES = tuple((r / KM_PER_DEGREE_LAT_LOWER_BOUND, r / KM_PER_DEGREE_LON_LOWER_BOUND) for r in RADIUS_CLASSES_KM)
# As the compiled code reads them: constants compiled in, not arguments of every call.
CELL_HEIGHTS = np.array([h for h, _ in CELL_SIZES])
CELL_WIDTHS = np.array([w for _, w in CELL_SIZES])

MAX_RANGES_PER_KEY = 3 * N_CLASSES + 1  # rows of 3x3 cells per radius class, and the remote class
_PREFETCHED_POSTINGS = 512  # of a range, asked for before the filter runs


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
def _emit(out, n, key_bounds, words, start, end, closeness):
    """Range n: the postings of level keys start..end and the closeness of their key id. Their
    words are asked for now, so the misses of all ranges overlap before the filter reads them."""
    first, last = key_bounds[start, 1], key_bounds[end, 1]
    out[n, 0], out[n, 1], out[n, 2] = first, last, closeness
    for p in range(first, min(last, first + _PREFETCHED_POSTINGS), 8):  # 8 words a line
        prefetch(words, p)
    return n + 1


@njit(cache=True, nogil=True)
def ranges_of(level, keys, qf, geo, has_coords, remote, out):
    """The ranges the vacancy's keys select in one level, written to `out` (`_emit`: first and
    end posting, the key id's closeness); returns how many. `keys`:
    key id << 2 | the closeness of a profile posted under it. With `geo`,
    `profile_index._posting_key`s of the 3x3 cells around the vacancy in every radius class (the
    float operations of `profile_index._cell`) and of the remote class; without, the key ids
    are posting keys themselves. key_bounds holds (key, first posting) per level key and a last row
    (max, end); where the level has one, `group_starts` gives the first key of each (key id,
    class) group (`pass_level`): no search over the whole level. `has_coords`: the vacancy has a place;
    `remote`: it is remote (the remote class too)."""
    key_bounds, _, words, group_starts = level
    level_keys = key_bounds[:, 0]
    has_table = len(group_starts) != 0
    n_keys = len(key_bounds) - 1
    n = 0
    if not geo:
        for i in range(len(keys)):
            key_id = keys[i] >> 2
            at = _first_at_least(level_keys, 0, n_keys, key_id)
            if at < n_keys and level_keys[at] == key_id:
                n = _emit(out, n, key_bounds, words, at, at + 1, keys[i] & 3)
        return n
    n_classes = N_CLASSES
    lat, lon = qf[LAT], qf[LON]
    first_class = 0 if has_coords else n_classes
    last_class = n_classes if remote else n_classes - 1
    for i in range(len(keys)):
        group, closeness = (keys[i] >> 2) * (n_classes + 1), keys[i] & 3
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
                    n = _emit(out, n, key_bounds, words, lo, lo + 1, closeness)
                continue
            cy = np.int64(math.floor((lat + 90.0) / CELL_HEIGHTS[c]))
            cx = np.int64(math.floor((lon + 180.0) / CELL_WIDTHS[c]))
            for dy in (-1, 0, 1):
                row = ((cy << 16) | cx) + (dy << 16)  # the cells row - 1 .. row + 1
                start = _first_at_least(level_keys, lo, hi, prefix + max(row - 1, 0))
                end = _first_at_least(level_keys, start, hi, prefix + row + 2)
                if start < end and row + 1 >= 0:
                    n = _emit(out, n, key_bounds, words, start, end, closeness)
                lo = end  # the next row's cells come after this row's
    return n


def pass_level(
    keys: np.ndarray, bounds: np.ndarray, slots: np.ndarray, words: np.ndarray, group_size: int = 0
) -> tuple[np.ndarray, ...]:
    """A posting level as the pass reads it: (key, first posting) rows, slots, words, and for a
    large level of place keys (`group_size`: classes per key id) the first row of every (key
    id, class) group of every key id up to the level's last (`ranges_of`): half a megabyte per
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
