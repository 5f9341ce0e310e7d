import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from jobmatch.vacancies.v1 import vacancy_pb2 as _vacancy_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IngestStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INGEST_STATUS_UNSPECIFIED: _ClassVar[IngestStatus]
    INGEST_STATUS_ACCEPTED: _ClassVar[IngestStatus]
    INGEST_STATUS_UPDATED: _ClassVar[IngestStatus]
    INGEST_STATUS_UNCHANGED: _ClassVar[IngestStatus]
    INGEST_STATUS_DUPLICATE: _ClassVar[IngestStatus]
    INGEST_STATUS_REJECTED: _ClassVar[IngestStatus]

class SearchSort(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEARCH_SORT_UNSPECIFIED: _ClassVar[SearchSort]
    SEARCH_SORT_RELEVANCE: _ClassVar[SearchSort]
    SEARCH_SORT_DATE_POSTED: _ClassVar[SearchSort]
    SEARCH_SORT_VALID_THROUGH: _ClassVar[SearchSort]

class ChangeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANGE_TYPE_UNSPECIFIED: _ClassVar[ChangeType]
    CHANGE_TYPE_PUBLISHED: _ClassVar[ChangeType]
    CHANGE_TYPE_UPDATED: _ClassVar[ChangeType]
    CHANGE_TYPE_REMOVED: _ClassVar[ChangeType]
INGEST_STATUS_UNSPECIFIED: IngestStatus
INGEST_STATUS_ACCEPTED: IngestStatus
INGEST_STATUS_UPDATED: IngestStatus
INGEST_STATUS_UNCHANGED: IngestStatus
INGEST_STATUS_DUPLICATE: IngestStatus
INGEST_STATUS_REJECTED: IngestStatus
SEARCH_SORT_UNSPECIFIED: SearchSort
SEARCH_SORT_RELEVANCE: SearchSort
SEARCH_SORT_DATE_POSTED: SearchSort
SEARCH_SORT_VALID_THROUGH: SearchSort
CHANGE_TYPE_UNSPECIFIED: ChangeType
CHANGE_TYPE_PUBLISHED: ChangeType
CHANGE_TYPE_UPDATED: ChangeType
CHANGE_TYPE_REMOVED: ChangeType

class IngestVacanciesRequest(_message.Message):
    __slots__ = ("batch_id", "vacancies")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCIES_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    vacancies: _containers.RepeatedCompositeFieldContainer[_vacancy_pb2.Vacancy]
    def __init__(self, batch_id: _Optional[str] = ..., vacancies: _Optional[_Iterable[_Union[_vacancy_pb2.Vacancy, _Mapping]]] = ...) -> None: ...

class IngestVacanciesResponse(_message.Message):
    __slots__ = ("batch_id", "results")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    results: _containers.RepeatedCompositeFieldContainer[IngestResult]
    def __init__(self, batch_id: _Optional[str] = ..., results: _Optional[_Iterable[_Union[IngestResult, _Mapping]]] = ...) -> None: ...

class IngestResult(_message.Message):
    __slots__ = ("index", "source", "external_id", "status", "vacancy_id", "duplicate_of", "violations", "expired")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_OF_FIELD_NUMBER: _ClassVar[int]
    VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    index: int
    source: str
    external_id: str
    status: IngestStatus
    vacancy_id: str
    duplicate_of: str
    violations: _containers.RepeatedCompositeFieldContainer[FieldViolation]
    expired: bool
    def __init__(self, index: _Optional[int] = ..., source: _Optional[str] = ..., external_id: _Optional[str] = ..., status: _Optional[_Union[IngestStatus, str]] = ..., vacancy_id: _Optional[str] = ..., duplicate_of: _Optional[str] = ..., violations: _Optional[_Iterable[_Union[FieldViolation, _Mapping]]] = ..., expired: _Optional[bool] = ...) -> None: ...

class FieldViolation(_message.Message):
    __slots__ = ("field", "description")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    field: str
    description: str
    def __init__(self, field: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class UpsertVacancyRequest(_message.Message):
    __slots__ = ("vacancy",)
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ...) -> None: ...

class UpsertVacancyResponse(_message.Message):
    __slots__ = ("vacancy", "status", "duplicate_of")
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_OF_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    status: IngestStatus
    duplicate_of: str
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ..., status: _Optional[_Union[IngestStatus, str]] = ..., duplicate_of: _Optional[str] = ...) -> None: ...

class GetVacancyRequest(_message.Message):
    __slots__ = ("vacancy_id",)
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    vacancy_id: str
    def __init__(self, vacancy_id: _Optional[str] = ...) -> None: ...

class GetVacancyResponse(_message.Message):
    __slots__ = ("vacancy",)
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ...) -> None: ...

class WithdrawVacancyRequest(_message.Message):
    __slots__ = ("vacancy_id", "reason")
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    vacancy_id: str
    reason: str
    def __init__(self, vacancy_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class WithdrawVacancyResponse(_message.Message):
    __slots__ = ("vacancy",)
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ...) -> None: ...

