"""The second reverse-matching baseline: a full scan written in tuned numpy, no index.

What a competent engineer writes without posting lists by place: every profile's occupation
keys sit in one packed int array, sorted once, so the vacancy's keys are found by binary search
(`searchsorted`) instead of a comparison per key; the other rules run only on the profiles
those keys give (~13 000 at 1 M), on packed columns (flags, hours, contract and education in
one int64; home and reach in one float array, gathered once); a distance lower bound without
trigonometry goes before the exact haversine, which runs only on what is left; scores come
from the same exact helpers as the rules (`vectorised`). Answers are columns
(`ranking.ProfileMatches`), as the index answers. Same client ids, order and
scores as `ranking.brute_force_matches` (asserted in bench and in
tests/unit/matching/test_matching_index_equivalence.py).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from services.matching.domain.ranking import ProfileMatches
from services.matching.domain.rules import KM_PER_DEGREE_LAT_LOWER_BOUND, ProfileCriteria, VacancyCriteria
from services.matching.domain.scoring import (
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
    CLOSENESS_VALUE,
    LOWER_BOUND_MARGIN,
    SCORE_DECIMALS,
    cos_lat_lower_bound,
    distance_lower_bound_km,
    exact_distance_km,
    exact_distance_parts,
    order_by,
    per_unique,
    round_like_python,
    segment_counts_by_group,
)

_LICENCE, _REMOTE = 1, 2
_EMPTY = ProfileMatches([], np.empty(0), np.empty(0, dtype=np.int8), None)


class NumpyScan:
    """A snapshot of active profiles in packed numpy columns, answered by scans."""

    def __init__(self, profiles: list[ProfileCriteria]) -> None:
        profiles = [p for p in profiles if p.active]
        self._ids = [p.client_id for p in profiles]
        key_ids: dict[tuple[str, str], int] = {}
        skill_ids: dict[str, int] = {}
        language_bits: dict[str, int] = {}
        keys: list[int] = []
        closeness: list[int] = []
        owners: list[int] = []
        skills: list[int] = []
        skill_counts: list[int] = []
        languages: list[int] = []
        for i, p in enumerate(profiles):
            for key, match in p.keys.items():
                keys.append(key_ids.setdefault(key, len(key_ids)))
                closeness.append(int(match))
                owners.append(i)
            skills.extend(skill_ids.setdefault(s, len(skill_ids)) for s in p.skills)
            skill_counts.append(len(p.skills))
            languages.append(sum(1 << language_bits.setdefault(code, len(language_bits)) for code in p.languages))
        self._key_ids, self._skill_ids, self._language_bits = key_ids, skill_ids, language_bits
        by_key = np.argsort(np.array(keys, dtype=np.int32), kind="stable")
        self._keys = np.array(keys, dtype=np.int32)[by_key]
        self._closeness = np.array(closeness, dtype=np.int8)[by_key]
        self._owners = np.array(owners, dtype=np.int32)[by_key]
        self._skills, self._skill_counts = np.array(skills, dtype=np.int32), np.array(skill_counts, dtype=np.int64)
        self._skill_starts = np.cumsum(self._skill_counts) - self._skill_counts
        self._languages = np.array(languages, dtype=object if len(language_bits) > 63 else np.int64)
        # Packed: flags (bits 0-7), hours_min, hours_max, contract type bits, education level.
        self._attrs = np.array(
            [
                (_LICENCE if p.has_driving_licence else 0)
                | (_REMOTE if p.remote_acceptable else 0)
                | p.hours_min << 8
                | p.hours_max << 16
                | sum(1 << c for c in p.contract_types) << 24
                | p.education_level << 32
                for p in profiles
            ],
            dtype=np.int64,
        )
        self._place = np.array([(p.latitude, p.longitude, p.max_km) for p in profiles], dtype=np.float64)
        self._min_salary = np.array([p.min_salary for p in profiles], dtype=np.int64)

    def find_matching(self, vac: VacancyCriteria, today: date) -> ProfileMatches:
        v = vac.vacancy
        query = [key_id for key in vac.keys if (key_id := self._key_ids.get(key)) is not None]
        if not query:
            return _EMPTY
        keys = np.array(query, dtype=self._keys.dtype)  # another dtype would convert all of self._keys
        lows = np.searchsorted(self._keys, keys).tolist()
        highs = np.searchsorted(self._keys, keys, side="right").tolist()
        rows = np.concatenate([self._owners[lo:hi] for lo, hi in zip(lows, highs, strict=True)])
        closeness = np.concatenate([self._closeness[lo:hi] for lo, hi in zip(lows, highs, strict=True)])
        attrs = self._attrs[rows]
        keep = np.ones(len(rows), dtype=bool)
        if vac.hours_high > 0:
            keep &= ((attrs >> 16) & 0xFF) >= vac.hours_low
            keep &= ((attrs >> 8) & 0xFF) <= vac.hours_high
        if v.contract_type:
            contracts = (attrs >> 24) & 0xFF
            keep &= (contracts == 0) | ((contracts >> int(v.contract_type)) & 1 == 1)
        if v.education_level:
            education = (attrs >> 32) & 0xFF
            keep &= (education == 0) | (education >= int(v.education_level))
        if v.driving_licence_required:
            keep &= (attrs & _LICENCE) != 0
        if vac.languages:
            if any(code not in self._language_bits for code in vac.languages):
                return _EMPTY
            mask = sum(1 << self._language_bits[code] for code in vac.languages)
            keep &= (
                np.array([int(m) & mask == mask for m in self._languages[rows]], dtype=bool)
                if self._languages.dtype == object
                else (self._languages[rows] & mask) == mask
            )
        salary = max(v.salary_max, v.salary_min)
        if salary:
            wanted = self._min_salary[rows]
            keep &= (wanted == 0) | (wanted <= salary)
        keep = np.flatnonzero(keep)
        rows, closeness, attrs = rows[keep], closeness[keep], attrs[keep]
        via_remote = (attrs & _REMOTE != 0) if v.remote else np.zeros(len(rows), dtype=bool)
        if not v.has_coordinates:
            if not v.remote:
                return _EMPTY
            keep = np.flatnonzero(via_remote)
            return self._scored(rows[keep], closeness[keep], via_remote[keep], None, vac, today)
        place = self._place[rows]
        lat, lon, max_km = place[:, 0], place[:, 1], place[:, 2]
        # The rules' north-south shortcut, then a bound without trigonometry, then the haversine.
        near = np.abs(lat - v.latitude) * KM_PER_DEGREE_LAT_LOWER_BOUND <= max_km
        bound = distance_lower_bound_km(lat, lon, v.latitude, v.longitude, cos_lat_lower_bound(v.latitude))
        near &= bound <= max_km * (1 + LOWER_BOUND_MARGIN) + LOWER_BOUND_MARGIN
        keep = np.flatnonzero(via_remote | near)
        rows, closeness, via_remote, near, lat, lon, max_km = (
            a[keep] for a in (rows, closeness, via_remote, near, lat, lon, max_km)
        )
        distances = exact_distance_km(lat, lon, v.latitude, v.longitude)
        keep = np.flatnonzero(via_remote | (near & (distances <= max_km)))
        return self._scored(rows[keep], closeness[keep], via_remote[keep], distances[keep], vac, today)

    def _scored(
        self,
        rows: np.ndarray,
        closeness: np.ndarray,
        via_remote: np.ndarray,
        distances: np.ndarray | None,
        vac: VacancyCriteria,
        today: date,
    ) -> ProfileMatches:
        # A profile found under several of the vacancy's keys: once, with its closest match.
        order = np.lexsort((closeness, rows))
        first = order[np.concatenate(([True], rows[order][1:] != rows[order][:-1]))] if len(rows) else order
        rows, closeness, via_remote = rows[first], closeness[first], via_remote[first]
        distances = None if distances is None else distances[first]
        n_required, n_optional = len(vac.required_skills), len(vac.optional_skills)
        required = np.array([self._skill_ids[s] for s in vac.required_skills if s in self._skill_ids], dtype=np.int32)
        optional = np.array([self._skill_ids[s] for s in vac.optional_skills if s in self._skill_ids], dtype=np.int32)
        common_required, common_optional = segment_counts_by_group(
            self._skill_starts[rows],
            self._skill_counts[rows],
            self._skills,
            (required, optional),
            len(self._skill_ids) + 1,
        )
        stride = n_optional + 1
        skills = per_unique(
            common_required * stride + common_optional,
            lambda code: skills_part(code // stride, n_required, code % stride, n_optional),
        )
        distance = (
            np.ones(len(rows)) if distances is None else np.where(via_remote, 1.0, exact_distance_parts(distances))
        )
        attrs = self._attrs[rows]
        low, high = vac.hours_low, vac.hours_high
        hours = per_unique(((attrs >> 8) & 0xFFFF), lambda code: hours_part(low, high, code % 256, code // 256))
        recency = recency_part(vac.vacancy.date_posted, today)
        totals = (
            WEIGHT_OCCUPATION * CLOSENESS_VALUE[closeness]
            + WEIGHT_SKILLS * skills
            + WEIGHT_DISTANCE * distance
            + WEIGHT_HOURS * hours
            + WEIGHT_RECENCY * recency
        )
        scores = round_like_python(totals, lambda i: round(float(totals[i]), SCORE_DECIMALS))
        names = [self._ids[r] for r in rows.tolist()]
        order = np.array(order_by((-scores,), names.__getitem__), dtype=np.int64)
        return ProfileMatches(
            [names[i] for i in order.tolist()],
            scores[order],
            closeness[order],
            None if distances is None else distances[order],
        )
