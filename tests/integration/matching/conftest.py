"""Fixtures for the matching service: an app on a temp dir with a clock the test moves,
a real gRPC server on port 0, and helpers that open vacancies as the vacancy events would."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from matching_support import NOW, MovableClock, make_vacancy  # noqa: F401 - re-exported for fixtures

from jobmatch.matching.v1 import matching_service_pb2_grpc
from services.common.settings import Settings
from services.matching.bootstrap import App, build_app, create_server


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
