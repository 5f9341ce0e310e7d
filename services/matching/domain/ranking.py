"""Scoring one rule match, shared by the brute-force path, the feed and the index."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from operator import itemgetter
from typing import Any, overload

import numpy as np

from services.matching.domain.model import OccupationMatch
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria, evaluate
from services.matching.domain.scoring import ScoreParts, score_parts


@dataclass(frozen=True, slots=True)
class ProfileMatch:
    """One profile a vacancy matches (the reverse match); ids and numbers only."""

    client_id: str
    score: float
    occupation_match: OccupationMatch
    distance_km: float | None


# The slots' member descriptors, read from the class dict (typed Any: mypy knows the names only as instance fields).
_PROFILE_MATCH_SLOTS: tuple[Any, ...] = tuple(
    vars(ProfileMatch)[name] for name in ("client_id", "score", "occupation_match", "distance_km")
)


_OCCUPATION_MATCHES = [OccupationMatch(i) for i in range(4)]


def pick(items: list, positions: list[int]) -> list:
    """[items[p] for p in positions], in C."""
    if not positions:
        return []
    picked = itemgetter(*positions)(items)
    return list(picked) if len(positions) > 1 else [picked]


def profile_matches(
    client_ids: list[str], scores: list[float], occupation_matches: list[OccupationMatch], distances: list[float | None]
) -> list[ProfileMatch]:
    """`[ProfileMatch(*fields) for fields in zip(...)]`, for thousands at once.

    A frozen dataclass sets each field through object.__setattr__ (~0.5 µs per object, a
    fifth of a large reverse match); this sets the slots with their descriptors, in C.
    The objects are the same: equal, hashable, frozen afterwards.
    """
    matches = list(map(object.__new__, repeat(ProfileMatch, len(client_ids))))
    columns: tuple[list[Any], ...] = (client_ids, scores, occupation_matches, distances)
    for slot, values in zip(_PROFILE_MATCH_SLOTS, columns, strict=True):
        deque(map(slot.__set__, matches, values), maxlen=0)
    return matches


class ProfileMatches(Sequence[ProfileMatch]):
    """The answer of a reverse match as columns; `ProfileMatch` objects are built only for
    the items a caller reads (one at a time by index, or all at once by iterating).

    Equal to any sequence of the same matches in the same order (a list included).
    The client ids may come as the reverse pass found them, as positions in a list of ids
    (`id_source`: the list and the positions, with `client_ids` None): they are picked when
    first read, since hundreds of reads from a list of a million ids (a cache miss each) cost
    more than the rest of a reverse match's Python.
    """

    __slots__ = ("_client_ids", "_id_source", "distances", "occupation_codes", "scores")

    def __init__(
        self,
        client_ids: list[str] | None,
        scores: np.ndarray,
        occupation_codes: np.ndarray,
        distances: np.ndarray | None,
        id_source: tuple[list[str], np.ndarray] | None = None,
    ) -> None:
        self._client_ids = client_ids
        self._id_source = id_source
        self.scores = scores  # float64, rounded as `scoring.combine` rounds
        self.occupation_codes = occupation_codes  # OccupationMatch values
        self.distances = distances  # km; None when the vacancy has no coordinates

    @property
    def client_ids(self) -> list[str]:
        if self._client_ids is None:
            ids, positions = self._id_source or ([], np.empty(0, dtype=np.int64))
            self._client_ids = pick(ids, positions.tolist())
        return self._client_ids

    def __len__(self) -> int:
        return len(self.scores)

    @overload
    def __getitem__(self, index: int) -> ProfileMatch: ...
    @overload
    def __getitem__(self, index: slice) -> list[ProfileMatch]: ...
    def __getitem__(self, index: int | slice) -> ProfileMatch | list[ProfileMatch]:
        if isinstance(index, slice):
            return self.to_list()[index] if len(self) else []
        distance = None if self.distances is None else float(self.distances[index])
        return ProfileMatch(
            self.client_ids[index],
            float(self.scores[index]),
            _OCCUPATION_MATCHES[int(self.occupation_codes[index])],
            distance,
        )

    def __iter__(self) -> Iterator[ProfileMatch]:
        return iter(self.to_list())

    def to_list(self) -> list[ProfileMatch]:
        distances = [None] * len(self) if self.distances is None else self.distances.tolist()
        occupation = [_OCCUPATION_MATCHES[c] for c in self.occupation_codes.tolist()]
        return profile_matches(self.client_ids, self.scores.tolist(), occupation, distances)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ProfileMatches):
            if not self.client_ids and not other.client_ids:
                return True
            same_distances = (
                other.distances is None
                if self.distances is None
                else other.distances is not None and np.array_equal(self.distances, other.distances)
            )
            return (
                self.client_ids == other.client_ids
                and np.array_equal(self.scores, other.scores)
                and np.array_equal(self.occupation_codes, other.occupation_codes)
                and same_distances
            )
        if isinstance(other, Sequence):
            return self.to_list() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable columns, like a list

    def __repr__(self) -> str:
        return f"ProfileMatches({self.to_list()!r})"


def score_rule_match(
    profile: ProfileCriteria,
    vac: VacancyCriteria,
    match: RuleMatch,
    today: date,
    feedback: float = 0.0,
    recency: float | None = None,
) -> ScoreParts:
    """The score parts; pass `recency` when already known for this vacancy and day (saves parsing the date)."""
    parts = score_parts(
        occupation_match=match.occupation_match,
        common_required=sum(1 for s in vac.required_skills if s in profile.skills),
        required=len(vac.required_skills),
        common_optional=sum(1 for s in vac.optional_skills if s in profile.skills),
        optional=len(vac.optional_skills),
        distance_km=match.distance_km,
        via_remote=match.via_remote,
        hours_low=vac.hours_low,
        hours_high=vac.hours_high,
        window_min=profile.hours_min,
        window_max=profile.hours_max,
        date_posted=vac.vacancy.date_posted,
        today=today,
        feedback=feedback,
        recency=recency,
    )
    return parts


def sort_profile_matches(matches: list[ProfileMatch]) -> list[ProfileMatch]:
    """Best first; equal scores by client id, so every run gives the same order."""
    return sorted(matches, key=lambda m: (-m.score, m.client_id))


def brute_force_matches(profiles: list[ProfileCriteria], vac: VacancyCriteria, today: date) -> list[ProfileMatch]:
    """Evaluate the rules against every profile: the reference the index must equal."""
    found = []
    for profile in profiles:
        match = evaluate(profile, vac)
        if match is not None:
            score = score_rule_match(profile, vac, match, today).total
            found.append(ProfileMatch(profile.client_id, score, match.occupation_match, match.distance_km))
    return sort_profile_matches(found)