class SearchVacanciesRequest(_message.Message):
    __slots__ = ("query", "occupation_esco_uris", "isco_prefixes", "near_place", "latitude", "longitude", "radius_km", "province_codes", "workplace_types", "hours_min", "hours_max", "contract_types", "education_levels", "driving_licence_required", "posted_since", "sort", "include_facets", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    OCCUPATION_ESCO_URIS_FIELD_NUMBER: _ClassVar[int]
    ISCO_PREFIXES_FIELD_NUMBER: _ClassVar[int]
    NEAR_PLACE_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    RADIUS_KM_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODES_FIELD_NUMBER: _ClassVar[int]
    WORKPLACE_TYPES_FIELD_NUMBER: _ClassVar[int]
    HOURS_MIN_FIELD_NUMBER: _ClassVar[int]
    HOURS_MAX_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_TYPES_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_LEVELS_FIELD_NUMBER: _ClassVar[int]
    DRIVING_LICENCE_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    POSTED_SINCE_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_FACETS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    occupation_esco_uris: _containers.RepeatedScalarFieldContainer[str]
    isco_prefixes: _containers.RepeatedScalarFieldContainer[str]
    near_place: str
    latitude: float
    longitude: float
    radius_km: float
    province_codes: _containers.RepeatedScalarFieldContainer[str]
    workplace_types: _containers.RepeatedScalarFieldContainer[_vacancy_pb2.WorkplaceType]
    hours_min: float
    hours_max: float
    contract_types: _containers.RepeatedScalarFieldContainer[_vacancy_pb2.ContractType]
    education_levels: _containers.RepeatedScalarFieldContainer[_vacancy_pb2.EducationLevel]
    driving_licence_required: bool
    posted_since: str
    sort: SearchSort
    include_facets: bool
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., occupation_esco_uris: _Optional[_Iterable[str]] = ..., isco_prefixes: _Optional[_Iterable[str]] = ..., near_place: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., radius_km: _Optional[float] = ..., province_codes: _Optional[_Iterable[str]] = ..., workplace_types: _Optional[_Iterable[_Union[_vacancy_pb2.WorkplaceType, str]]] = ..., hours_min: _Optional[float] = ..., hours_max: _Optional[float] = ..., contract_types: _Optional[_Iterable[_Union[_vacancy_pb2.ContractType, str]]] = ..., education_levels: _Optional[_Iterable[_Union[_vacancy_pb2.EducationLevel, str]]] = ..., driving_licence_required: _Optional[bool] = ..., posted_since: _Optional[str] = ..., sort: _Optional[_Union[SearchSort, str]] = ..., include_facets: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchVacanciesResponse(_message.Message):
    __slots__ = ("hits", "total_count", "facets", "next_page_token")
    HITS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    FACETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    hits: _containers.RepeatedCompositeFieldContainer[SearchHit]
    total_count: int
    facets: _containers.RepeatedCompositeFieldContainer[Facet]
    next_page_token: str
    def __init__(self, hits: _Optional[_Iterable[_Union[SearchHit, _Mapping]]] = ..., total_count: _Optional[int] = ..., facets: _Optional[_Iterable[_Union[Facet, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SearchHit(_message.Message):
    __slots__ = ("vacancy", "score", "distance_km")
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_KM_FIELD_NUMBER: _ClassVar[int]
    vacancy: _vacancy_pb2.Vacancy
    score: float
    distance_km: float
    def __init__(self, vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ..., score: _Optional[float] = ..., distance_km: _Optional[float] = ...) -> None: ...

class Facet(_message.Message):
    __slots__ = ("name", "values")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    name: str
    values: _containers.RepeatedCompositeFieldContainer[FacetValue]
    def __init__(self, name: _Optional[str] = ..., values: _Optional[_Iterable[_Union[FacetValue, _Mapping]]] = ...) -> None: ...

class FacetValue(_message.Message):
    __slots__ = ("value", "label", "count")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    value: str
    label: str
    count: int
    def __init__(self, value: _Optional[str] = ..., label: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class ListVacancyChangesRequest(_message.Message):
    __slots__ = ("since_cursor", "snapshot", "page_size", "page_token")
    SINCE_CURSOR_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    since_cursor: str
    snapshot: bool
    page_size: int
    page_token: str
    def __init__(self, since_cursor: _Optional[str] = ..., snapshot: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListVacancyChangesResponse(_message.Message):
    __slots__ = ("changes", "next_page_token", "cursor")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[VacancyChange]
    next_page_token: str
    cursor: str
    def __init__(self, changes: _Optional[_Iterable[_Union[VacancyChange, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., cursor: _Optional[str] = ...) -> None: ...

class VacancyChange(_message.Message):
    __slots__ = ("cursor", "type", "vacancy_id", "vacancy", "changed_at")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    type: ChangeType
    vacancy_id: str
    vacancy: _vacancy_pb2.Vacancy
    changed_at: _timestamp_pb2.Timestamp
    def __init__(self, cursor: _Optional[str] = ..., type: _Optional[_Union[ChangeType, str]] = ..., vacancy_id: _Optional[str] = ..., vacancy: _Optional[_Union[_vacancy_pb2.Vacancy, _Mapping]] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
