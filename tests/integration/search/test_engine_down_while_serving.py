"""The search engine goes away while a service runs on it (osmem, with the real client switched
off by the test): RPCs answer UNAVAILABLE in Dutch and English and lose nothing they accepted;
event consumers pause and resume, and no event goes to the dead letters."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from polling import wait_for
from search_support import FaultyClient, engine_of, migrated_cluster, search_settings

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc
from services.common.bus.consumer import EventConsumer
from services.common.search.retry import RetryPolicy

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CW, CLIENT = "cw-1", "c-1"


@pytest.fixture
def cluster() -> Iterator[str]:
    with migrated_cluster() as url:
        yield url


def quick_retries(faults_engine: object) -> None:
    faults_engine.retry = RetryPolicy(attempts=2, base_seconds=0.01)  # type: ignore[attr-defined]


def log_request(request_id: str) -> pb.LogActivityRequest:
    return pb.LogActivityRequest(
        client_id=CLIENT,
        request_id=request_id,
        type=pb.ACTIVITY_TYPE_VACANCY_APPLICATION,
        date=(NOW.date() - timedelta(days=1)).isoformat(),
        employer="Zorggroep Rijnstad",
        position="Verzorgende IG",
        channel=pb.CHANNEL_ONLINE,
    )


class TestRpcsWhileTheEngineIsDown:
    def test_a_write_answers_unavailable_in_dutch_and_english_and_nothing_accepted_is_lost(
        self, cluster: str, tmp_path: Path, token_for
    ) -> None:  # type: ignore[no-untyped-def]
        from services.activities.bootstrap import build_app, create_server

        settings = search_settings(cluster, tmp_path)
        app = build_app(settings, clock=lambda: NOW)
        server, port, _ = create_server(settings, "127.0.0.1:0", app)
        engine = engine_of(app)
        faults = FaultyClient.around(engine)
        quick_retries(engine)
        me = token_for("client", CLIENT)
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = activities_pb2_grpc.ActivityServiceStub(channel)
                stub.SetObligationPolicy(
                    pb.SetObligationPolicyRequest(
                        caseworker_id=CW,
                        client_id=CLIENT,
                        template="uwv-ww",
                        start_date=(NOW.date() - timedelta(days=14)).isoformat(),
                    ),
                    metadata=token_for("caseworker", CW, caseload=[CLIENT]),
                )
                first = stub.LogActivity(log_request("r-1"), metadata=me)

                faults.down.set()
                with pytest.raises(grpc.RpcError) as refused:
                    stub.LogActivity(log_request("r-2"), metadata=me)
                assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
                message = refused.value.details()
                assert message.startswith("Dit lukt nu even niet.") and "(EN" not in message, message

                faults.down.clear()
                second = stub.LogActivity(log_request("r-2"), metadata=me)  # the caller tries again
                again = stub.LogActivity(log_request("r-2"), metadata=me)
                listed = stub.ListActivities(pb.ListActivitiesRequest(client_id=CLIENT), metadata=me)
        finally:
            server.stop(0).wait()
            app.close()
        assert second.created and not again.created
        assert {a.activity_id for a in listed.activities} == {first.activity.activity_id, second.activity.activity_id}


def publish(bootstrap: str, kind: str, vacancy_id: str, title: str = "Kok") -> None:
    from kafka import KafkaProducer

    from jobmatch.events.v1 import vacancy_events_pb2 as vev
    from jobmatch.vacancies.v1 import vacancy_pb2
    from services.common.bus.cloudevents import CloudEvent, to_kafka
    from services.common.bus.topics import VACANCIES

    vacancy = vacancy_pb2.Vacancy(vacancy_id=vacancy_id, title=title, employer="Hotel B.V.")
    message = vev.VacancyClosed(vacancy_id=vacancy_id) if kind == "closed" else vev.VacancyPublished(vacancy=vacancy)
    event = CloudEvent(
        id=str(uuid.uuid4()),
        source="urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies",
        type=f"nl.werk.vacancy-{kind}.v1",
        subject=f"vacancy/{vacancy_id}",
        time=datetime.now(UTC),
        sequence=1,
        data=message.SerializeToString(),
        dataschema=f"proto:jobmatch.events.v1.{type(message).__name__}",
    )
    headers, value = to_kafka(event)
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        producer.send(VACANCIES, key=vacancy_id.encode(), value=value, headers=headers).get(timeout=30)
    finally:
        producer.close()


class TestConsumersWhileTheEngineIsDown:
    def test_vacancy_events_wait_for_the_engine_and_are_all_applied_none_dead_lettered(
        self, cluster: str, tmp_path: Path, broker: str
    ) -> None:
        from services.activities.bootstrap import build_app
        from services.common.bus.broker import ensure_topics
        from services.common.bus.tail import read_topic_events
        from services.common.bus.topics import ALL_TOPICS, VACANCIES

        ensure_topics(broker, list(ALL_TOPICS))
        app = build_app(search_settings(cluster, tmp_path, kafka_bootstrap_servers=broker), clock=lambda: NOW)
        engine = engine_of(app)
        faults = FaultyClient.around(engine)
        quick_retries(engine)
        faults.down.set()
        opened, closed = f"v-{uuid.uuid4().hex[:8]}", f"v-{uuid.uuid4().hex[:8]}"
        try:
            app.start_background(sweep_interval=0)
            consumer = app.background.find(EventConsumer)
            assert consumer is not None
            consumer.max_backoff = 0.1  # pause briefly between tries (the default is 2 s)
            publish(broker, "published", opened)
            publish(broker, "published", closed)
            publish(broker, "closed", closed)
            # Far more tries than max_attempts allows a failing handler before the dead letters.
            attempts = RetryPolicy(attempts=2).attempts
            assert wait_for(lambda: faults.requests_while_down >= attempts * (consumer.max_attempts + 3), 60)
            faults.down.clear()
            assert wait_for(
                lambda: (
                    app.store.vacancy(opened) is not None
                    and app.store.vacancy(closed) is not None
                    and not app.store.vacancy(closed).open
                ),
                60,
            )
            assert app.store.vacancy(opened).open and consumer.dead_lettered_count == 0
        finally:
            app.close()
        dead = [key for key, _ in read_topic_events(broker, VACANCIES + ".dlq") if key in (opened, closed)]
        assert dead == []
