"""One step from a feed item: "I applied" with only a vacancy id, through the real broker."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.events.v1 import activity_events_pb2 as ev
from jobmatch.events.v1 import vacancy_events_pb2 as vev
from jobmatch.vacancies.v1 import vacancy_pb2
from services.activities.bootstrap import create_server
from services.activities.service_layer import commands as c
from services.activities.service_layer.events import ACTIVITY_LOGGED
from services.common.bus.cloudevents import CloudEvent, to_kafka
from services.common.bus.topics import ACTIVITIES, VACANCIES


def publish_vacancy(bootstrap: str, vacancy: vacancy_pb2.Vacancy) -> None:
    """What the vacancies service puts on its topic when a vacancy is published."""
    from kafka import KafkaProducer

    event = CloudEvent(
        id=str(uuid.uuid4()),
        source="urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies",
        type="nl.werk.vacancy-published.v1",
        subject=f"vacancy/{vacancy.vacancy_id}",
        time=datetime.now(UTC),
        sequence=1,
        data=vev.VacancyPublished(vacancy=vacancy).SerializeToString(),
        dataschema="proto:jobmatch.events.v1.VacancyPublished",
    )
    headers, value = to_kafka(event)
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        producer.send(VACANCIES, key=vacancy.vacancy_id.encode(), value=value, headers=headers).get(timeout=30)
    finally:
        producer.close()


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class TestApplyFromFeed:
    def test_i_applied_with_only_a_vacancy_id_fills_employer_and_position_and_tells_matching(
        self, settings, online_app, clock, broker, token_for, read_events
    ):
        client, vacancy_id = f"c-{uuid.uuid4().hex[:8]}", f"v-{uuid.uuid4().hex[:8]}"
        online_app.obligations.set_policy(
            c.SetObligationPolicy("cw-1", client, "uwv-ww", start_date=clock.today - timedelta(days=7))
        )
        publish_vacancy(
            broker,
            vacancy_pb2.Vacancy(
                vacancy_id=vacancy_id,
                title="Medewerker klantenservice",
                employer="Energiebedrijf Stroomvast",
                application_url="https://example.org/solliciteer",
            ),
        )
        assert wait_for(lambda: online_app.store.vacancy(vacancy_id) is not None), "vacancy event not consumed"

        server, port, _ = create_server(settings, "127.0.0.1:0", online_app)
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = activities_pb2_grpc.ActivityServiceStub(channel)
                reply = stub.LogActivity(
                    pb.LogActivityRequest(client_id=client, request_id="feed-1", vacancy_id=vacancy_id),
                    metadata=token_for("client", client),
                )
        finally:
            server.stop(0).wait()
        activity = reply.activity
        assert (activity.employer, activity.position) == ("Energiebedrijf Stroomvast", "Medewerker klantenservice")
        assert (activity.type, activity.channel, activity.date) == (
            pb.ACTIVITY_TYPE_VACANCY_APPLICATION,
            pb.CHANNEL_ONLINE,
            clock.today.isoformat(),
        )

        assert online_app.relay().flush(30)
        [logged] = [e for e in read_events(broker, ACTIVITIES, client) if e.type == ACTIVITY_LOGGED]
        message = ev.ActivityLogged.FromString(logged.data)
        assert (message.vacancy_id, message.client_id) == (vacancy_id, client)

    def test_an_unknown_vacancy_without_employer_is_a_clear_error(self, served, token_for, clock):
        stub, app = served
        app.obligations.set_policy(c.SetObligationPolicy("cw-1", "c-1", "uwv-ww", start_date=clock.today))
        with pytest.raises(grpc.RpcError) as caught:
            stub.LogActivity(
                pb.LogActivityRequest(client_id="c-1", request_id="r", vacancy_id="v-unknown"),
                metadata=token_for("client", "c-1"),
            )
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT


class TestFeedItemShowsApplied:
    """Across services: vacancies' event → matching feed → "I applied" here → matching shows applied."""

    def test_the_feed_item_shows_as_applied_after_logging_from_it(self, settings, online_app, clock, broker, token_for):
        matching_bootstrap = pytest.importorskip(
            "services.matching.bootstrap", reason="matching service not available in this checkout"
        )
        from jobmatch.matching.v1 import matching_service_pb2 as mpb
        from jobmatch.matching.v1 import matching_service_pb2_grpc as mgrpc
        from services.common.reference import occupations, places

        client, vacancy_id = f"c-{uuid.uuid4().hex[:8]}", f"v-{uuid.uuid4().hex[:8]}"
        cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
        utrecht = places.lookup("Utrecht")
        me = token_for("client", client)
        matching = matching_bootstrap.build_app(settings)
        matching.start_background()
        m_server, m_port, _ = matching_bootstrap.create_server(settings, "127.0.0.1:0", matching)
        a_server, a_port, _ = create_server(settings, "127.0.0.1:0", online_app)
        try:
            assert matching.consumer().wait_until_assigned(60)
            feed = mgrpc.MatchingServiceStub(grpc.insecure_channel(f"127.0.0.1:{m_port}"))
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
            online_app.obligations.set_policy(
                c.SetObligationPolicy("cw-1", client, "uwv-ww", start_date=clock.today - timedelta(days=7))
            )
            publish_vacancy(
                broker,
                vacancy_pb2.Vacancy(
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
                ),
            )

            def item():
                items = feed.GetFeed(mpb.GetFeedRequest(client_id=client), metadata=me).items
                return next((i for i in items if i.vacancy.vacancy_id == vacancy_id), None)

            assert wait_for(lambda: item() is not None), "the vacancy did not reach the client's feed"
            assert not item().applied
            assert wait_for(lambda: online_app.store.vacancy(vacancy_id) is not None)

            activities = activities_pb2_grpc.ActivityServiceStub(grpc.insecure_channel(f"127.0.0.1:{a_port}"))
            logged = activities.LogActivity(
                pb.LogActivityRequest(client_id=client, request_id="from-feed", vacancy_id=vacancy_id), metadata=me
            ).activity
            assert (logged.employer, logged.position) == ("Restaurant De Gouden Lepel", "Kok")
            assert wait_for(lambda: item().applied), "the feed item was not marked applied"
        finally:
            a_server.stop(0).wait()
            m_server.stop(0).wait()
            matching.close()
