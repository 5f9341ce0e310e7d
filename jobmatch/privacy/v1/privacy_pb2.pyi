import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProcessingLogRecord(_message.Message):
    __slots__ = ("trace_id", "span_id", "name", "start_time", "end_time", "status", "processing_activity_id", "processing_activity_name_nl", "processing_activity_name_en", "data_subject_id", "data_subject_id_type", "actor", "service")
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    SPAN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_ACTIVITY_NAME_NL_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_ACTIVITY_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    DATA_SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_SUBJECT_ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    trace_id: str
    span_id: str
    name: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    status: str
    processing_activity_id: str
    processing_activity_name_nl: str
    processing_activity_name_en: str
    data_subject_id: str
    data_subject_id_type: str
    actor: str
    service: str
    def __init__(self, trace_id: _Optional[str] = ..., span_id: _Optional[str] = ..., name: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[str] = ..., processing_activity_id: _Optional[str] = ..., processing_activity_name_nl: _Optional[str] = ..., processing_activity_name_en: _Optional[str] = ..., data_subject_id: _Optional[str] = ..., data_subject_id_type: _Optional[str] = ..., actor: _Optional[str] = ..., service: _Optional[str] = ...) -> None: ...

class ListProcessingLogRequest(_message.Message):
    __slots__ = ("client_id", "page_size", "page_token")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    page_size: int
    page_token: str
    def __init__(self, client_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProcessingLogResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[ProcessingLogRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[ProcessingLogRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class EraseClientDataRequest(_message.Message):
    __slots__ = ("client_id", "reason")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    reason: str
    def __init__(self, client_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ErasedItems(_message.Message):
    __slots__ = ("kind", "count")
    KIND_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    count: int
    def __init__(self, kind: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class EraseClientDataResponse(_message.Message):
    __slots__ = ("erased", "retained", "retained_reason")
    ERASED_FIELD_NUMBER: _ClassVar[int]
    RETAINED_FIELD_NUMBER: _ClassVar[int]
    RETAINED_REASON_FIELD_NUMBER: _ClassVar[int]
    erased: _containers.RepeatedCompositeFieldContainer[ErasedItems]
    retained: _containers.RepeatedCompositeFieldContainer[ErasedItems]
    retained_reason: str
    def __init__(self, erased: _Optional[_Iterable[_Union[ErasedItems, _Mapping]]] = ..., retained: _Optional[_Iterable[_Union[ErasedItems, _Mapping]]] = ..., retained_reason: _Optional[str] = ...) -> None: ...
