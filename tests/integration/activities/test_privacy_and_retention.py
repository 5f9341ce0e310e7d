"""Retention sweep (2 years) and erasure on request through PrivacyService on this server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.privacy.v1 import privacy_pb2, privacy_pb2_grpc
from services.activities.domain.model import Activity, ActivityType, Channel
from services.activities.service_layer import commands as c


def stored(app, client: str, n: int, days_ago: int) -> None:
    day = app.clock().date() - timedelta(days=days_ago)
    app.store.add_activity(
        Activity(
            activity_id=f"a-{client}-{n}",
            client_id=client,
            request_id=f"r-{n}",
            type=ActivityType.OPEN_APPLICATION,
            date=day,
            employer="Werkgever",
            position="Monteur",
            channel=Channel.LETTER,
            logged_at=datetime.combine(day, datetime.min.time(), UTC),
        ),
        [],
    )


class TestRetention:
    def test_the_sweep_erases_activities_older_than_two_years_only(self, offline_app):
        stored(offline_app, "c-1", 1, 731)
        stored(offline_app, "c-1", 2, 729)
        assert offline_app.sweep().erased_activities == 1
        assert offline_app.store.get_activity("c-1", "a-c-1-1") is None
        assert offline_app.store.get_activity("c-1", "a-c-1-2") is not None


class TestErasureOnRequest:
    def test_old_activities_are_erased_and_younger_ones_retained_with_the_reason(self, served_channel, token_for):
        channel, app = served_channel
        stored(app, "c-1", 1, 800)
        stored(app, "c-1", 2, 10)
        privacy = privacy_pb2_grpc.PrivacyServiceStub(channel)
        reply = privacy.EraseClientData(
            privacy_pb2.EraseClientDataRequest(client_id="c-1", reason="AVG art. 17"),
            metadata=token_for("service", "privacy-desk"),
        )
        assert {i.kind: i.count for i in reply.erased} == {"sollicitatie_activities": 1}
        assert {i.kind: i.count for i in reply.retained} == {"sollicitatie_activities": 1}
        assert "2 jaar" in reply.retained_reason
        assert app.store.get_activity("c-1", "a-c-1-1") is None

    def test_reading_activities_leaves_a_processing_log_record_for_the_client(self, served, token_for, clock):
        stub, app = served
        cw = token_for("caseworker", "cw-1", caseload=["c-1"])
        app.obligations.set_policy(c.SetObligationPolicy("cw-1", "c-1", "uwv-ww", start_date=clock.today))
        stub.ListActivities(pb.ListActivitiesRequest(client_id="c-1"), metadata=cw)
        records = app.processing_log.list_for_subject("c-1")
        assert [r.processing_activity_id.rsplit(":", 1)[-1] for r in records] == ["read-sollicitatie-activities"]
        assert records[0].actor == "caseworker:cw-1"
