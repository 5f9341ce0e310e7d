"""Fault-injection fixtures: a broker of our own per module and the services as real processes.

The session broker of tests/conftest.py is never touched: these tests kill brokers and services.
Every child is started with PR_SET_PDEATHSIG, so an aborted test run leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from faults_support import EVERY_TOPIC, ServiceProcess

from services.common.auth import mint_token
from services.common.bus import EmbeddedBroker, ensure_topics
from services.common.settings import Settings


@pytest.fixture(scope="module")
def fault_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """A broker only this module uses (and may kill), with every topic and dead-letter topic."""
    broker = EmbeddedBroker(log_path=tmp_path_factory.mktemp("broker") / "tansu.log")
    broker.start()
    ensure_topics(broker.bootstrap, EVERY_TOPIC)
    yield broker
    broker.stop()


@pytest.fixture
def services(tmp_path: Path, fault_broker: EmbeddedBroker) -> Iterator[Callable[..., ServiceProcess]]:
    """Factory: services("vacancies", seed=False) starts one service process on tmp_path/data."""
    started: list[ServiceProcess] = []

    def start(name: str, *, seed: bool = False, **env: str) -> ServiceProcess:
        service = ServiceProcess(
            name, tmp_path / "data", fault_broker.bootstrap, tmp_path / "logs", seed=seed, extra_env=env
        )
        started.append(service)
        return service.start()

    yield start
    for service in reversed(started):
        service.stop()


@pytest.fixture(scope="module")
def metadata_for() -> Callable[..., tuple[tuple[str, str], ...]]:
    """Call metadata with a token signed with the session's secret, which the processes get too."""
    settings = Settings()

    def make(role: str, subject: str, caseload: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {mint_token(settings, subject=subject, role=role, caseload=caseload)}"),)

    return make
