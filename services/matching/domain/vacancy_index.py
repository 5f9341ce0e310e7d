"""In-memory index of open vacancies for feeds: (occupation key, map cell) -> vacancy rows.

Each open vacancy is one row of numpy columns (`columns.GrowableColumns`, the vacancy object
itself in an object column); every occupation key of a vacancy that can be reached (it has
coordinates or is remote) posts its row under the key and its map cell (`vacancy_cells`). A
feed looks up the rows of the client's keys in the cells its travel radius can reach at
once, then applies every hard criterion of
`rules.evaluate` vectorised (numpy's haversine only as a prefilter with a margin; the exact
distance decides, see `vectorised`) and computes the score parts that do not depend on the
day or on feedback. The answer (`VacancyMatches`) builds `(vacancy, RuleMatch)` pairs only
for the items someone reads, with `rules.evaluate` itself.

Replacing or closing a vacancy retires its row; the index rebuilds itself when retired rows
outnumber the open ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import overload

import numpy as np

from services.matching.domain import feed_pass
from services.matching.domain.columns import MERGE_THRESHOLD, GrowableColumns, PostingLists
from services.matching.domain.pass_maths import COS_LOW, FLOAT_PARAMETERS, LAT, LON
from services.matching.domain.rules import (
    OccupationKey,
    ProfileCriteria,
    RuleMatch,
    VacancyCriteria,
    evaluate,
)
from services.matching.domain.scoring import (
    ScoreParts,
    distance_part,
)
from services.matching.domain.vacancy_cells import cell_of, posting_key, query_ranges
from services.matching.domain.vectorised import CLOSENESS_VALUE, cos_lat_lower_bound

_ALIVE, _COORDINATES, _REMOTE, _LICENCE, _RARE_LANGUAGE = (
    feed_pass.ALIVE,
    feed_pass.COORDINATES,
    feed_pass.REMOTE,
    feed_pass.LICENCE,
    feed_pass.RARE_LANGUAGE,
)
_LANGUAGE_BITS = 64  # a vacancy needing a language beyond the 64th interned one is checked in Python
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
MIN_ROWS_TO_COMPACT = 1024
# Retired vacancies kept for answers given before they retired (see VacancyObjects): far more
# retirements than ingest makes during the few milliseconds a feed reads its answer.
RETIRED_KEPT = 4096

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
    "vac": "O",  # the VacancyCriteria (None once retired): gathered into answers in C
}


def _microseconds(at: datetime) -> int:
    """A point in time as an exact integer (naive times are taken as they come, like comparisons)."""
    return (at - (_EPOCH if at.tzinfo else _EPOCH.replace(tzinfo=None))) // _MICROSECOND


class VacancyObjects:
    """The vacancy of a row as it was when an answer was given, without copying them all.

    An answer reads the index's object column itself (a feed reads ~50 of thousands of
    matches; gathering every object cost ~1 ms at a million vacancies). That stays valid:
    the column only ever changes by retiring a row (None written) and by growing or
    compacting (new arrays, the old one left as it was); a row retired after the answer is
    found among the recently retired vacancies, kept by row.
    """

    def __init__(self, column: np.ndarray, retired: dict[int, VacancyCriteria], row_of: dict[str, int]) -> None:
        self._column, self._retired, self._row_of = column, retired, row_of

    def __getitem__(self, row: int) -> VacancyCriteria:
        vac: VacancyCriteria | None = self._column[row]
        if vac is None:  # retired since the answer was given
            vac = self._retired.get(int(row))
        if vac is None:
            raise RuntimeError(f"the vacancy of row {row} retired too long ago: ask again")
        return vac

    def row_of(self, vacancy_id: str) -> int | None:
        """The vacancy's current row (another than an answer's when it was replaced since)."""
        return self._row_of.get(vacancy_id)


class VacancyIndex:
    def __init__(self) -> None:
        self._row_of: dict[str, int] = {}
        self._retired: dict[int, VacancyCriteria] = {}  # row -> vacancy, the last RETIRED_KEPT
        self._retired_rows: deque[int] = deque()
        self._columns = GrowableColumns(VACANCY_COLUMNS)
        self._skill_pool = GrowableColumns({"skill": "i4"})
        self._key_ids: dict[OccupationKey, int] = {}
        self._skill_ids: dict[str, int] = {}
        self._language_bits: dict[str, int] = {}
        self._dates: dict[str, int] = {}  # date_posted text -> id
        self._date_texts: list[str] = []
        self._postings = PostingLists(self._payload_of)
        self._seen = np.zeros(0, dtype=np.int32)  # feed_pass's dedupe marks, one per row

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, vacancy_id: str) -> bool:
        return vacancy_id in self._row_of

    def get(self, vacancy_id: str) -> VacancyCriteria | None:
        row = self._row_of.get(vacancy_id)
        return None if row is None else self._columns["vac"][row]

    def all(self) -> list[VacancyCriteria]:
        vacs = self._columns["vac"]
        return [vacs[row] for row in self._row_of.values()]

    def _payload_of(self, rows: np.ndarray) -> tuple[np.ndarray]:
        """The fields the feed pass checks, stored beside the postings (they never change for a row)."""
        payload = np.empty(len(rows), dtype=feed_pass.FEED_PAYLOAD)
        for name in feed_pass.FEED_PAYLOAD.names or ():
            payload[name] = self._columns[name][rows]
        return (payload,)

    def upsert(self, vac: VacancyCriteria) -> None:
        v = vac.vacancy
        self.remove(v.vacancy_id)
        row = len(self._columns)
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
            vac,
        )
        if v.has_coordinates or v.remote:  # otherwise no profile can reach it
            cell = cell_of(v.latitude, v.longitude, v.remote)
            for key in vac.keys:
                self._postings.add(posting_key(self._key_ids.setdefault(key, len(self._key_ids)), cell), row)

    def remove(self, vacancy_id: str) -> VacancyCriteria | None:
        row = self._row_of.pop(vacancy_id, None)
        if row is None:
            return None
        vac: VacancyCriteria = self._columns["vac"][row]
        self._retired[row] = vac
        self._retired_rows.append(row)
        if len(self._retired_rows) > RETIRED_KEPT:
            del self._retired[self._retired_rows.popleft()]
        self._columns["vac"][row] = None
        self._columns["flags"][row] = 0
        retired = len(self._columns) - len(self._row_of)
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
        p = profile
        lo, hi, key_of_range = query_ranges(
            np.array([key_id for key_id, _ in wanted], dtype=np.int64), p.latitude, p.longitude, p.max_km
        )
        range_closeness = np.array([c for _, c in wanted], dtype=np.int8)[key_of_range]
        levels, postings = [], 0
        for starts, ends, slots, payload in self._postings.ranges(lo, hi):
            levels.append((starts, ends, range_closeness, slots, payload))
            postings += int((ends - starts).sum())
        if len(self._seen) < len(self._columns):
            self._seen = np.zeros(2 * len(self._columns), dtype=np.int32)
        rows, closeness = np.empty(postings, dtype=np.int32), np.empty(postings, dtype=np.int8)
        rare, parts = np.empty(postings, dtype=np.bool_), np.empty((postings, 4))
        qf, qi, spoken, accepted = self._parameters(p)
        n = feed_pass.feed_candidates(
            tuple(levels),
            self._columns["flags"],
            self._seen,
            self._skill_pool["skill"],
            self._known_skills(p),
            qf,
            qi,
            spoken,
            accepted,
            rows,
            closeness,
            rare,
            parts,
        )
        rows, closeness, parts = rows[:n], closeness[:n], parts[:n]
        if rare[:n].any():  # a language beyond the masks: the sets decide
            vacs = self._columns["vac"]
            keep = [not r or vacs[row].languages <= p.languages for row, r in zip(rows, rare[:n], strict=True)]
            rows, closeness, parts = rows[keep], closeness[keep], parts[keep]
        columns = self._columns
        return VacancyMatches(
            profile=p,
            vacancies=VacancyObjects(columns["vac"], self._retired, self._row_of),
            rows=rows,
            occupation=CLOSENESS_VALUE[closeness],
            skills=parts[:, feed_pass.SKILLS],
            distance=parts[:, feed_pass.DISTANCE],
            hours=parts[:, feed_pass.HOURS],
            date_ids=columns["date"][rows],
            date_texts=list(self._date_texts),
            received_us=columns["received_us"][rows],
        )

    def _known_skills(self, p: ProfileCriteria) -> np.ndarray:
        known = np.zeros(len(self._skill_ids) + 1, dtype=np.int8)
        known[[i for s in p.skills if (i := self._skill_ids.get(s)) is not None]] = 1
        return known

    def _parameters(self, p: ProfileCriteria) -> tuple[np.ndarray, ...]:
        """The profile as feed_pass reads it: floats, integers, language mask, accepted contracts."""
        qf = np.zeros(FLOAT_PARAMETERS)
        qf[[feed_pass.HOURS_MIN, feed_pass.HOURS_MAX, LAT, LON, COS_LOW]] = (
            p.hours_min,
            p.hours_max,
            p.latitude,
            p.longitude,
            cos_lat_lower_bound(p.latitude),
        )
        qi = np.array(
            [p.max_km, p.education_level, p.has_driving_licence, p.min_salary, p.remote_acceptable], dtype=np.int64
        )
        spoken = sum(
            1 << bit for code, bit in self._language_bits.items() if code in p.languages and bit < _LANGUAGE_BITS
        )
        accepted = np.ones(256, dtype=np.bool_)
        if p.contract_types:
            accepted[:] = False
            accepted[[0, *p.contract_types]] = True
        return qf, qi, np.array([spoken], dtype=np.uint64), accepted


class VacancyMatches(Sequence[tuple[VacancyCriteria, RuleMatch]]):
    """The vacancies a profile matches, with the score parts that do not depend on the day.

    Reads as a sequence of `(vacancy, rules.evaluate(profile, vacancy))`; the pairs are built
    when read, so ranking thousands of matches never builds thousands of RuleMatch objects.
    Holds copies of the columns and a `VacancyObjects` for the vacancies: it stays valid while
    the index changes.

    The parts are `scoring`'s, bit for bit, except `distance`: numpy's exp of the exact distance,
    within a few ulps of `scoring.distance_part` — far below what rounding a score to six
    decimals can see, except next to a half, where the feed scores the item exactly
    (`exact_score`). Whatever is shown comes from the pair (`rules.evaluate`).
    """

    def __init__(
        self,
        *,
        profile: ProfileCriteria,
        vacancies: VacancyObjects | None,
        rows: np.ndarray,
        occupation: np.ndarray,
        skills: np.ndarray,
        distance: np.ndarray,
        hours: np.ndarray,
        date_ids: np.ndarray,
        date_texts: list[str],
        received_us: np.ndarray,
    ) -> None:
        self.profile = profile
        self._vacancies, self._rows = vacancies, rows
        self.occupation, self.skills, self.distance, self.hours = occupation, skills, distance, hours
        self.date_ids, self.date_texts, self.received_us = date_ids, date_texts, received_us

    @classmethod
    def empty(cls, profile: ProfileCriteria) -> VacancyMatches:
        nothing = np.empty(0)
        return cls(
            profile=profile,
            vacancies=None,
            rows=np.empty(0, dtype=np.int32),
            occupation=nothing,
            skills=nothing,
            distance=nothing,
            hours=nothing,
            date_ids=np.empty(0, dtype=np.int32),
            date_texts=[],
            received_us=np.empty(0, dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self._rows)

    def vacancy(self, i: int) -> VacancyCriteria:
        assert self._vacancies is not None
        return self._vacancies[self._rows[i]]

    def vacancy_id(self, i: int) -> str:
        return self.vacancy(i).vacancy.vacancy_id

    def positions_of(self, vacancy_ids: Iterable[str]) -> dict[str, int]:
        """The position of each of these vacancies that is in the answer. (A vacancy replaced
        since the answer was given has a new row: it is not found, as if it did not match.)"""
        if self._vacancies is None:
            return {}
        found = {}
        for vacancy_id in vacancy_ids:
            row = self._vacancies.row_of(vacancy_id)
            if row is None:
                continue
            at = np.flatnonzero(self._rows == row)  # a client has little feedback: no index by row
            if len(at) and self.vacancy_id(int(at[0])) == vacancy_id:
                found[vacancy_id] = int(at[0])
        return found

    def pair(self, i: int) -> tuple[VacancyCriteria, RuleMatch]:
        vac = self.vacancy(i)
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
