import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseloadAssigned(_message.Message):
    __slots__ = ("caseworker_id", "client_id", "assigned_at")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_id: str
    assigned_at: _timestamp_pb2.Timestamp
    def __init__(self, caseworker_id: _Optional[str] = ..., client_id: _Optional[str] = ..., assigned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CaseloadUnassigned(_message.Message):
    __slots__ = ("caseworker_id", "client_id", "unassigned_at")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    UNASSIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_id: str
    unassigned_at: _timestamp_pb2.Timestamp
    def __init__(self, caseworker_id: _Optional[str] = ..., client_id: _Optional[str] = ..., unassigned_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
