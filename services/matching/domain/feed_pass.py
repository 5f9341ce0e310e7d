"""The hard criteria and the day-free score parts of a feed as one compiled pass (numba).

`vacancy_index` stores every field the pass reads beside its postings (one packed record
each, `FEED_PAYLOAD`), so a feed reads the postings of the client's keys in the cells its
radius reaches in order, with no gather from million-row columns. For each posting the pass
checks the attributes first (hours, contract, education, licence, salary, languages), then
the place: a remote vacancy the client accepts passes at any distance; otherwise the
north-south gap and a distance lower bound without trigonometry (`pass_maths._too_far`)
go before the exact haversine (`pass_maths._distance_km`, bit for bit `rules.distance_km`).
A vacancy posted under several of the client's keys is kept once, with its closest match.

For each match it writes the row, its closeness, whether it needs a language the masks cannot
check (beyond the 64th: the caller checks those in Python) and the score parts that do not
depend on the day or on feedback — skills, distance, hours — with `scoring`'s formulas
operation for operation (see `reverse_pass` on why compiled maths gives the same bits).
Retired rows are skipped by their live flags.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)
from services.matching.domain.pass_maths import (
    FLOAT_PARAMETERS,
    HOURS_HIGH,
    HOURS_LOW,
    LAT,
    LON,
    _distance_km,
    _too_far,
    hours_part,
)
from services.matching.domain.rules import KM_PER_DEGREE_LAT_LOWER_BOUND
from services.matching.domain.scoring import DISTANCE_SCALE_KM, NEUTRAL

FEED_PAYLOAD = np.dtype(
    [
        ("lat", "f8"),
        ("lon", "f8"),
        ("hours_low", "f8"),
        ("hours_high", "f8"),
        ("languages", "u8"),
        ("salary", "i8"),
        ("skill_start", "u4"),
        ("required", "u2"),
        ("optional", "u2"),
        ("contract", "u1"),
        ("education", "u1"),
        ("flags", "u1"),
    ]
)
# The same flag bits as `vacancy_index`.
ALIVE, COORDINATES, REMOTE, LICENCE, RARE_LANGUAGE = 1, 2, 4, 8, 16

# Profile parameters: floats at `pass_maths`'s positions (its distance helpers read them; the
# profile's hours window where the reverse pass has the vacancy's hours; FLOAT_PARAMETERS) ...
HOURS_MIN, HOURS_MAX = HOURS_LOW, HOURS_HIGH
# ... and integers.
MAX_KM, EDUCATION, HAS_LICENCE, MIN_SALARY, REMOTE_OK = range(5)
# Columns of the parts written per match.
DISTANCE_KM, SKILLS, DISTANCE, HOURS = range(4)


@njit(cache=True, nogil=True)
def feed_candidates(
    levels, live_flags, seen, skill_pool, known_skills, qf, qi, spoken, accepted_contracts, out_rows, out_closeness,
    out_rare, out_parts,
):  # fmt: skip
    """Check, in each level (starts, ends, closeness, slots, payload), the postings
    [starts[r], ends[r]) of every range r (closeness[r]); write each passing row once to the
    out_ buffers (at least as long as all ranges together; out_parts: DISTANCE_KM (NaN when
    it passed as remote), SKILLS, DISTANCE, HOURS). Returns how many were written.
    `seen` (one entry per row) must be all zero and is left so."""
    n = 0
    for starts, ends, range_closeness, slots, payload in levels:
        n = _collect(starts, ends, range_closeness, slots, payload, live_flags, seen, skill_pool, known_skills, qf, qi,
                     spoken[0], accepted_contracts, out_rows, out_closeness, out_rare, out_parts, n)  # fmt: skip
    for i in range(n):
        seen[out_rows[i]] = 0
    return n


@njit(cache=True, nogil=True)
def _collect(
    starts, ends, range_closeness, slots, payload, live_flags, seen, skill_pool, known_skills, qf, qi, spoken,
    accepted_contracts, out_rows, out_closeness, out_rare, out_parts, n,
):  # fmt: skip
    # The checks are written out in the loop: as a function taking the record, numba's call
    # cost several times the checks themselves.
    hours_min, hours_max = qf[HOURS_MIN], qf[HOURS_MAX]
    max_km, remote_ok = np.float64(qi[MAX_KM]), qi[REMOTE_OK] != 0
    education, has_licence, min_salary = qi[EDUCATION], qi[HAS_LICENCE] != 0, qi[MIN_SALARY]
    for r in range(len(starts)):
        closeness = range_closeness[r]
        for e in range(starts[r], ends[r]):
            record = payload[e]
            low, high, flags = record.hours_low, record.hours_high, record.flags
            if (
                (high > 0 and (low > hours_max or high < hours_min))
                or not accepted_contracts[record.contract]
                or (education and record.education > education)
                or (not has_licence and flags & LICENCE)
                or (min_salary and record.salary and record.salary < min_salary)
                or record.languages & ~spoken != 0
            ):
                continue
            via_remote = remote_ok and flags & REMOTE != 0
            lat, lon = record.lat, record.lon
            if not via_remote:
                if flags & COORDINATES == 0:
                    continue
                if abs(qf[LAT] - lat) * KM_PER_DEGREE_LAT_LOWER_BOUND > max_km or _too_far(lat, lon, max_km, qf):
                    continue
            row = slots[e]
            mark = seen[row]
            if mark > 0:  # passed under another key: perhaps a closer match
                out_closeness[mark - 1] = min(out_closeness[mark - 1], closeness)
                continue
            distance, near = np.nan, 1.0
            if not via_remote:
                distance = _distance_km(qf[LAT], qf[LON], lat, lon)
                if distance > max_km:
                    continue
                near = math.exp(-distance / DISTANCE_SCALE_KM)
            if live_flags[row] == 0:  # a posting outlives its row until a merge
                continue
            out_rows[n], out_closeness[n], out_rare[n] = row, closeness, flags & RARE_LANGUAGE != 0
            out_parts[n, DISTANCE_KM], out_parts[n, DISTANCE] = distance, near
            out_parts[n, SKILLS] = _skills_part(record, skill_pool, known_skills)
            out_parts[n, HOURS] = hours_part(low, high, hours_min, hours_max)
            n += 1
            seen[row] = n
    return n


@njit(cache=True, nogil=True)
def _skills_part(record, skill_pool, known_skills):
    """`scoring.skills_part` of the vacancy's required and optional skills the client has."""
    start, required, optional = np.int64(record.skill_start), np.int64(record.required), np.int64(record.optional)
    common_required, common_optional = 0, 0
    for p in range(start, start + required):
        common_required += known_skills[skill_pool[p]]
    for p in range(start + required, start + required + optional):
        common_optional += known_skills[skill_pool[p]]
    denominator = 2 * required + optional
    return NEUTRAL if denominator == 0 else (2 * common_required + common_optional) / denominator


def warm_up() -> None:
    """Compile the pass, or load it from numba's cache (see `reverse_query.warm_up`)."""
    none = np.zeros(0, dtype=np.int64)
    level = (none, none, np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=FEED_PAYLOAD))
    feed_candidates(
        (level, level),
        np.zeros(1, dtype=np.uint8),
        np.zeros(1, dtype=np.int32),
        np.zeros(1, dtype=np.int32),
        np.zeros(1, dtype=np.int8),
        np.zeros(FLOAT_PARAMETERS),
        np.zeros(5, dtype=np.int64),
        np.zeros(1, dtype=np.uint64),
        np.ones(256, dtype=np.bool_),
        np.zeros(1, dtype=np.int32),
        np.zeros(1, dtype=np.int8),
        np.zeros(1, dtype=np.bool_),
        np.zeros((1, 4)),
    )
