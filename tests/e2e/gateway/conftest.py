"""One stack with the gateway for the whole package (API and browser tests share it)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.e2e.gateway.gateway_stack import GatewayStack, run_stack


@pytest.fixture(scope="package")
def gateway_stack(tmp_path_factory: pytest.TempPathFactory, broker: str) -> Iterator[GatewayStack]:
    # The session's token secret (tests/conftest.py exports it), so tests mint tokens the stack accepts.
    yield from run_stack(tmp_path_factory.mktemp("gateway") / "data", broker, os.environ["JOBMATCH_TOKEN_SECRET"])
