"""Rules for a single activity: what a valid log entry is, outcome moves, withdraw, verify."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.activities.domain.model import (
    Activity,
    ActivityDraft,
    ActivityType,
    Channel,
    Evidence,
    Outcome,
    Verification,
    new_activity,
    parse_date,
    verified,
    with_outcome,
    withdrawn,
)
from services.activities.domain.policy import (
    TEMPLATES,
    Exemption,
    ExemptionReason,
    PolicyVersion,
    build_rule,
    check_new_version,
)
from services.common.errors import FailedPrecondition, InvalidArgument

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
POLICY_START = date(2026, 1, 5)
DIGEST = "a" * 64


def draft(**changes) -> ActivityDraft:
    base = dict(
        request_id="r-1",
        type=ActivityType.VACANCY_APPLICATION,
        date=date(2026, 3, 9),
        employer="Bakkerij De Korenschoof",
        position="Verkoper",
        channel=Channel.ONLINE,
    )
    return ActivityDraft(**(base | changes))


def make(**changes) -> Activity:
    return new_activity(draft(**changes), activity_id="a-1", client_id="c-1", now=NOW, first_policy_start=POLICY_START)


class TestNewActivity:
    def test_a_concrete_activity_is_accepted_and_starts_unverified(self):
        activity = make()
        assert (activity.outcome, activity.verification) == (Outcome.SENT, Verification.UNVERIFIED)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"date": date(2026, 3, 11)}, "date"),  # in the future
            ({"date": date(2026, 1, 4)}, "date"),  # before the first policy
            ({"date": None}, "date"),
            ({"type": None}, "type"),
            ({"type": ActivityType.OTHER}, "type_description"),
            ({"employer": "  "}, "employer"),
            ({"position": "", "contact_role": ""}, "position"),
            ({"channel": None}, "channel"),
            ({"evidence": Evidence(document_name="brief.pdf", sha256_digest="xyz")}, "evidence.sha256_digest"),
            ({"evidence": Evidence(document_name="brief.pdf", sha256_digest=DIGEST.upper())}, "evidence.sha256_digest"),
            ({"evidence": Evidence(sha256_digest=DIGEST)}, "evidence.document_name"),
            ({"evidence": Evidence(url="ftp://x")}, "evidence.url"),
            ({"request_id": ""}, "request_id"),
            ({"note": "x" * 2001}, "note"),
        ],
    )
    def test_bad_input_names_the_field(self, changes, field):
        with pytest.raises(InvalidArgument) as caught:
            make(**changes)
        assert field in [v.field for v in caught.value.violations]

    def test_technical_fields_are_explained_without_jargon(self):
        with pytest.raises(InvalidArgument) as caught:
            make(request_id="", evidence=Evidence(document_name="brief.pdf", sha256_digest="xyz"))
        texts = " ".join(f"{v.description} {v.description.en}" for v in caught.value.violations)
        assert "SHA" not in texts and "verzoeknummer" not in texts and "request id" not in texts

    def test_a_contact_role_is_enough_without_a_position(self):
        assert (
            make(type=ActivityType.NETWORKING_CONTACT, position="", contact_role="teamleider").contact_role
            == "teamleider"
        )

    def test_evidence_with_a_valid_digest_is_kept(self):
        assert make(evidence=Evidence(document_name="brief.pdf", sha256_digest=DIGEST)).evidence is not None

    def test_without_any_policy_logging_is_refused(self):
        with pytest.raises(FailedPrecondition):
            new_activity(draft(), activity_id="a", client_id="c", now=NOW, first_policy_start=None)


class TestOutcomeTransitions:
    @pytest.mark.parametrize(
        ("start", "to", "allowed"),
        [
            (Outcome.SENT, Outcome.INVITED, True),
            (Outcome.SENT, Outcome.NO_ANSWER, True),
            (Outcome.NO_ANSWER, Outcome.INVITED, True),
            (Outcome.INVITED, Outcome.HIRED, True),
            (Outcome.HIRED, Outcome.SENT, False),
            (Outcome.REJECTED, Outcome.INVITED, False),
            (Outcome.INVITED, Outcome.SENT, False),
            (Outcome.INVITED, Outcome.INVITED, True),  # same outcome: nothing changes
        ],
    )
    def test_outcomes_only_move_forward(self, start, to, allowed):
        activity = make(outcome=start)
        if allowed:
            assert with_outcome(activity, to).outcome is to
        else:
            with pytest.raises(InvalidArgument):
                with_outcome(activity, to)


class TestWithdrawAndVerify:
    @pytest.mark.parametrize(("days_later", "ok"), [(0, True), (7, True), (8, False)])
    def test_withdraw_within_the_grace_period_only(self, days_later, ok):
        activity = make()
        later = NOW + timedelta(days=days_later)
        if ok:
            assert withdrawn(activity, later).withdrawn_at == later
        else:
            with pytest.raises(FailedPrecondition):
                withdrawn(activity, later)

    def test_a_verified_activity_cannot_be_withdrawn(self):
        activity = verified(make(), approve=True, reason="", caseworker_id="cw")
        with pytest.raises(FailedPrecondition):
            withdrawn(activity, NOW)

    def test_rejecting_needs_a_reason_the_client_can_read(self):
        with pytest.raises(InvalidArgument):
            verified(make(), approve=False, reason=" ", caseworker_id="cw")
        rejected = verified(make(), approve=False, reason="Geen werkgever te vinden", caseworker_id="cw")
        assert (rejected.verification, rejected.verification_reason) == (
            Verification.REJECTED,
            "Geen werkgever te vinden",
        )


class TestPolicyChecks:
    def version(self, start: date, **changes) -> PolicyVersion:
        base = dict(
            client_id="c",
            version=1,
            template="uwv-ww",
            rule=TEMPLATES["uwv-ww"],
            start_date=start,
            set_by="cw",
            set_at=NOW,
        )
        return PolicyVersion(**(base | changes))

    @pytest.mark.parametrize(
        "override",
        [
            {"required_activities": 0, "period_weeks": 4, "counting_types": ["open_application"]},
            {"required_activities": 4, "period_weeks": 0, "counting_types": ["open_application"]},
            {"required_activities": -1, "period_weeks": 4, "counting_types": ["open_application"]},
            {"required_activities": 4, "period_weeks": 4, "counting_types": []},
        ],
    )
    def test_a_rule_needs_positive_n_and_p(self, override):
        with pytest.raises(InvalidArgument):
            build_rule("", override)

    def test_an_unknown_template_is_refused(self):
        with pytest.raises(InvalidArgument):
            build_rule("daily", None)

    def test_a_version_starting_before_the_latest_overlaps(self):
        with pytest.raises(InvalidArgument) as caught:
            check_new_version(
                [self.version(date(2026, 2, 1))], self.version(date(2026, 1, 20), version=2), current_period_start=None
            )
        assert caught.value.violations[0].field == "start_date"

    def test_a_version_may_not_reach_into_a_closed_period(self):
        with pytest.raises(InvalidArgument):
            check_new_version(
                [self.version(date(2026, 1, 5))],
                self.version(date(2026, 2, 1), version=2),
                current_period_start=date(2026, 3, 2),
            )

    def test_a_deviation_needs_a_reason_and_exemptions_may_not_overlap(self):
        exemptions = (
            Exemption(start_date=date(2026, 3, 1), end_date=date(2026, 3, 10), reason=ExemptionReason.ILLNESS),
            Exemption(start_date=date(2026, 3, 5), end_date=date(2026, 3, 20), reason=ExemptionReason.OTHER),
        )
        with pytest.raises(InvalidArgument) as caught:
            check_new_version(
                [], self.version(date(2026, 3, 1), template="custom", exemptions=exemptions), current_period_start=None
            )
        assert {v.field for v in caught.value.violations} == {"deviation_reason", "exemptions[1]"}


class TestParseDate:
    @pytest.mark.parametrize("text", ["2026-13-01", "10-03-2026", "2026-3-1", "morgen"])
    def test_a_malformed_date_is_a_clear_error(self, text):
        with pytest.raises(InvalidArgument):
            parse_date(text, "date")
