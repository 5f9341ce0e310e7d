"""The period grid: P-week periods anchored on the first WW day (or the decision date).

The grid stays on the anchor across policy versions: a version that starts mid-period ends
the running period of the old version the day before (that period is shortened and its N
pro rata), and the new version's first period runs to the next boundary of its own grid from
the same anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.activities.domain.policy import PolicyVersion, effective_versions


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    policy: PolicyVersion
    # The full P-week window of the grid this period lies in (start..end may be a part of it).
    window_start: date | None = None

    @property
    def window(self) -> tuple[date, date]:
        first = self.window_start or self.start
        return first, first + timedelta(days=self.policy.rule.period_days - 1)

    @property
    def deadline(self) -> date:
        """Last day an activity of this period may be logged (end + grace days)."""
        return self.end + timedelta(days=self.policy.rule.grace_days)

    @property
    def respond_by(self) -> date:
        """Hoor en wederhoor: last day to respond to the notice before the period is missed."""
        return self.deadline + timedelta(days=self.policy.rule.response_days)

    def past_deadline(self, today: date) -> bool:
        return today > self.deadline

    def closed(self, today: date) -> bool:
        """Final: the deadline and the response window are over."""
        return today > self.respond_by


def _anchor(effective: list[PolicyVersion]) -> date:
    first = effective[0]
    return min(first.anchor, first.start_date)


def _period_at(version: PolicyVersion, anchor: date, day: date, limit: date | None) -> Period | None:
    length = version.rule.period_days
    window_start = anchor + timedelta(days=((day - anchor).days // length) * length)
    start = max(window_start, version.start_date)
    end = window_start + timedelta(days=length - 1)
    if limit is not None:
        end = min(end, limit)
    if version.rule.max_periods:
        first_window = anchor + timedelta(days=((version.start_date - anchor).days // length) * length)
        if (window_start - first_window).days // length >= version.rule.max_periods:
            return None
    return Period(start, end, version, window_start)


def periods_until(versions: list[PolicyVersion], until: date) -> list[Period]:
    """Every period that started on or before `until`, oldest first."""
    effective = effective_versions(versions)
    if not effective:
        return []
    anchor = _anchor(effective)
    result: list[Period] = []
    for i, version in enumerate(effective):
        limit = effective[i + 1].start_date - timedelta(days=1) if i + 1 < len(effective) else None
        start = version.start_date
        while start <= until and (limit is None or start <= limit):
            period = _period_at(version, anchor, start, limit)
            if period is None:
                break
            result.append(period)
            start = period.end + timedelta(days=1)
    return result


def period_containing(versions: list[PolicyVersion], day: date) -> Period | None:
    """The period a day falls in, computed without walking every earlier period."""
    effective = effective_versions(versions)
    if not effective:
        return None
    anchor = _anchor(effective)
    for i in range(len(effective) - 1, -1, -1):
        version = effective[i]
        if version.start_date > day:
            continue
        limit = effective[i + 1].start_date - timedelta(days=1) if i + 1 < len(effective) else None
        return _period_at(version, anchor, day, limit)
    return None
