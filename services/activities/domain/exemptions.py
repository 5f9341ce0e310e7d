"""Exemptions from the job-search obligation, with the limits the public sources set.

Sources:
- UWV, vakantie doorgeven met een WW-uitkering: 20 holiday days a year, pro rata; no duty to
  apply on a holiday day; weekends and public holidays are not holiday days.
- UWV, ziek met een WW-uitkering: the first 13 weeks of illness the client keeps applying,
  unless they said at the sick report that they cannot meet the WW duties.
- UWV jaarverslag 2018: exemption for part-time work at most 3 months.
- Rijksoverheid, ontheffing sollicitatieplicht: mantelzorg, volunteering, training/education,
  starting a business, trial placement (proefplaatsing), a crisis (at most 4 weeks);
  Participatiefonds: within 1 year of the AOW age.
Dutch public holidays come from the maintained `holidays` package.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from pydantic import BaseModel, ConfigDict

from services.activities.domain.texts import number_nl
from services.common.errors import FieldViolation, t

HOLIDAY_DAYS_PER_YEAR = 20
ILLNESS_KEEPS_APPLYING = timedelta(weeks=13)
CRISIS_MAX = timedelta(weeks=4)
NEAR_AOW_MAX = timedelta(days=366)


class ExemptionReason(StrEnum):
    ILLNESS = "illness"
    PART_TIME_WORK = "part_time_work"
    OTHER = "other"
    HOLIDAY = "holiday"
    MANTELZORG = "mantelzorg"
    EDUCATION = "education"
    OWN_BUSINESS = "own_business"
    TRIAL_PLACEMENT = "trial_placement"
    CRISIS = "crisis"
    NEAR_AOW = "near_aow"
    VOLUNTEERING = "volunteering"


class Exemption(BaseModel):
    model_config = ConfigDict(frozen=True)
    start_date: date
    end_date: date
    reason: ExemptionReason
    # Illness: the client said at the sick report that they cannot meet the WW duties.
    declared_unable: bool = False

    def covers(self, day: date) -> bool:
        if not self.start_date <= day <= self.end_date:
            return False
        if self.reason is ExemptionReason.HOLIDAY:
            return is_working_day(day)  # weekends and public holidays are no holiday days
        if self.reason is ExemptionReason.ILLNESS and not self.declared_unable:
            return day >= self.start_date + ILLNESS_KEEPS_APPLYING  # keeps applying the first 13 weeks
        return True


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


@lru_cache(maxsize=4096)
def working_days(start: date, end: date) -> tuple[date, ...]:
    """Cached: the clients of a caseload mostly share their periods' windows, so each window's
    working days are worked out once and not again per client (and per call)."""
    return tuple(d for i in range((end - start).days + 1) if is_working_day(d := start + timedelta(days=i)))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def limit_violations(exemptions: Iterable[Exemption], field: str = "exemptions") -> list[FieldViolation]:
    """Exemptions longer than their source allows."""
    found = []
    for i, e in enumerate(exemptions):
        name = f"{field}[{i}].end_date"
        if e.reason is ExemptionReason.PART_TIME_WORK and e.end_date >= _add_months(e.start_date, 3):
            found.append(
                FieldViolation(
                    name,
                    t(
                        "Vrijstelling voor deeltijdwerk duurt hoogstens 3 maanden. Kies een eerdere einddatum.",
                        "An exemption for part-time work lasts at most 3 months. Choose an earlier end date.",
                    ),
                )
            )
        elif e.reason is ExemptionReason.CRISIS and e.end_date - e.start_date >= CRISIS_MAX:
            found.append(
                FieldViolation(
                    name,
                    t(
                        "Vrijstelling bij een crisis duurt hoogstens 4 weken. Kies een eerdere einddatum.",
                        "An exemption for a crisis lasts at most 4 weeks. Choose an earlier end date.",
                    ),
                )
            )
        elif e.reason is ExemptionReason.NEAR_AOW and e.end_date - e.start_date >= NEAR_AOW_MAX:
            found.append(
                FieldViolation(
                    name,
                    t(
                        "Vrijstelling vlak voor de AOW geldt alleen in het laatste jaar: einddatum is de AOW-datum.",
                        "The exemption before the state pension applies only in the last year: the end date is the AOW date.",
                    ),
                )
            )
    return found


def holiday_budget(year: int, obligation_start: date) -> float:
    """Holiday days for a calendar year: 20, pro rata for the part of the year with the obligation.

    UWV gives the days pro rata without a rounding rule; we round up to half days (in the
    client's favour).
    """
    first = max(obligation_start, date(year, 1, 1))
    last = date(year, 12, 31)
    if first > last:
        return 0.0
    share = ((last - first).days + 1) / ((last - date(year, 1, 1)).days + 1)
    return math.ceil(HOLIDAY_DAYS_PER_YEAR * share * 2) / 2


def holiday_violations(
    exemptions: Iterable[Exemption], obligation_start: date, earlier: Iterable[Exemption] = ()
) -> list[FieldViolation]:
    """Holiday days (working days only) per calendar year may not exceed the year's budget.

    `earlier`: holidays of earlier policy versions, counted but not named in the violation.
    """
    used: dict[int, int] = {}
    last_index: dict[int, int] = {}
    for e in earlier:
        for d in working_days(e.start_date, e.end_date):
            used[d.year] = used.get(d.year, 0) + 1
    for i, e in enumerate(exemptions):
        if e.reason is ExemptionReason.HOLIDAY:
            for d in working_days(e.start_date, e.end_date):
                used[d.year] = used.get(d.year, 0) + 1
                last_index[d.year] = i
    found = []
    for year, days in sorted(used.items()):
        if year not in last_index:
            continue
        budget = holiday_budget(year, obligation_start)
        if days > budget:
            found.append(
                FieldViolation(
                    f"exemptions[{last_index[year]}].end_date",
                    t(
                        f"Dat zijn {days} vakantiedagen in {year}; u hebt er {number_nl(budget)}. "
                        "Weekenden en feestdagen tellen niet mee. Kies minder dagen.",
                        f"That is {days} holiday days in {year}; the budget is {budget:g}. "
                        "Weekends and public holidays do not count. Choose fewer days.",
                    ),
                )
            )
    return found
