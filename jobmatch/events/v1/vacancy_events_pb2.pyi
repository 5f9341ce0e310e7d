import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from jobmatch.vacancies.v1 import vacancy_pb2 as _vacancy_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class VacancyPublished(_message.Message):
    __slots__ = ("vacancy",)
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ...) -> None: ...

class VacancyUpdated(_message.Message):
    __slots__ = ("vacancy",)
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ...) -> None: ...

class VacancyClosed(_message.Message):
    __slots__ = ("vacancy_id", "reason", "closed_at")
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    vacancy_id: str
    reason: str
    closed_at: _timestamp_pb2.Timestamp
    def __init__(self, vacancy_id: _Optional[str] = ..., reason: _Optional[str] = ..., closed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
