"""Table-driven tests of the obligation rules (pure domain, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.activities.domain.model import ActivityType as T
from services.activities.domain.model import Verification as V
from services.activities.domain.periods import (
    ActivityFact,
    AtRiskReason,
    PeriodStatus,
    assess,
    assess_history,
    period_containing,
    periods_until,
)
from services.activities.domain.policy import (
    TEMPLATES,
    Exemption,
    ExemptionReason,
    ObligationRule,
    PolicyVersion,
)

START = date(2026, 1, 5)  # a Monday
SET_AT = datetime(2026, 1, 1, tzinfo=UTC)


def policy(
    rule: ObligationRule | None = None, *, start: date = START, version: int = 1, exemptions: tuple[Exemption, ...] = ()
) -> PolicyVersion:
    return PolicyVersion(
        client_id="c-1",
        version=version,
        template="uwv-ww",
        rule=rule or TEMPLATES["uwv-ww"],
        start_date=start,
        exemptions=exemptions,
        set_by="cw-1",
        set_at=SET_AT,
    )


def fact(
    day: int,
    type_: T = T.VACANCY_APPLICATION,
    *,
    logged: int | None = None,
    verification: V = V.UNVERIFIED,
    n: int = 0,
    employer: str = "",
) -> ActivityFact:
    d = START + timedelta(days=day)
    return ActivityFact(
        f"a-{day}-{type_.value}-{n}",
        type_,
        d,
        START + timedelta(days=logged if logged is not None else day),
        verification,
        employer,
    )


def first_period(versions: list[PolicyVersion]):
    return periods_until(versions, START)[0]


WEEKLY_MIN = TEMPLATES["uwv-ww"].model_copy(update={"min_per_week": 1})


class TestPeriodBoundaries:
    @pytest.mark.parametrize(
        ("day_offset", "expected_start", "expected_end"),
        [
            (0, 0, 27),  # first day of the first period
            (27, 0, 27),  # last day of the first period
            (28, 28, 55),  # first day of the second period
            (60, 56, 83),
        ],
    )
    def test_a_day_falls_in_the_period_of_p_weeks_that_contains_it(self, day_offset, expected_start, expected_end):
        period = period_containing([policy()], START + timedelta(days=day_offset))
        assert period is not None
        assert (period.start, period.end) == (
            START + timedelta(days=expected_start),
            START + timedelta(days=expected_end),
        )

    def test_there_is_no_period_before_the_first_policy(self):
        assert period_containing([policy()], START - timedelta(days=1)) is None

    @pytest.mark.parametrize(
        ("facts_days", "expected"),
        [
            ([0, 1, 2, 27], PeriodStatus.MET),  # an activity on the last day counts
            ([0, 1, 2, 28], PeriodStatus.MISSED),  # the day after belongs to the next period
            ([-1, 0, 1, 2], PeriodStatus.MISSED),  # the day before the start does not count
        ],
    )
    def test_activities_count_in_the_period_of_their_date(self, facts_days, expected):
        period = first_period([policy()])
        result = assess(period, [fact(d) for d in facts_days], today=START + timedelta(days=60))
        assert result.status is expected


class TestCountingTypesAndCaps:
    @pytest.mark.parametrize(
        ("types", "counted"),
        [
            ([T.VACANCY_APPLICATION] * 4, 4),
            (
                [T.JOB_FAIR, T.TRAINING, T.NETWORKING_CONTACT, T.OPEN_APPLICATION],
                3,
            ),  # UWV WW: a job fair does not count
            ([T.AGENCY_REGISTRATION] * 3 + [T.JOB_INTERVIEW], 2),  # one agency counts once
            ([T.OPEN_APPLICATION, T.JOB_INTERVIEW, T.AGENCY_REGISTRATION, T.VACANCY_APPLICATION], 4),
        ],
    )
    def test_only_counting_types_count_up_to_their_cap(self, types, counted):
        period = first_period([policy()])
        facts = [
            fact(i, ty, n=i, employer="Randstad" if ty is T.AGENCY_REGISTRATION else f"E{i}")
            for i, ty in enumerate(types)
        ]
        result = assess(period, facts, today=START + timedelta(days=10))
        assert result.counted == counted
        assert result.still_needed == 4 - counted

    def test_a_cap_keeps_the_approved_activity_over_an_unverified_one(self):
        capped = TEMPLATES["uwv-ww"].model_copy(update={"caps": {T.AGENCY_REGISTRATION: 1}, "new_agency_only": False})
        period = first_period([policy(capped)])
        facts = [fact(1, T.AGENCY_REGISTRATION), fact(2, T.AGENCY_REGISTRATION, verification=V.APPROVED)]
        result = assess(period, facts, today=START + timedelta(days=10))
        assert result.counted_ids == {facts[1].activity_id}
        assert result.counts[T.AGENCY_REGISTRATION] == (2, 1)


class TestMinimumPerWeek:
    @pytest.mark.parametrize(
        ("days", "today", "expected"),
        [
            ([0, 7, 14, 21], 40, PeriodStatus.MET),
            ([0, 1, 14, 21], 40, PeriodStatus.NOTICE),  # week 2 had none: a notice, the client may respond
            ([0, 1, 14, 21], 60, PeriodStatus.MISSED),  # no answer within the response window
            ([0, 1, 2, 3], 8, PeriodStatus.OPEN),  # week 2 still running
            ([0, 1, 2, 3], 15, PeriodStatus.AT_RISK),  # week 2 ended empty
        ],
    )
    def test_each_whole_week_needs_its_minimum(self, days, today, expected):
        period = first_period([policy(WEEKLY_MIN)])
        result = assess(
            period,
            [fact(d, n=i) for i, d in enumerate(days)],
            today=START + timedelta(days=today),
            last_activity=START + timedelta(days=max(days)),
        )
        assert result.status is expected

    def test_a_week_past_without_activity_is_the_at_risk_reason(self):
        period = first_period([policy(WEEKLY_MIN)])
        result = assess(
            period, [fact(0), fact(1)], today=START + timedelta(days=15), last_activity=START + timedelta(days=14)
        )
        assert AtRiskReason.WEEKLY_MINIMUM in result.at_risk_reasons


class TestExemptions:
    @pytest.mark.parametrize(
        ("exempt_days", "required", "status"),
        [
            ((0, 27), 0, PeriodStatus.EXEMPT),  # the whole period
            ((0, 13), 2, PeriodStatus.MET),  # half the period: 2 of 4
            ((0, 6), 3, PeriodStatus.MISSED),  # one week: 3 of 4, only 2 done (response window over)
        ],
    )
    def test_exempt_days_lower_the_requirement_pro_rata(self, exempt_days, required, status):
        exemption = Exemption(
            start_date=START + timedelta(days=exempt_days[0]),
            end_date=START + timedelta(days=exempt_days[1]),
            reason=ExemptionReason.ILLNESS,
            declared_unable=True,
        )
        period = first_period([policy(exemptions=(exemption,))])
        result = assess(period, [fact(20), fact(21)], today=START + timedelta(days=60))
        assert (result.required, result.status) == (required, status)


class TestLateLogging:
    @pytest.mark.parametrize(
        ("logged_day", "counts"),
        [
            (27, True),  # on time
            (34, True),  # last day of 7 days grace
            (35, False),  # one day after grace
        ],
    )
    def test_late_logging_counts_within_grace_only(self, logged_day, counts):
        period = first_period([policy()])
        late = fact(20, logged=logged_day)
        result = assess(period, [fact(1), fact(2), fact(3), late], today=START + timedelta(days=40))
        assert (late.activity_id in result.counted_ids) is counts
        assert result.status is (PeriodStatus.MET if counts else PeriodStatus.NOTICE)

    def test_a_period_is_not_missed_while_its_grace_runs(self):
        period = first_period([policy()])
        result = assess(period, [fact(1)], today=START + timedelta(days=30), last_activity=START + timedelta(days=29))
        assert result.status is PeriodStatus.AT_RISK
        assert period.deadline == START + timedelta(days=34)


class TestPolicyVersions:
    def test_a_new_version_mid_period_shortens_the_old_period_and_prorates_it(self):
        v1 = policy()
        v2 = policy(TEMPLATES["weekly"], start=START + timedelta(days=14), version=2)
        periods = periods_until([v1, v2], START + timedelta(days=30))
        assert [(p.start - START).days for p in periods] == [0, 14, 21, 28]
        assert (periods[0].end - START).days == 13
        assert periods[0].policy.version == 1 and periods[1].policy.version == 2
        first = assess(periods[0], [fact(1), fact(2)], today=START + timedelta(days=30))
        assert (first.required, first.status) == (2, PeriodStatus.MET)

    def test_for_one_start_date_the_latest_version_wins(self):
        v1 = policy()
        v2 = policy(TEMPLATES["weekly"], version=2)
        assert periods_until([v1, v2], START)[0].policy.version == 2

    def test_closed_periods_keep_their_assessment_when_a_later_version_starts(self):
        v1 = policy()
        facts = [fact(d, n=d) for d in (1, 2, 3, 4)]
        before = assess_history([v1], facts, START + timedelta(days=40))[0]
        v2 = policy(TEMPLATES["weekly"], start=START + timedelta(days=40), version=2)
        after = assess_history([v1, v2], facts, START + timedelta(days=50))[0]
        assert (before.period, before.status) == (after.period, after.status)


class TestRejectedAndUnverified:
    @pytest.mark.parametrize(
        ("verifications", "status", "relies"),
        [
            ([V.APPROVED] * 4, PeriodStatus.MET, False),
            ([V.APPROVED] * 3 + [V.UNVERIFIED], PeriodStatus.MET, True),
            ([V.APPROVED] * 3 + [V.REJECTED], PeriodStatus.NOTICE, False),  # notice first (hoor en wederhoor)
        ],
    )
    def test_rejected_activities_no_longer_count(self, verifications, status, relies):
        period = first_period([policy()])
        facts = [fact(i, verification=v, n=i) for i, v in enumerate(verifications)]
        result = assess(period, facts, today=START + timedelta(days=40))
        assert (result.status, result.relies_on_unverified) == (status, relies)


class TestAtRisk:
    @pytest.mark.parametrize(
        ("facts_days", "today", "reasons"),
        [
            ([10, 12], 20, ()),  # 8 days left, 2 needed x 2 days
            ([10, 12], 25, (AtRiskReason.DAYS_LEFT,)),  # 3 days left, 2 needed
            ([], 15, (AtRiskReason.INACTIVITY,)),  # nothing for 15 days
            ([], 25, (AtRiskReason.DAYS_LEFT, AtRiskReason.INACTIVITY)),
        ],
    )
    def test_at_risk_when_days_left_or_inactivity_say_so(self, facts_days, today, reasons):
        period = first_period([policy()])
        facts = [fact(d, n=d) for d in facts_days]
        last = max((START + timedelta(days=d) for d in facts_days), default=None)
        result = assess(period, facts, today=START + timedelta(days=today), last_activity=last)
        assert result.at_risk_reasons == reasons
        assert result.status is (PeriodStatus.AT_RISK if reasons else PeriodStatus.OPEN)
