"""gRPC interceptors for metrics and traces, separate from the platform's access interceptor.

`ObservabilityServerInterceptor` goes first in a server's chain: it continues the caller's
trace (W3C `traceparent` metadata) in a SERVER span that is current while every inner
interceptor and the handler run, and counts and times each call by method and final status
code. `TracingClientInterceptor` starts a CLIENT span per call and sends its `traceparent`.
Health checks and reflection are left out: they would drown the series that matter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from . import tracing
from .metrics import RPC_DURATION, RPC_REQUESTS

_UNOBSERVED = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def _final_code(context: grpc.ServicerContext, error: BaseException | None) -> grpc.StatusCode:
    # Set by abort()/set_code() in an inner interceptor or the handler (grpcio has
    # ServicerContext.code() since 1.38; types-grpcio does not declare it yet).
    code = context.code()  # type: ignore[attr-defined]
    if isinstance(code, grpc.StatusCode):
        return code
    return grpc.StatusCode.OK if error is None else grpc.StatusCode.UNKNOWN


class _Method:
    """What a registered method's calls share: the span name and attributes, and its series
    by status code. Kept per method, so a call neither splits the method name again nor looks
    its series up by label values (a lock and a tuple of strings per `.labels`)."""

    def __init__(self, service: str, method: str) -> None:
        self.service = service
        self.span_name = method.lstrip("/")
        self.name = method.rsplit("/", 1)[-1]
        self.attributes = {
            "rpc.system": "grpc",
            "rpc.method": self.name,
            "rpc.service": self.span_name.split("/", 1)[0],
        }
        self._series: dict[grpc.StatusCode, tuple[Any, Any]] = {}

    def series(self, code: grpc.StatusCode) -> tuple[Any, Any]:
        """The (requests counter, duration histogram) children of `code`."""
        found = self._series.get(code)
        if found is None:
            labels = (self.service, self.name, code.name)
            found = self._series[code] = (RPC_REQUESTS.labels(*labels), RPC_DURATION.labels(*labels))
        return found


class _Observed:
    """One call: its span (when tracing is on) and its clock."""

    def __init__(self, method: _Method, metadata: Any, traced: bool, metered: bool) -> None:
        self.metered = metered
        self.method = method
        self.started = time.perf_counter()
        self.span: trace.Span | None = None
        self.token: object | None = None
        if traced:
            found = {k.lower(): v for k, v in metadata or () if isinstance(v, str)}
            parent = tracing.context_from(found.get("traceparent"), found.get("tracestate"))
            self.span = tracing.tracer().start_span(
                method.span_name, context=parent, kind=SpanKind.SERVER, attributes=method.attributes
            )
            self.token = otel_context.attach(trace.set_span_in_context(self.span, parent))

    def end(self, context: grpc.ServicerContext, error: BaseException | None) -> None:
        code = _final_code(context, error)
        elapsed = time.perf_counter() - self.started
        if self.metered:
            requests, duration = self.method.series(code)
            requests.inc()
            duration.observe(elapsed)
        if self.span is not None:
            self.span.set_attribute("rpc.grpc.status_code", code.value[0])
            if code is not grpc.StatusCode.OK:
                self.span.set_status(Status(StatusCode.ERROR, code.name))
            self.span.end()
        if self.token is not None:
            otel_context.detach(self.token)  # type: ignore[arg-type]


class ObservabilityServerInterceptor(grpc.ServerInterceptor):
    def __init__(self, service: str, *, traced: bool | None = None, metered: bool = True) -> None:
        self._service = service
        self._traced = traced  # None: whenever the process has tracing on
        self._metered = metered
        self._methods: dict[str, _Method] = {}  # registered methods only: a bounded set

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(_UNOBSERVED):
            return handler
        metadata = handler_call_details.invocation_metadata
        traced = tracing.tracing_enabled() if self._traced is None else self._traced
        observed = self._methods.get(method)
        if observed is None:
            observed = self._methods.setdefault(method, _Method(self._service, method))

        def begin() -> _Observed:
            return _Observed(observed, metadata, traced, self._metered)

        def unary(inner: Callable[[Any, grpc.ServicerContext], Any]) -> Callable[[Any, grpc.ServicerContext], Any]:
            def run(request: Any, context: grpc.ServicerContext) -> Any:
                call = begin()
                error: BaseException | None = None
                try:
                    return inner(request, context)
                except BaseException as raised:
                    error = raised
                    raise
                finally:
                    call.end(context, error)

            return run

        def streaming(
            inner: Callable[[Any, grpc.ServicerContext], Iterator[Any]],
        ) -> Callable[[Any, grpc.ServicerContext], Iterator[Any]]:
            def run(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                call = begin()
                error: BaseException | None = None
                try:
                    yield from inner(request, context)
                except BaseException as raised:
                    error = raised
                    raise
                finally:
                    call.end(context, error)

            return run

        serializers = (handler.request_deserializer, handler.response_serializer)
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(unary(handler.unary_unary), *serializers)
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(unary(handler.stream_unary), *serializers)
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(streaming(handler.unary_stream), *serializers)
        assert handler.stream_stream is not None  # a handler has exactly one of the four kinds
        return grpc.stream_stream_rpc_method_handler(streaming(handler.stream_stream), *serializers)


def server_observability(settings: Any, service: str) -> list[grpc.ServerInterceptor]:
    """The interceptors a server installs first: none when metrics and tracing are both off."""
    if not settings.metrics and not settings.tracing:
        return []
    return [
        ObservabilityServerInterceptor(service, traced=None if settings.tracing else False, metered=settings.metrics)
    ]


class _ClientCallDetails(grpc.ClientCallDetails):
    def __init__(self, details: grpc.ClientCallDetails, metadata: tuple[tuple[str, str | bytes], ...]) -> None:
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = metadata
        self.credentials = details.credentials
        self.wait_for_ready = getattr(details, "wait_for_ready", None)
        self.compression = getattr(details, "compression", None)


class TracingClientInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """A CLIENT span per call, its context sent as `traceparent`; a no-op while tracing is off.
    The span covers sending the call; for streamed answers it ends when the call is set up."""

    def _call(self, continuation: Callable[..., Any], details: grpc.ClientCallDetails, request: Any) -> Any:
        if not tracing.tracing_enabled():
            return continuation(details, request)
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        with tracing.span_from(method.lstrip("/"), SpanKind.CLIENT, otel_context.get_current(), {"rpc.system": "grpc"}):
            traceparent, tracestate = tracing.current_trace_headers()
            metadata: list[tuple[str, str | bytes]] = [
                (k, v) for k, v in details.metadata or () if k not in ("traceparent", "tracestate")
            ]
            metadata.append(("traceparent", traceparent or ""))
            if tracestate:
                metadata.append(("tracestate", tracestate))
            outcome = continuation(_ClientCallDetails(details, tuple(metadata)), request)
            if isinstance(outcome, grpc.Future) and not isinstance(outcome, Iterator):
                outcome.exception()  # a unary answer: the span lasts until it is in
            return outcome

    def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        return self._call(continuation, client_call_details, request)

    def intercept_unary_stream(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        return self._call(continuation, client_call_details, request)

    def intercept_stream_unary(self, continuation: Any, client_call_details: Any, request_iterator: Any) -> Any:
        return self._call(continuation, client_call_details, request_iterator)

    def intercept_stream_stream(self, continuation: Any, client_call_details: Any, request_iterator: Any) -> Any:
        return self._call(continuation, client_call_details, request_iterator)


def observed_channel(channel: grpc.Channel) -> grpc.Channel:
    """`channel` with the tracing client interceptor."""
    return grpc.intercept_channel(channel, TracingClientInterceptor())
