"""Fixtures for the activities service: an app on a temp dir with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest

from jobmatch.activities.v1 import activities_pb2_grpc
from services.activities.bootstrap import App, build_app, create_server
from services.common.bus.cloudevents import CloudEvent
from services.common.bus.tail import read_topic_events
from services.common.settings import Settings

TODAY = date(2026, 3, 2)  # a Monday


@dataclass
class MovableClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int = 0, hours: int = 0) -> None:
        self.now += timedelta(days=days, hours=hours)

    @property
    def today(self) -> date:
        return self.now.date()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime.combine(TODAY, datetime.min.time(), UTC).replace(hour=10))


@pytest.fixture
def offline_app(offline_settings: Settings, clock: MovableClock) -> Iterator[App]:
    app = build_app(offline_settings, clock=clock)
    yield app
    app.close()


@pytest.fixture
def served_channel(offline_settings: Settings, offline_app: App) -> Iterator[tuple[grpc.Channel, App]]:
    """A real server on port 0 around the offline app, and a channel to it."""
    server, port, app = create_server(offline_settings, "127.0.0.1:0", offline_app)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield channel, app
    finally:
        channel.close()
        server.stop(0).wait()


@pytest.fixture
def served(served_channel: tuple[grpc.Channel, App]) -> tuple[activities_pb2_grpc.ActivityServiceStub, App]:
    channel, app = served_channel
    return activities_pb2_grpc.ActivityServiceStub(channel), app


@pytest.fixture
def read_events():
    """read_events(bootstrap, topic, key) -> every CloudEvent on `topic` with that Kafka key."""

    def read(bootstrap: str, topic: str, key: str) -> list[CloudEvent]:
        return [event for k, event in read_topic_events(bootstrap, topic) if k == key]

    return read


@pytest.fixture
def online_app(settings: Settings, clock: MovableClock) -> Iterator[App]:
    """An app with the real broker: outbox relay (and vacancy consumer when available), no sweeper thread."""
    from services.common.bus.broker import ensure_topics
    from services.common.bus.topics import ALL_TOPICS

    ensure_topics(settings.kafka_bootstrap_servers, list(ALL_TOPICS))
    app = build_app(settings, clock=clock)
    app.start_background(sweep_interval=0)
    yield app
    app.close()
