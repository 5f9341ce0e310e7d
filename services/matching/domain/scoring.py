"""The match score: a documented weighted sum, the same for feeds and match events.

    score = 0.40 * occupation + 0.25 * skills + 0.20 * distance + 0.10 * hours + 0.05 * recency

each part in 0..1:
- occupation: EXACT 1.0, same ISCO unit group 0.75, same ISCO minor group 0.5;
- skills: weighted share of the vacancy's skills the client has, required skills count
  double: (2*common_required + common_optional) / (2*required + optional); 0.5 when the
  vacancy lists no skills (no information is neither good nor bad);
- distance: exp(-km / 20) (1.0 at home, ~0.29 at 25 km); 1.0 for a remote vacancy the client
  accepts as remote;
- hours: share of the vacancy's hours range inside the client's window (1.0 for a fixed
  number of hours inside it); 0.5 when the vacancy gives no hours;
- recency: 0.5 ** (days since posted / 14) (half-life two weeks); 0.5 when no date.
The feed adds a feedback part (saved +0.05, applied -0.10) so saved vacancies rise and those
already applied to sink; match events carry the score without it. Scores are rounded to 6
decimals; ties are broken by newest date_posted, then vacancy_id (feed) or client_id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from services.matching.domain.model import OccupationMatch

WEIGHT_OCCUPATION = 0.40
WEIGHT_SKILLS = 0.25
WEIGHT_DISTANCE = 0.20
WEIGHT_HOURS = 0.10
WEIGHT_RECENCY = 0.05
OCCUPATION_CLOSENESS = {
    OccupationMatch.EXACT: 1.0,
    OccupationMatch.UNIT_GROUP: 0.75,
    OccupationMatch.MINOR_GROUP: 0.5,
}
DISTANCE_SCALE_KM = 20.0
RECENCY_HALF_LIFE_DAYS = 14.0
FEEDBACK_SAVED = 0.05
FEEDBACK_APPLIED = -0.10
NEUTRAL = 0.5


@dataclass(frozen=True, slots=True)
class ScoreParts:
    occupation: float
    skills: float
    distance: float
    hours: float
    recency: float
    feedback: float = 0.0

    @property
    def total(self) -> float:
        return combine(self.occupation, self.skills, self.distance, self.hours, self.recency, self.feedback)


def combine(
    occupation: float, skills: float, distance: float, hours: float, recency: float, feedback: float = 0.0
) -> float:
    """The weighted sum; the one place it is computed, so every path gives the same float."""
    return round(
        WEIGHT_OCCUPATION * occupation
        + WEIGHT_SKILLS * skills
        + WEIGHT_DISTANCE * distance
        + WEIGHT_HOURS * hours
        + WEIGHT_RECENCY * recency
        + feedback,
        6,
    )


def skills_part(common_required: int, required: int, common_optional: int, optional: int) -> float:
    denominator = 2 * required + optional
    if denominator == 0:
        return NEUTRAL
    return (2 * common_required + common_optional) / denominator


def distance_part(distance_km: float | None, via_remote: bool) -> float:
    if via_remote or distance_km is None:
        return 1.0
    return math.exp(-distance_km / DISTANCE_SCALE_KM)


def hours_part(low: float, high: float, window_min: int, window_max: int) -> float:
    if high <= 0:
        return NEUTRAL
    if high == low:
        return 1.0 if window_min <= low <= window_max else 0.0
    overlap = min(high, window_max) - max(low, window_min)
    return max(0.0, overlap) / (high - low)


def recency_part(date_posted: str, today: date) -> float:
    try:
        posted = date.fromisoformat(date_posted)
    except ValueError:
        return NEUTRAL
    age = max(0, (today - posted).days)
    return 0.5 ** (age / RECENCY_HALF_LIFE_DAYS)


def score_parts(
    *,
    occupation_match: OccupationMatch,
    common_required: int,
    required: int,
    common_optional: int,
    optional: int,
    distance_km: float | None,
    via_remote: bool,
    hours_low: float,
    hours_high: float,
    window_min: int,
    window_max: int,
    date_posted: str,
    today: date,
    feedback: float = 0.0,
    recency: float | None = None,
) -> ScoreParts:
    return ScoreParts(
        occupation=OCCUPATION_CLOSENESS[occupation_match],
        skills=skills_part(common_required, required, common_optional, optional),
        distance=distance_part(distance_km, via_remote),
        hours=hours_part(hours_low, hours_high, window_min, window_max),
        recency=recency_part(date_posted, today) if recency is None else recency,
        feedback=feedback,
    )
