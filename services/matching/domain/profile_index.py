"""In-memory reverse-matching index: which active profiles does one vacancy match?

Built for a million profiles: each profile is one record (a "slot") in a numpy structured
array, and candidates come from posting lists, so a query never scans all profiles:
- every occupation key a profile accepts (`rules.wish_keys`, with its closeness) gets an id;
- a profile is posted under (key id, radius class, grid cell of its home) where the radius
  class is the smallest of RADIUS_CLASSES_KM >= its max travel distance and the grid cell is
  at least that class's radius wide and high; so every profile within reach of a vacancy sits
  in the 3x3 cells around the vacancy in its class;
- profiles that accept remote work are also posted under (key id, REMOTE_CLASS).
A query looks up all those keys at once (`columns.PostingLists`), then checks every hard
criterion on the candidates' records vectorised and scores the matches vectorised, giving
exactly the numbers of `rules.evaluate` and `scoring` (see `vectorised` for how);
`tests/unit/matching/test_matching_index_equivalence.py` proves the answers equal
`ranking.brute_force_matches`.

Updating a profile retires its slot (skipped by queries) and appends a new one; postings of
retired slots are dropped when the posting lists are merged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from operator import itemgetter

import numpy as np

from services.matching.domain.columns import (
    MERGE_THRESHOLD,
    GrowableColumns,
    PostingLists,
)
from services.matching.domain.model import OccupationMatch
from services.matching.domain.ranking import ProfileMatch, profile_matches
from services.matching.domain.rules import (
    KM_PER_DEGREE_LAT_LOWER_BOUND,
    ProfileCriteria,
    VacancyCriteria,
)
from services.matching.domain.scoring import (
    OCCUPATION_CLOSENESS,
    WEIGHT_DISTANCE,
    WEIGHT_HOURS,
    WEIGHT_OCCUPATION,
    WEIGHT_RECENCY,
    WEIGHT_SKILLS,
    hours_part,
    recency_part,
    skills_part,
)
from services.matching.domain.vectorised import (
    DISTANCE_MARGIN_KM,
    SCORE_DECIMALS,
    best_per_slot,
    exact_distance_km,
    exact_distance_parts,
    haversine_km,
    order_by,
    per_unique,
    round_like_python,
    segment_counts_by_group,
)

RADIUS_CLASSES_KM = (5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300)
# Cells are at least R km high (1 degree latitude is 111.2 km) and at least R km wide up to
# 60 degrees north (1 degree longitude is 55.6 km there); homes are Dutch places (< 54 N).
KM_PER_DEGREE_LON_LOWER_BOUND = 55.0
_CELL_SIZES = tuple((r / KM_PER_DEGREE_LAT_LOWER_BOUND, r / KM_PER_DEGREE_LON_LOWER_BOUND) for r in RADIUS_CLASSES_KM)
_CELL_HEIGHTS = np.array([h for h, _ in _CELL_SIZES])
_CELL_WIDTHS = np.array([w for _, w in _CELL_SIZES])
_N_CLASSES = len(RADIUS_CLASSES_KM)
REMOTE_CLASS = _N_CLASSES  # the posting "class" of profiles that accept remote work
_NEIGHBOURS = np.array([(dy << 16) + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1)], dtype=np.int64)

_ACTIVE, _LICENCE, _REMOTE = 1, 2, 4
_EXACT, _UNIT, _MINOR = OccupationMatch.EXACT, OccupationMatch.UNIT_GROUP, OccupationMatch.MINOR_GROUP
_CLOSENESS_VALUE = np.array([0.0] + [OCCUPATION_CLOSENESS[OccupationMatch(i)] for i in (1, 2, 3)])
_LANGUAGE_BITS = 64  # languages beyond the 64th interned one are checked in Python (never in practice)

# attrs packs what the first filters read: flags (bits 0-7), hours_min (8-15), hours_max
# (16-23), contract type bits (24-31), education level (32-39), max_km (40-55).
PROFILE_COLUMNS = {
    "attrs": "u8", "lat": "f8", "lon": "f8", "languages": "u8", "home": "i4", "min_salary": "u4",
    "skill_start": "u4", "key_start": "u4", "max_km": "u2", "skill_count": "u2",
    "hours_min": "u1", "hours_max": "u1", "flags": "u1", "key_count": "u1",
}


_OCCUPATION_MATCHES = [OccupationMatch(i) for i in range(4)]


def _pick(items: list, positions: list[int]) -> list:
    """[items[p] for p in positions], in C."""
    if not positions:
        return []
    picked = itemgetter(*positions)(items)
    return list(picked) if len(positions) > 1 else [picked]


def radius_class(max_km: int) -> int:
    for i, radius in enumerate(RADIUS_CLASSES_KM):
        if max_km <= radius:
            return i
    raise ValueError(f"max travel distance {max_km} km is above {RADIUS_CLASSES_KM[-1]} km")


def _cell(lat: float, lon: float, class_index: int) -> tuple[int, int]:
    height, width = _CELL_SIZES[class_index]
    return math.floor((lat + 90.0) / height), math.floor((lon + 180.0) / width)


def _posting_key(key_id: int, class_index: int, cy: int = 0, cx: int = 0) -> int:
    return ((key_id * (_N_CLASSES + 1) + class_index) << 32) | (cy << 16) | cx


class ProfileMatchIndex:
    def __init__(self) -> None:
        self._client_ids: list[str | None] = []
        self._slot_of: dict[str, int] = {}
        self._columns = GrowableColumns(PROFILE_COLUMNS)
        self._languages: list[int] = []  # full masks (bit per interned language), ints shared
        self._skill_pool = GrowableColumns({"skill": "i4"})
        self._key_pool = GrowableColumns({"key": "i4"})  # key ids, for `scan`
        self._key_ids: dict[tuple[str, str, int], int] = {}  # (kind, code, closeness) -> id
        self._key_closeness: list[OccupationMatch] = []
        self._skill_ids: dict[str, int] = {}
        self._language_bits: dict[str, int] = {}
        self._masks: dict[int, int] = {}
        self._homes: dict[tuple[float, float], int] = {}  # distinct home coordinates -> id
        self._home_columns = GrowableColumns({"lat": "f8", "lon": "f8"})
        self._postings = PostingLists(self._posting_payload)
        self._retired = 0

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
        key_id = self._key_ids.setdefault((kind, code, int(closeness)), len(self._key_ids))
        if key_id == len(self._key_closeness):
            self._key_closeness.append(closeness)
        return key_id

    def upsert(self, profile: ProfileCriteria) -> None:
        """Add or replace a profile; a profile that is not active is only removed."""
        self.remove(profile.client_id)
        if not profile.active:
            return
        slot = len(self._client_ids)
        self._client_ids.append(profile.client_id)
        self._slot_of[profile.client_id] = slot
        languages = self._language_mask(profile.languages)
        self._languages.append(languages)
        flags = _ACTIVE | (_LICENCE if profile.has_driving_licence else 0) | (_REMOTE if profile.remote_acceptable else 0)
        home = self._homes.setdefault((profile.latitude, profile.longitude), len(self._homes))
        if home == len(self._home_columns):
            self._home_columns.append(profile.latitude, profile.longitude)
        skill_start = len(self._skill_pool)
        self._skill_pool.extend("skill", [self._skill_ids.setdefault(skill, len(self._skill_ids)) for skill in profile.skills])
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
        contracts = sum(1 << c for c in profile.contract_types)
        attrs = (flags | profile.hours_min << 8 | profile.hours_max << 16 | contracts << 24
                 | profile.education_level << 32 | profile.max_km << 40)
        self._columns.append(
            attrs, profile.latitude, profile.longitude, languages & (2**_LANGUAGE_BITS - 1), home, profile.min_salary,
            skill_start, key_start, profile.max_km, len(profile.skills),
            profile.hours_min, profile.hours_max, flags, len(profile.keys),
        )

    def remove(self, client_id: str) -> None:
        slot = self._slot_of.pop(client_id, None)
        if slot is not None:
            self._client_ids[slot] = None
            self._columns["flags"][slot] = 0
            self._retired += 1

    def _posting_payload(self, slots: np.ndarray) -> tuple[np.ndarray, ...]:
        """What the first filters read, stored along the postings (fixed for a slot's lifetime)."""
        return self._columns["attrs"][slots], self._columns["lat"][slots], self._columns["lon"][slots]

    def freeze(self) -> None:
        """Merge recent postings into the sorted level (and drop retired slots' postings)."""
        self._postings.merge(self._columns["flags"] != 0)

    def _query_keys(self, vac: VacancyCriteria) -> list[tuple[int, OccupationMatch]]:
        """Key ids to look up, with the closeness a profile posted under them has."""
        found = []
        for kind, code in vac.keys:
            wanted = (_EXACT,) if kind == "u" else (_EXACT, _UNIT) if kind == "g4" else (_MINOR,)
            for closeness in wanted:
                key_id = self._key_ids.get((kind, code, int(closeness)))
                if key_id is not None:
                    found.append((key_id, closeness))
        return found

    def candidates(self, vac: VacancyCriteria) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        """Slots that may match with the closeness they were found under (a slot may repeat),
        and their (attrs, lat, lon) as stored along the postings."""
        if self._postings.recent_size > MERGE_THRESHOLD:
            self.freeze()
        v = vac.vacancy
        query_keys = self._query_keys(vac)
        if not query_keys:
            return self._no_candidates()
        key_ids = np.array([key_id for key_id, _ in query_keys], dtype=np.int64)
        closeness = np.array([int(c) for _, c in query_keys], dtype=np.int8)
        parts = []
        if v.has_coordinates:
            # The same float operations as `_cell`, for every class at once.
            cy = np.floor((v.latitude + 90.0) / _CELL_HEIGHTS).astype(np.int64)
            cx = np.floor((v.longitude + 180.0) / _CELL_WIDTHS).astype(np.int64)
            cells = ((cy << 16) | cx)[:, None] + _NEIGHBOURS[None, :]  # (class, 9)
            classes = np.arange(_N_CLASSES, dtype=np.int64)[:, None]
            per_key = (((key_ids[:, None, None] * (_N_CLASSES + 1) + classes[None]) << 32) | cells[None]).reshape(len(key_ids), -1)
            parts.append(per_key)
        if v.remote:
            parts.append(((key_ids * (_N_CLASSES + 1) + REMOTE_CLASS) << 32)[:, None])
        if not parts:
            return self._no_candidates()
        lookup = np.concatenate(parts, axis=1)
        slots, which, payload = self._postings.lookup(lookup.ravel())
        return slots, closeness[which // lookup.shape[1]], payload

    def _no_candidates(self) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
        slots = np.empty(0, dtype=np.int32)
        return slots, np.empty(0, dtype=np.int8), self._posting_payload(slots)

    def find_matching(self, vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """Every active profile the vacancy matches, best first (see `ranking.sort_profile_matches`)."""
        return self._check(*self.candidates(vac), vac, today)

    def scan(self, vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """The same answer by checking every slot (no postings): the in-index brute force."""
        wanted = {key_id: closeness for key_id, closeness in self._query_keys(vac)}
        pool = self._key_pool["key"].tolist()
        starts, counts = self._columns["key_start"].tolist(), self._columns["key_count"].tolist()
        slots, best_of = [], []
        for slot in range(len(self._columns)):
            best = None
            start = starts[slot]
            for key_id in pool[start:start + counts[slot]]:
                closeness = wanted.get(key_id)
                if closeness is not None and (best is None or closeness < best):
                    best = closeness
            if best is not None:
                slots.append(slot)
                best_of.append(int(best))
        found = np.array(slots, dtype=np.int32)
        return self._check(found, np.array(best_of, dtype=np.int8), self._posting_payload(found), vac, today)

    def _check(self, slots: np.ndarray, closeness: np.ndarray, payload: tuple[np.ndarray, ...], vac: VacancyCriteria,
               today: date) -> list[ProfileMatch]:
        """The hard criteria of `rules.evaluate` on the candidates, then their scores.

        The packed attributes and coordinates stored along the postings first (contiguous
        reads), then the survivors' other columns.
        """
        v = vac.vacancy
        columns = self._columns
        attrs, lat, lon = payload
        keep = np.ones(len(slots), dtype=bool)
        hours_low, hours_high = vac.hours_low, vac.hours_high
        if hours_high > 0:
            keep &= (((attrs >> 16) & 0xFF) >= hours_low) & (((attrs >> 8) & 0xFF) <= hours_high)
        if v.contract_type:
            contracts = (attrs >> 24) & 0xFF
            keep &= (contracts == 0) | (((contracts >> int(v.contract_type)) & 1) == 1)
        if v.education_level:
            education = (attrs >> 32) & 0xFF
            keep &= (education == 0) | (education >= int(v.education_level))
        if v.driving_licence_required:
            keep &= (attrs & _LICENCE) != 0
        via_remote = ((attrs & _REMOTE) != 0) if v.remote else np.zeros(len(slots), dtype=bool)
        if v.has_coordinates:
            max_km = (attrs >> 40) & 0xFFFF
            # As evaluate: the north-south gap alone already too far, then the distance
            # (numpy's, with a margin; the exact distance decides below).
            maybe = keep & ~via_remote & (np.abs(lat - v.latitude) * KM_PER_DEGREE_LAT_LOWER_BOUND <= max_km)
            within = maybe.copy()
            within[maybe] = haversine_km(lat[maybe], lon[maybe], v.latitude, v.longitude) <= max_km[maybe] + DISTANCE_MARGIN_KM
            keep &= via_remote | within
        else:
            keep &= via_remote
        slots, closeness = slots[keep], closeness[keep]
        keep = columns["flags"][slots] != 0  # the payload's flags are from when the postings were sorted
        if vac.languages:
            language_mask = self._language_mask_or_none(vac.languages)
            if language_mask is None:
                return []
            if language_mask < 2**_LANGUAGE_BITS:
                keep &= columns["languages"][slots] & np.uint64(language_mask) == np.uint64(language_mask)
            else:
                keep &= np.array([not language_mask & ~self._languages[s] for s in slots.tolist()], dtype=bool)
        salary = max(v.salary_max, v.salary_min)
        if salary:
            minimum = columns["min_salary"][slots]
            keep &= (minimum == 0) | (minimum <= salary)
        slots, closeness = best_per_slot(slots[keep], closeness[keep])
        if len(slots) == 0:
            return []
        via_remote = (columns["flags"][slots] & _REMOTE != 0) if v.remote else np.zeros(len(slots), dtype=bool)
        distances = None
        if v.has_coordinates:
            # Exact distances (the rules' own numbers), computed once per distinct home.
            homes, inverse = np.unique(columns["home"][slots], return_inverse=True)
            distances = exact_distance_km(self._home_columns["lat"][homes], self._home_columns["lon"][homes], v.latitude, v.longitude)[inverse]
            exact = via_remote | (distances <= columns["max_km"][slots])
            if not exact.all():
                slots, closeness, via_remote, distances = slots[exact], closeness[exact], via_remote[exact], distances[exact]
        return self._scored(slots, closeness, via_remote, distances, vac, today)

    def _scored(self, slots: np.ndarray, closeness: np.ndarray, via_remote: np.ndarray, distances: np.ndarray | None,
                vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """ProfileMatch for every checked slot, with `scoring.combine`'s score, best first."""
        columns = self._columns
        n_required, n_optional = len(vac.required_skills), len(vac.optional_skills)
        required = np.array([i for s in vac.required_skills if (i := self._skill_ids.get(s)) is not None], dtype=np.int32)
        optional = np.array([i for s in vac.optional_skills if (i := self._skill_ids.get(s)) is not None], dtype=np.int32)
        if len(required) or len(optional):
            starts, counts, pool = columns["skill_start"][slots], columns["skill_count"][slots], self._skill_pool["skill"]
            stride = n_optional + 1
            common_required, common_optional = segment_counts_by_group(starts, counts, pool, (required, optional), len(self._skill_ids))
            common = common_required * stride + common_optional
            skills = per_unique(common, lambda code: skills_part(code // stride, n_required, code % stride, n_optional))
        else:
            skills = np.full(len(slots), skills_part(0, n_required, 0, n_optional))
        distance = np.ones(len(slots)) if distances is None else np.where(via_remote, 1.0, exact_distance_parts(distances))
        low, high = vac.hours_low, vac.hours_high
        hours = per_unique(columns["hours_min"][slots].astype(np.int64) * 256 + columns["hours_max"][slots],
                           lambda code: hours_part(low, high, code // 256, code % 256))
        recency = recency_part(vac.vacancy.date_posted, today)
        # scoring.combine's sum, term by term in its order (feedback 0.0 adds nothing).
        totals = (WEIGHT_OCCUPATION * _CLOSENESS_VALUE[closeness] + WEIGHT_SKILLS * skills + WEIGHT_DISTANCE * distance
                  + WEIGHT_HOURS * hours + WEIGHT_RECENCY * recency)
        scores = round_like_python(totals, lambda i: round(float(totals[i]), SCORE_DECIMALS))
        names = _pick(self._client_ids, slots.tolist())
        order = order_by((-scores,), names.__getitem__)  # ties: a C-level key, many runs at 2 000 matches
        distance_list = distances[order].tolist() if distances is not None else [None] * len(order)
        return profile_matches(_pick(names, order), scores[order].tolist(),
                               _pick(_OCCUPATION_MATCHES, closeness[order].tolist()), distance_list)

    def _language_mask_or_none(self, languages: frozenset[str]) -> int | None:
        """Mask of the vacancy's languages; None when one of them no profile speaks."""
        mask = 0
        for code in languages:
            bit = self._language_bits.get(code)
            if bit is None:
                return None
            mask |= 1 << bit
        return mask
