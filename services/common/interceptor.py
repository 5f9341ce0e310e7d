"""One interceptor for every service: request ids and JSON access logs, authentication,
the client_id / caseworker_id authorization rule, the processing log, deadlines, and the
mapping of domain errors to `google.rpc.Status`."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import grpc

from services.common import auth
from services.common import errors as e
from services.common import i18n
from services.common.processing_log import (
    CallContext,
    ProcessingLog,
    call_context,
    parse_traceparent,
    write_record,
)
from services.common.rate_limit import TokenBuckets, is_write
from services.common.search.engine import EngineUnavailable
from services.common.rpc_errors import internal_status, to_status
from services.common.settings import Settings

log = logging.getLogger("jobmatch.rpc")

PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


@dataclass(frozen=True)
class MethodPolicy:
    """Who may call a method, and which processing activity a call on a client's data is."""

    roles: frozenset[str]
    activity: str | None = None


def required_scope(method: str) -> str:
    """Scope a service token needs: "/jobmatch.vacancies.v1.VacancyService/IngestVacancies"
    needs "vacancies:write", a Get/List/Search method "<package>:read"."""
    package = method.lstrip("/").split(".")
    area = package[1] if len(package) > 2 else package[0]
    return f"{area}:{'write' if is_write(method) else 'read'}"


class _Undecodable:
    """Stands in for a request message that could not be decoded (invalid UTF-8 in a string,
    a broken wire format). grpc-python would answer those with INTERNAL before any
    interceptor runs; `_check` answers INVALID_ARGUMENT instead, after authentication."""


_UNDECODABLE = _Undecodable()


def _tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def decode(data: bytes) -> Any:
        try:
            return deserializer(data)
        except Exception:  # noqa: BLE001 - DecodeError and friends; reported by _check
            return _UNDECODABLE

    return decode


def _has_field(message: Any, name: str) -> bool:
    return name in getattr(getattr(message, "DESCRIPTOR", None), "fields_by_name", {})


class _Call:
    """State of one RPC as it passes the interceptor."""

    def __init__(self, method: str, metadata: tuple[Any, ...], service: str) -> None:
        md = {k.lower(): v for k, v in metadata or ()}
        self.method = method
        self.metadata = metadata or ()
        self.request_id = str(md.get("x-request-id") or uuid.uuid4())
        self.language = i18n.language_from_metadata(self.metadata)  # accept-language; Dutch by default
        self.trace_id, self.span_id = parse_traceparent(md.get("traceparent"))
        self.service = service
        self.started = time.perf_counter()
        self.start_time = datetime.now(UTC)
        self.principal: auth.Principal | None = None
        self.subjects: set[str] = set()
        self.logged = False


