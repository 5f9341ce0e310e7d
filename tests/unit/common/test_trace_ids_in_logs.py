"""Inside a span, a JSON log line and the processing log's ids are the OpenTelemetry ones."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry.trace import SpanKind

from services.common.logs import JsonFormatter
from services.common.observability import tracing
from services.common.processing_log import parse_traceparent


@pytest.fixture
def traced() -> Iterator[None]:
    tracing.enable_tracing("tests")
    yield
    tracing.disable_tracing()


def test_a_log_line_written_in_a_span_carries_its_trace_and_span_id(traced: None) -> None:
    with tracing.span_from("work", SpanKind.INTERNAL, tracing.context_from(None)) as span:
        line = json.loads(JsonFormatter("tests").format(logging.makeLogRecord({"msg": "hello"})))
        ids = span.get_span_context()
    assert (line["trace_id"], line["span_id"]) == (format(ids.trace_id, "032x"), format(ids.span_id, "016x"))


def test_the_processing_log_takes_the_running_spans_ids_over_the_header(traced: None) -> None:
    parent = tracing.context_from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    with tracing.span_from("call", SpanKind.SERVER, parent) as span:
        trace_id, span_id = parse_traceparent("00-11111111111111111111111111111111-2222222222222222-01")
    assert trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"  # the caller's trace, continued by the span
    assert span_id == format(span.get_span_context().span_id, "016x")


def test_outside_a_span_a_log_line_has_no_trace_id() -> None:
    line = json.loads(JsonFormatter("tests").format(logging.makeLogRecord({"msg": "hello"})))
    assert "trace_id" not in line
