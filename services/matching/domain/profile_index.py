"""In-memory reverse-matching index: which active profiles does one vacancy match?

Built for a million profiles: profile fields live in flat `array`s indexed by a slot number
(no object per profile), and candidates come from posting lists, so a query never scans all
profiles:
- every occupation key a profile accepts (`rules.wish_keys`, with its closeness) gets an id;
- a profile is posted under (key id, radius class, grid cell of its home) where the radius
  class is the smallest of RADIUS_CLASSES_KM >= its max travel distance and the grid cell is
  at least that class's radius wide and high; so every profile within reach of a vacancy sits
  in the 3x3 cells around the vacancy in its class;
- profiles that accept remote work are also posted under their key id alone, for remote vacancies.
Candidates are then checked exactly (distance, hours, contract, ...) with the same numbers the
rules use; `tests/unit/matching/test_index_equivalence.py` proves the answers equal
`ranking.brute_force_matches`.

Updating a profile retires its slot (skipped by queries) and appends a new one; `compact()`
rebuilds when retired slots pile up.
"""

from __future__ import annotations

import math
from array import array
from itertools import repeat
from collections.abc import Iterable
from datetime import date

from services.matching.domain.model import OccupationMatch
from services.matching.domain.ranking import ProfileMatch, sort_profile_matches
from services.matching.domain.rules import KM_PER_DEGREE_LAT_LOWER_BOUND, ProfileCriteria, VacancyCriteria, distance_km
from services.matching.domain.scoring import OCCUPATION_CLOSENESS, combine, distance_part, hours_part, recency_part, skills_part

RADIUS_CLASSES_KM = (5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300)
# Cells are at least R km high (1 degree latitude is 111.2 km) and at least R km wide up to
# 60 degrees north (1 degree longitude is 55.6 km there); homes are Dutch places (< 54 N).
KM_PER_DEGREE_LON_LOWER_BOUND = 55.0
_CELL_SIZES = tuple((r / KM_PER_DEGREE_LAT_LOWER_BOUND, r / KM_PER_DEGREE_LON_LOWER_BOUND) for r in RADIUS_CLASSES_KM)
_N_CLASSES = len(RADIUS_CLASSES_KM)

_ACTIVE, _LICENCE, _REMOTE = 1, 2, 4
_EXACT, _UNIT, _MINOR = OccupationMatch.EXACT, OccupationMatch.UNIT_GROUP, OccupationMatch.MINOR_GROUP


def radius_class(max_km: int) -> int:
    for i, radius in enumerate(RADIUS_CLASSES_KM):
        if max_km <= radius:
            return i
    raise ValueError(f"max travel distance {max_km} km is above {RADIUS_CLASSES_KM[-1]} km")


def _cell(lat: float, lon: float, class_index: int) -> tuple[int, int]:
    height, width = _CELL_SIZES[class_index]
    return math.floor((lat + 90.0) / height), math.floor((lon + 180.0) / width)


def _geo_key(key_id: int, class_index: int, cy: int, cx: int) -> int:
    return ((key_id * _N_CLASSES + class_index) << 32) | (cy << 16) | cx


