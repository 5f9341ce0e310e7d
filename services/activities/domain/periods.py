"""Obligation periods and their assessment: met / open / at risk / notice / missed / exempt.

Pure: `today` is passed in. Activities are given as compact `ActivityFact`s so a caseload of
hundreds of clients can be assessed from a few narrow rows. Sources: UWV jobsearch
requirement (https://uwv.nl/en/individuals/unemployment-benefit/jobsearch-requirement),
Juridisch Loket (WW: at least 4 per 4 weeks), UWV holiday and illness pages (exemptions).

Required activities scale with the non-exempt working days of the period: N x (working days
without exemption) / (working days of the full P-week window), rounded to the nearest whole
number with a half going to the client (2.5 -> 2). The sources say "pro rata" and give no
rounding; a shortfall can lead to a sanction, so a tie is decided in the client's favour.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from services.activities.domain.counting import Candidate, WeekNeed, choose_counted
from services.activities.domain.eligibility import eligible
from services.activities.domain.exemptions import working_days
from services.activities.domain.grid import Period, period_containing, periods_until
from services.activities.domain.model import ActivityType, Verification
from services.activities.domain.needs import needed_texts

__all__ = [
    "STATUS_ORDER",
    "ActivityFact",
    "AtRiskReason",
    "Period",
    "PeriodAssessment",
    "PeriodStatus",
    "assess",
    "assess_history",
    "last_activity_date",
    "period_containing",
    "periods_until",
]


class PeriodStatus(StrEnum):
    MET = "met"
    OPEN = "open"
    AT_RISK = "at_risk"
    MISSED = "missed"
    EXEMPT = "exempt"
    # Closed without enough activities: the client got a notice and may respond (hoor en wederhoor).
    NOTICE = "notice"


class AtRiskReason(StrEnum):
    DAYS_LEFT = "days_left"
    INACTIVITY = "inactivity"
    WEEKLY_MINIMUM = "weekly_minimum"


@dataclass(frozen=True)
class ActivityFact:
    """The little the rules need of an activity (withdrawn ones are never facts)."""

    activity_id: str
    type: ActivityType
    date: date
    logged_on: datetime.date  # (the field above hides the name `date` in this class)
    verification: Verification = Verification.UNVERIFIED
    employer_key: str = ""  # normalised employer or agency name (see eligibility.employer_key)
    vacancy_id: str = ""


@dataclass(frozen=True)
class PeriodAssessment:
    period: Period
    status: PeriodStatus
    required: int
    counted: int
    counted_unverified: int
    still_needed: int
    counts: dict[ActivityType, tuple[int, int]]  # type -> (logged, counted)
    counted_ids: frozenset[str]
    at_risk_reasons: tuple[AtRiskReason, ...] = ()
    needed: tuple[str, ...] = field(default=())
    # Weeks that ended below the weekly minimum (their first days).
    weeks_below_minimum: tuple[date, ...] = ()

    @property
    def relies_on_unverified(self) -> bool:
        return self.counted_unverified > 0 and self.counted - self.counted_unverified < self.required


def _required(n: int, own_days: int, window_days: int) -> int:
    """n x own / window, nearest whole number, a half rounded down (in the client's favour)."""
    return (2 * n * own_days + window_days - 1) // (2 * window_days)


def _weeks(period: Period, exempt: set[date], today: date) -> list[WeekNeed]:
    rule = period.policy.rule
    if not rule.min_per_week:
        return []
    weeks = []
    start = period.start
    while start + timedelta(days=6) <= period.end:
        end = start + timedelta(days=6)
        if not any(start + timedelta(days=i) in exempt for i in range(7)):
            weeks.append(WeekNeed(start, end, rule.min_per_week, running=end >= today))
        start = end + timedelta(days=1)
    return weeks


def _quiet_days(policy_exempt, since: date, today: date, enough: int) -> int:
    """Days after `since` up to today without exemption (counting stops at `enough`)."""
    if policy_exempt is None:  # a policy without exemptions: every day counts
        return max(min((today - since).days, enough), 0)
    quiet, day = 0, today
    while day > since and quiet < enough:
        quiet += not policy_exempt(day)
        day -= timedelta(days=1)
    return quiet


@dataclass(frozen=True)
class _Counting:
    exempt: set[date]
    in_period: list[ActivityFact]
    weeks: list[WeekNeed]
    counted_ids: frozenset[str]


def _counting(period: Period, facts: list[ActivityFact], today: date) -> _Counting:
    """Which of the period's activities count (the part of `assess` that LogActivity needs)."""
    policy, start, end = period.policy, period.start, period.end
    exempt = (
        {
            start + timedelta(days=i)
            for i in range((end - start).days + 1)
            if policy.exempt_on(start + timedelta(days=i))
        }
        if policy.exemptions
        else set()
    )
    in_period = [f for f in facts if start <= f.date <= end and f.verification is not Verification.REJECTED]
    candidates: list[Candidate] = eligible(period, facts, in_period)
    weeks = _weeks(period, exempt, today)
    return _Counting(exempt, in_period, weeks, choose_counted(candidates, policy.rule.caps, weeks))


def counted_ids(period: Period, facts: Iterable[ActivityFact], today: date) -> frozenset[str]:
    """The ids of the period's activities that count: `assess(...).counted_ids`, without the
    rest of the assessment (status, weeks, texts)."""
    return _counting(period, list(facts), today).counted_ids


def assess(
    period: Period, facts: Iterable[ActivityFact], today: date, last_activity: date | None = None
) -> PeriodAssessment:
    policy, rule, start, end = period.policy, period.policy.rule, period.start, period.end
    counting = _counting(period, list(facts), today)
    exempt, in_period, weeks, counted_ids = counting.exempt, counting.in_period, counting.weeks, counting.counted_ids
    counted = [f for f in in_period if f.activity_id in counted_ids]
    logged: dict[ActivityType, int] = {}
    for f in in_period:
        logged[f.type] = logged.get(f.type, 0) + 1
    per_type: dict[ActivityType, int] = {}
    for f in counted:
        per_type[f.type] = per_type.get(f.type, 0) + 1
    counts = {k: (v, per_type.get(k, 0)) for k, v in logged.items()}
    unverified = sum(1 for f in counted if f.verification is Verification.UNVERIFIED)
    own_days = [d for d in working_days(start, end) if d not in exempt] if exempt else working_days(start, end)
    if not own_days:
        return PeriodAssessment(period, PeriodStatus.EXEMPT, 0, len(counted), unverified, 0, counts, counted_ids)

    required = _required(rule.required_activities, len(own_days), len(working_days(*period.window)))
    missing_running: list[tuple[WeekNeed, int]] = []
    below: list[date] = []
    for week in weeks:
        in_week = sum(1 for f in counted if week.start <= f.date <= week.end)
        if in_week < week.minimum:
            if week.running:
                missing_running.append((week, week.minimum - in_week))
            else:
                below.append(week.start)
    still_needed = max(required - len(counted), sum(m for _, m in missing_running), 0)

    reasons: list[AtRiskReason] = []
    if not still_needed and not below:
        status = PeriodStatus.MET
    elif period.past_deadline(today):
        status = PeriodStatus.MISSED if period.closed(today) else PeriodStatus.NOTICE
    else:
        if below:
            reasons.append(AtRiskReason.WEEKLY_MINIMUM)
        days_left = max((end - today).days + 1, 0)  # the days up to the end, less the exempt ones
        if exempt:
            days_left -= sum(1 for i in range(days_left) if (today + timedelta(days=i)) in exempt)
        if days_left < still_needed * rule.at_risk_days_per_activity:
            reasons.append(AtRiskReason.DAYS_LEFT)
        quiet_since = max(d for d in (last_activity, policy.start_date) if d is not None)
        threshold = rule.at_risk_inactivity_days
        if (
            threshold
            and _quiet_days(policy.exempt_on if policy.exemptions else None, quiet_since, today, threshold) >= threshold
        ):
            reasons.append(AtRiskReason.INACTIVITY)
        status = PeriodStatus.AT_RISK if reasons else PeriodStatus.OPEN
    needed = needed_texts(period, still_needed, missing_running, below, status)
    return PeriodAssessment(
        period,
        status,
        required,
        len(counted),
        unverified,
        still_needed,
        counts,
        counted_ids,
        tuple(reasons),
        needed,
        tuple(below),
    )


def last_activity_date(facts: Iterable[ActivityFact]) -> date | None:
    dates = [f.date for f in facts if f.verification is not Verification.REJECTED]
    return max(dates, default=None)


def assess_history(versions, facts: list[ActivityFact], today: date) -> list[PeriodAssessment]:
    """Every period up to today, oldest first."""
    last = last_activity_date(f for f in facts if f.date <= today)
    return [assess(p, facts, today, last) for p in periods_until(versions, today)]


# Caseload order: at-risk first, then notice, missed, open, met, exempt.
STATUS_ORDER = {
    PeriodStatus.AT_RISK: 0,
    PeriodStatus.NOTICE: 1,
    PeriodStatus.MISSED: 2,
    PeriodStatus.OPEN: 3,
    PeriodStatus.MET: 4,
    PeriodStatus.EXEMPT: 5,
}
