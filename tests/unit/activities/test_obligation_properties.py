"""Properties of the period assessment over generated activities and policies (hypothesis).

Issue 15: doing more may never be punished. Adding a valid activity never lowers `counted`,
never raises `still_needed`, never turns MET into anything else, and never raises the
shortfall of the weekly minimum.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.activities.domain.model import ActivityType, Verification
from services.activities.domain.periods import ActivityFact, PeriodStatus, assess, periods_until
from services.activities.domain.policy import ObligationRule, PolicyVersion

START = date(2026, 1, 5)
EMPLOYERS = ["", "Randstad", "Tempo-Team", "Zorggroep", "Gemeente"]

rules = st.builds(
    ObligationRule,
    required_activities=st.integers(1, 8),
    period_weeks=st.integers(1, 6),
    min_per_week=st.integers(0, 2),
    counting_types=st.frozensets(st.sampled_from(list(ActivityType)), min_size=1),
    caps=st.dictionaries(st.sampled_from(list(ActivityType)), st.integers(0, 3), max_size=3),
    grace_days=st.integers(0, 14),
    new_agency_only=st.booleans(),
).filter(lambda r: r.min_per_week * r.period_weeks <= r.required_activities)


def _fact(
    n: int, kind: ActivityType, day: int, late: int, v: Verification, employer: str, vacancy: int
) -> ActivityFact:
    return ActivityFact(
        f"a-{n}",
        kind,
        START + timedelta(days=day),
        START + timedelta(days=day + late),
        v,
        employer,
        f"v-{vacancy}" if vacancy else "",
    )


facts = st.lists(
    st.builds(
        _fact,
        st.integers(0, 10**6),
        st.sampled_from(list(ActivityType)),
        st.integers(-3, 45),
        st.integers(0, 20),
        st.sampled_from(list(Verification)),
        st.sampled_from(EMPLOYERS),
        st.integers(0, 3),
    ),
    max_size=30,
    unique_by=lambda f: f.activity_id,
)


def first_period(rule: ObligationRule):
    policy = PolicyVersion(
        client_id="c",
        version=1,
        template="custom",
        rule=rule,
        start_date=START,
        deviation_reason="test",
        set_by="cw",
        set_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return periods_until([policy], START)[0]


class TestAssessmentProperties:
    @settings(max_examples=300, deadline=None)
    @given(rule=rules, done=facts, today_offset=st.integers(0, 90))
    def test_only_counting_in_period_not_rejected_activities_count_within_caps(self, rule, done, today_offset):
        period = first_period(rule)
        result = assess(period, done, START + timedelta(days=today_offset))
        by_id = {f.activity_id: f for f in done}
        counted = [by_id[i] for i in result.counted_ids]
        assert all(
            f.type in rule.counting_types
            and f.verification is not Verification.REJECTED
            and period.start <= f.date <= period.end
            and f.logged_on <= period.deadline
            for f in counted
        )
        for kind, cap in rule.caps.items():
            assert sum(1 for f in counted if f.type is kind) <= cap
        assert result.counted == len(counted) and 0 <= result.counted_unverified <= result.counted

    @settings(max_examples=300, deadline=None)
    @given(rule=rules, done=facts, today_offset=st.integers(0, 90))
    def test_met_means_nothing_needed_and_missed_only_after_the_response_window(self, rule, done, today_offset):
        period = first_period(rule)
        today = START + timedelta(days=today_offset)
        result = assess(period, done, today)
        assert (result.status is PeriodStatus.MET) == (result.still_needed == 0 and not result.weeks_below_minimum)
        if result.status is PeriodStatus.MISSED:
            assert today > period.respond_by
        if today > period.deadline:
            assert result.status in (PeriodStatus.MET, PeriodStatus.NOTICE, PeriodStatus.MISSED)

    @settings(max_examples=300, deadline=None)
    @given(
        rule=rules,
        done=facts,
        day=st.integers(0, 41),
        today_offset=st.integers(0, 90),
        verification=st.sampled_from([Verification.APPROVED, Verification.UNVERIFIED]),
        employer=st.sampled_from(EMPLOYERS),
        pick=st.integers(0, 20),
    )
    def test_one_more_counting_activity_never_lowers_the_count(
        self, rule, done, day, today_offset, verification, employer, pick
    ):
        period = first_period(rule)
        today = START + timedelta(days=today_offset)
        kinds = sorted(rule.counting_types)
        extra = ActivityFact(
            "a-extra",
            kinds[pick % len(kinds)],
            START + timedelta(days=day),
            START + timedelta(days=day),
            verification,
            employer,
        )
        before, after = assess(period, done, today), assess(period, [*done, extra], today)
        assert after.counted >= before.counted
        assert after.still_needed <= before.still_needed
        if before.status is PeriodStatus.MET:
            assert after.status is PeriodStatus.MET

    @settings(max_examples=300, deadline=None)
    @given(rule=rules, done=facts, day=st.integers(0, 41), today_offset=st.integers(0, 90), pick=st.integers(0, 20))
    def test_one_more_uncapped_activity_never_raises_the_short_weeks(self, rule, done, day, today_offset, pick):
        period = first_period(rule)
        today = START + timedelta(days=today_offset)
        kinds = sorted(rule.counting_types - set(rule.caps)) or sorted(rule.counting_types)
        extra = ActivityFact(
            "a-extra",
            kinds[pick % len(kinds)],
            START + timedelta(days=day),
            START + timedelta(days=day),
            Verification.APPROVED,
            "",
        )
        before, after = assess(period, done, today), assess(period, [*done, extra], today)
        if extra.type not in rule.caps:
            assert len(after.weeks_below_minimum) <= len(before.weeks_below_minimum) or rule.min_per_week > 1
            assert _shortfall(after, [*done, extra]) <= _shortfall(before, done)


def _shortfall(result, done) -> int:
    rule = result.period.policy.rule
    total = 0
    for i in range(rule.period_weeks):
        start = result.period.start + timedelta(days=7 * i)
        end = start + timedelta(days=6)
        if rule.min_per_week and end <= result.period.end:
            counted = sum(1 for f in done if f.activity_id in result.counted_ids and start <= f.date <= end)
            total += max(rule.min_per_week - counted, 0)
    return total
