"""Fixtures for the vacancies integration tests: a movable clock, an app on SQLite, and a real gRPC server on 127.0.0.1 port 0."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import grpc
import pytest
from vacancies_support import MovableClock

from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.settings import Settings
from services.vacancies.bootstrap import App, build_app, create_server


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


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


@pytest.fixture
def stub(
    served: tuple[vacancy_service_pb2_grpc.VacancyServiceStub, int],
) -> vacancy_service_pb2_grpc.VacancyServiceStub:
    return served[0]


@pytest.fixture
def service(token_for: Callable[..., tuple[tuple[str, str], ...]]) -> tuple[tuple[str, str], ...]:
    """Call metadata with a service token (subject tests)."""
    return token_for("service", "tests")
