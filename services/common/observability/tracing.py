"""OpenTelemetry traces: the process's tracer provider, and the trace context on events.

A span is always recorded when tracing is on (the default): the processing log and the JSON
log lines take their trace and span ids from it, so one id finds a request in the logs, the
processing log and a trace backend. Spans leave the process only when an OTLP endpoint is
configured (`JOBMATCH_OTLP_ENDPOINT`); without one they cost ids and timestamps, nothing more.

Events carry the context as the CloudEvents distributed-tracing extension: `traceparent` and
`tracestate` (W3C Trace Context), which the outbox stores with the event at the moment the
event is decided, so the relay, running later and elsewhere, sends the context of the work
that caused the event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

_PROPAGATOR = TraceContextTextMapPropagator()
_lock = threading.Lock()
_enabled = False
_tracer: tuple[trace.TracerProvider, trace.Tracer] | None = None


def tracer() -> trace.Tracer:
    """The process's tracer, kept per provider: the SDK's `get_tracer` finds its cached tracer
    only after building two scope objects, a deprecation filter and a locked lookup (~40 µs,
    a third of what a server span cost per call)."""
    global _tracer
    provider = trace.get_tracer_provider()
    cached = _tracer
    if cached is None or cached[0] is not provider:
        cached = _tracer = (provider, provider.get_tracer("jobmatch"))
    return cached[1]


def enable_tracing(
    service: str, otlp_endpoint: str | None = None, processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install the SDK tracer provider once per process (OpenTelemetry allows one), exporting
    over OTLP/HTTP when `otlp_endpoint` is given and to `processor` (tests) when given. A
    second call adds its exporters to the provider already installed."""
    global _enabled
    with _lock:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            provider = TracerProvider(resource=Resource.create({"service.name": f"jobmatch-{service}"}))
            trace.set_tracer_provider(provider)
        if otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            endpoint = otlp_endpoint.rstrip("/")
            if not endpoint.endswith("/v1/traces"):
                endpoint += "/v1/traces"
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
            log.info("traces exported", extra={"otlp_endpoint": endpoint})
        if processor is not None:
            provider.add_span_processor(processor)
        _enabled = True
        return provider


def tracing_enabled() -> bool:
    return _enabled


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the span running now, or None outside a recorded span."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return format(span_context.trace_id, "032x"), format(span_context.span_id, "016x")


_last_headers: tuple[object, tuple[str | None, str | None]] | None = None


def current_trace_headers() -> tuple[str | None, str | None]:
    """W3C `traceparent` and `tracestate` of the running span, for an event decided now.
    The last answer is kept with its span context (immutable, held by the span): an outbox
    row asks twice, once per column, and a batch of events once per event in the same span."""
    global _last_headers
    span_context = trace.get_current_span().get_span_context()
    last = _last_headers
    if last is not None and last[0] is span_context:
        return last[1]
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    headers = carrier.get("traceparent"), carrier.get("tracestate") or None
    _last_headers = (span_context, headers)
    return headers


def context_from(traceparent: str | None, tracestate: str | None = None) -> otel_context.Context:
    """The remote parent a `traceparent` names (an empty context when absent or malformed)."""
    carrier = {"traceparent": traceparent} if traceparent else {}
    if traceparent and tracestate:
        carrier["tracestate"] = tracestate
    return _PROPAGATOR.extract(carrier)


@contextmanager
def span_from(
    name: str, kind: SpanKind, parent: otel_context.Context, attributes: dict[str, str] | None = None
) -> Iterator[Span]:
    """Run the block in a new span, child of `parent`, made current for the block."""
    with tracer().start_as_current_span(
        name, context=parent, kind=kind, attributes=attributes, record_exception=True, set_status_on_exception=True
    ) as span:
        yield span


def disable_tracing() -> None:
    """Stop starting spans (the provider stays installed: OpenTelemetry keeps one per
    process). For tests and the on/off benchmark."""
    global _enabled
    _enabled = False
