"""The reverse match of one vacancy as one compiled pass over the posting ranges (numba).

`profile_index` stores beside each posting an 8-byte word with what the attribute criteria
read (`POSTING_WORD`), so the pass streams 8 bytes per candidate posting. It finds the ranges of
the vacancy's keys (`reverse_ranges`: for the merged level a table gives each (key id, radius
class)'s rows, for the small level of recent postings binary searches do; inside a class, one
search per row of the 3x3 cells; each range's words are asked for as soon as it is found, so
the cache misses of all ranges overlap). It filters the words without a branch, a chunk at a
time, and only for the postings that pass (about one in nine) touches their slots' records,
all of a chunk's at once: liveness, the exact language and salary checks the word cannot do,
the home (a distance lower bound without trigonometry before the exact haversine, both in
`pass_maths`), dedupe (`collect`); `reverse_answer` scores and orders the matches and writes
them into the caller's buffers. One call per query (`reverse_query.reverse_match_at`: the
index's arrays as one table of addresses, `array_table`), nothing boxed but a few integers.

Exactness (the answers must equal `rules.evaluate` + `scoring.combine` bit for bit):
- sin, cos, asin and exp compile to calls of the C library's functions, the same ones Python's
  `math` calls; a profile's cos(latitude) is computed once, in Python, and kept in its record
  (the same call on the same argument gives the same value);
- no fast-math: every sum and product runs in the order written, as in the Python source;
- `round(x, 6)` is rint(x * 1e6) / 1e6 except within ROUNDING_MARGIN of a half, where the
  pass flags the item and the caller rounds it with Python's `round`.
The first call compiles (several seconds) unless numba's cache (`cache=True`, in
`__pycache__` or NUMBA_CACHE_DIR) already holds it: services call `reverse_query.warm_up` at
start.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)
from services.matching.domain.cpu_prefetch import prefetch
from services.matching.domain.pass_maths import (
    COS_VACANCY,
    LAT,
    LON,
    _haversine_km,
    _too_far,
)

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
# scores are ordered without the strings; the ids themselves stay in a Python list by slot),
# the home and cos(radians(latitude)), where its skills start in the skill pool and how many,
# the exact minimum salary and languages (first 32; read only where the word cannot tell: a
# salary above SALARY_CAP, a language beyond the 16th), the travel distance, flags (0:
# retired) and hours.
SLOT_RECORD = np.dtype(
    [
        ("name_hi", "u8"),
        ("name_lo", "u8"),
        ("lat", "f8"),
        ("lon", "f8"),
        ("cos_lat", "f8"),
        ("skill_start", "u4"),
        ("min_salary", "u4"),
        ("languages", "u4"),
        ("skill_count", "u2"),
        ("max_km", "u2"),
        ("flags", "u1"),
        ("hours_min", "u1"),
        ("hours_max", "u1"),
    ],
    align=True,
)
assert SLOT_RECORD.itemsize == 64  # one cache line

# The query, packed in two arrays (each array argument of a call costs the dispatcher time):
# floats at `pass_maths`'s positions (HOURS_LOW, HOURS_HIGH, LAT, LON, RECENCY, COS_LOW,
# COS_VACANCY), and int64 values: CONTRACT the vacancy's contract type, AT_LEAST/AT_MOST the
# whole hours a profile's window must reach (ceil of the vacancy's low, floor of its high),
# LANGUAGES the mask of the vacancy's languages (first 32), N_KEYS and N_SKILLS how many keys
# and skills follow the INT_PARAMETERS: key id << 2 | closeness (`reverse_ranges.ranges_of`),
# then the vacancy's skills the index knows as id << 2 | group (1 required, 2 optional).
CONTRACT, EDUCATION, LICENCE, REMOTE, HAS_COORDS, SALARY, N_REQUIRED, N_OPTIONAL, GEO = range(9)
HOURS_AT_LEAST, HOURS_AT_MOST, LANGUAGES, N_KEYS, N_SKILLS = range(9, 14)
INT_PARAMETERS = 14
_LICENCE_BIT, _REMOTE_BIT, HIGH_SALARY_BIT = 2, 4, 8  # profile_index's flag bits; salary above SALARY_CAP
FILTER_CHUNK = 256  # postings the filter checks before their survivors' records are fetched


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
def _seen_entry(seen, slot):
    """Where slot's entry is in `seen`, or the empty entry where it goes. `seen` is a hash
    table, linear probing, of (slot + 1) << 32 | 1 + the slot's position in `found` (0: empty),
    at least twice the size of `found`: it stays in the CPU cache where an array by
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
    when `found` is full. slot_columns: the records and the skill pool (a found slot's skills
    are asked for at once: the scores read them); answer: found slots, their entries in
    `seen`, closeness, distance, whether via remote."""
    records, skill_pool = slot_columns
    found, found_at, closeness, distance, remote = answer
    for i in range(n):
        prefetch(slots, survivors[i])
    for i in range(n):
        survivors[i] = slots[survivors[i]]
        prefetch(records, survivors[i])
    has_coords, remote_vacancy = qi[HAS_COORDS] != 0, qi[REMOTE] != 0
    languages, salary = qi[LANGUAGES], qi[SALARY]
    rare_languages = languages > _WORD_LANGUAGES  # beyond the word's 16 bits: the record's mask
    # First the checks that reject about half of them, unpredictably: without a branch (& and
    # | where Python would write `and` and `or`), keeping the survivors' positions as the filter
    # does; the exact languages and salary need a load, taken only where the record asks.
    kept = 0
    for i in range(n):
        slot = survivors[i]
        record = records[slot]
        via_remote = remote_vacancy & (record.flags & _REMOTE_BIT != 0)
        near = has_coords & ~_too_far(record.lat, record.lon, np.float64(record.max_km), qf)
        keep = (record.flags != 0) & (via_remote | near)  # flags 0: retired, postings stay until a merge
        if rare_languages and (record.languages & languages != languages):
            keep = False
        if (salary != 0) & (record.flags & HIGH_SALARY_BIT != 0) and record.min_salary > salary:
            keep = False
        survivors[kept], survivor_closeness[kept] = slot, survivor_closeness[i]
        kept += keep
    for i in range(kept):
        slot = survivors[i]
        record = records[slot]
        via_remote = remote_vacancy and record.flags & _REMOTE_BIT != 0
        max_km = np.float64(record.max_km)
        lat, lon = record.lat, record.lon
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
def collect(
    level, ranges, n_ranges, passes, survivors, survivor_closeness, slot_columns, seen, answer, n_found, qf, qi
):
    """Filter every posting of the ranges, a chunk at a time, and check the survivors
    (`_check_survivors`) whenever a chunk's worth has gathered. Every cell of a range is
    filtered, also a corner of the 3x3 out of reach: the filter costs less than a check per
    cell did (A/B, 1 M profiles: 3-4 us of ~67 per query), and the place check rejects its homes.
    Returns the new count of found slots, or -1 when `found` is full."""
    _, slots, words, _ = level
    at_least, at_most = qi[HOURS_AT_LEAST], qi[HOURS_AT_MOST]
    contract_bit = np.int64(1) << qi[CONTRACT] if qi[CONTRACT] != 0 else np.int64(0xFF)
    education, salary = qi[EDUCATION], qi[SALARY]
    licence_bit = np.int64(_WORD_LICENCE) if qi[LICENCE] != 0 else np.int64(0)
    languages = qi[LANGUAGES] & _WORD_LANGUAGES
    chunk = len(passes)
    n = 0
    for r in range(n_ranges):
        e, end, key_closeness = ranges[r, 0], ranges[r, 1], ranges[r, 2]
        while e < end:
            # The filter without a branch, a chunk at a time (the compiler makes it vector
            # code), then the survivors' positions kept without a branch either: most
            # postings fail one criterion, unpredictably, and a mispredicted branch per
            # posting costs more than all the checks. The chunk is a slice read from 0 up:
            # words[e + i] would be read by a gather (e + i may be negative as far as the
            # compiler knows, and numba counts a negative index from the end), 4x slower.
            m = min(end - e, chunk)
            chunk_words = words[e : e + m]
            for i in range(m):
                passes[i] = not _fails_filter(
                    chunk_words[i], at_least, at_most, contract_bit, education, licence_bit, languages, salary
                )
            at = np.uint64(n)  # unsigned: a signed index is checked for being negative at every store
            for i in range(m):
                survivors[at], survivor_closeness[at] = e + i, key_closeness
                at += np.uint64(passes[i])
            n = np.int64(at)
            e += m
            if n >= chunk:  # survivors has room for two chunks
                n_found = _check_survivors(
                    survivors, survivor_closeness, n, slots, slot_columns, seen, answer, n_found, qf, qi
                )
                if n_found < 0:
                    return -1
                n = 0
    return _check_survivors(survivors, survivor_closeness, n, slots, slot_columns, seen, answer, n_found, qf, qi)
