"""Matching's projection of the caseloads (issue 16.2): kept from the caseload events
activities publishes, used by the access rule and ListMatchingProfiles. The contract runs on
SQLite, osmem and (when reachable) Elasticsearch; the behaviour through gRPC on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from search_legs import SEARCH_LEGS, search_leg
from test_matching_grpc import CLIENT, OTHER, open_utrecht_vacancies, set_profile

from jobmatch.events.v1 import caseload_events_pb2 as ev
from jobmatch.matching.v1 import matching_service_pb2 as pb
from services.common.bus.cloudevents import CloudEvent
from services.matching.adapters.caseload_projection import SqliteCaseloadProjection
from services.matching.entrypoints.events import CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED
from services.matching.service_layer.ports import CaseloadProjection

CW = "cw-9"


@pytest.fixture(params=["sqlite", "osmem", "elasticsearch"])
def projection(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseloadProjection]:
    if request.param in SEARCH_LEGS:
        from services.matching.adapters.caseload_projection import ElasticsearchCaseloadProjection
        from services.matching.adapters.elasticsearch_mappings import INDEX_SPECS

        with search_leg(request.param, list(INDEX_SPECS)) as (client, prefix):
            yield ElasticsearchCaseloadProjection(client, prefix)
        return
    sqlite = SqliteCaseloadProjection(tmp_path / "matching.db")
    yield sqlite
    sqlite.close()


def caseload_event(kind: str, client: str, caseworker: str = CW) -> CloudEvent:
    message = (ev.CaseloadAssigned if kind == CASELOAD_ASSIGNED else ev.CaseloadUnassigned)(
        caseworker_id=caseworker, client_id=client
    )
    return CloudEvent(
        id=f"{kind}-{client}",
        source="urn:nld:oin:00000000000000000000:systeem:jobmatch-activities",
        type=kind,
        subject=f"caseload/{caseworker}/{client}",
        time=datetime.now(UTC),
        sequence=1,
        data=message.SerializeToString(),
    )


class TestCaseloadProjectionContract:
    def test_assignments_are_a_set_per_caseworker(self, projection: CaseloadProjection) -> None:
        projection.assign(CW, "c-1")
        projection.assign(CW, "c-1")
        projection.assign(CW, "c-2")
        projection.assign("cw-other", "c-3")
        assert projection.clients_of(CW) == {"c-1", "c-2"}
        assert projection.is_assigned(CW, "c-1") and not projection.is_assigned(CW, "c-3")

    def test_a_removal_is_idempotent(self, projection: CaseloadProjection) -> None:
        projection.assign(CW, "c-1")
        projection.unassign(CW, "c-1")
        projection.unassign(CW, "c-1")
        projection.unassign(CW, "c-never")
        assert projection.clients_of(CW) == frozenset() and not projection.is_assigned(CW, "c-1")


class TestCaseloadThroughGrpc:
    def test_a_caseworker_token_without_a_claim_sees_the_assigned_clients(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for, CLIENT)
        set_profile(matching_stub, token_for, OTHER)
        open_utrecht_vacancies(matching_app)
        matching_app.event_handler()(caseload_event(CASELOAD_ASSIGNED, OTHER))
        me = token_for("caseworker", CW)
        response = matching_stub.ListMatchingProfiles(
            pb.ListMatchingProfilesRequest(caseworker_id=CW, vacancy_id="vac-zeist"), metadata=me
        )
        assert [m.client_id for m in response.matches] == [OTHER]
        profile = matching_stub.GetSearchProfile(pb.GetSearchProfileRequest(client_id=OTHER), metadata=me)
        assert profile.profile.client_id == OTHER

    def test_a_caseworker_not_assigned_is_refused_with_a_denied_record(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for, OTHER)
        handle = matching_app.event_handler()
        handle(caseload_event(CASELOAD_ASSIGNED, OTHER))
        handle(caseload_event(CASELOAD_UNASSIGNED, OTHER))
        with pytest.raises(grpc.RpcError) as caught:
            matching_stub.GetSearchProfile(
                pb.GetSearchProfileRequest(client_id=OTHER), metadata=token_for("caseworker", CW)
            )
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        denied = [r for r in matching_app.processing_log.list_for_subject(OTHER) if r.status == "denied"]
        assert [(r.actor, r.name) for r in denied] == [(f"caseworker:{CW}", "GetSearchProfile")]
