"""The boundary: a domain error becomes its `google.rpc.Status`, anything unexpected INTERNAL
(logged with the request id), and a search engine that is down UNAVAILABLE."""

from __future__ import annotations

import logging

import grpc

from services.common import errors as e
from services.common.interceptors.access_log import write_access_log
from services.common.interceptors.call import MethodPolicy, RpcCall
from services.common.interceptors.processing_log import CallRecords
from services.common.rpc_errors import internal_status, to_status
from services.common.search.engine import EngineUnavailable

log = logging.getLogger("jobmatch.rpc")


class ErrorMapping:
    def __init__(self, records: CallRecords) -> None:
        self._records = records

    def fail(
        self, call: RpcCall, policy: MethodPolicy | None, context: grpc.ServicerContext, error: e.DomainError
    ) -> str:
        """Aborts the call with the error's status; returns the code name (for the access log)."""
        for subject in call.subjects:
            try:
                self._records.record(call, policy, subject, "error")
            except EngineUnavailable as down:
                # The log lives on the engine that is down; the call read nothing and changed
                # nothing, and the caller must still hear UNAVAILABLE rather than UNKNOWN.
                log.warning(
                    "processing-log record of a failed call not stored: %s",
                    down,
                    extra={"request_id": call.request_id, "method": call.method},
                )
        status = to_status(error, call.language)
        write_access_log(call, status.code.name)
        context.abort_with_status(status)
        return status.code.name  # pragma: no cover - abort raises

    def crash(self, call: RpcCall, policy: MethodPolicy | None, context: grpc.ServicerContext, error: Exception) -> str:
        if isinstance(error, grpc.RpcError) or type(error).__name__ == "_AbortedError":
            raise error  # context.abort() inside the handler: already a status
        # grpcio has ServicerContext.code() since 1.38; types-grpcio does not declare it yet.
        if context.code() is not None:  # type: ignore[attr-defined]  # aborted by the handler itself
            raise error
        if isinstance(error, EngineUnavailable):  # the search engine is down or refusing writes
            log.warning("search engine unavailable: %s", error, extra={"request_id": call.request_id})
            return self.fail(call, policy, context, e.Unavailable())
        self._records.record_subjects(call, policy, "error")
        log.exception("unhandled error", extra={"request_id": call.request_id, "method": call.method})
        write_access_log(call, "INTERNAL")
        context.abort_with_status(internal_status(call.language))
        return "INTERNAL"  # pragma: no cover
