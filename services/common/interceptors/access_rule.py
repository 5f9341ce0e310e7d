"""The one authorization rule, applied to every request message: a request that names a
client or a caseworker must name one the caller may act for."""

from __future__ import annotations

from typing import Any

from services.common import auth
from services.common import errors as e
from services.common.interceptors.call import UNDECODABLE, MethodPolicy, RpcCall, has_field
from services.common.interceptors.processing_log import CallRecords


class AccessRule:
    def __init__(self, records: CallRecords, caseload: auth.CaseloadLookup | None, *, accept_claim: bool) -> None:
        self._records = records
        self._caseload = caseload
        self._accept_claim = accept_claim

    def check(self, call: RpcCall, policy: MethodPolicy | None, request: Any) -> Any:
        """The request itself when the caller may send it; the client it names joins `call.subjects`."""
        principal = call.principal
        assert principal is not None  # authentication ran before any request is read
        if request is UNDECODABLE:
            raise e.InvalidArgument(
                [
                    e.FieldViolation(
                        "request",
                        e.t(
                            "Dit verzoek kunnen we niet lezen (geen geldige protobuf of UTF-8).",
                            "We cannot read this request (not valid protobuf or UTF-8).",
                        ),
                    )
                ]
            )
        if has_field(request, "client_id"):
            if not request.client_id:
                raise e.InvalidArgument(
                    [e.FieldViolation("client_id", e.t("Vul het klantnummer in.", "Enter the client id."))]
                )
            call.subjects.add(request.client_id)
            try:
                auth.check_client_access(principal, request.client_id, self._caseload, accept_claim=self._accept_claim)
            except e.PermissionDenied:
                self._records.record(call, policy, request.client_id, "denied")
                call.subjects.discard(request.client_id)
                raise
        if has_field(request, "caseworker_id"):
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
