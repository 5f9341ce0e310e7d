"""Fixtures for the matching service: an app on a temp dir with a clock the test moves,
a real gRPC server on port 0, and helpers that open vacancies as the vacancy events would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest

from jobmatch.matching.v1 import matching_service_pb2_grpc
from services.common.reference import occupations, places
from services.common.settings import Settings
from services.matching.bootstrap import App, build_app, create_server
from services.matching.domain.model import OpenVacancy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@dataclass
class MovableClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: int = 0, days: int = 0) -> None:
        self.now += timedelta(hours=hours, days=days)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def matching_app(offline_settings: Settings, clock: MovableClock) -> Iterator[App]:
    app = build_app(offline_settings, clock=clock)
    yield app
    app.close()


@pytest.fixture
def matching_target(offline_settings: Settings, matching_app: App) -> Iterator[str]:
    """HOST:PORT of a real server on port 0 around the offline app."""
    server, port, _ = create_server(offline_settings, "127.0.0.1:0", matching_app)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(None)


@pytest.fixture
def matching_stub(matching_target: str) -> Iterator[matching_service_pb2_grpc.MatchingServiceStub]:
    channel = grpc.insecure_channel(matching_target)
    try:
        yield matching_service_pb2_grpc.MatchingServiceStub(channel)
    finally:
        channel.close()


def make_vacancy(vacancy_id: str, place: str, isco: str = "2512", hours: tuple[float, float] = (32, 36),
                 received_at: datetime = NOW, **fields: Any) -> OpenVacancy:
    occupation = occupations.by_isco_prefix(isco)[0]
    where = places.lookup(place)
    assert where is not None, place
    values: dict[str, Any] = dict(
        vacancy_id=vacancy_id, title=f"{occupation.label_nl} ({place})", employer="Voorbeeld B.V.",
        esco_uri=occupation.uri, isco_code=occupation.isco_code, place_name=where.name,
        latitude=where.latitude, longitude=where.longitude, has_coordinates=True,
        hours_min=hours[0], hours_max=hours[1], date_posted="2026-11-20", received_at=received_at,
    )
    values.update(fields)
    return OpenVacancy(**values)
