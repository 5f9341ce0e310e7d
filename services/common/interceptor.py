"""The platform interceptor of every service: it runs each call through the concerns in
`services/common/interceptors/` in a fixed order — request ids, authentication, the write
limit, the access rule on every request message, the processing log, the mapping of errors
to `google.rpc.Status`, and one access-log line.

`server_interceptors` is the list a server installs; another interceptor (metrics, say) is
one more line there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc

from services.common import auth, i18n
from services.common import errors as e
from services.common.interceptors.access_log import write_access_log
from services.common.interceptors.access_rule import AccessRule
from services.common.interceptors.authentication import authenticate, required_scope
from services.common.interceptors.call import MethodPolicy, RpcCall, tolerant
from services.common.interceptors.errors import ErrorMapping
from services.common.interceptors.processing_log import CallRecords
from services.common.interceptors.rate_limit import WriteLimit
from services.common.processing_log import ProcessingLog, call_context
from services.common.settings import Settings

__all__ = ["MethodPolicy", "PlatformInterceptor", "required_scope", "server_interceptors"]

PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def server_interceptors(
    settings: Settings,
    access: dict[str, MethodPolicy],
    processing_log: ProcessingLog,
    service: str,
    caseload: auth.CaseloadLookup | None = None,
) -> list[grpc.ServerInterceptor]:
    """The interceptors of a service's server, outermost first."""
    return [
        PlatformInterceptor(settings, access, processing_log, service, caseload),
    ]


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
        self._access = access
        self._service = service
        self._records = CallRecords(processing_log, service)
        self._write_limit = WriteLimit(settings)
        self._access_rule = AccessRule(self._records, caseload, accept_claim=settings.accept_caseload_claim)
        self._errors = ErrorMapping(self._records)

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(PUBLIC_PREFIXES):
            return handler
        policy = self._access.get(method)
        metadata = handler_call_details.invocation_metadata
        check = self._access_rule.check

        def start(context: grpc.ServicerContext) -> RpcCall:
            call = RpcCall(method, metadata, self._service)
            context.set_trailing_metadata((("x-request-id", call.request_id),))
            return call

        if handler.unary_unary:
            inner_uu = handler.unary_unary

            def unary_unary(request: Any, context: grpc.ServicerContext) -> Any:
                call = start(context)
                return self._run(
                    call, policy, context, lambda: inner_uu(check(call, policy, request), context), request
                )

            return grpc.unary_unary_rpc_method_handler(
                unary_unary, tolerant(handler.request_deserializer), handler.response_serializer
            )
        if handler.unary_stream:
            inner_us = handler.unary_stream

            def unary_stream(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
                call = start(context)
                yield from self._run_stream(
                    call, policy, context, lambda: inner_us(check(call, policy, request), context), request
                )

            return grpc.unary_stream_rpc_method_handler(
                unary_stream, tolerant(handler.request_deserializer), handler.response_serializer
            )
        if handler.stream_unary:
            inner_su = handler.stream_unary

            def stream_unary(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
                call = start(context)
                checked = (check(call, policy, r) for r in requests)
                return self._run(call, policy, context, lambda: inner_su(checked, context))

            return grpc.stream_unary_rpc_method_handler(
                stream_unary, tolerant(handler.request_deserializer), handler.response_serializer
            )
        inner_ss = handler.stream_stream
        assert inner_ss is not None  # a handler has exactly one of the four kinds

        def stream_stream(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
            call = start(context)
            checked = (check(call, policy, r) for r in requests)
            yield from self._run_stream(call, policy, context, lambda: inner_ss(checked, context))

        return grpc.stream_stream_rpc_method_handler(
            stream_stream, tolerant(handler.request_deserializer), handler.response_serializer
        )

    def _prepare(self, call: RpcCall, policy: MethodPolicy | None, context: grpc.ServicerContext, request: Any) -> None:
        """Deadline, token, role and scope, and the write limit: what is known before any request is read."""
        remaining = context.time_remaining()
        if remaining is not None and remaining <= 0:
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded before start")
        try:
            principal = authenticate(self._settings, call, policy)
        except e.Unauthenticated:
            self._records.record_unauthenticated(call, policy, request)
            raise
        self._write_limit.check(principal, call.method)

    def _run(
        self,
        call: RpcCall,
        policy: MethodPolicy | None,
        context: grpc.ServicerContext,
        body: Callable[[], Any],
        request: Any = None,
    ) -> Any:
        outcome = "OK"
        token = None
        language = i18n.set_language(call.language)
        try:
            self._prepare(call, policy, context, request)
            token = auth.set_current_principal(call.principal)
            with call_context(self._records.context(call)):
                result = body()
            self._records.record_subjects(call, policy, "ok")
            return result
        except e.DomainError as error:
            outcome = self._errors.fail(call, policy, context, error)
        except Exception as error:  # noqa: BLE001 - the boundary: nothing unexpected leaks out
            outcome = self._errors.crash(call, policy, context, error)
        finally:
            if token is not None:
                auth.reset_current_principal(token)
            i18n.reset_language(language)
            write_access_log(call, outcome)

    def _run_stream(
        self,
        call: RpcCall,
        policy: MethodPolicy | None,
        context: grpc.ServicerContext,
        body: Callable[[], Iterator[Any]],
        request: Any = None,
    ) -> Iterator[Any]:
        outcome = "OK"
        try:
            self._prepare(call, policy, context, request)
            token = auth.set_current_principal(call.principal)
            language = i18n.set_language(call.language)
            try:
                with call_context(self._records.context(call)):
                    yield from body()
            finally:
                i18n.reset_language(language)
                auth.reset_current_principal(token)
            self._records.record_subjects(call, policy, "ok")
        except e.DomainError as error:
            outcome = self._errors.fail(call, policy, context, error)
        except Exception as error:  # noqa: BLE001 - the boundary: nothing unexpected leaks out
            outcome = self._errors.crash(call, policy, context, error)
        finally:
            write_access_log(call, outcome)
