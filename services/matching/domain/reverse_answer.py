"""The answer of a reverse match, compiled (numba): the found profiles' scores (exactly
`scoring.combine`'s numbers), their order (score descending, then client id) and the output
buffers `profile_index` reads (slots, closeness, rows of floats: OUT_FLOATS)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)
from services.matching.domain.pass_maths import HOURS_HIGH, HOURS_LOW, RECENCY, hours_part
from services.matching.domain.scoring import (
    DISTANCE_SCALE_KM,
    NEUTRAL,
    WEIGHT_DISTANCE,
    WEIGHT_HOURS,
    WEIGHT_OCCUPATION,
    WEIGHT_RECENCY,
    WEIGHT_SKILLS,
)
from services.matching.domain.vectorised import CLOSENESS_VALUE, ROUNDING_MARGIN

DISTANCE, SCORE, TOTAL, NEAR_HALF = range(4)  # the rows of the answer's floats
OUT_FLOATS = 4
_MILLION = 1_000_000  # a score's millionths at most (20 bits)
_SCORE_AT = 43  # where a sort key's score part starts (`scored_answer`)
_RADIX_BITS = 7  # three passes cover the score's 20 bits
_RADIX = 1 << _RADIX_BITS
_SHORT_RUN = 16  # equal scores an insertion sort orders alone


@njit(cache=True, nogil=True)
def scored_answer(n, answer, slot_columns, skill_group, qf, n_required, n_optional, has_coords, out):
    """Score the n found slots (`answer`: slots, entries in `seen`, closeness, distance, via
    remote), order them and write them to `out`; returns (n, near-half count, whether equal
    keys remain to order by full client id). `reverse_query.reverse_match` says what the
    buffers hold."""
    found, _, closeness, distance, remote = answer
    records, skill_pool = slot_columns
    out_slots, out_closeness, out_floats = out
    scores = np.empty(n, dtype=np.float64)
    totals = np.empty(n, dtype=np.float64)
    name_hi = np.empty(n, dtype=np.uint64)
    name_lo = np.empty(n, dtype=np.uint64)
    sort_keys = np.empty(n, dtype=np.int64)
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
                common_required += group == 1  # counted without a branch: which skills match is unpredictable
                common_optional += group == 2
        skills = NEUTRAL if denominator == 0 else (2 * common_required + common_optional) / denominator
        near = 1.0 if remote[i] or not has_coords else math.exp(-distance[i] / DISTANCE_SCALE_KM)
        hours = hours_part(low, high, np.float64(record.hours_min), np.float64(record.hours_max))
        total = (
            WEIGHT_OCCUPATION * CLOSENESS_VALUE[closeness[i]]
            + WEIGHT_SKILLS * skills
            + WEIGHT_DISTANCE * near
            + WEIGHT_HOURS * hours
            + WEIGHT_RECENCY * qf[RECENCY]
        )
        totals[i] = total
        millionths = np.rint(total * 1e6)
        scores[i] = millionths / 1e6
        sort_keys[i] = _MILLION - np.int64(millionths)
    # One sort key: the score in millionths (0..1e6, 20 bits) descending, then 43 bits of the
    # id from the first bit where the found ids differ (ids often share a long prefix, as
    # "c-0000123" and "c-0000456" do); what that leaves equal is ordered by the 16-byte prefix.
    skip = _shared_leading_bits(name_hi, name_lo)
    for i in range(n):
        sort_keys[i] = sort_keys[i] << _SCORE_AT | _bits_after(name_hi[i], name_lo[i], skip)
    order = _order(sort_keys, name_hi, name_lo)
    near_halves, ties = 0, False
    for i in range(n):
        at = order[i]
        out_slots[i], out_closeness[i] = found[at], closeness[at]
        out_floats[DISTANCE, i], out_floats[SCORE, i], out_floats[TOTAL, i] = distance[at], scores[at], totals[at]
        scaled = totals[at] * 1e6
        near_half = abs(scaled - math.floor(scaled) - 0.5) < ROUNDING_MARGIN
        out_floats[NEAR_HALF, i] = near_half
        near_halves += near_half
        if i:
            previous = order[i - 1]
            ties |= (
                (scores[at] == scores[previous])
                & (name_hi[at] == name_hi[previous])
                & (name_lo[at] == name_lo[previous])
            )
    return n, near_halves, ties


@njit(cache=True, nogil=True)
def _shared_leading_bits(name_hi, name_lo):
    """How many leading bits of the 128-bit id prefixes (name_hi, name_lo) all of them share."""
    differ_hi, differ_lo = np.uint64(0), np.uint64(0)
    for i in range(len(name_hi)):
        differ_hi |= name_hi[i] ^ name_hi[0]
        differ_lo |= name_lo[i] ^ name_lo[0]
    if differ_hi != 0:
        return _leading_zeros(differ_hi)
    return 64 + _leading_zeros(differ_lo) if differ_lo != 0 else 128


@njit(cache=True, nogil=True)
def _leading_zeros(word):
    """The leading zero bits of a non-zero uint64."""
    count = 0
    while word >> np.uint64(63) == 0:
        word <<= np.uint64(1)
        count += 1
    return count


@njit(cache=True, nogil=True)
def _bits_after(hi, lo, skip):
    """The 43 bits of the 128-bit value (hi, lo) that follow its first `skip` bits, as int64."""
    if skip >= 128:
        return np.int64(0)
    if skip >= 64:
        top = lo << np.uint64(skip - 64)
    elif skip > 0:
        top = hi << np.uint64(skip) | lo >> np.uint64(64 - skip)
    else:
        top = hi
    return np.int64(top >> np.uint64(21))


@njit(cache=True, nogil=True)
def _order(sort_keys, name_hi, name_lo):
    """Positions by sort key, and where keys are equal by (name_hi, name_lo). The score part
    (bits 43-62) is sorted by a radix sort, three stable passes of 7 bits: no comparisons, so
    no mispredicted branches (a comparison sort of a few hundred keys spends most of its time
    on those); each run of equal scores is then ordered by the rest of the key (`_order_run`)."""
    n = len(sort_keys)
    order, spare = np.arange(n), np.empty(n, dtype=np.int64)
    counts = np.empty(_RADIX + 1, dtype=np.int64)
    for shift in (_SCORE_AT, _SCORE_AT + _RADIX_BITS, _SCORE_AT + 2 * _RADIX_BITS):
        counts[:] = 0
        for i in range(n):
            counts[((sort_keys[order[i]] >> shift) & (_RADIX - 1)) + 1] += 1
        for d in range(_RADIX):
            counts[d + 1] += counts[d]
        for i in range(n):
            at = order[i]
            digit = (sort_keys[at] >> shift) & (_RADIX - 1)
            spare[counts[digit]] = at
            counts[digit] += 1
        order, spare = spare, order
    i = 0
    while i < n:
        j = i + 1
        score = sort_keys[order[i]] >> _SCORE_AT
        while j < n and sort_keys[order[j]] >> _SCORE_AT == score:
            j += 1
        if j - i > 1:
            _order_run(order, i, j, sort_keys, name_hi, name_lo)
        i = j
    return order


@njit(cache=True, nogil=True)
def _order_run(order, start, end, sort_keys, name_hi, name_lo):
    """order[start:end] by (sort key, name_hi, name_lo): an insertion sort, after a sort of the
    keys where the run is long (all answers of a remote vacancy can score the same)."""
    if end - start > _SHORT_RUN:
        run = order[start:end]
        order[start:end] = run[np.argsort(sort_keys[run])]
    for k in range(start + 1, end):
        at = order[k]
        m = k
        while m > start and (sort_keys[order[m - 1]], name_hi[order[m - 1]], name_lo[order[m - 1]]) > (
            sort_keys[at],
            name_hi[at],
            name_lo[at],
        ):
            order[m] = order[m - 1]
            m -= 1
        order[m] = at
