"""ActivityService over a real gRPC server (port 0) with the real interceptor and SQLite."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from jobmatch.activities.v1 import activities_pb2 as pb
from services.common.rpc_errors import localized_messages

CW, CLIENT, OTHER = "cw-1", "c-1", "c-2"


def violations(error: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(error)
    fields = []
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields += [v.field for v in bad.field_violations]
    return fields


@pytest.fixture
def stub(served, token_for, clock):
    stub, _app = served
    cw = token_for("caseworker", CW, caseload=[CLIENT, OTHER])
    stub.SetObligationPolicy(
        pb.SetObligationPolicyRequest(
            caseworker_id=CW,
            client_id=CLIENT,
            template="uwv-ww",
            start_date=(clock.today - timedelta(days=14)).isoformat(),
        ),
        metadata=cw,
    )
    return stub


def log_request(clock, request_id="r-1", days_ago=1, **changes) -> pb.LogActivityRequest:
    fields = dict(
        client_id=CLIENT,
        request_id=request_id,
        type=pb.ACTIVITY_TYPE_VACANCY_APPLICATION,
        date=(clock.today - timedelta(days=days_ago)).isoformat(),
        employer="Zorggroep Rijnstad",
        position="Verzorgende IG",
        channel=pb.CHANNEL_ONLINE,
    )
    return pb.LogActivityRequest(**(fields | changes))


class TestLoggingActivities:
    def test_a_client_logs_an_activity_that_counts(self, stub, token_for, clock):
        reply = stub.LogActivity(log_request(clock), metadata=token_for("client", CLIENT))
        assert reply.created and reply.activity.counts
        assert reply.activity.verification == pb.VERIFICATION_STATE_UNVERIFIED

    def test_logging_again_with_the_same_request_id_returns_the_first_activity(self, stub, token_for, clock):
        me = token_for("client", CLIENT)
        first = stub.LogActivity(log_request(clock), metadata=me)
        again = stub.LogActivity(log_request(clock), metadata=me)
        assert (again.created, again.activity.activity_id) == (False, first.activity.activity_id)
        listed = stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=me)
        assert len(listed.activities) == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"days_ago": -1}, "date"),
            ({"days_ago": 15}, "date"),  # before the first policy
            ({"type": 0}, "type"),
            ({"type": 99}, "type"),
            ({"evidence": pb.Evidence(document_name="cv.pdf", sha256_digest="abc")}, "evidence.sha256_digest"),
            ({"date": "02-03-2026"}, "date"),
        ],
    )
    def test_bad_input_is_refused_with_the_field_and_nothing_is_stored(self, stub, token_for, clock, changes, field):
        me = token_for("client", CLIENT)
        days_ago = changes.pop("days_ago", 1)
        with pytest.raises(grpc.RpcError) as caught:
            stub.LogActivity(log_request(clock, days_ago=days_ago, **changes), metadata=me)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert field in violations(caught.value)
        assert set(localized_messages(caught.value)) == {"nl-NL", "en-GB"}  # one language each
        assert not stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=me).activities

    def test_a_client_cannot_log_for_someone_else(self, stub, token_for, clock):
        with pytest.raises(grpc.RpcError) as caught:
            stub.LogActivity(log_request(clock, client_id=OTHER), metadata=token_for("client", CLIENT))
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED

    def test_outcomes_move_forward_and_never_back(self, stub, token_for, clock):
        me = token_for("client", CLIENT)
        activity = stub.LogActivity(log_request(clock), metadata=me).activity
        hired = stub.UpdateActivityOutcome(
            pb.UpdateActivityOutcomeRequest(
                client_id=CLIENT, activity_id=activity.activity_id, outcome=pb.OUTCOME_HIRED
            ),
            metadata=me,
        )
        assert hired.activity.outcome == pb.OUTCOME_HIRED
        with pytest.raises(grpc.RpcError) as caught:
            stub.UpdateActivityOutcome(
                pb.UpdateActivityOutcomeRequest(
                    client_id=CLIENT, activity_id=activity.activity_id, outcome=pb.OUTCOME_SENT
                ),
                metadata=me,
            )
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT

    def test_withdraw_within_grace_removes_it_from_the_list_and_later_is_refused(self, stub, token_for, clock):
        me = token_for("client", CLIENT)
        first = stub.LogActivity(log_request(clock, "r-1"), metadata=me).activity
        second = stub.LogActivity(log_request(clock, "r-2"), metadata=me).activity
        stub.WithdrawActivity(pb.WithdrawActivityRequest(client_id=CLIENT, activity_id=first.activity_id), metadata=me)
        listed = stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=me)
        assert [a.activity_id for a in listed.activities] == [second.activity_id]
        clock.advance(days=8)
        with pytest.raises(grpc.RpcError) as caught:
            stub.WithdrawActivity(
                pb.WithdrawActivityRequest(client_id=CLIENT, activity_id=second.activity_id), metadata=me
            )
        assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION

    def test_list_pages_through_every_activity_newest_first(self, stub, token_for, clock):
        me = token_for("client", CLIENT)
        for i in range(5):
            stub.LogActivity(log_request(clock, f"r-{i}", days_ago=i + 1), metadata=me)
        seen, token = [], ""
        while True:
            page = stub.ListActivities(
                pb.ListActivitiesRequest(client_id=CLIENT, page_size=2, page_token=token), metadata=me
            )
            seen += [a.date for a in page.activities]
            token = page.next_page_token
            if not token:
                break
        assert seen == sorted(seen, reverse=True) and len(seen) == 5


class TestObligationAndVerification:
    def test_status_shows_what_is_still_needed_and_reliance_on_unverified(self, stub, token_for, clock):
        me = token_for("client", CLIENT)
        for i in range(4):
            stub.LogActivity(log_request(clock, f"r-{i}", days_ago=i + 1), metadata=me)
        status = stub.GetObligationStatus(pb.GetObligationStatusRequest(client_id=CLIENT), metadata=me)
        assert (status.current.status, status.current.counted, status.current.still_needed) == (
            pb.PERIOD_STATUS_MET,
            4,
            0,
        )
        assert status.current.relies_on_unverified
        assert status.policy.template == "uwv-ww"

    def test_a_rejected_activity_stops_counting_and_the_client_sees_why(self, stub, token_for, clock):
        me, cw = token_for("client", CLIENT), token_for("caseworker", CW, caseload=[CLIENT])
        activity = stub.LogActivity(log_request(clock), metadata=me).activity
        stub.VerifyActivity(
            pb.VerifyActivityRequest(
                caseworker_id=CW,
                client_id=CLIENT,
                activity_id=activity.activity_id,
                decision=pb.VERIFICATION_DECISION_REJECT,
                reason="Werkgever kent deze sollicitatie niet",
            ),
            metadata=cw,
        )
        listed = stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=me).activities[0]
        assert (listed.verification, listed.counts) == (pb.VERIFICATION_STATE_REJECTED, False)
        assert listed.verification_reason == "Werkgever kent deze sollicitatie niet"
        status = stub.GetObligationStatus(pb.GetObligationStatusRequest(client_id=CLIENT), metadata=me)
        assert status.current.counted == 0

    def test_verification_outside_the_caseworkers_caseload_is_refused(self, stub, token_for, clock):
        activity = stub.LogActivity(log_request(clock), metadata=token_for("client", CLIENT)).activity
        # The token claims the client, but the caseload assignment of this service says otherwise.
        stranger = token_for("caseworker", "cw-2", caseload=[CLIENT])
        with pytest.raises(grpc.RpcError) as caught:
            stub.VerifyActivity(
                pb.VerifyActivityRequest(
                    caseworker_id="cw-2",
                    client_id=CLIENT,
                    activity_id=activity.activity_id,
                    decision=pb.VERIFICATION_DECISION_APPROVE,
                ),
                metadata=stranger,
            )
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED

    def test_a_client_may_not_set_a_policy(self, stub, token_for):
        with pytest.raises(grpc.RpcError) as caught:
            stub.SetObligationPolicy(
                pb.SetObligationPolicyRequest(caseworker_id=CW, client_id=CLIENT, template="weekly"),
                metadata=token_for("client", CLIENT),
            )
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED

    @pytest.mark.parametrize(
        ("request_fields", "field"),
        [
            (
                {
                    "rule": pb.ObligationRule(
                        required_activities=0, period_weeks=4, counting_types=[pb.ACTIVITY_TYPE_OPEN_APPLICATION]
                    ),
                    "deviation_reason": "deeltijd",
                },
                "rule.required_activities",
            ),
            (
                {
                    "rule": pb.ObligationRule(
                        required_activities=2, period_weeks=0, counting_types=[pb.ACTIVITY_TYPE_OPEN_APPLICATION]
                    ),
                    "deviation_reason": "deeltijd",
                },
                "rule.period_weeks",
            ),
            ({"template": "weekly", "start_date": "2026-01-01"}, "start_date"),  # overlaps version 1
            (
                {
                    "template": "weekly",
                    "exemptions": [
                        pb.Exemption(start_date="2026-03-10", end_date="2026-03-01", reason=pb.EXEMPTION_REASON_ILLNESS)
                    ],
                },
                "exemptions[0].end_date",
            ),
        ],
    )
    def test_bad_policies_are_refused_and_change_nothing(self, stub, token_for, request_fields, field):
        cw = token_for("caseworker", CW, caseload=[CLIENT])
        with pytest.raises(grpc.RpcError) as caught:
            stub.SetObligationPolicy(
                pb.SetObligationPolicyRequest(caseworker_id=CW, client_id=CLIENT, **request_fields), metadata=cw
            )
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert field in violations(caught.value)
        status = stub.GetObligationStatus(pb.GetObligationStatusRequest(client_id=CLIENT), metadata=cw)
        assert status.policy.version == 1

    def test_caseload_lists_at_risk_clients_first_and_logs_each_client_read(self, served, stub, token_for, clock):
        _stub, app = served
        cw = token_for("caseworker", CW, caseload=[CLIENT, OTHER])
        stub.SetObligationPolicy(
            pb.SetObligationPolicyRequest(
                caseworker_id=CW,
                client_id=OTHER,
                template="uwv-ww",
                start_date=(clock.today - timedelta(days=25)).isoformat(),
            ),
            metadata=cw,
        )
        stub.LogActivity(log_request(clock), metadata=token_for("client", CLIENT))
        entries = stub.GetCaseload(pb.GetCaseloadRequest(caseworker_id=CW), metadata=cw).entries
        assert [e.client_id for e in entries] == [OTHER, CLIENT]
        assert entries[0].current.status == pb.PERIOD_STATUS_AT_RISK
        assert entries[1].last_activity_date == (clock.today - timedelta(days=1)).isoformat()
        for client in (OTHER, CLIENT):
            shown = [
                r
                for r in app.processing_log.list_for_subject(client)
                if r.processing_activity_id.endswith(":caseload-overview")
            ]
            assert [(r.actor, r.name) for r in shown] == [("caseworker:cw-1", "GetCaseload")]

    def test_a_caseworker_sees_only_their_own_caseload(self, stub, token_for):
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetCaseload(pb.GetCaseloadRequest(caseworker_id="cw-2"), metadata=token_for("caseworker", CW))
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


class TestPolicyVersionsOverGrpc:
    def test_a_new_version_mid_period_applies_from_its_start_and_prorates_the_running_period(
        self, stub, token_for, clock
    ):
        cw = token_for("caseworker", CW, caseload=[CLIENT])
        reply = stub.SetObligationPolicy(
            pb.SetObligationPolicyRequest(
                caseworker_id=CW, client_id=CLIENT, template="weekly", start_date=clock.today.isoformat()
            ),
            metadata=cw,
        )
        assert (reply.policy.version, reply.policy.template) == (2, "weekly")
        status = stub.GetObligationStatus(pb.GetObligationStatusRequest(client_id=CLIENT), metadata=cw)
        assert (status.current.policy_version, status.current.required) == (2, 1)
        [shortened] = status.previous
        # Version 1 ran 14 of its 28 days: 2 of 4 activities.
        assert (shortened.policy_version, shortened.required) == (1, 2)
        assert shortened.end_date == (clock.today - timedelta(days=1)).isoformat()

    def test_a_version_may_not_start_inside_a_closed_period(self, stub, token_for, clock):
        cw = token_for("caseworker", CW, caseload=[CLIENT])
        clock.advance(days=40)  # period 1 (and its grace) is over, period 2 runs
        with pytest.raises(grpc.RpcError) as caught:
            stub.SetObligationPolicy(
                pb.SetObligationPolicyRequest(
                    caseworker_id=CW,
                    client_id=CLIENT,
                    template="weekly",
                    start_date=(clock.today - timedelta(days=30)).isoformat(),
                ),
                metadata=cw,
            )
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert "start_date" in violations(caught.value)

    def test_a_deviation_from_the_template_is_stored_with_its_reason(self, stub, token_for, clock):
        cw = token_for("caseworker", CW, caseload=[CLIENT])
        rule = pb.ObligationRule(
            required_activities=2,
            period_weeks=4,
            grace_days=7,
            counting_types=[pb.ACTIVITY_TYPE_VACANCY_APPLICATION, pb.ACTIVITY_TYPE_TRAINING],
            caps=[pb.TypeCap(type=pb.ACTIVITY_TYPE_TRAINING, max_per_period=1)],
        )
        reply = stub.SetObligationPolicy(
            pb.SetObligationPolicyRequest(
                caseworker_id=CW,
                client_id=CLIENT,
                template="uwv-ww",
                rule=rule,
                start_date=clock.today.isoformat(),
                deviation_reason="Werkt 20 uur per week",
            ),
            metadata=cw,
        )
        assert (reply.policy.template, reply.policy.deviation_reason) == ("custom", "Werkt 20 uur per week")
        assert reply.policy.rule.required_activities == 2

    def test_status_of_a_policy_that_starts_later_shows_the_first_period_open(self, served, token_for, clock):
        stub, _app = served
        cw = token_for("caseworker", CW, caseload=[OTHER])
        stub.SetObligationPolicy(
            pb.SetObligationPolicyRequest(
                caseworker_id=CW,
                client_id=OTHER,
                template="uwv-ww",
                start_date=(clock.today + timedelta(days=7)).isoformat(),
            ),
            metadata=cw,
        )
        status = stub.GetObligationStatus(pb.GetObligationStatusRequest(client_id=OTHER), metadata=cw)
        assert (status.current.status, status.current.start_date) == (
            pb.PERIOD_STATUS_OPEN,
            (clock.today + timedelta(days=7)).isoformat(),
        )

    def test_status_without_any_policy_is_not_found(self, served, token_for):
        stub, _app = served
        with pytest.raises(grpc.RpcError) as caught:
            stub.GetObligationStatus(
                pb.GetObligationStatusRequest(client_id="c-none"), metadata=token_for("client", "c-none")
            )
        assert caught.value.code() is grpc.StatusCode.NOT_FOUND


class TestListingBadInput:
    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"from_date": "2026-03-01", "to_date": "2026-02-01"}, "to_date"),
            ({"page_token": "not-a-token"}, "page_token"),
            ({"page_size": -1}, "page_size"),
            ({"from_date": "gisteren"}, "from_date"),
        ],
    )
    def test_a_bad_list_request_names_the_field(self, stub, token_for, fields, field):
        with pytest.raises(grpc.RpcError) as caught:
            stub.ListActivities(
                pb.ListActivitiesRequest(client_id=CLIENT, **fields), metadata=token_for("client", CLIENT)
            )
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert field in violations(caught.value)

    def test_an_activity_of_another_client_is_not_found(self, stub, token_for, clock):
        activity = stub.LogActivity(log_request(clock), metadata=token_for("client", CLIENT)).activity
        with pytest.raises(grpc.RpcError) as caught:
            stub.UpdateActivityOutcome(
                pb.UpdateActivityOutcomeRequest(
                    client_id=OTHER, activity_id=activity.activity_id, outcome=pb.OUTCOME_INVITED
                ),
                metadata=token_for("client", OTHER),
            )
        assert caught.value.code() is grpc.StatusCode.NOT_FOUND
