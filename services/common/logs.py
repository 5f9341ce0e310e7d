"""Structured JSON logs on stderr, one object per line; a line written inside a traced span
carries its `trace_id` and `span_id`, so logs, traces and the processing log meet."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from services.common.observability.tracing import current_ids

_STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        ids = current_ids()
        if ids is not None:
            entry.setdefault("trace_id", ids[0])
            entry.setdefault("span_id", ids[1])
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(_drop_cancelled_on_shutdown)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # kafka-python is chatty at INFO about every connection attempt, and on a clean shutdown
    # it reports its own cancelled metadata refresh as an error: not one of ours.
    logging.getLogger("kafka").setLevel(logging.WARNING)


_shutting_down = False


def mark_shutting_down() -> None:
    """From now on the process closes its own Kafka connections: kafka-python reports the
    metadata refreshes that closing cuts off as errors, which they are not."""
    global _shutting_down
    _shutting_down = True


def _drop_cancelled_on_shutdown(record: logging.LogRecord) -> bool:
    if not record.name.startswith("kafka"):
        return True
    message = record.getMessage()
    if record.name == "kafka.net.selector" and "threshold" in message:
        # kafka-python 3 times each step of its IO loop against 0.1 s; on a busy machine (two
        # cores, the GIL shared with our handlers) a step takes longer now and then. Nothing is
        # lost or late by it: a note for kafka-python's authors, not an operator's warning.
        return False
    if _shutting_down and record.name == "kafka.net.transport" and "Error receiving network data" in message:
        # Closing: a read kafka-python 3.0 had scheduled runs on a transport closed a moment
        # before and fails inside it ("'NoneType' object has no attribute 'recv'"). Our own close,
        # seen once at Ctrl-C in a fresh-clone run (tests/e2e/test_stack.py); nothing is lost.
        return False
    if "Metadata refresh" not in message:
        return True
    return not ("Cancelled" in message or (_shutting_down and "closed" in message))
