"""One stack with the gateway for the whole directory (API and browser tests share it).

It runs on a broker of its own: the directory has no __init__.py, so pytest keeps a
"package" fixture to the end of the session, and a stack on the session broker would sit in
the consumer groups of later tests (its activities replica took the events an in-process
activities app of test_i_applied_from_the_feed waited for)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from services.common.bus.broker import EmbeddedBroker
from tests.e2e.gateway.gateway_stack import GatewayStack, run_stack


@pytest.fixture(scope="package")
def gateway_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayStack]:
    own_broker = EmbeddedBroker()
    bootstrap = own_broker.start()
    try:
        # The session's token secret (tests/conftest.py exports it), so tests mint tokens the stack accepts.
        yield from run_stack(
            tmp_path_factory.mktemp("gateway") / "data", bootstrap, os.environ["JOBMATCH_TOKEN_SECRET"]
        )
    finally:
        own_broker.stop()
