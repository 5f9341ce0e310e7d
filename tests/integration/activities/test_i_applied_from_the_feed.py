""" "I applied" in the feed (matching's RecordFeedback APPLIED) logs the sollicitatie activity
here, once, linked to the vacancy, through the real broker; LogActivity for the same vacancy
returns that activity; a redelivered event logs nothing twice; nothing loops back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.events.v1 import matching_events_pb2 as mev
from jobmatch.events.v1 import vacancy_events_pb2 as vev
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc as mgrpc
from jobmatch.vacancies.v1 import vacancy_pb2
from services.activities.bootstrap import create_server
from services.activities.service_layer import commands as c
from services.common.bus.cloudevents import CloudEvent, to_kafka
from services.common.bus.topics import MATCHING, VACANCIES
from services.common.reference import occupations, places

CLIENT_APPLIED = "nl.werk.client-applied.v1"


def publish(bootstrap: str, topic: str, key: str, event_type: str, message: Message, event_id: str = "") -> None:
    from kafka import KafkaProducer

    event = CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source="urn:nld:oin:00000000000000000000:systeem:test",
        type=event_type,
        subject=key,
        time=datetime.now(UTC),
        sequence=1,
        data=message.SerializeToString(),
        dataschema=f"proto:{message.DESCRIPTOR.full_name}",
    )
    headers, value = to_kafka(event)
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        producer.send(topic, key=key.encode(), value=value, headers=headers).get(timeout=30)
    finally:
        producer.close()


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def applications(app: Any, client: str, vacancy_id: str) -> list[Any]:
    found = app.store.list_activities(client, from_date=None, to_date=None, limit=100)
    return [a for a in found if a.vacancy_id == vacancy_id]


@pytest.fixture
def client_with_policy(online_app, clock) -> str:
    client = f"c-{uuid.uuid4().hex[:8]}"
    online_app.obligations.set_policy(
        c.SetObligationPolicy("cw-1", client, "uwv-ww", start_date=clock.today - timedelta(days=7))
    )
    return client


@pytest.fixture
def matching(settings) -> Iterator[tuple[Any, mgrpc.MatchingServiceStub]]:
    from services.matching import bootstrap

    app = bootstrap.build_app(settings)
    app.start_background()
    server, port, _ = bootstrap.create_server(settings, "127.0.0.1:0", app)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        assert app.consumer().wait_until_assigned(60)
        yield app, mgrpc.MatchingServiceStub(channel)
    finally:
        channel.close()
        server.stop(0).wait()
        app.close()


def cook_vacancy(vacancy_id: str) -> vacancy_pb2.Vacancy:
    cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
    utrecht = places.lookup("Utrecht")
    return vacancy_pb2.Vacancy(
        vacancy_id=vacancy_id,
        title="Kok",
        employer="Restaurant De Gouden Lepel",
        occupation=vacancy_pb2.Occupation(esco_uri=cook.uri, isco_code=cook.isco_code, label=cook.label_nl),
        location=vacancy_pb2.Location(
            place_name=utrecht.name,
            latitude=utrecht.latitude,
            longitude=utrecht.longitude,
            has_coordinates=True,
            country_code="NL",
        ),
        hours_min=32,
        hours_max=38,
        date_posted=datetime.now(UTC).date().isoformat(),
        application_url="https://example.org/kok",
    )


class TestIAppliedFromTheFeed:
    def test_applied_in_the_feed_logs_one_activity_linked_to_the_vacancy_and_says_it_counts(
        self, settings, online_app, matching, client_with_policy, broker, token_for, read_events
    ):
        client, vacancy_id = client_with_policy, f"v-{uuid.uuid4().hex[:8]}"
        m_app, feed = matching
        me = token_for("client", client)
        cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
        feed.SetSearchProfile(
            mpb.SetSearchProfileRequest(
                client_id=client,
                profile=mpb.SearchProfile(
                    occupations=[mpb.OccupationWish(esco_uri=cook.uri, breadth=mpb.OCCUPATION_BREADTH_UNIT_GROUP)],
                    home_place_name="Utrecht",
                    max_travel_km=30,
                    hours_min=24,
                    hours_max=40,
                ),
            ),
            metadata=me,
        )
        publish(
            broker,
            VACANCIES,
            vacancy_id,
            "nl.werk.vacancy-published.v1",
            vev.VacancyPublished(vacancy=cook_vacancy(vacancy_id)),
        )
        assert wait_for(lambda: m_app.store.get_vacancy(vacancy_id) is not None), "matching never saw the vacancy"

        reply = feed.RecordFeedback(
            mpb.RecordFeedbackRequest(client_id=client, vacancy_id=vacancy_id, kind=mpb.FEEDBACK_KIND_APPLIED),
            metadata=me,
        )
        assert reply.activity_logged and "sollicitatieplicht" in reply.notice

        assert wait_for(lambda: applications(online_app, client, vacancy_id)), "no activity was logged"
        [activity] = applications(online_app, client, vacancy_id)
        assert (activity.employer, activity.position, activity.type.value) == (
            "Restaurant De Gouden Lepel",
            "Kok",
            "vacancy_application",
        )

        # Said again in the feed, and once more with LogActivity: still that one activity.
        feed.RecordFeedback(
            mpb.RecordFeedbackRequest(client_id=client, vacancy_id=vacancy_id, kind=mpb.FEEDBACK_KIND_APPLIED),
            metadata=me,
        )
        server, port, _ = create_server(settings, "127.0.0.1:0", online_app)
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                logged = activities_pb2_grpc.ActivityServiceStub(channel).LogActivity(
                    pb.LogActivityRequest(client_id=client, request_id="mine", vacancy_id=vacancy_id), metadata=me
                )
        finally:
            server.stop(0).wait()
        assert (logged.activity.activity_id, logged.created) == (activity.activity_id, False)
        assert logged.activity.counts and "sollicitatieplicht" in logged.notice

        # The ActivityLogged it caused marks the feed item applied and announces nothing new.
        assert online_app.relay().flush(30) and m_app.relay().flush(30)
        time.sleep(1.0)
        assert m_app.relay().flush(30)
        applied = [e for e in read_events(broker, MATCHING, client) if e.type == CLIENT_APPLIED]
        assert len(applied) == 1
        assert len(applications(online_app, client, vacancy_id)) == 1

    def test_a_redelivered_or_repeated_client_applied_event_logs_nothing_twice(
        self, online_app, client_with_policy, broker
    ):
        client, vacancy_id = client_with_policy, f"v-{uuid.uuid4().hex[:8]}"
        said = mev.ClientApplied(
            client_id=client, vacancy_id=vacancy_id, employer="Bakkerij Brood & Co", position="Bakker"
        )
        first = str(uuid.uuid4())
        for event_id in (first, first, str(uuid.uuid4())):
            publish(broker, MATCHING, client, CLIENT_APPLIED, said, event_id)
        assert wait_for(lambda: applications(online_app, client, vacancy_id))
        time.sleep(2.0)  # the later deliveries are handled by now
        [activity] = applications(online_app, client, vacancy_id)
        assert (activity.employer, activity.channel.value) == ("Bakkerij Brood & Co", "online")

    def test_a_client_applied_the_rules_refuse_is_skipped_without_stopping_the_consumer(
        self, online_app, clock, broker
    ):
        client, vacancy_id = f"c-{uuid.uuid4().hex[:8]}", f"v-{uuid.uuid4().hex[:8]}"
        online_app.obligations.set_policy(
            c.SetObligationPolicy("cw-1", client, "uwv-ww", start_date=clock.today + timedelta(days=30))
        )
        publish(
            broker,
            MATCHING,
            client,
            CLIENT_APPLIED,
            mev.ClientApplied(client_id=client, vacancy_id=vacancy_id, employer="X", position="Y"),
        )
        later = f"v-{uuid.uuid4().hex[:8]}"
        other = f"c-{uuid.uuid4().hex[:8]}"
        online_app.obligations.set_policy(
            c.SetObligationPolicy("cw-1", other, "uwv-ww", start_date=clock.today - timedelta(days=7))
        )
        publish(
            broker,
            MATCHING,
            other,
            CLIENT_APPLIED,
            mev.ClientApplied(client_id=other, vacancy_id=later, employer="Bakkerij", position="Bakker"),
        )
        assert wait_for(lambda: applications(online_app, other, later)), "the consumer stopped at the refused event"
        assert applications(online_app, client, vacancy_id) == []
