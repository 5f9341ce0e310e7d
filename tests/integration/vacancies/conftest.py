"""Fixtures for the vacancies integration tests: a movable clock, every store adapter,
an app on SQLite, and a real gRPC server on 127.0.0.1 port 0."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest

from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.bus.outbox import SqliteOutbox
from services.common.settings import Settings
from services.vacancies.bootstrap import App, build_app, create_server
from services.vacancies.domain.model import Location, Occupation, VacancyContent

ES_SKIP_NO_ENGINE = "ELASTICSEARCH_URL not set and no Docker engine: Elasticsearch adapter leg skipped"
ES_SKIP_NOT_BUILT = "Elasticsearch adapter not built yet"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "vacancies"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """Every adapter of the VacancyStore port; the contract suite runs against each."""
    if request.param == "elasticsearch":
        pytest.skip(ES_SKIP_NOT_BUILT if os.environ.get("ELASTICSEARCH_URL") else ES_SKIP_NO_ENGINE)
    from services.vacancies.adapters.sqlite_store import SqliteVacancyStore

    db = tmp_path / "vacancies.db"
    adapter = SqliteVacancyStore(db, SqliteOutbox(db, "urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies"))
    yield adapter
    adapter.close_store()


def vacancy(external_id: str, *, source: str = "werkbank", title: str = "Medewerker", place: str = "Utrecht",
            **fields: object) -> VacancyContent:
    """A valid vacancy in `place` (coordinates come from the shipped places)."""
    values: dict[str, object] = {
        "source": source, "external_id": external_id, "title": title, "employer": f"Werkgever {external_id}",
        "description": f"Vacature {title} in {place}.", "location": Location(place_name=place),
        "date_posted": "2026-11-20", "valid_through": "2026-12-31",
    }
    values.update(fields)
    return VacancyContent(**values)  # type: ignore[arg-type]


def software_job(external_id: str, **fields: object) -> VacancyContent:
    fields.setdefault("title", "Softwareontwikkelaar")
    return vacancy(external_id, occupation=Occupation(esco_uri=SOFTWARE_DEVELOPER), **fields)  # type: ignore[arg-type]


@pytest.fixture
def app(offline_settings: Settings, clock: MovableClock) -> Iterator[App]:
    application = build_app(offline_settings, clock=clock)
    yield application
    application.close()


@pytest.fixture
def served(offline_settings: Settings, app: App) -> Iterator[tuple[vacancy_service_pb2_grpc.VacancyServiceStub, int]]:
    server, port, _ = create_server(offline_settings, app=app)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield vacancy_service_pb2_grpc.VacancyServiceStub(channel), port
    finally:
        channel.close()
        server.stop(None)


def read_all_events(bootstrap: str, topic: str, timeout: float = 30.0) -> list[tuple[str, object]]:
    """(key, CloudEvent) of every record on `topic`, read up to its current end offsets."""
    from kafka import KafkaConsumer, TopicPartition

    from services.common.bus.cloudevents import from_kafka

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        found: list[tuple[str, object]] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(p) < end[p] for p in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} up to its end offsets")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    found.append((record.key.decode() if record.key else "", from_kafka(record.headers, record.value)))
        return found
    finally:
        consumer.close()
