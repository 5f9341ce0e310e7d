"""The answer of a reverse match, compiled (numba): the found profiles' scores (exactly
`scoring.combine`'s numbers), their order (score descending, then client id) and the output
buffers `profile_index` reads, client ids as UTF-8 bytes with a NUL between two."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

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
from services.matching.domain.vectorised import ROUNDING_MARGIN

_MILLION = 1_000_000  # a score's millionths at most


@njit(cache=True, nogil=True)
def scored_answer(
    n, answer, slot_columns, skill_group, name_tails, closeness_value, qf, n_required, n_optional, has_coords, out
):
    """Score the n found slots (`answer`: slots, entries in `seen`, closeness, distance, via
    remote), order them and write them to `out`; returns (n or -1 when the names buffer is too
    small, near-half count, whether equal keys remain to order by full name, the end of the
    client ids' bytes). `reverse_pass.reverse_match` says what the buffers hold."""
    found, _, closeness, distance, remote = answer
    records, _, _, skill_pool = slot_columns
    out_slots, out_closeness, out_distances, out_scores, out_totals, out_near_half, out_names = out
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
                if group == 1:
                    common_required += 1
                elif group == 2:
                    common_optional += 1
        skills = NEUTRAL if denominator == 0 else (2 * common_required + common_optional) / denominator
        near = 1.0 if remote[i] or not has_coords else math.exp(-distance[i] / DISTANCE_SCALE_KM)
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
