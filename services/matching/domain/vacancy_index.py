"""In-memory index of open vacancies for feeds: occupation key -> vacancy rows, fields in columns.

Each open vacancy is one row of numpy columns (`columns.GrowableColumns`); every occupation
key of a vacancy that can be reached (it has coordinates or is remote) posts its row. A feed
looks up the rows of the client's keys at once, then applies every hard criterion of
`rules.evaluate` vectorised (numpy's haversine only as a prefilter with a margin; the exact
distance decides, see `vectorised`) and computes the score parts that do not depend on the
day or on feedback. The answer (`VacancyMatches`) builds `(vacancy, RuleMatch)` pairs only
for the items someone reads, with `rules.evaluate` itself.

Replacing or closing a vacancy retires its row; the index rebuilds itself when retired rows
outnumber the open ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import overload

import numpy as np

from services.matching.domain.columns import MERGE_THRESHOLD, GrowableColumns, PostingLists
from services.matching.domain.model import OccupationMatch
from services.matching.domain.rules import (
    KM_PER_DEGREE_LAT_LOWER_BOUND,
    OccupationKey,
    ProfileCriteria,
    RuleMatch,
    VacancyCriteria,
    evaluate,
)
from services.matching.domain.scoring import (
    DISTANCE_SCALE_KM,
    OCCUPATION_CLOSENESS,
    ScoreParts,
    distance_part,
    hours_part,
    skills_part,
)
from services.matching.domain.vectorised import (
    DISTANCE_MARGIN_KM,
    best_per_slot,
    exact_distance_km,
    haversine_km,
    per_unique,
    segment_counts,
)

_ALIVE, _COORDINATES, _REMOTE, _LICENCE, _RARE_LANGUAGE = 1, 2, 4, 8, 16
_LANGUAGE_BITS = 64  # a vacancy needing a language beyond the 64th interned one is checked in Python
_CLOSENESS_VALUE = np.array([0.0] + [OCCUPATION_CLOSENESS[OccupationMatch(i)] for i in (1, 2, 3)])
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
MIN_ROWS_TO_COMPACT = 1024

VACANCY_COLUMNS = {
    "lat": "f8",
    "lon": "f8",
    "hours_low": "f8",
    "hours_high": "f8",
    "languages": "u8",
    "received_us": "i8",
    "salary": "i8",
    "date": "i4",
    "skill_start": "u4",
    "required": "u2",
    "optional": "u2",
    "contract": "u1",
    "education": "u1",
    "flags": "u1",
}


def _microseconds(at: datetime) -> int:
    """A point in time as an exact integer (naive times are taken as they come, like comparisons)."""
    return (at - (_EPOCH if at.tzinfo else _EPOCH.replace(tzinfo=None))) // _MICROSECOND


class VacancyIndex:
    def __init__(self) -> None:
        self._vacs: list[VacancyCriteria | None] = []
        self._row_of: dict[str, int] = {}
        self._columns = GrowableColumns(VACANCY_COLUMNS)
        self._skill_pool = GrowableColumns({"skill": "i4"})
        self._key_ids: dict[OccupationKey, int] = {}
        self._skill_ids: dict[str, int] = {}
        self._language_bits: dict[str, int] = {}
        self._dates: dict[str, int] = {}  # date_posted text -> id
        self._date_texts: list[str] = []
        self._postings = PostingLists()

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, vacancy_id: str) -> bool:
        return vacancy_id in self._row_of

    def get(self, vacancy_id: str) -> VacancyCriteria | None:
        row = self._row_of.get(vacancy_id)
        return None if row is None else self._vacs[row]

    def all(self) -> list[VacancyCriteria]:
        return [self._vacs[row] for row in self._row_of.values()]  # type: ignore[misc]

    def upsert(self, vac: VacancyCriteria) -> None:
        v = vac.vacancy
        self.remove(v.vacancy_id)
        row = len(self._vacs)
        self._vacs.append(vac)
        self._row_of[v.vacancy_id] = row
        languages = 0
        for code in vac.languages:
            languages |= 1 << self._language_bits.setdefault(code, len(self._language_bits))
        flags = (
            _ALIVE
            | (_COORDINATES if v.has_coordinates else 0)
            | (_REMOTE if v.remote else 0)
            | (_LICENCE if v.driving_licence_required else 0)
            | (_RARE_LANGUAGE if languages >> _LANGUAGE_BITS else 0)
        )
        date_id = self._dates.setdefault(v.date_posted, len(self._dates))
        if date_id == len(self._date_texts):
            self._date_texts.append(v.date_posted)
        skill_start = len(self._skill_pool)
        skills = [
            self._skill_ids.setdefault(s, len(self._skill_ids)) for s in (*vac.required_skills, *vac.optional_skills)
        ]
        self._skill_pool.extend("skill", skills)
        self._columns.append(
            v.latitude,
            v.longitude,
            vac.hours_low,
            vac.hours_high,
            languages & (2**_LANGUAGE_BITS - 1),
            _microseconds(v.received_at),
            max(v.salary_max, v.salary_min),
            date_id,
            skill_start,
            len(vac.required_skills),
            len(vac.optional_skills),
            int(v.contract_type),
            int(v.education_level),
            flags,
        )
        if v.has_coordinates or v.remote:  # otherwise no profile can reach it
            for key in vac.keys:
                self._postings.add(self._key_ids.setdefault(key, len(self._key_ids)), row)

    def remove(self, vacancy_id: str) -> VacancyCriteria | None:
        row = self._row_of.pop(vacancy_id, None)
        if row is None:
            return None
        vac = self._vacs[row]
        self._vacs[row] = None
        self._columns["flags"][row] = 0
        retired = len(self._vacs) - len(self._row_of)
        if retired > len(self._row_of) and retired >= MIN_ROWS_TO_COMPACT:
            self._compact()
        return vac

    def _compact(self) -> None:
        """Rebuild from the open vacancies only (rows renumbered, retired rows dropped)."""
        live = self.all()
        self.__init__()  # type: ignore[misc]
        for vac in live:
            self.upsert(vac)

    def matches(self, profile: ProfileCriteria) -> VacancyMatches:
        """Every open vacancy that passes the profile's hard criteria (unordered)."""
        if not profile.active:
            return VacancyMatches.empty(profile)
        if self._postings.recent_size > MERGE_THRESHOLD:
            self._postings.merge(self._columns["flags"] != 0)
        wanted = [(key_id, int(c)) for key, c in profile.keys.items() if (key_id := self._key_ids.get(key)) is not None]
        if not wanted:
            return VacancyMatches.empty(profile)
        rows, which, _ = self._postings.lookup(np.array([key_id for key_id, _ in wanted], dtype=np.int64))
        closeness = np.array([c for _, c in wanted], dtype=np.int8)[which]
        rows, closeness = self._check(profile, rows, closeness)
        return self._scored(profile, *best_per_slot(rows, closeness))

    def _check(self, p: ProfileCriteria, rows: np.ndarray, closeness: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The hard criteria of `rules.evaluate` except the exact distance (rows may repeat).

        The place first: at a million vacancies a client's occupations post tens of thousands
        of rows from all over the country, and the north-south gap alone (as in evaluate)
        rules out most of them, so the other columns are gathered only for the rows left.
        """
        columns = self._columns
        flags = columns["flags"][rows]
        via_remote = (flags & _REMOTE != 0) if p.remote_acceptable else np.zeros(len(rows), dtype=bool)
        lat = columns["lat"][rows]
        near = (flags & _COORDINATES != 0) & (np.abs(p.latitude - lat) * KM_PER_DEGREE_LAT_LOWER_BOUND <= p.max_km)
        keep = (flags != 0) & (via_remote | near)
        rows, closeness, flags, via_remote, lat = rows[keep], closeness[keep], flags[keep], via_remote[keep], lat[keep]
        high = columns["hours_high"][rows]
        keep = (high <= 0) | ((columns["hours_low"][rows] <= p.hours_max) & (high >= p.hours_min))
        if p.contract_types:
            accepted = np.zeros(256, dtype=bool)
            accepted[[0, *p.contract_types]] = True
            keep &= accepted[columns["contract"][rows]]
        if p.education_level:
            keep &= columns["education"][rows] <= p.education_level
        if not p.has_driving_licence:
            keep &= flags & _LICENCE == 0
        if p.min_salary:
            salary = columns["salary"][rows]
            keep &= (salary == 0) | (salary >= p.min_salary)
        spoken = sum(
            1 << bit for code, bit in self._language_bits.items() if code in p.languages and bit < _LANGUAGE_BITS
        )
        keep &= columns["languages"][rows] & np.uint64(~spoken & (2**_LANGUAGE_BITS - 1)) == 0
        for i in np.flatnonzero(keep & (flags & _RARE_LANGUAGE != 0)).tolist():
            keep[i] = self._vacs[rows[i]].languages <= p.languages
        # The distance (numpy's, with a margin: the exact distance decides in `_scored`).
        maybe = np.flatnonzero(keep & ~via_remote)
        keep[maybe] = (
            haversine_km(lat[maybe], columns["lon"][rows[maybe]], p.latitude, p.longitude)
            <= p.max_km + DISTANCE_MARGIN_KM
        )
        return rows[keep], closeness[keep]

    def _scored(self, p: ProfileCriteria, rows: np.ndarray, closeness: np.ndarray) -> VacancyMatches:
        columns = self._columns
        flags = columns["flags"][rows]
        via_remote = (flags & _REMOTE != 0) if p.remote_acceptable else np.zeros(len(rows), dtype=bool)
        has_coordinates = flags & _COORDINATES != 0
        distances = np.full(len(rows), np.nan)
        measured = np.flatnonzero(has_coordinates & ~via_remote)  # a remote match scores 1.0 at any distance
        lat, lon = columns["lat"][rows[measured]], columns["lon"][rows[measured]]
        # numpy's distance, a few ulps from the rules' one, decides unless it lies within the
        # margin of the limit; there the exact one does. (Exact distances for all, through
        # math's functions element by element, were most of a feed with thousands of matches.)
        approx = haversine_km(lat, lon, p.latitude, p.longitude)
        unsure = np.flatnonzero(np.abs(approx - p.max_km) <= DISTANCE_MARGIN_KM)
        approx[unsure] = exact_distance_km(p.latitude, p.longitude, lat[unsure], lon[unsure])
        distances[measured] = approx
        keep = via_remote | (distances <= p.max_km)  # nan (no coordinates) is never within reach
        if not keep.all():
            rows, closeness, via_remote, distances = rows[keep], closeness[keep], via_remote[keep], distances[keep]
        distance_parts = np.ones(len(rows))
        measured = np.flatnonzero(~via_remote & ~np.isnan(distances))
        distance_parts[measured] = np.exp(-distances[measured] / DISTANCE_SCALE_KM)
        starts, required, optional = columns["skill_start"][rows], columns["required"][rows], columns["optional"][rows]
        known = np.array([i for s in p.skills if (i := self._skill_ids.get(s)) is not None], dtype=np.int32)
        pool = self._skill_pool["skill"]
        common_required = segment_counts(starts, required, pool, known)
        common_optional = segment_counts(starts.astype(np.int64) + required, optional, pool, known)
        # One code per (common required, required, common optional, optional): few distinct.
        m = int(max(required.max(), optional.max())) + 1 if len(rows) else 1
        code = ((common_required * m + required.astype(np.int64)) * m + common_optional) * m + optional
        skills = per_unique(code, lambda c: skills_part(c // m**3, c // m**2 % m, c // m % m, c % m))
        low, high = columns["hours_low"][rows], columns["hours_high"][rows]
        hours = per_unique(low + 1j * high, lambda lh: hours_part(lh.real, lh.imag, p.hours_min, p.hours_max))
        return VacancyMatches(
            profile=p,
            vacancies=[self._vacs[r] for r in rows.tolist()],
            occupation=_CLOSENESS_VALUE[closeness],
            skills=skills,
            distance=distance_parts,
            hours=hours,
            date_ids=columns["date"][rows],
            date_texts=list(self._date_texts),
            received_us=columns["received_us"][rows],
        )


class VacancyMatches(Sequence[tuple[VacancyCriteria, RuleMatch]]):
    """The vacancies a profile matches, with the score parts that do not depend on the day.

    Reads as a sequence of `(vacancy, rules.evaluate(profile, vacancy))`; the pairs are built
    when read, so ranking thousands of matches never builds thousands of RuleMatch objects.
    Holds copies, not views: it stays valid while the index changes.

    The parts are `scoring`'s, bit for bit, except `distance`: numpy's exp of numpy's distance,
    within a few ulps of `scoring.distance_part` — far below what rounding a score to six
    decimals can see, except next to a half, where the feed scores the item exactly
    (`exact_score`). Whatever is shown comes from the pair (`rules.evaluate`).
    """

    def __init__(
        self,
        *,
        profile: ProfileCriteria,
        vacancies: list[VacancyCriteria],
        occupation: np.ndarray,
        skills: np.ndarray,
        distance: np.ndarray,
        hours: np.ndarray,
        date_ids: np.ndarray,
        date_texts: list[str],
        received_us: np.ndarray,
    ) -> None:
        self.profile = profile
        self.vacancies = vacancies
        self.occupation, self.skills, self.distance, self.hours = occupation, skills, distance, hours
        self.date_ids, self.date_texts, self.received_us = date_ids, date_texts, received_us

    @classmethod
    def empty(cls, profile: ProfileCriteria) -> VacancyMatches:
        nothing = np.empty(0)
        return cls(
            profile=profile,
            vacancies=[],
            occupation=nothing,
            skills=nothing,
            distance=nothing,
            hours=nothing,
            date_ids=np.empty(0, dtype=np.int32),
            date_texts=[],
            received_us=np.empty(0, dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.vacancies)

    def pair(self, i: int) -> tuple[VacancyCriteria, RuleMatch]:
        vac = self.vacancies[i]
        match = evaluate(self.profile, vac)
        assert match is not None, "the index and the rules disagree"
        return vac, match

    def exact_parts(self, i: int, match: RuleMatch, recency: float, feedback: float) -> ScoreParts:
        """Item i's score parts as `ranking.score_rule_match` gives them (`match`: its pair's)."""
        return ScoreParts(
            float(self.occupation[i]),
            float(self.skills[i]),
            distance_part(match.distance_km, match.via_remote),
            float(self.hours[i]),
            recency,
            feedback,
        )

    @overload
    def __getitem__(self, i: int) -> tuple[VacancyCriteria, RuleMatch]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[VacancyCriteria, RuleMatch]]: ...
    def __getitem__(
        self, i: int | slice
    ) -> tuple[VacancyCriteria, RuleMatch] | list[tuple[VacancyCriteria, RuleMatch]]:
        if isinstance(i, slice):
            return [self.pair(j) for j in range(*i.indices(len(self)))]
        return self.pair(range(len(self))[i])

    def __iter__(self) -> Iterator[tuple[VacancyCriteria, RuleMatch]]:
        return (self.pair(i) for i in range(len(self)))

    def received_after(self, at: datetime) -> np.ndarray:
        return self.received_us > _microseconds(at)
