import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VacancyMatchChange(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VACANCY_MATCH_CHANGE_UNSPECIFIED: _ClassVar[VacancyMatchChange]
    VACANCY_MATCH_CHANGE_ADDED: _ClassVar[VacancyMatchChange]
    VACANCY_MATCH_CHANGE_UPDATED: _ClassVar[VacancyMatchChange]

class VacancyUnmatchReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VACANCY_UNMATCH_REASON_UNSPECIFIED: _ClassVar[VacancyUnmatchReason]
    VACANCY_UNMATCH_REASON_NO_LONGER_MATCHES: _ClassVar[VacancyUnmatchReason]
    VACANCY_UNMATCH_REASON_CLOSED: _ClassVar[VacancyUnmatchReason]
VACANCY_MATCH_CHANGE_UNSPECIFIED: VacancyMatchChange
VACANCY_MATCH_CHANGE_ADDED: VacancyMatchChange
VACANCY_MATCH_CHANGE_UPDATED: VacancyMatchChange
VACANCY_UNMATCH_REASON_UNSPECIFIED: VacancyUnmatchReason
VACANCY_UNMATCH_REASON_NO_LONGER_MATCHES: VacancyUnmatchReason
VACANCY_UNMATCH_REASON_CLOSED: VacancyUnmatchReason

class VacancyMatched(_message.Message):
    __slots__ = ("client_id", "vacancy_id", "score", "change", "matched_at")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_AT_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    vacancy_id: str
    score: float
    change: VacancyMatchChange
    matched_at: _timestamp_pb2.Timestamp
    def __init__(self, client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., score: _Optional[float] = ..., change: _Optional[_Union[VacancyMatchChange, str]] = ..., matched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VacancyUnmatched(_message.Message):
    __slots__ = ("client_id", "vacancy_id", "reason", "unmatched_at")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    UNMATCHED_AT_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    vacancy_id: str
    reason: VacancyUnmatchReason
    unmatched_at: _timestamp_pb2.Timestamp
    def __init__(self, client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., reason: _Optional[_Union[VacancyUnmatchReason, str]] = ..., unmatched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ClientApplied(_message.Message):
    __slots__ = ("client_id", "vacancy_id", "applied_at", "employer", "position")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    APPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    vacancy_id: str
    applied_at: _timestamp_pb2.Timestamp
    employer: str
    position: str
    def __init__(self, client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., applied_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., employer: _Optional[str] = ..., position: _Optional[str] = ...) -> None: ...
