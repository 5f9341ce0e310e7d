"""`jobmatch.privacy.v1.PrivacyService`, served by every service: the client's processing
log (subject access request) and erasure of the client's data on request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import grpc
from google.protobuf import timestamp_pb2

from jobmatch.events.v1 import privacy_events_pb2
from jobmatch.privacy.v1 import privacy_pb2, privacy_pb2_grpc
from services.common import pagination
from services.common.errors import FieldViolation, InvalidArgument, t
from services.common.interceptor import MethodPolicy
from services.common.page_tokens import PageTokens
from services.common.processing_log import (
    ACTIVITIES,
    REGISTER_BASE,
    ProcessingLog,
    ProcessingRecord,
)

SERVICE_NAME = privacy_pb2.DESCRIPTOR.services_by_name["PrivacyService"].full_name
EVENT_TYPE_ERASED = "nl.werk.client-data-erased.v1"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

ACCESS: dict[str, MethodPolicy] = {
    f"/{SERVICE_NAME}/ListProcessingLog": MethodPolicy(frozenset({"client", "service"}), "subject-access-request"),
    f"/{SERVICE_NAME}/EraseClientData": MethodPolicy(frozenset({"service"}), "erase-client-data"),
}


@dataclass(frozen=True)
class ErasureReport:
    erased: Mapping[str, int] = field(default_factory=dict)
    retained: Mapping[str, int] = field(default_factory=dict)
    retained_reason: str = ""


class ClientDataEraser(Protocol):
    def erase_client_data(self, client_id: str, reason: str) -> ErasureReport: ...


def erased_event(client_id: str, system: str, kinds: list[str]) -> privacy_events_pb2.ClientDataErased:
    event = privacy_events_pb2.ClientDataErased(client_id=client_id, system=system, erased_kinds=kinds)
    event.erased_at.FromDatetime(datetime.now(UTC))
    return event


def _timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _to_proto(record: ProcessingRecord) -> privacy_pb2.ProcessingLogRecord:
    activity = ACTIVITIES.get(record.processing_activity_id.removeprefix(REGISTER_BASE))
    return privacy_pb2.ProcessingLogRecord(
        trace_id=record.trace_id,
        span_id=record.span_id,
        name=record.name,
        start_time=_timestamp(record.start_time),
        end_time=_timestamp(record.end_time),
        status=record.status,
        processing_activity_id=record.processing_activity_id,
        processing_activity_name_nl=activity.name_nl if activity else "",
        processing_activity_name_en=activity.name_en if activity else "",
        data_subject_id=record.data_subject_id,
        data_subject_id_type=record.data_subject_id_type,
        actor=record.actor,
        service=record.service,
    )


def _page_token(tokens: PageTokens, client_id: str, offset: int) -> str:
    return tokens.issue(f"processing-log:{client_id}", offset)


def _read_page_token(tokens: PageTokens, client_id: str, token: str) -> int:
    if not token:
        return 0
    offset = tokens.read(token, f"processing-log:{client_id}")
    if not isinstance(offset, int) or offset < 0:
        raise pagination.invalid_page_token()
    return offset


class PrivacyServicer(privacy_pb2_grpc.PrivacyServiceServicer):
    def __init__(self, processing_log: ProcessingLog, eraser: ClientDataEraser, tokens: PageTokens) -> None:
        self._log = processing_log
        self._eraser = eraser
        self._tokens = tokens

    def ListProcessingLog(
        self, request: privacy_pb2.ListProcessingLogRequest, context: grpc.ServicerContext
    ) -> privacy_pb2.ListProcessingLogResponse:
        size = pagination.page_size(request.page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
        offset = _read_page_token(self._tokens, request.client_id, request.page_token)
        records = self._log.list_for_subject(request.client_id, limit=size + 1, offset=offset)
        more = len(records) > size
        return privacy_pb2.ListProcessingLogResponse(
            records=[_to_proto(r) for r in records[:size]],
            next_page_token=_page_token(self._tokens, request.client_id, offset + size) if more else "",
        )

    def EraseClientData(
        self, request: privacy_pb2.EraseClientDataRequest, context: grpc.ServicerContext
    ) -> privacy_pb2.EraseClientDataResponse:
        if not request.reason.strip():
            raise InvalidArgument(
                [FieldViolation("reason", t("Geef de reden van het wissen.", "Give the reason for erasure."))]
            )
        report = self._eraser.erase_client_data(request.client_id, request.reason.strip())
        return privacy_pb2.EraseClientDataResponse(
            erased=[privacy_pb2.ErasedItems(kind=k, count=c) for k, c in report.erased.items()],
            retained=[privacy_pb2.ErasedItems(kind=k, count=c) for k, c in report.retained.items()],
            retained_reason=report.retained_reason,
        )
