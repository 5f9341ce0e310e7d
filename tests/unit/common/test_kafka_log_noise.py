"""What kafka-python logs that is not an operator's business stays out of the service log."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from services.common import logs


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def _emit(name: str, level: int, message: str) -> str:
    logs.configure_logging("test")
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    logging.getLogger(name).log(level, message)
    return stream.getvalue()


def test_a_slow_step_of_kafkas_io_loop_is_not_a_warning_of_ours() -> None:
    slow = "Task <Task poll> ran for 0.102s (>0.100s threshold). It is blocking the event loop"
    assert _emit("kafka.net.selector", logging.WARNING, slow) == ""


def test_other_kafka_warnings_still_reach_the_log() -> None:
    assert "broker down" in _emit("kafka.net.selector", logging.WARNING, "broker down")


def test_a_read_on_a_connection_closed_while_shutting_down_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    closed_read = "<KafkaTCPTransport [none] (closed)>: Error receiving network data closing socket"
    assert "Error receiving" in _emit("kafka.net.transport", logging.ERROR, closed_read)  # while serving: shown
    monkeypatch.setattr(logs, "_shutting_down", True)
    assert _emit("kafka.net.transport", logging.ERROR, closed_read) == ""
