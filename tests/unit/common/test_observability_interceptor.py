"""The server interceptor records each call: a SERVER span continuing the caller's trace with
the RPC attributes and final status code, and the call counted and timed under its method and
code. An event decided in the call carries that call's span, never an earlier call's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import REGISTRY

from services.common.observability import tracing
from services.common.observability.grpc_interceptors import ObservabilityServerInterceptor

METHOD = "/jobmatch.tests.v1.ProbeService/Probe"
CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class Details(grpc.HandlerCallDetails):
    def __init__(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self.method = METHOD
        self.invocation_metadata = metadata


class Context:
    """As much of a ServicerContext as the interceptor reads: the code the handler set."""

    def __init__(self) -> None:
        self.set: grpc.StatusCode | None = None

    def code(self) -> grpc.StatusCode | None:
        return self.set


def call(
    interceptor: ObservabilityServerInterceptor,
    body: Callable[[Context], Any],
    metadata: tuple[tuple[str, str], ...] = (),
) -> Any:
    handler = interceptor.intercept_service(
        lambda _: grpc.unary_unary_rpc_method_handler(lambda request, context: body(context)), Details(metadata)
    )
    assert handler is not None and handler.unary_unary is not None
    return handler.unary_unary(b"", Context())


def counted(service: str, code: str) -> float:
    labels = {"service": service, "method": "Probe", "code": code}
    return REGISTRY.get_sample_value("jobmatch_rpc_requests_total", labels) or 0.0


def timed(service: str, code: str) -> float:
    labels = {"service": service, "method": "Probe", "code": code}
    return REGISTRY.get_sample_value("jobmatch_rpc_duration_seconds_count", labels) or 0.0


def test_calls_are_counted_and_timed_under_their_method_and_final_code() -> None:
    interceptor = ObservabilityServerInterceptor("probe-counts", traced=False)

    def refused(context: Context) -> None:
        context.set = grpc.StatusCode.PERMISSION_DENIED

    for _ in range(3):
        call(interceptor, lambda context: None)
    call(interceptor, refused)
    with pytest.raises(RuntimeError):
        call(interceptor, lambda context: (_ for _ in ()).throw(RuntimeError("boom")))
    call(interceptor, lambda context: None)

    assert [counted("probe-counts", code) for code in ("OK", "PERMISSION_DENIED", "UNKNOWN")] == [4, 1, 1]
    assert [timed("probe-counts", code) for code in ("OK", "PERMISSION_DENIED", "UNKNOWN")] == [4, 1, 1]


def test_each_call_runs_in_a_server_span_that_continues_the_callers_trace(spans: InMemorySpanExporter) -> None:
    interceptor = ObservabilityServerInterceptor("probe-spans")

    def refused(context: Context) -> None:
        context.set = grpc.StatusCode.NOT_FOUND

    call(interceptor, lambda context: None, (("traceparent", CALLER),))
    call(interceptor, refused)

    first, second = spans.get_finished_spans()
    assert [s.name for s in (first, second)] == [METHOD.lstrip("/")] * 2
    assert [s.kind for s in (first, second)] == [SpanKind.SERVER] * 2
    assert format(first.context.trace_id, "032x") == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert first.parent is not None and format(first.parent.span_id, "016x") == "00f067aa0ba902b7"
    assert second.parent is None and second.context.trace_id != first.context.trace_id
    assert [dict(s.attributes or {}) for s in (first, second)] == [
        {
            "rpc.system": "grpc",
            "rpc.method": "Probe",
            "rpc.service": "jobmatch.tests.v1.ProbeService",
            "rpc.grpc.status_code": code,
        }
        for code in (0, 5)
    ]
    assert [s.status.status_code for s in (first, second)] == [StatusCode.UNSET, StatusCode.ERROR]


def traceparent_of(span: ReadableSpan) -> str:
    ids = span.context
    return f"00-{ids.trace_id:032x}-{ids.span_id:016x}-{ids.trace_flags:02x}"


def test_an_event_decided_in_a_call_carries_that_calls_span(spans: InMemorySpanExporter) -> None:
    interceptor = ObservabilityServerInterceptor("probe-events")
    decided = [call(interceptor, lambda context: tracing.current_trace_headers()) for _ in range(3)]

    assert decided == [(traceparent_of(span), None) for span in spans.get_finished_spans()]
    assert len({traceparent for traceparent, _ in decided}) == 3
    assert tracing.current_trace_headers() == (None, None)  # outside a call: no trace context
