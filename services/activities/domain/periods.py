"""Obligation periods and their assessment: met / open / at risk / missed / exempt.

Pure: `today` is passed in. Activities are given as compact `ActivityFact`s so a caseload of
hundreds of clients can be assessed from a few narrow rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from services.activities.domain.model import ActivityType, Verification
from services.activities.domain.policy import PolicyVersion, effective_versions
from services.common.errors import t


class PeriodStatus(StrEnum):
    MET = "met"
    OPEN = "open"
    AT_RISK = "at_risk"
    MISSED = "missed"
    EXEMPT = "exempt"


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
    logged_on: date
    verification: Verification = Verification.UNVERIFIED


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    policy: PolicyVersion

    @property
    def deadline(self) -> date:
        return self.end + timedelta(days=self.policy.rule.grace_days)

    def closed(self, today: date) -> bool:
        return today > self.deadline


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

    @property
    def relies_on_unverified(self) -> bool:
        return self.counted_unverified > 0 and self.counted - self.counted_unverified < self.required


def periods_until(versions: list[PolicyVersion], until: date) -> list[Period]:
    """Every period that started on or before `until`, oldest first."""
    result: list[Period] = []
    effective = effective_versions(versions)
    for i, version in enumerate(effective):
        limit = effective[i + 1].start_date - timedelta(days=1) if i + 1 < len(effective) else None
        start = version.start_date
        while start <= until and (limit is None or start <= limit):
            end = start + timedelta(days=version.rule.period_days - 1)
            result.append(Period(start, min(end, limit) if limit else end, version))
            start = end + timedelta(days=1)
    return result


def period_containing(versions: list[PolicyVersion], day: date) -> Period | None:
    """The period a day falls in, computed without walking every earlier period."""
    effective = effective_versions(versions)
    for i in range(len(effective) - 1, -1, -1):
        version = effective[i]
        if version.start_date > day:
            continue
        length = version.rule.period_days
        start = version.start_date + timedelta(days=((day - version.start_date).days // length) * length)
        end = start + timedelta(days=length - 1)
        if i + 1 < len(effective):
            end = min(end, effective[i + 1].start_date - timedelta(days=1))
        return Period(start, end, version)
    return None


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _required(period: Period, exempt_days: int) -> int:
    """N pro rata for the days that are not exempt (a shortened or partly exempt period)."""
    rule = period.policy.rule
    days = (period.end - period.start).days + 1 - exempt_days
    # Round half up: 4 per 28 days over 14 days is 2.
    return (2 * rule.required_activities * days + rule.period_days) // (2 * rule.period_days)


def assess(
    period: Period, facts: Iterable[ActivityFact], today: date, last_activity: date | None = None
) -> PeriodAssessment:
    policy, rule = period.policy, period.policy.rule
    start, end, deadline = period.start, period.end, period.deadline
    period_length = (end - start).days + 1
    # Day lists only when something depends on single days (exemptions, weekly minimum).
    days = _days(start, end) if policy.exemptions or rule.min_per_week else []
    exempt = {d for d in days if policy.exempt_on(d)} if policy.exemptions else set()
    in_period = sorted(
        (f for f in facts if start <= f.date <= end and f.verification is not Verification.REJECTED),
        # Approved ones first, so a cap keeps the activities that are certain to count.
        key=lambda f: (f.verification is not Verification.APPROVED, f.date, f.activity_id),
    )
    logged: dict[ActivityType, int] = {}
    counted_per_type: dict[ActivityType, int] = {}
    counted: list[ActivityFact] = []
    counting_types, caps = rule.counting_types, rule.caps
    for fact in in_period:
        logged[fact.type] = logged.get(fact.type, 0) + 1
        if fact.type not in counting_types or fact.logged_on > deadline:
            continue
        so_far = counted_per_type.get(fact.type, 0)
        if fact.type in caps and so_far >= caps[fact.type]:
            continue
        counted_per_type[fact.type] = so_far + 1
        counted.append(fact)
    counts = {k: (v, counted_per_type.get(k, 0)) for k, v in logged.items()}
    unverified = sum(1 for f in counted if f.verification is Verification.UNVERIFIED)
    ids = frozenset(f.activity_id for f in counted)
    if len(exempt) == period_length:
        return PeriodAssessment(period, PeriodStatus.EXEMPT, 0, len(counted), unverified, 0, counts, ids)

    required = _required(period, len(exempt))
    still_needed = max(required - len(counted), 0)
    needed: list[str] = []
    short_weeks: list[date] = []
    open_week_need = 0
    if rule.min_per_week:
        for week_start in range(0, len(days) - 6, 7):
            week = days[week_start:week_start + 7]
            if any(d in exempt for d in week):
                continue  # the weekly minimum applies to whole weeks without exemption
            in_week = sum(1 for f in counted if week[0] <= f.date <= week[-1])
            if in_week < rule.min_per_week:
                missing = rule.min_per_week - in_week
                if week[-1] < today:
                    short_weeks.append(week[0])
                else:
                    open_week_need += missing
                needed.append(t(
                    f"Week vanaf {week[0].isoformat()}: nog {missing} activiteit(en).",
                    f"Week from {week[0].isoformat()}: {missing} more activit{'y' if missing == 1 else 'ies'}."))
    if still_needed:
        needed.insert(0, t(
            f"Nog {still_needed} activiteit(en) vóór {period.end.isoformat()}.",
            f"{still_needed} more activit{'y' if still_needed == 1 else 'ies'} by {period.end.isoformat()}."))
    still_needed = max(still_needed, open_week_need + len(short_weeks))

    reasons: list[AtRiskReason] = []
    if not still_needed:
        status = PeriodStatus.MET
    elif period.closed(today):
        status = PeriodStatus.MISSED
    else:
        days_left = max((period.end - today).days + 1, 0)
        if short_weeks:
            reasons.append(AtRiskReason.WEEKLY_MINIMUM)
        if days_left < still_needed * rule.at_risk_days_per_activity:
            reasons.append(AtRiskReason.DAYS_LEFT)
        quiet_since = max(d for d in (last_activity, policy.start_date) if d is not None)
        if rule.at_risk_inactivity_days and (today - quiet_since).days >= rule.at_risk_inactivity_days:
            reasons.append(AtRiskReason.INACTIVITY)
        status = PeriodStatus.AT_RISK if reasons else PeriodStatus.OPEN
    return PeriodAssessment(
        period, status, required, len(counted), unverified, still_needed, counts, ids, tuple(reasons), tuple(needed)
    )


def last_activity_date(facts: Iterable[ActivityFact]) -> date | None:
    dates = [f.date for f in facts if f.verification is not Verification.REJECTED]
    return max(dates, default=None)


def assess_history(versions: list[PolicyVersion], facts: list[ActivityFact], today: date) -> list[PeriodAssessment]:
    """Every period up to today, oldest first."""
    last = last_activity_date(f for f in facts if f.date <= today)
    return [assess(p, facts, today, last) for p in periods_until(versions, today)]


# Caseload order: at-risk first, then missed, open, met, exempt.
STATUS_ORDER = {
    PeriodStatus.AT_RISK: 0, PeriodStatus.MISSED: 1, PeriodStatus.OPEN: 2,
    PeriodStatus.MET: 3, PeriodStatus.EXEMPT: 4,
}
