"""Processing-log records for the clients a call touched: ok, error or denied."""

from __future__ import annotations

from typing import Any

from services.common.interceptors.call import MethodPolicy, RpcCall, has_field
from services.common.processing_log import CallContext, ProcessingLog, Status, write_record


class CallRecords:
    def __init__(self, processing_log: ProcessingLog, service: str) -> None:
        self._log = processing_log
        self._service = service

    def context(self, call: RpcCall) -> CallContext:
        """The call as the app layer sees it, for the records use cases write themselves."""
        return CallContext(
            log=self._log,
            service=self._service,
            name=call.method.rsplit("/", 1)[-1],
            trace_id=call.trace_id,
            span_id=call.span_id,
            actor=call.principal.actor if call.principal else "anonymous",
            start_time=call.start_time,
        )

    def record(self, call: RpcCall, policy: MethodPolicy | None, subject: str, status: Status) -> None:
        if policy is None or policy.activity is None or call.principal is None:
            return
        write_record(self.context(call), policy.activity, subject, status)

    def record_subjects(self, call: RpcCall, policy: MethodPolicy | None, status: Status) -> None:
        for subject in call.subjects:
            self.record(call, policy, subject, status)

    def record_unauthenticated(self, call: RpcCall, policy: MethodPolicy | None, request: Any) -> None:
        """A refused token on a request that names a client: "denied" in that client's log
        (actor "anonymous"). Streamed requests are not read before authentication."""
        if request is None or not has_field(request, "client_id") or not request.client_id:
            return
        if policy is not None and policy.activity is not None:
            write_record(self.context(call), policy.activity, request.client_id, "denied")