class PlatformInterceptor(grpc.ServerInterceptor):
    def __init__(
        self,
        settings: Settings,
        access: dict[str, MethodPolicy],
        processing_log: ProcessingLog,
        service: str,
        caseload: auth.CaseloadLookup | None = None,
    ) -> None:
        self._settings = settings
        self._caseload = caseload
        self._access = access
        self._log = processing_log
        self._service = service
        self._write_buckets = TokenBuckets(settings.write_rate_per_minute, settings.write_burst)

    def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(PUBLIC_PREFIXES):
            return handler
        policy = self._access.get(method)
        metadata = handler_call_details.invocation_metadata

        def start(context: grpc.ServicerContext) -> _Call:
            call = _Call(method, metadata, self._service)
            context.set_trailing_metadata((("x-request-id", call.request_id),))
            return call

        if handler.unary_unary:
            inner_uu = handler.unary_unary

            def unary_unary(request: Any, context: grpc.ServicerContext) -> Any:
                call = start(context)
                return self._run(call, policy, context, lambda: inner_uu(self._check(call, policy, request), context),
                                 request)

            return grpc.unary_unary_rpc_method_handler(
                unary_unary, _tolerant(handler.request_deserializer), handler.response_serializer
            )
        if handler.unary_stream:
            inner_us = handler.unary_stream

            def unary_stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                call = start(context)
                yield from self._run_stream(
                    call, policy, context, lambda: inner_us(self._check(call, policy, request), context), request
                )

            return grpc.unary_stream_rpc_method_handler(
                unary_stream, _tolerant(handler.request_deserializer), handler.response_serializer
            )
        if handler.stream_unary:
            inner_su = handler.stream_unary

            def stream_unary(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
                call = start(context)
                checked = (self._check(call, policy, r) for r in requests)
                return self._run(call, policy, context, lambda: inner_su(checked, context))

            return grpc.stream_unary_rpc_method_handler(
                stream_unary, _tolerant(handler.request_deserializer), handler.response_serializer
            )
        inner_ss = handler.stream_stream

        def stream_stream(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
            call = start(context)
            checked = (self._check(call, policy, r) for r in requests)
            yield from self._run_stream(call, policy, context, lambda: inner_ss(checked, context))

        return grpc.stream_stream_rpc_method_handler(
            stream_stream, _tolerant(handler.request_deserializer), handler.response_serializer
        )

    # -- the checks -------------------------------------------------------------------------

    def _authenticate(self, call: _Call, policy: MethodPolicy | None) -> auth.Principal:
        principal = auth.principal_from_metadata(self._settings, call.metadata)
        call.principal = principal
        if policy is None or principal.role not in policy.roles:
            raise e.PermissionDenied(
                e.t(
                    "Met uw rol mag u deze functie niet gebruiken.",
                    "Your role may not use this function.",
                )
            )
        if principal.role == "service" and not principal.has_scope(required_scope(call.method)):
            raise e.PermissionDenied(
                e.t(
                    f"Dit systeem mag deze functie niet gebruiken (nodig: {required_scope(call.method)}).",
                    f"This system may not use this function (needs scope {required_scope(call.method)}).",
                )
            )
        # Integrations (service tokens) are trusted and batch their writes; people are limited.
        if principal.role != "service" and is_write(call.method):
            if not self._write_buckets.allow(principal.actor):
                raise e.ResourceExhausted(
                    e.t(
                        "U heeft in korte tijd te veel wijzigingen gestuurd. Wacht een minuut en probeer het opnieuw.",
                        "You sent too many changes in a short time. Wait a minute and try again.",
                    )
                )
        return principal

    def _check(self, call: _Call, policy: MethodPolicy | None, request: Any) -> Any:
        """The one authorization rule, applied to every request message."""
        principal = call.principal
        assert principal is not None
        if request is _UNDECODABLE:
            raise e.InvalidArgument([e.FieldViolation("request", e.t(
                "Dit verzoek kunnen we niet lezen (geen geldige protobuf of UTF-8).",
                "We cannot read this request (not valid protobuf or UTF-8)."))])
        if _has_field(request, "client_id"):
            if not request.client_id:
                raise e.InvalidArgument(
                    [e.FieldViolation("client_id", e.t("Vul het klantnummer in.", "Enter the client id."))]
                )
            call.subjects.add(request.client_id)
            try:
                auth.check_client_access(principal, request.client_id, self._caseload,
                                         accept_claim=self._settings.accept_caseload_claim)
            except e.PermissionDenied:
                self._record(call, policy, request.client_id, "denied")
                call.subjects.discard(request.client_id)
                raise
        if _has_field(request, "caseworker_id"):
            if not request.caseworker_id:
                raise e.InvalidArgument(
                    [
                        e.FieldViolation(
                            "caseworker_id", e.t("Vul het nummer van de klantmanager in.", "Enter the caseworker id.")
                        )
                    ]
                )
            auth.check_caseworker_access(principal, request.caseworker_id)
        return request

    def _record_unauthenticated(self, call: _Call, policy: MethodPolicy | None, request: Any) -> None:
        """A refused token on a request that names a client: "denied" in that client's log
        (actor "anonymous"). Streamed requests are not read before authentication."""
        if request is None or not _has_field(request, "client_id") or not request.client_id:
            return
        if policy is not None and policy.activity is not None:
            write_record(self._context(call), policy.activity, request.client_id, "denied")

    def _record(self, call: _Call, policy: MethodPolicy | None, subject: str, status: str) -> None:
        if policy is None or policy.activity is None or call.principal is None:
            return
        write_record(self._context(call), policy.activity, subject, status)  # type: ignore[arg-type]

    def _context(self, call: _Call) -> CallContext:
        return CallContext(
            log=self._log,
            service=self._service,
            name=call.method.rsplit("/", 1)[-1],
            trace_id=call.trace_id,
            span_id=call.span_id,
            actor=call.principal.actor if call.principal else "anonymous",
            start_time=call.start_time,
        )

    # -- running the handler -------------------------------------------------------------

    def _prepare(self, call: _Call, policy: MethodPolicy | None, context: grpc.ServicerContext, request: Any) -> None:
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before start")
        try:
            self._authenticate(call, policy)
        except e.Unauthenticated:
            self._record_unauthenticated(call, policy, request)
            raise

    def _run(self, call: _Call, policy: MethodPolicy | None, context: grpc.ServicerContext, body: Callable[[], Any],
             request: Any = None) -> Any:
        outcome = "OK"
        token = None
        language = i18n.set_language(call.language)
        try:
            self._prepare(call, policy, context, request)
            token = auth.set_current_principal(call.principal)
            with call_context(self._context(call)):
                result = body()
            for subject in call.subjects:
                self._record(call, policy, subject, "ok")
            return result
        except e.DomainError as error:
            outcome = self._fail(call, policy, context, error)
        except Exception as error:  # noqa: BLE001 - the boundary: nothing unexpected leaks out
            outcome = self._crash(call, policy, context, error)
        finally:
            if token is not None:
                auth.reset_current_principal(token)
            i18n.reset_language(language)
            self._access_log(call, outcome)

    def _run_stream(
        self, call: _Call, policy: MethodPolicy | None, context: grpc.ServicerContext, body: Callable[[], Iterator[Any]],
        request: Any = None,
    ) -> Iterator[Any]:
        outcome = "OK"
        try:
            self._prepare(call, policy, context, request)
            token = auth.set_current_principal(call.principal)
            language = i18n.set_language(call.language)
            try:
                with call_context(self._context(call)):
                    yield from body()
            finally:
                i18n.reset_language(language)
                auth.reset_current_principal(token)
            for subject in call.subjects:
                self._record(call, policy, subject, "ok")
        except e.DomainError as error:
            outcome = self._fail(call, policy, context, error)
        except Exception as error:  # noqa: BLE001
            outcome = self._crash(call, policy, context, error)
        finally:
            self._access_log(call, outcome)

    def _fail(self, call: _Call, policy: MethodPolicy | None, context: grpc.ServicerContext, error: e.DomainError) -> str:
        for subject in call.subjects:
            try:
                self._record(call, policy, subject, "error")
            except EngineUnavailable as down:
                # The log lives on the engine that is down; the call read nothing and changed
                # nothing, and the caller must still hear UNAVAILABLE rather than UNKNOWN.
                log.warning("processing-log record of a failed call not stored: %s", down,
                            extra={"request_id": call.request_id, "method": call.method})
        status = to_status(error, call.language)
        self._access_log(call, status.code.name)
        context.abort_with_status(status)
        return status.code.name  # pragma: no cover - abort raises

    def _crash(self, call: _Call, policy: MethodPolicy | None, context: grpc.ServicerContext, error: Exception) -> str:
        if isinstance(error, grpc.RpcError) or type(error).__name__ == "_AbortedError":
            raise error  # context.abort() inside the handler: already a status
        if context.code() is not None:  # aborted by the handler itself
            raise error
        if isinstance(error, EngineUnavailable):  # the search engine is down or refusing writes
            log.warning("search engine unavailable: %s", error, extra={"request_id": call.request_id})
            return self._fail(call, policy, context, e.Unavailable())
        for subject in call.subjects:
            self._record(call, policy, subject, "error")
        log.exception("unhandled error", extra={"request_id": call.request_id, "method": call.method})
        self._access_log(call, "INTERNAL")
        context.abort_with_status(internal_status(call.language))
        return "INTERNAL"  # pragma: no cover

    def _access_log(self, call: _Call, outcome: str) -> None:
        if call.logged:  # one line per call, whichever path ends it
            return
        call.logged = True
        log.info(
            "rpc",
            extra={
                "request_id": call.request_id,
                "trace_id": call.trace_id,
                "method": call.method,
                "code": outcome,
                "role": call.principal.role if call.principal else None,
                "duration_ms": round((time.perf_counter() - call.started) * 1000, 2),
            },
        )
