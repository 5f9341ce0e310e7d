"""Fixtures: the three services in-process on port 0 (real SQLite, session broker), seeded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reliability_support import Baseline, Stack, seed_baseline, start_stack, stop_stack

# Limits far above what a test sends, so only the rate-limit tests meet the rate limit.
UNLIMITED = {"write_rate_per_minute": 1_000_000, "write_burst": 1_000_000}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, broker: str) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("reliability") / "data", broker, **UNLIMITED)
    try:
        yield running
    finally:
        stop_stack(running)


@pytest.fixture(scope="module")
def baseline(stack: Stack) -> Baseline:
    return seed_baseline(stack)
