"""Properties of the period assessment over generated activities and policies (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.activities.domain.model import ActivityType, Verification
from services.activities.domain.periods import ActivityFact, PeriodStatus, assess, periods_until
from services.activities.domain.policy import ObligationRule, PolicyVersion

START = date(2026, 1, 5)

rules = st.builds(
    ObligationRule,
    required_activities=st.integers(1, 8),
    period_weeks=st.integers(1, 6),
    min_per_week=st.integers(0, 2),
    counting_types=st.frozensets(st.sampled_from(list(ActivityType)), min_size=1),
    caps=st.dictionaries(st.sampled_from(list(ActivityType)), st.integers(0, 3), max_size=3),
    grace_days=st.integers(0, 14),
)
facts = st.lists(
    st.builds(
        lambda n, t, d, late, v: ActivityFact(f"a-{n}", t, START + timedelta(days=d), START + timedelta(days=d + late), v),
        st.integers(0, 10**6), st.sampled_from(list(ActivityType)), st.integers(-3, 45), st.integers(0, 20),
        st.sampled_from(list(Verification)),
    ),
    max_size=30, unique_by=lambda f: f.activity_id,
)


def first_period(rule: ObligationRule):
    policy = PolicyVersion(client_id="c", version=1, template="custom", rule=rule, start_date=START,
                           deviation_reason="test", set_by="cw", set_at=datetime(2026, 1, 1, tzinfo=UTC))
    return periods_until([policy], START)[0]


class TestAssessmentProperties:
    @settings(max_examples=300, deadline=None)
    @given(rule=rules, done=facts, today_offset=st.integers(0, 90))
    def test_only_counting_in_period_not_rejected_activities_count_within_caps(self, rule, done, today_offset):
        period = first_period(rule)
        result = assess(period, done, START + timedelta(days=today_offset))
        by_id = {f.activity_id: f for f in done}
        counted = [by_id[i] for i in result.counted_ids]
        assert all(f.type in rule.counting_types and f.verification is not Verification.REJECTED
                   and period.start <= f.date <= period.end and f.logged_on <= period.deadline for f in counted)
        for kind, cap in rule.caps.items():
            assert sum(1 for f in counted if f.type is kind) <= cap
        assert result.counted == len(counted) and 0 <= result.counted_unverified <= result.counted

    @settings(max_examples=300, deadline=None)
    @given(rule=rules, done=facts, today_offset=st.integers(0, 90))
    def test_met_means_nothing_is_still_needed_and_missed_only_after_the_deadline(self, rule, done, today_offset):
        period = first_period(rule)
        today = START + timedelta(days=today_offset)
        result = assess(period, done, today)
        assert (result.status is PeriodStatus.MET) == (result.still_needed == 0)
        if result.status is PeriodStatus.MISSED:
            assert today > period.deadline
        if today > period.deadline:
            assert result.status in (PeriodStatus.MET, PeriodStatus.MISSED)

    @settings(max_examples=200, deadline=None)
    @given(rule=rules, done=facts, day=st.integers(0, 6))
    def test_one_more_approved_counting_activity_never_lowers_the_count(self, rule, done, day):
        period = first_period(rule)
        today = START + timedelta(days=60)
        extra = ActivityFact("a-extra", sorted(rule.counting_types)[0], START + timedelta(days=day),
                             START + timedelta(days=day), Verification.APPROVED)
        before, after = assess(period, done, today), assess(period, [*done, extra], today)
        assert after.counted >= before.counted
        assert after.still_needed <= before.still_needed
