"""The tailored feed: rank the vacancies that pass a profile, apply feedback, paginate."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import overload

import numpy as np

from services.common import pagination
from services.common.page_tokens import PageTokens
from services.matching.domain.explanation import Explanation, explain
from services.matching.domain.model import FeedbackKind, OpenVacancy
from services.matching.domain.ranking import score_rule_match
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria
from services.matching.domain.scoring import (
    FEEDBACK_APPLIED,
    FEEDBACK_SAVED,
    OCCUPATION_CLOSENESS,
    WEIGHT_DISTANCE,
    WEIGHT_HOURS,
    WEIGHT_OCCUPATION,
    WEIGHT_RECENCY,
    WEIGHT_SKILLS,
    ScoreParts,
    combine,
    distance_part,
    hours_part,
    recency_part,
    skills_part,
)
from services.matching.domain.vacancy_index import VacancyMatches
from services.matching.domain.vectorised import SCORE_DECIMALS, round_like_python

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class RankedVacancy:
    vac: VacancyCriteria
    match: RuleMatch
    score: float
    is_new: bool
    saved: bool
    applied: bool


@dataclass(frozen=True, slots=True)
class FeedItem:
    vacancy: OpenVacancy
    score: float
    is_new: bool
    saved: bool
    applied: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class FeedPage:
    items: tuple[FeedItem, ...]
    next_page_token: str
    total_size: int
    new_count: int
    previous_visit_at: datetime | None


@dataclass(frozen=True, slots=True)
class FeedCursor:
    """Where the next page starts, and which visit "new" is measured against (kept across pages)."""

    offset: int
    previous_visit_at: datetime | None
    # What the token belongs to ("client:<id>", "vacancy:<id>"): another's token is refused.
    scope: str = ""


def check_page_size(
    page_size: int, field: str = "page_size", maximum: int = MAX_PAGE_SIZE, default: int = DEFAULT_PAGE_SIZE
) -> int:
    return pagination.page_size(page_size, default=default, maximum=maximum, field=field)


def encode_cursor(cursor: FeedCursor, tokens: PageTokens) -> str:
    visit = cursor.previous_visit_at.isoformat() if cursor.previous_visit_at else None
    return tokens.issue(cursor.scope, {"o": cursor.offset, "v": visit})


def decode_cursor(token: str, tokens: PageTokens, scope: str = "") -> FeedCursor:
    """Signed by `tokens` and bound to its client or vacancy (services/common/page_tokens.py)."""
    position = tokens.read(token, scope)
    try:
        offset = int(position["o"])  # type: ignore[index]
        visit = datetime.fromisoformat(position["v"]) if position["v"] else None  # type: ignore[index]
        if offset < 0:
            raise ValueError(offset)
    except (ValueError, KeyError, TypeError) as exc:
        raise pagination.invalid_page_token() from exc
    return FeedCursor(offset, visit, scope)


def _tied_runs(keys: Sequence[np.ndarray], order: np.ndarray) -> list[tuple[int, int]]:
    """The runs [lo, hi) of `order` whose items are equal in every key (as `vectorised.order_by`)."""
    if len(order) < 2:
        return []
    same = np.ones(len(order) - 1, dtype=bool)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    tied = np.flatnonzero(same)  # position p ties with p + 1
    if not len(tied):
        return []
    breaks = np.diff(tied) != 1
    starts = tied[np.concatenate(([True], breaks))].tolist()
    ends = (tied[np.concatenate((breaks, [True]))] + 2).tolist()
    return list(zip(starts, ends, strict=True))


class RankedFeed(Sequence[RankedVacancy]):
    """The ranked feed of `VacancyMatches`: order and scores as arrays, items built when read.

    Items of equal score and posting date are ordered by vacancy id only when a page reaches
    them: a feed of thousands often has long runs of ties, and a page reads fifty items.
    """

    def __init__(
        self,
        matches: VacancyMatches,
        positions: list[int],
        tied_runs: list[tuple[int, int]],
        scores: list[float],
        is_new: np.ndarray,
        saved: np.ndarray,
        applied: np.ndarray,
        recency: np.ndarray,
        new_count: int,
    ) -> None:
        self._matches, self._positions, self._scores, self._new_count = matches, positions, scores, new_count
        self._is_new, self._saved, self._applied, self._recency = is_new, saved, applied, recency
        self._tied_runs, self._next_run = tied_runs, 0

    def _order_ties_before(self, end: int) -> None:
        """Order by vacancy id every run of ties that starts before position `end`."""
        runs, positions, vacancy_id = self._tied_runs, self._positions, self._matches.vacancy_id
        while self._next_run < len(runs) and runs[self._next_run][0] < end:
            lo, hi = runs[self._next_run]
            positions[lo:hi] = sorted(positions[lo:hi], key=vacancy_id)
            self._next_run += 1

    @property
    def new_count(self) -> int:
        return self._new_count

    def __len__(self) -> int:
        return len(self._positions)

    def _item(self, k: int) -> RankedVacancy:
        self._order_ties_before(k + 1)
        i = self._positions[k]
        vac, match = self._matches.pair(i)
        return RankedVacancy(
            vac, match, self._scores[i], bool(self._is_new[i]), bool(self._saved[i]), bool(self._applied[i])
        )

    def parts(self, k: int, match: RuleMatch) -> ScoreParts:
        """The score parts of item k (`match`: its RuleMatch), as `ranking.score_rule_match` gives them."""
        self._order_ties_before(k + 1)
        i = self._positions[k]
        feedback = (FEEDBACK_SAVED if self._saved[i] else 0.0) + (FEEDBACK_APPLIED if self._applied[i] else 0.0)
        return self._matches.exact_parts(i, match, float(self._recency[i]), feedback)

    @overload
    def __getitem__(self, k: int) -> RankedVacancy: ...
    @overload
    def __getitem__(self, k: slice) -> list[RankedVacancy]: ...
    def __getitem__(self, k: int | slice) -> RankedVacancy | list[RankedVacancy]:
        if isinstance(k, slice):
            return [self._item(j) for j in range(*k.indices(len(self)))]
        return self._item(range(len(self))[k])

    def __iter__(self) -> Iterator[RankedVacancy]:
        return (self._item(k) for k in range(len(self)))


def _rank_vectorised(
    matches: VacancyMatches, feedback: dict[str, set[FeedbackKind]], today: date, previous_visit_at: datetime | None
) -> RankedFeed:
    """`rank` on arrays: the same scores (scoring.combine's sum, term by term, rounded as Python does)."""
    n = len(matches)
    bonus, dismissed = np.zeros(n), np.zeros(n, dtype=bool)
    saved, applied = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if feedback:
        position = matches.positions_of(feedback)
        for vacancy_id, kinds in feedback.items():
            i = position.get(vacancy_id)
            if i is not None and kinds:
                dismissed[i] = FeedbackKind.DISMISS in kinds
                saved[i], applied[i] = FeedbackKind.SAVE in kinds, FeedbackKind.APPLIED in kinds
                bonus[i] = (FEEDBACK_SAVED if saved[i] else 0.0) + (FEEDBACK_APPLIED if applied[i] else 0.0)
    texts = matches.date_texts
    distinct = np.unique(matches.date_ids)
    recency_of = np.zeros(len(texts))
    recency_of[distinct] = [recency_part(texts[d], today) for d in distinct.tolist()]
    recency = recency_of[matches.date_ids]
    totals = (
        WEIGHT_OCCUPATION * matches.occupation
        + WEIGHT_SKILLS * matches.skills
        + WEIGHT_DISTANCE * matches.distance
        + WEIGHT_HOURS * matches.hours
        + WEIGHT_RECENCY * recency
        + bonus
    )
    # Next to a half the parts' last bits matter (see VacancyMatches): score those exactly.
    scores = round_like_python(
        totals,
        lambda i: matches.exact_parts(i, matches.pair(i)[1], float(recency[i]), float(bonus[i])).total,
    )
    # Newest posted first among equal scores: ISO dates sort as text, so rank the texts.
    date_rank = np.zeros(len(texts), dtype=np.int64)
    date_rank[distinct] = np.argsort(np.argsort([texts[d] for d in distinct.tolist()], kind="stable"))
    kept = np.flatnonzero(~dismissed)
    # One integer key, score then date, best first: scores have six decimals, so score * 1e6
    # rounds to a distinct integer per distinct score (one stable sort instead of lexsort's two).
    key = -(
        np.rint(scores[kept] * 10**SCORE_DECIMALS).astype(np.int64) * len(texts) + date_rank[matches.date_ids[kept]]
    )
    order = np.argsort(key, kind="stable")
    keys = (key,)
    is_new = matches.received_after(previous_visit_at) if previous_visit_at is not None else np.zeros(n, dtype=bool)
    return RankedFeed(
        matches,
        kept[order].tolist(),
        _tied_runs(keys, order),
        scores.tolist(),
        is_new,
        saved,
        applied,
        recency,
        int(is_new[kept].sum()),
    )


def rank(
    profile: ProfileCriteria,
    matches: Iterable[tuple[VacancyCriteria, RuleMatch]],
    feedback: dict[str, set[FeedbackKind]],
    today: date,
    previous_visit_at: datetime | None,
) -> Sequence[RankedVacancy]:
    """Every vacancy in the feed, best first: score, then newest posted, then vacancy id."""
    if isinstance(matches, VacancyMatches) and matches.profile is profile:
        return _rank_vectorised(matches, feedback, today, previous_visit_at)
    ranked = []
    recency_of: dict[str, float] = {}  # many vacancies share a posting date
    for vac, match in matches:
        kinds = feedback.get(vac.vacancy.vacancy_id, set())
        if FeedbackKind.DISMISS in kinds:
            continue
        saved, applied = FeedbackKind.SAVE in kinds, FeedbackKind.APPLIED in kinds
        bonus = (FEEDBACK_SAVED if saved else 0.0) + (FEEDBACK_APPLIED if applied else 0.0)
        posted = vac.vacancy.date_posted
        recency = recency_of.get(posted)
        if recency is None:
            recency = recency_of[posted] = recency_part(posted, today)
        skills = profile.skills
        score = combine(  # the same parts as ranking.score_rule_match, without building them
            OCCUPATION_CLOSENESS[match.occupation_match],
            skills_part(
                sum(1 for s in vac.required_skills if s in skills),
                len(vac.required_skills),
                sum(1 for s in vac.optional_skills if s in skills),
                len(vac.optional_skills),
            ),
            distance_part(match.distance_km, match.via_remote),
            hours_part(vac.hours_low, vac.hours_high, profile.hours_min, profile.hours_max),
            recency,
            bonus,
        )
        is_new = previous_visit_at is not None and vac.vacancy.received_at > previous_visit_at
        ranked.append(RankedVacancy(vac, match, score, is_new, saved, applied))
    # Newest first among equal scores: ISO dates sort as text, so negate via a reversed key.
    ranked.sort(key=lambda r: r.vac.vacancy.vacancy_id)
    ranked.sort(key=lambda r: r.vac.vacancy.date_posted, reverse=True)
    ranked.sort(key=lambda r: -r.score)
    return ranked


def page(
    profile: ProfileCriteria,
    home_place_name: str,
    ranked: Sequence[RankedVacancy],
    cursor: FeedCursor,
    page_size: int,
    today: date,
    tokens: PageTokens,
) -> FeedPage:
    """One page of `ranked`, with explanations built only for the items on it; the next
    page's token signed by `tokens`."""
    window = ranked[cursor.offset : cursor.offset + page_size]
    items = []
    for k, r in enumerate(window, start=cursor.offset):
        parts = (
            ranked.parts(k, r.match)
            if isinstance(ranked, RankedFeed)
            else score_rule_match(
                profile,
                r.vac,
                r.match,
                today,
                (FEEDBACK_SAVED if r.saved else 0.0) + (FEEDBACK_APPLIED if r.applied else 0.0),
            )
        )
        items.append(
            FeedItem(
                r.vac.vacancy,
                r.score,
                r.is_new,
                r.saved,
                r.applied,
                explain(profile, home_place_name, r.vac, r.match, parts),
            )
        )
    end = cursor.offset + len(window)
    next_token = (
        encode_cursor(FeedCursor(end, cursor.previous_visit_at, cursor.scope), tokens) if end < len(ranked) else ""
    )
    new_count = ranked.new_count if isinstance(ranked, RankedFeed) else sum(1 for r in ranked if r.is_new)
    return FeedPage(tuple(items), next_token, len(ranked), new_count, cursor.previous_visit_at)
