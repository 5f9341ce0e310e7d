"""Issue 15 through the API (real gRPC server on loopback, SQLite): the UWV rules, fixed
rejection reasons, the contact person, a reassessment after close, and the legal hold.

Source of the counting rules: https://uwv.nl/en/individuals/unemployment-benefit/jobsearch-requirement
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jobmatch.activities.v1 import activities_pb2 as pb
from services.activities.domain.model import Activity, ActivityType, Channel
from services.activities.service_layer import events

CW, CLIENT = "cw-1", "c-1"


def _policy(stub, token_for, clock, days_ago: int = 14, **fields):
    cw = token_for("caseworker", CW, caseload=[CLIENT])
    return stub.SetObligationPolicy(
        pb.SetObligationPolicyRequest(
            caseworker_id=CW,
            client_id=CLIENT,
            template="uwv-ww",
            start_date=(clock.today - timedelta(days=days_ago)).isoformat(),
            **fields,
        ),
        metadata=cw,
    )


def _log(stub, token_for, clock, request_id, kind, days_ago=1, **fields):
    request = pb.LogActivityRequest(
        client_id=CLIENT,
        request_id=request_id,
        type=kind,
        date=(clock.today - timedelta(days=days_ago)).isoformat(),
        employer=fields.pop("employer", f"Werkgever {request_id}"),
        position="Verzorgende",
        channel=pb.CHANNEL_ONLINE,
        **fields,
    )
    return stub.LogActivity(request, metadata=token_for("client", CLIENT))


class TestUwvWwThroughTheApi:
    def test_network_contact_workshop_cv_and_application_make_four_counted_and_none_needed(
        self, served, token_for, clock
    ):
        stub, _app = served
        policy = _policy(stub, token_for, clock).policy
        assert (policy.organisation, policy.template_version) == (pb.ORGANISATION_UWV, 2)
        _log(stub, token_for, clock, "r-1", pb.ACTIVITY_TYPE_NETWORKING_CONTACT, 4)
        _log(stub, token_for, clock, "r-2", pb.ACTIVITY_TYPE_WORKSHOP, 3, type_description="Solliciteren met LinkedIn")
        _log(stub, token_for, clock, "r-3", pb.ACTIVITY_TYPE_CV_POSTED, 2)
        _log(stub, token_for, clock, "r-4", pb.ACTIVITY_TYPE_VACANCY_APPLICATION, 1)
        status = stub.GetObligationStatus(
            pb.GetObligationStatusRequest(client_id=CLIENT), metadata=token_for("client", CLIENT)
        )
        assert (status.current.counted, status.current.still_needed) == (4, 0)
        assert status.current.status == pb.PERIOD_STATUS_MET

    def test_an_activity_that_does_not_count_is_explained_when_logged(self, served, token_for, clock):
        stub, _app = served
        _policy(stub, token_for, clock)
        reply = _log(stub, token_for, clock, "r-1", pb.ACTIVITY_TYPE_JOB_FAIR)
        assert not reply.activity.counts and "vacatures bekijken telt ook niet" in reply.hint

    def test_the_needed_text_names_the_last_day_in_dutch(self, served, token_for, clock):
        stub, _app = served
        _policy(stub, token_for, clock)
        status = stub.GetObligationStatus(
            pb.GetObligationStatusRequest(client_id=CLIENT), metadata=token_for("client", CLIENT)
        )
        assert "Nog 4 activiteiten tot en met zondag 15 maart 2026" in status.current.needed[0]


class TestVerificationAndContactPerson:
    def test_a_rejection_takes_a_fixed_reason_the_client_reads(self, served, token_for, clock):
        stub, _app = served
        _policy(stub, token_for, clock)
        activity = _log(stub, token_for, clock, "r-1", pb.ACTIVITY_TYPE_OPEN_APPLICATION).activity
        reply = stub.VerifyActivity(
            pb.VerifyActivityRequest(
                caseworker_id=CW,
                client_id=CLIENT,
                activity_id=activity.activity_id,
                decision=pb.VERIFICATION_DECISION_REJECT,
                rejection_reason=pb.REJECTION_REASON_NOT_VERIFIABLE,
            ),
            metadata=token_for("caseworker", CW, caseload=[CLIENT]),
        )
        assert reply.activity.rejection_reason == pb.REJECTION_REASON_NOT_VERIFIABLE
        assert "niet controleren" in reply.activity.verification_reason

    def test_a_contact_person_is_stored_processing_logged_and_never_on_the_bus(self, served, token_for, clock):
        stub, app = served
        _policy(stub, token_for, clock)
        reply = _log(stub, token_for, clock, "r-1", pb.ACTIVITY_TYPE_EMPLOYER_CONTACT, contact_person="Anna de Vries")
        assert reply.activity.contact_person == "Anna de Vries"
        kinds = [r.processing_activity_id.rsplit(":", 1)[-1] for r in app.processing_log.list_for_subject(CLIENT)]
        assert "sollicitatie-contact-person" in kinds
        outbox = app.store._conn.execute("SELECT * FROM event_outbox").fetchall()
        assert outbox and not any(b"Anna" in bytes(v) for row in outbox for v in row if isinstance(v, bytes))


class TestChangedDecisionAfterClose:
    def test_a_decision_changed_after_the_deadline_sends_a_new_assessment(self, served, token_for, clock):
        stub, app = served
        _policy(stub, token_for, clock)
        ids = [
            _log(stub, token_for, clock, f"r-{i}", pb.ACTIVITY_TYPE_VACANCY_APPLICATION, 1 + i).activity.activity_id
            for i in range(4)
        ]
        clock.advance(days=30)  # the period (ended 13 days ago + 7 grace) is past its deadline
        stub.VerifyActivity(
            pb.VerifyActivityRequest(
                caseworker_id=CW,
                client_id=CLIENT,
                activity_id=ids[0],
                decision=pb.VERIFICATION_DECISION_REJECT,
                rejection_reason=pb.REJECTION_REASON_DUPLICATE,
            ),
            metadata=token_for("caseworker", CW, caseload=[CLIENT]),
        )
        rows = app.store._conn.execute("SELECT * FROM event_outbox").fetchall()
        types = [v for row in rows for v in row if v == events.OBLIGATION_PERIOD_REASSESSED]
        assert len(types) == 1


class TestRetentionWithLegalHold:
    def test_no_deletion_while_an_objection_is_open_and_deletion_after_it_is_lifted(self, served, token_for):
        stub, app = served
        day = app.clock().date() - timedelta(days=800)
        app.store.add_activity(
            Activity(
                activity_id="a-old",
                client_id=CLIENT,
                request_id="r-old",
                type=ActivityType.OPEN_APPLICATION,
                date=day,
                employer="Werkgever",
                position="Monteur",
                channel=Channel.LETTER,
                logged_at=datetime.combine(day, datetime.min.time(), UTC),
            ),
            [],
        )
        cw = token_for("caseworker", CW, caseload=[CLIENT])
        app.store.assign(CW, CLIENT)
        held = stub.SetLegalHold(
            pb.SetLegalHoldRequest(caseworker_id=CW, client_id=CLIENT, kind=pb.LEGAL_HOLD_KIND_OBJECTION, active=True),
            metadata=cw,
        )
        assert list(held.active_holds) == [pb.LEGAL_HOLD_KIND_OBJECTION]
        assert app.sweep().erased_activities == 0
        assert app.store.get_activity(CLIENT, "a-old") is not None
        stub.SetLegalHold(
            pb.SetLegalHoldRequest(caseworker_id=CW, client_id=CLIENT, kind=pb.LEGAL_HOLD_KIND_OBJECTION, active=False),
            metadata=cw,
        )
        assert app.sweep().erased_activities == 1


class TestClientsPerStatusMetric:
    def test_the_period_sweep_counts_clients_by_the_status_of_their_current_period(self, served, token_for, clock):
        from prometheus_client import REGISTRY

        stub, app = served
        _policy(stub, token_for, clock)  # c-1, the only client with a policy
        for n, kind in enumerate([pb.ACTIVITY_TYPE_VACANCY_APPLICATION] * 4):
            _log(stub, token_for, clock, f"r-{n}", kind, days_ago=n + 1)
        assert app.obligations.status_census()["met"] == 1
        app._sweep_and_log()
        counts = {
            status: REGISTRY.get_sample_value("jobmatch_activities_clients", {"status": status})
            for status in ("met", "open", "at_risk", "missed", "none")
        }
        assert counts == {"met": 1, "open": 0, "at_risk": 0, "missed": 0, "none": 0}


class TestOneLanguageAtATime:
    def test_what_is_still_needed_and_the_hint_follow_the_callers_language(self, served, token_for, clock):
        stub, _app = served
        _policy(stub, token_for, clock)
        english = (*token_for("client", CLIENT), ("accept-language", "en-GB"))
        status = stub.GetObligationStatus(pb.GetObligationStatusRequest(client_id=CLIENT), metadata=english)
        assert status.current.needed[0].startswith("4 activities more") and "Nog" not in status.current.needed[0]
        request = pb.LogActivityRequest(
            client_id=CLIENT,
            request_id="r-en",
            type=pb.ACTIVITY_TYPE_JOB_FAIR,
            date=(clock.today - timedelta(days=1)).isoformat(),
            employer="Werkgever",
            position="Verzorgende",
            channel=pb.CHANNEL_ONLINE,
        )
        reply = stub.LogActivity(request, metadata=english)
        assert reply.hint and "telt niet" not in reply.hint and "count" in reply.hint
