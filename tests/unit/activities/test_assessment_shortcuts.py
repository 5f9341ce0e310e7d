"""The assessment's shortcut for a policy without exemptions (the quiet days since the last
activity in closed form instead of day by day) gives what the day-by-day path gives.

The day-by-day path runs for any policy with exemptions, so the same policy with one
exemption that covers no day near the period is the reference."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from test_obligation_properties import START, facts, first_period, rules

from services.activities.domain.exemptions import working_days
from services.activities.domain.periods import _quiet_days, assess
from services.activities.domain.policy import Exemption, ExemptionReason

# Long before any period of the tests: the exemption is there, and exempts nothing.
FAR_BACK = Exemption(start_date=date(2020, 1, 6), end_date=date(2020, 1, 10), reason=ExemptionReason.OTHER)


def with_far_exemption(period):
    policy = period.policy.model_copy(update={"exemptions": (FAR_BACK,)})
    return replace(period, policy=policy)


@settings(max_examples=300, deadline=None)
@given(
    rule=rules,
    done=facts,
    today_offset=st.integers(-10, 90),
    quiet_from=st.integers(-60, 60),
)
def test_an_assessment_without_exemptions_equals_the_day_by_day_one(rule, done, today_offset, quiet_from):
    period = first_period(rule)
    today = START + timedelta(days=today_offset)
    last = START + timedelta(days=quiet_from)
    fast = assess(period, done, today, last)
    slow = assess(with_far_exemption(period), done, today, last)
    assert replace(fast, period=slow.period) == slow
    assert fast.needed == slow.needed and [t.en for t in fast.needed] == [t.en for t in slow.needed]


@settings(max_examples=500, deadline=None)
@given(since=st.integers(-100, 100), enough=st.integers(0, 40))
def test_quiet_days_without_exemptions_count_every_day_after_since_up_to_enough(since, enough):
    today = START
    assert _quiet_days(None, today + timedelta(days=since), today, enough) == _quiet_days(
        lambda day: False, today + timedelta(days=since), today, enough
    )


def test_working_days_skip_weekends_and_public_holidays_and_are_worked_out_once():
    days = working_days(date(2026, 4, 24), date(2026, 5, 1))  # Koningsdag is Monday 27 April 2026
    assert days == (date(2026, 4, 24), date(2026, 4, 28), date(2026, 4, 29), date(2026, 4, 30), date(2026, 5, 1))
    assert working_days(date(2026, 4, 24), date(2026, 5, 1)) is days