class ProfileMatchIndex:
    def __init__(self) -> None:
        self._client_ids: list[str | None] = []
        self._slot_of: dict[str, int] = {}
        self._lat = array("d")
        self._lon = array("d")
        self._max_km = array("H")
        self._hours_min = array("B")
        self._hours_max = array("B")
        self._contracts = array("H")  # bit per contract type; 0 = any
        self._education = array("B")
        self._languages: list[int] = []  # bit per interned language; ints interned so equal masks share
        self._flags = array("B")
        self._min_salary = array("I")
        self._skill_start = array("I")
        self._skill_count = array("H")
        self._skill_pool = array("I")
        self._key_start = array("I")
        self._key_count = array("B")
        self._key_pool = array("I")  # key id * 4 + closeness
        self._key_ids: dict[tuple[str, str, int], int] = {}  # (kind, code, closeness) -> id
        self._skill_ids: dict[str, int] = {}
        self._language_bits: dict[str, int] = {}
        self._masks: dict[int, int] = {}
        self._geo: dict[int, array] = {}
        self._remote: dict[int, array] = {}
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

    def upsert(self, profile: ProfileCriteria) -> None:
        """Add or replace a profile; a profile that is not active is only removed."""
        self.remove(profile.client_id)
        if not profile.active:
            return
        slot = len(self._client_ids)
        self._client_ids.append(profile.client_id)
        self._slot_of[profile.client_id] = slot
        self._lat.append(profile.latitude)
        self._lon.append(profile.longitude)
        self._max_km.append(profile.max_km)
        self._hours_min.append(profile.hours_min)
        self._hours_max.append(profile.hours_max)
        self._contracts.append(sum(1 << c for c in profile.contract_types))
        self._education.append(profile.education_level)
        self._languages.append(self._language_mask(profile.languages))
        flags = _ACTIVE | (_LICENCE if profile.has_driving_licence else 0) | (_REMOTE if profile.remote_acceptable else 0)
        self._flags.append(flags)
        self._min_salary.append(profile.min_salary)
        self._skill_start.append(len(self._skill_pool))
        self._skill_count.append(len(profile.skills))
        for skill in profile.skills:
            self._skill_pool.append(self._skill_ids.setdefault(skill, len(self._skill_ids)))
        self._key_start.append(len(self._key_pool))
        self._key_count.append(len(profile.keys))
        class_index = radius_class(profile.max_km)
        cy, cx = _cell(profile.latitude, profile.longitude, class_index)
        for key, closeness in profile.keys.items():
            key_id = self._key_ids.setdefault((key[0], key[1], int(closeness)), len(self._key_ids))
            self._key_pool.append(key_id)
            self._geo.setdefault(_geo_key(key_id, class_index, cy, cx), array("I")).append(slot)
            if flags & _REMOTE:
                self._remote.setdefault(key_id, array("I")).append(slot)

    def remove(self, client_id: str) -> None:
        slot = self._slot_of.pop(client_id, None)
        if slot is not None:
            self._client_ids[slot] = None
            self._flags[slot] = 0
            self._retired += 1

    def _query_keys(self, vac: VacancyCriteria) -> list[tuple[int, OccupationMatch]]:
        """Key ids to look up, closest first, so the first hit of a profile is its best."""
        wanted: list[tuple[str, str, OccupationMatch]] = []
        for kind, code in vac.keys:
            if kind == "u":
                wanted.append((kind, code, _EXACT))
            elif kind == "g4":
                wanted += [(kind, code, _EXACT), (kind, code, _UNIT)]
            else:
                wanted.append((kind, code, _MINOR))
        wanted.sort(key=lambda item: item[2])
        found = []
        for kind, code, closeness in wanted:
            key_id = self._key_ids.get((kind, code, int(closeness)))
            if key_id is not None:
                found.append((key_id, closeness))
        return found

    def candidates(self, vac: VacancyCriteria) -> dict[int, OccupationMatch]:
        """Slots that may match, with their occupation closeness (not yet checked exactly).

        Keys are visited from the loosest closeness to the closest, and a later update
        overwrites, so each slot ends with its closest match (dict.update runs in C).
        """
        v = vac.vacancy
        seen: dict[int, OccupationMatch] = {}
        geo, remote = self._geo, self._remote
        cells = []  # (class part shift, cell part) for the 3x3 cells of every radius class
        if v.has_coordinates:
            for class_index in range(_N_CLASSES):
                cy, cx = _cell(v.latitude, v.longitude, class_index)
                cells.append((class_index, [((cy + dy) << 16) | (cx + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]))
        for key_id, closeness in reversed(self._query_keys(vac)):
            for class_index, cell_parts in cells:
                base = (key_id * _N_CLASSES + class_index) << 32
                for cell_part in cell_parts:
                    posting = geo.get(base | cell_part)
                    if posting:
                        seen.update(zip(posting, repeat(closeness)))
            if v.remote:
                posting = remote.get(key_id)
                if posting:
                    seen.update(zip(posting, repeat(closeness)))
        return seen

    def find_matching(self, vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """Every active profile the vacancy matches, best first (see `ranking.sort_profile_matches`)."""
        return self._check(self.candidates(vac).items(), vac, today)

    def scan(self, vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        """The same answer by checking every slot (no postings): the in-index brute force."""
        wanted = {key_id: closeness for key_id, closeness in reversed(self._query_keys(vac))}
        pairs = []
        pool, starts, counts = self._key_pool, self._key_start, self._key_count
        for slot in range(len(self._client_ids)):
            best = None
            start = starts[slot]
            for key_id in pool[start:start + counts[slot]]:
                closeness = wanted.get(key_id)
                if closeness is not None and (best is None or closeness < best):
                    best = closeness
            if best is not None:
                pairs.append((slot, best))
        return self._check(pairs, vac, today)

    def _check(self, pairs: Iterable[tuple[int, OccupationMatch]], vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
        v = vac.vacancy
        lat, lon, has_coordinates, remote = v.latitude, v.longitude, v.has_coordinates, v.remote
        hours_low, hours_high = vac.hours_low, vac.hours_high
        contract_bit = 1 << int(v.contract_type) if v.contract_type else 0
        education = int(v.education_level)
        language_mask = self._language_mask_or_none(vac.languages)
        salary = max(v.salary_max, v.salary_min)
        # Skills no profile has cannot be in common; counts still use the vacancy's full lists.
        required = [i for s in vac.required_skills if (i := self._skill_ids.get(s)) is not None]
        optional = [i for s in vac.optional_skills if (i := self._skill_ids.get(s)) is not None]
        n_required, n_optional = len(vac.required_skills), len(vac.optional_skills)
        known_skills = bool(required or optional)
        recency = recency_part(v.date_posted, today)
        closeness_value = OCCUPATION_CLOSENESS
        flags_of, max_km_of = self._flags, self._max_km
        found = []
        lat_of, lon_of = self._lat, self._lon
        hours_min_of, hours_max_of = self._hours_min, self._hours_max
        contracts_of, education_of, languages_of, min_salary_of = self._contracts, self._education, self._languages, self._min_salary
        needs_languages, needs_licence = bool(vac.languages), v.driving_licence_required
        found = []
        # Cheap array checks first; the trigonometry only for profiles that pass them.
        for slot, closeness in pairs:
            flags = flags_of[slot]
            if not flags:
                continue
            if hours_high > 0 and (hours_low > hours_max_of[slot] or hours_high < hours_min_of[slot]):
                continue
            if contract_bit:
                contracts = contracts_of[slot]
                if contracts and not contracts & contract_bit:
                    continue
            if education:
                level = education_of[slot]
                if level and education > level:
                    continue
            if needs_languages and (language_mask is None or language_mask & ~languages_of[slot]):
                continue
            if needs_licence and not flags & _LICENCE:
                continue
            if salary:
                minimum = min_salary_of[slot]
                if minimum and salary < minimum:
                    continue
            via_remote = remote and bool(flags & _REMOTE)
            if has_coordinates:
                home_lat = lat_of[slot]
                if not via_remote and abs(home_lat - lat) * KM_PER_DEGREE_LAT_LOWER_BOUND > max_km_of[slot]:
                    continue  # farther north/south alone than the limit: no need for the exact distance
                distance: float | None = distance_km(home_lat, lon_of[slot], lat, lon)
            else:
                distance = None
            if not via_remote and (distance is None or distance > max_km_of[slot]):
                continue
            if known_skills:
                start = self._skill_start[slot]
                skills = set(self._skill_pool[start:start + self._skill_count[slot]])
                common_required = sum(1 for s in required if s in skills)
                common_optional = sum(1 for s in optional if s in skills)
            else:
                common_required = common_optional = 0
            score = combine(
                closeness_value[closeness],
                skills_part(common_required, n_required, common_optional, n_optional),
                distance_part(distance, via_remote),
                hours_part(hours_low, hours_high, self._hours_min[slot], self._hours_max[slot]),
                recency,
            )
            client_id = self._client_ids[slot]
            assert client_id is not None
            found.append(ProfileMatch(client_id, score, closeness, distance))
        return sort_profile_matches(found)

    def _language_mask_or_none(self, languages: frozenset[str]) -> int | None:
        """Mask of the vacancy's languages; None when one of them no profile speaks."""
        mask = 0
        for code in languages:
            bit = self._language_bits.get(code)
            if bit is None:
                return None
            mask |= 1 << bit
        return mask
