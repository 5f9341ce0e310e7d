"""Caseload as data (issue 16.2): the caseworker platform assigns clients with a service token
(AssignClients / UnassignClients) or with events on jobmatch.caseload.v1; GetCaseload and the
access rule use the stored assignments, so a caseworker token needs no caseload claim."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.events.v1 import caseload_events_pb2 as ev
from services.activities.bootstrap import create_server
from services.activities.service_layer.events import CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED
from services.common.bus.cloudevents import CloudEvent

CW, CLIENT, OTHER = "cw-7", "c-71", "c-72"


def outbox_types(app, key: str) -> list[str]:
    with app.outbox.connect() as conn:
        return [e.event.type for e in app.outbox.pending(conn) if e.key == key]


def platform_event(kind: str, caseworker: str, client: str, event_id: str) -> CloudEvent:
    message = (ev.CaseloadAssigned if kind == CASELOAD_ASSIGNED else ev.CaseloadUnassigned)(
        caseworker_id=caseworker, client_id=client
    )
    return CloudEvent(
        id=event_id,
        source="urn:nld:oin:00000000000000000000:systeem:klantmanagerplatform",
        type=kind,
        subject=f"caseload/{caseworker}/{client}",
        time=datetime.now(UTC),
        sequence=1,
        data=message.SerializeToString(),
    )


@pytest.fixture
def service(token_for):
    return token_for("service", "caseworker-platform")


class TestAssigningClients:
    def test_a_caseworker_token_without_a_caseload_claim_sees_the_assigned_clients(self, served, service, token_for):
        stub, _app = served
        assigned = stub.AssignClients(
            pb.AssignClientsRequest(caseworker_id=CW, client_ids=[CLIENT, OTHER]), metadata=service
        )
        assert list(assigned.assigned_client_ids) == [CLIENT, OTHER]
        me = token_for("caseworker", CW)  # no caseload claim
        entries = stub.GetCaseload(pb.GetCaseloadRequest(caseworker_id=CW), metadata=me).entries
        assert sorted(e.client_id for e in entries) == [CLIENT, OTHER]
        listed = stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=me)
        assert list(listed.activities) == []

    def test_assigning_twice_stores_and_publishes_once(self, served, service):
        stub, app = served
        stub.AssignClients(pb.AssignClientsRequest(caseworker_id=CW, client_ids=[CLIENT]), metadata=service)
        again = stub.AssignClients(
            pb.AssignClientsRequest(caseworker_id=CW, client_ids=[CLIENT, CLIENT]), metadata=service
        )
        assert list(again.assigned_client_ids) == []
        assert outbox_types(app, CLIENT) == [CASELOAD_ASSIGNED]
        assert [r.processing_activity_id.rsplit(":", 1)[-1] for r in app.processing_log.list_for_subject(CLIENT)] == [
            "caseload-assignment"
        ]

    def test_an_unassigned_client_is_refused_with_a_denied_record(self, served, service, token_for):
        stub, app = served
        stub.AssignClients(pb.AssignClientsRequest(caseworker_id=CW, client_ids=[CLIENT]), metadata=service)
        removed = stub.UnassignClients(
            pb.UnassignClientsRequest(caseworker_id=CW, client_ids=[CLIENT, OTHER]), metadata=service
        )
        assert list(removed.unassigned_client_ids) == [CLIENT]
        with pytest.raises(grpc.RpcError) as caught:
            stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=token_for("caseworker", CW))
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
        denied = [r for r in app.processing_log.list_for_subject(CLIENT) if r.status == "denied"]
        assert [(r.actor, r.name) for r in denied] == [(f"caseworker:{CW}", "ListActivities")]
        assert outbox_types(app, CLIENT) == [CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED]
        assert (
            stub.GetCaseload(pb.GetCaseloadRequest(caseworker_id=CW), metadata=token_for("caseworker", CW)).entries
            == []
        )

    def test_only_the_platform_with_a_service_token_may_assign(self, served, token_for):
        stub, _app = served
        for caller in (token_for("caseworker", CW, caseload=[CLIENT]), token_for("client", CLIENT)):
            with pytest.raises(grpc.RpcError) as caught:
                stub.AssignClients(pb.AssignClientsRequest(caseworker_id=CW, client_ids=[CLIENT]), metadata=caller)
            assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


class TestTheCaseloadClaim:
    def test_the_claim_is_accepted_while_the_setting_allows_it(self, served, token_for):
        stub, _app = served
        claim = token_for("caseworker", CW, caseload=[CLIENT])
        assert list(stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=claim).activities) == []

    def test_with_the_setting_off_only_the_stored_caseload_counts(self, offline_settings, offline_app, token_for):
        settings = offline_settings.model_copy(update={"accept_caseload_claim": False})
        server, port, app = create_server(settings, "127.0.0.1:0", offline_app)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            stub = activities_pb2_grpc.ActivityServiceStub(channel)
            claim = token_for("caseworker", CW, caseload=[CLIENT])
            with pytest.raises(grpc.RpcError) as caught:
                stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=claim)
            assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
            app.caseloads.assign(CW, [CLIENT])
            assert (
                list(stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=claim).activities) == []
            )
        finally:
            channel.close()
            server.stop(0).wait()


class TestCaseloadEventsOfThePlatform:
    def test_an_assignment_event_is_stored_once_and_published_for_matching(self, offline_app):
        handle = offline_app.event_handler()
        event = platform_event(CASELOAD_ASSIGNED, CW, CLIENT, "e-1")
        handle(event)
        handle(event)  # redelivered
        handle(platform_event(CASELOAD_ASSIGNED, CW, CLIENT, "e-2"))  # the platform sent it again
        assert offline_app.store.caseload(CW) == [CLIENT]
        assert outbox_types(offline_app, CLIENT) == [CASELOAD_ASSIGNED]

    def test_an_unassignment_event_takes_the_client_out(self, offline_app):
        handle = offline_app.event_handler()
        handle(platform_event(CASELOAD_ASSIGNED, CW, CLIENT, "e-1"))
        handle(platform_event(CASELOAD_UNASSIGNED, CW, CLIENT, "e-2"))
        handle(platform_event(CASELOAD_UNASSIGNED, CW, CLIENT, "e-3"))
        assert offline_app.store.caseload(CW) == []
        assert outbox_types(offline_app, CLIENT) == [CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED]

    def test_an_event_without_a_client_changes_nothing(self, offline_app):
        offline_app.event_handler()(platform_event(CASELOAD_ASSIGNED, CW, "", "e-1"))
        assert offline_app.store.caseload(CW) == []
