"""In-memory reverse-matching index: which active profiles does one vacancy match?

Built for a million profiles: each profile is one record (a "slot") in a numpy structured
array, and candidates come from posting lists, so a query never scans all profiles:
- every occupation key a profile accepts (`rules.wish_keys`, with its closeness) gets an id;
- a profile is posted under (key id, radius class, grid cell of its home) where the radius
  class is the smallest of RADIUS_CLASSES_KM >= its max travel distance and the grid cell is
  at least that class's radius wide and high; so every profile within reach of a vacancy sits
  in the 3x3 cells around the vacancy in its class;
- profiles that accept remote work are also posted under (key id, REMOTE_CLASS).
A query is one compiled pass over the posting ranges (`reverse_pass`): a word of the attribute
criteria is stored beside each posting and a slot's record holds the rest, so the pass filters,
deduplicates, scores exactly (the numbers of `rules.evaluate` and `scoring`) and orders without
Python per candidate; objects are built only for the answer.
`tests/unit/matching/test_matching_index_equivalence.py` proves the answers equal
`ranking.brute_force_matches`.

Updating a profile retires its slot (skipped by queries) and appends a new one; postings of
retired slots are dropped when the posting lists are merged.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterable
from datetime import date

import numpy as np

from services.matching.domain import reverse_pass, reverse_query
from services.matching.domain.array_table import ArrayTable
from services.matching.domain.columns import (
    MERGE_THRESHOLD,
    GrowableColumns,
    Level,
    PostingLists,
    level_of,
)
from services.matching.domain.model import OccupationMatch
from services.matching.domain.ranking import ProfileMatch, ProfileMatches, pick
from services.matching.domain.reverse_answer import DISTANCE, NEAR_HALF, OUT_FLOATS, SCORE, TOTAL
from services.matching.domain.reverse_ranges import CELL_SIZES, N_CLASSES, RADIUS_CLASSES_KM, pass_level
from services.matching.domain.rules import (
    ProfileCriteria,
    VacancyCriteria,
)
from services.matching.domain.scoring import recency_part
from services.matching.domain.vectorised import SCORE_DECIMALS, cos_lat_lower_bound

_N_CLASSES = N_CLASSES
REMOTE_CLASS = _N_CLASSES  # the posting "class" of profiles that accept remote work

_ACTIVE, _LICENCE, _REMOTE, _HIGH_SALARY = 1, 2, 4, reverse_pass.HIGH_SALARY_BIT
_EXACT, _UNIT, _MINOR = OccupationMatch.EXACT, OccupationMatch.UNIT_GROUP, OccupationMatch.MINOR_GROUP
# A vacancy key's kind -> the closeness values a profile posted under it can have (ints: the
# key ids' dict is keyed by them, and int() of an enum member per lookup adds up).
_WANTED_CLOSENESS = {"u": (int(_EXACT),), "g4": (int(_EXACT), int(_UNIT))}
_MINOR_CLOSENESS = (int(_MINOR),)
_LANGUAGE_BITS = 32  # languages beyond the 32nd interned one are checked in Python (never in practice)

# What a merge copies beside the postings (`reverse_pass.POSTING_WORD`) and the keys `scan`
# reads; what the pass reads of a slot is its record (`reverse_pass.SLOT_RECORD`).
PROFILE_COLUMNS = {"word": "u8", "key_start": "u4", "key_count": "u1"}
_NAME_HEAD = 16  # bytes of a client id in its slot record (its order among equal scores)


# The compiled pass (typed here: mypy cannot see through a numba dispatcher).
_REVERSE_MATCH_AT: Callable[..., tuple[int, int, bool]] = reverse_query.reverse_match_at
_NO_MATCHES = ProfileMatches([], np.empty(0), np.empty(0, dtype=np.int8), None)


def _buffers(capacity: int) -> tuple[np.ndarray, ...]:
    """The pass's output columns: slots, closeness, and rows of floats (`reverse_answer`:
    distance, score, unrounded total, near-half flag); doubled when an answer is larger."""
    return (
        np.empty(capacity, dtype=np.int32),
        np.empty(capacity, dtype=np.int8),
        np.empty((OUT_FLOATS, capacity), dtype=np.float64),
    )


def _seen_table(capacity: int) -> np.ndarray:
    """The pass's hash table of slots seen (`reverse_pass._seen_entry`): a power of two, at
    least two entries per answer the buffers hold (a table twice that size made a query ~2 us
    slower: 128 KB leave the CPU's cache between queries); all zero between queries."""
    return np.zeros(1 << (2 * capacity - 1).bit_length(), dtype=np.int64)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _malloc_trim()


def _release_freed_memory() -> None:
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def radius_class(max_km: int) -> int:
    for i, radius in enumerate(RADIUS_CLASSES_KM):
        if max_km <= radius:
            return i
    raise ValueError(f"max travel distance {max_km} km is above {RADIUS_CLASSES_KM[-1]} km")


def _cell(lat: float, lon: float, class_index: int) -> tuple[int, int]:
    height, width = CELL_SIZES[class_index]
    return math.floor((lat + 90.0) / height), math.floor((lon + 180.0) / width)


def _posting_key(key_id: int, class_index: int, cy: int = 0, cx: int = 0) -> int:
    return ((key_id * (_N_CLASSES + 1) + class_index) << 32) | (cy << 16) | cx


class ProfileMatchIndex:
    def __init__(self, answer_capacity: int = 4096) -> None:
        self._slot_of: dict[str, int] = {}
        self._columns = GrowableColumns(PROFILE_COLUMNS)
        self._records = GrowableColumns({"record": reverse_pass.SLOT_RECORD})
        self._client_ids: list[str] = []  # by slot: the answers' ids, picked when read
        self._wide_languages: dict[int, int] = {}  # slot -> full mask, where it has bits beyond _LANGUAGE_BITS
        self._skill_pool = GrowableColumns({"skill": "i4"})
        self._key_pool = GrowableColumns({"key": "i4"})  # key ids, for `scan`
        self._key_ids: dict[tuple[str, str, int], int] = {}  # (kind, code, closeness) -> id
        self._key_closeness: list[OccupationMatch] = []
        # A vacancy's (kind, code) -> the key ids it selects as key id << 2 | the closeness of a
        # profile posted under it (`_WANTED_CLOSENESS`; as `reverse_pass` reads them).
        self._query_key_ids: dict[tuple[str, str], list[int]] = {}
        self._skill_ids: dict[str, int] = {}
        self._language_bits: dict[str, int] = {}
        self._masks: dict[int, int] = {}
        self._postings = PostingLists(self._posting_payload)
        # The pass's scratch, all zero between queries: one query at a time (the store holds its lock).
        self._seen = _seen_table(answer_capacity)
        self._skill_group = np.zeros(1024, dtype=np.int8)  # per query: 1 required, 2 optional; zero between
        self._out = _buffers(answer_capacity)  # doubled when a vacancy matches more
        self._retired = 0
        self._pass_arguments: ArrayTable | None = None  # `_index_side`, None after a write
        # The pass's form of the merged and the recent level, with the levels they were made of.
        self._pass_levels: list[tuple[Level, tuple[np.ndarray, ...]] | None] = [None, None]

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, client_id: str) -> bool:
        return client_id in self._slot_of

    @property
    def retired_slots(self) -> int:
        return self._retired

    def _language_mask(self, languages: Iterable[str]) -> int:
        mask = 0
        for code in languages:
            bit = self._language_bits.setdefault(code, len(self._language_bits))
            mask |= 1 << bit
        return self._masks.setdefault(mask, mask)

    def _key_id(self, kind: str, code: str, closeness: OccupationMatch) -> int:
        value = int(closeness)
        key_id = self._key_ids.setdefault((kind, code, value), len(self._key_ids))
        if key_id == len(self._key_closeness):
            self._key_closeness.append(closeness)
            if value in _WANTED_CLOSENESS.get(kind, _MINOR_CLOSENESS):  # a vacancy's key looks it up
                self._query_key_ids.setdefault((kind, code), []).append(key_id << 2 | value)
        return key_id

    def upsert(self, profile: ProfileCriteria) -> None:
        """Add or replace a profile; a profile that is not active is only removed."""
        self.remove(profile.client_id)
        self._pass_arguments = None  # appends may move the columns
        if not profile.active:
            return
        slot = len(self._columns)
        self._slot_of[profile.client_id] = slot
        self._client_ids.append(profile.client_id)
        languages = self._language_mask(profile.languages)
        if languages >= 2**_LANGUAGE_BITS:
            self._wide_languages[slot] = languages
        flags = (
            _ACTIVE
            | (_LICENCE if profile.has_driving_licence else 0)
            | (_REMOTE if profile.remote_acceptable else 0)
            | (_HIGH_SALARY if profile.min_salary >= reverse_pass.SALARY_CAP else 0)
        )
        skill_start = len(self._skill_pool)
        self._skill_pool.extend(
            "skill", [self._skill_ids.setdefault(skill, len(self._skill_ids)) for skill in profile.skills]
        )
        key_start = len(self._key_pool)
        key_ids = []
        class_index = radius_class(profile.max_km)
        cy, cx = _cell(profile.latitude, profile.longitude, class_index)
        for (kind, code), closeness in profile.keys.items():
            key_id = self._key_id(kind, code, closeness)
            key_ids.append(key_id)
            self._postings.add(_posting_key(key_id, class_index, cy, cx), slot)
            if flags & _REMOTE:
                self._postings.add(_posting_key(key_id, REMOTE_CLASS), slot)
        self._key_pool.extend("key", key_ids)
        word = reverse_pass.posting_word(
            profile.hours_min,
            profile.hours_max,
            sum(1 << c for c in profile.contract_types),
            profile.education_level,
            profile.has_driving_licence,
            languages,
            profile.min_salary,
        )
        self._columns.append(word, key_start, len(profile.keys))
        head = profile.client_id.encode()[:_NAME_HEAD].ljust(_NAME_HEAD, b"\0")
        record = (
            int.from_bytes(head[:8], "big"),
            int.from_bytes(head[8:], "big"),
            profile.latitude,
            profile.longitude,
            math.cos(math.radians(profile.latitude)),  # what the haversine computes: once per profile
            skill_start,
            profile.min_salary,
            languages & (2**_LANGUAGE_BITS - 1),
            len(profile.skills),
            profile.max_km,
            flags,
            profile.hours_min,
            profile.hours_max,
        )
        self._records.append(record)

    def remove(self, client_id: str) -> None:
        slot = self._slot_of.pop(client_id, None)
        if slot is not None:
            self._wide_languages.pop(slot, None)
            self._records["record"]["flags"][slot] = 0
            self._retired += 1

    def _posting_payload(self, slots: np.ndarray) -> tuple[np.ndarray]:
        """What the filter reads, stored along the postings (fixed for a slot's lifetime)."""
        return (self._columns["word"][slots],)

    def freeze(self) -> None:
        """Merge recent postings into the sorted level (and drop retired slots' postings)."""
        self._postings.merge(self._records["record"]["flags"] != 0)
        self._pass_arguments = None
        # A merge frees the old level and its temporaries, tens of MiB that glibc's malloc keeps
        # in the heap (its mmap threshold rises after large frees); hand the pages back, or a
        # million-profile index carries ~160 B per profile of freed memory (bench index-memory).
        _release_freed_memory()

    def _query_keys(self, vac: VacancyCriteria) -> list[int]:
        """Key ids to look up, each as key id << 2 | the closeness a profile posted under it has."""
        keys: list[int] = []
        get = self._query_key_ids.get
        for key in vac.keys:
            found = get(key)
            if found is not None:
                keys += found
        return keys

    def find_matching(self, vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """Every active profile the vacancy matches, best first (see `ranking.sort_profile_matches`)."""
        return self.matches(vac, today).to_list()

    def matches(self, vac: VacancyCriteria, today: date) -> ProfileMatches:
        """`find_matching` as columns: `ProfileMatch` objects only for what the caller reads."""
        if self._postings.recent_size > MERGE_THRESHOLD:
            self.freeze()
        return self._answer(self._query_keys(vac), vac, today)

    def scan(self, vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """The same answer by checking every slot's keys (no postings): the in-index brute force."""
        wanted = {key >> 2: key & 3 for key in self._query_keys(vac)}
        pool = self._key_pool["key"].tolist()
        starts, counts = self._columns["key_start"].tolist(), self._columns["key_count"].tolist()
        slots, best_of = [], []
        for slot in range(len(self._columns)):
            best = None
            start = starts[slot]
            for key_id in pool[start : start + counts[slot]]:
                closeness = wanted.get(key_id)
                if closeness is not None and (best is None or closeness < best):
                    best = closeness
            if best is not None:
                slots.append(slot)
                best_of.append(int(best))
        # One level keyed by closeness, looked up under each closeness.
        level = level_of(np.array(best_of, dtype=np.int64), np.array(slots, dtype=np.int32), self._posting_payload)
        empty = level_of(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32), self._posting_payload)
        return self._answer([1 << 2 | 1, 2 << 2 | 2, 3 << 2 | 3], vac, today, scan_levels=(level, empty)).to_list()

    def _answer(
        self,
        keys: list[int],
        vac: VacancyCriteria,
        today: date,
        scan_levels: tuple[Level, Level] | None = None,
    ) -> ProfileMatches:
        """The pass over the index's posting levels, or over `scan_levels` (keyed by closeness,
        not by place: `scan`)."""
        v = vac.vacancy
        language_mask = self._language_mask_or_none(vac.languages) if vac.languages else 0
        if language_mask is None or not keys:
            return _NO_MATCHES
        if len(self._skill_group) <= len(self._skill_ids):
            self._skill_group = np.zeros(2 * len(self._skill_ids) + 1, dtype=np.int8)
            self._pass_arguments = None
        skill_id = self._skill_ids.get
        skills = [i << 2 | 1 for s in vac.required_skills if (i := skill_id(s)) is not None] + [
            i << 2 | 2 for s in vac.optional_skills if (i := skill_id(s)) is not None
        ]
        latitude = v.latitude or 0.0
        qf = np.array(
            [
                vac.hours_low,
                vac.hours_high,
                latitude,
                v.longitude or 0.0,
                recency_part(v.date_posted, today),
                cos_lat_lower_bound(latitude),
                math.cos(math.radians(latitude)),
            ]
        )
        hours = vac.hours_high > 0  # whole hours: a profile's window [min, max] must reach into the vacancy's
        qi = np.array(
            [
                int(v.contract_type),
                int(v.education_level),
                v.driving_licence_required,
                v.remote,
                v.has_coordinates,
                max(v.salary_max, v.salary_min),
                len(vac.required_skills),
                len(vac.optional_skills),
                scan_levels is None,
                math.ceil(vac.hours_low) if hours else 0,
                math.floor(vac.hours_high) if hours else 1 << 16,
                language_mask & (2**_LANGUAGE_BITS - 1),
                len(keys),
                len(skills),
                *keys,
                *skills,
            ],
            dtype=np.int64,
        )
        while True:
            index_side = self._pass_arguments if scan_levels is None else None
            if index_side is None:
                index_side = self._index_side(scan_levels)
            out = index_side.arrays[-3:]  # the output buffers the table points at
            n, near_halves, ties = _REVERSE_MATCH_AT(index_side.table, qf, qi)
            if n >= 0:
                break
            self._out = _buffers(2 * len(out[0]))
            self._seen = _seen_table(2 * len(out[0]))
            self._pass_arguments = None
        # Copies: the buffers serve the next query.
        slots, closeness, floats = out[0][:n].copy(), out[1][:n].copy(), out[2][:, :n]
        scores, distances = floats[SCORE].copy(), floats[DISTANCE].copy()
        totals, near_half = floats[TOTAL], floats[NEAR_HALF]
        if language_mask >= 2**_LANGUAGE_BITS:  # the pass checked the first 32 languages only
            keep = np.array([not language_mask & ~self._wide_languages.get(s, 0) for s in slots.tolist()], dtype=bool)
            slots, scores, closeness, distances, totals, near_half = (
                a[keep] for a in (slots, scores, closeness, distances, totals, near_half)
            )
        # The ids are picked from the list by slot when a caller reads them (ProfileMatches).
        ids = (self._client_ids, slots)
        result = ProfileMatches(None, scores, closeness, distances if v.has_coordinates else None, ids)
        if near_halves:  # within rounding error of a half: Python's round decides
            for i in np.flatnonzero(near_half).tolist():
                exact = round(float(totals[i]), SCORE_DECIMALS)
                ties |= exact != result.scores[i]
                result.scores[i] = exact
        if ties:  # equal scores and id prefixes, or a score Python rounded otherwise: order in Python
            names = result.client_ids
            score_list = result.scores.tolist()
            order = sorted(range(len(names)), key=lambda i: (-score_list[i], names[i]))
            result = ProfileMatches(
                pick(names, order),
                result.scores[order],
                result.occupation_codes[order],
                None if result.distances is None else result.distances[order],
            )
        return result

    def _index_side(self, scan_levels: tuple[Level, Level] | None) -> ArrayTable:
        """The arrays the pass reads that come from the index, not the vacancy, in their table
        (`reverse_query.TABLE_LAYOUT`; kept until the next write for the index's own levels:
        a write may move them, and the table must never outlive what it points at)."""
        if scan_levels is None:
            # The merged level gets a table of its groups (built once per merge); the level of
            # recent postings changes with every write, and is small enough to search.
            levels = self._postings.levels()
            pass_levels = (self._pass_level(0, levels[0], _N_CLASSES + 1), self._pass_level(1, levels[1], 0))
        else:  # one-off levels: converted, not kept
            merged, recent = (pass_level(*level[:3], level[3][0]) for level in scan_levels)
            pass_levels = (merged, recent)
        # What the pass reads by slot (views: kept until the next write moves the columns).
        slot_columns = (self._records["record"], self._skill_pool["skill"])
        arrays = (*pass_levels[0], *pass_levels[1], *slot_columns, self._seen, self._skill_group, *self._out)
        index_side = ArrayTable(arrays, reverse_query.TABLE_LAYOUT)
        if scan_levels is None:
            self._pass_arguments = index_side
        return index_side

    def _pass_level(self, position: int, level: Level, group_size: int) -> tuple[np.ndarray, ...]:
        """`reverse_ranges.pass_level` of the level at `position` (0 merged, 1 recent), kept
        while that level is current."""
        known = self._pass_levels[position]
        if known is not None and known[0] is level:
            return known[1]
        keys, bounds, slots, (words,) = level
        converted = pass_level(keys, bounds, slots, words, group_size)
        self._pass_levels[position] = (level, converted)
        return converted

    def _language_mask_or_none(self, languages: frozenset[str]) -> int | None:
        """Mask of the vacancy's languages; None when one of them no profile speaks."""
        mask = 0
        for code in languages:
            bit = self._language_bits.get(code)
            if bit is None:
                return None
            mask |= 1 << bit
        return mask
