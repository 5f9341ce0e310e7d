import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkplaceType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKPLACE_TYPE_UNSPECIFIED: _ClassVar[WorkplaceType]
    WORKPLACE_TYPE_ON_SITE: _ClassVar[WorkplaceType]
    WORKPLACE_TYPE_HYBRID: _ClassVar[WorkplaceType]
    WORKPLACE_TYPE_REMOTE: _ClassVar[WorkplaceType]

class ContractType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTRACT_TYPE_UNSPECIFIED: _ClassVar[ContractType]
    CONTRACT_TYPE_PERMANENT: _ClassVar[ContractType]
    CONTRACT_TYPE_TEMPORARY: _ClassVar[ContractType]
    CONTRACT_TYPE_TEMPORARY_AGENCY: _ClassVar[ContractType]
    CONTRACT_TYPE_FREELANCE: _ClassVar[ContractType]
    CONTRACT_TYPE_INTERNSHIP: _ClassVar[ContractType]
    CONTRACT_TYPE_APPRENTICESHIP: _ClassVar[ContractType]
    CONTRACT_TYPE_VOLUNTEER: _ClassVar[ContractType]

class EducationLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EDUCATION_LEVEL_UNSPECIFIED: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_NONE: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_PRIMARY: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_VMBO: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_MBO_1: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_MBO_2: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_MBO_3: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_MBO_4: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_HAVO: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_VWO: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_HBO: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_WO: _ClassVar[EducationLevel]
    EDUCATION_LEVEL_DOCTORATE: _ClassVar[EducationLevel]

class SalaryPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SALARY_PERIOD_UNSPECIFIED: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_HOUR: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_MONTH: _ClassVar[SalaryPeriod]
    SALARY_PERIOD_YEAR: _ClassVar[SalaryPeriod]

class VacancyStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VACANCY_STATUS_UNSPECIFIED: _ClassVar[VacancyStatus]
    VACANCY_STATUS_OPEN: _ClassVar[VacancyStatus]
    VACANCY_STATUS_CLOSED: _ClassVar[VacancyStatus]
WORKPLACE_TYPE_UNSPECIFIED: WorkplaceType
WORKPLACE_TYPE_ON_SITE: WorkplaceType
WORKPLACE_TYPE_HYBRID: WorkplaceType
WORKPLACE_TYPE_REMOTE: WorkplaceType
CONTRACT_TYPE_UNSPECIFIED: ContractType
CONTRACT_TYPE_PERMANENT: ContractType
CONTRACT_TYPE_TEMPORARY: ContractType
CONTRACT_TYPE_TEMPORARY_AGENCY: ContractType
CONTRACT_TYPE_FREELANCE: ContractType
CONTRACT_TYPE_INTERNSHIP: ContractType
CONTRACT_TYPE_APPRENTICESHIP: ContractType
CONTRACT_TYPE_VOLUNTEER: ContractType
EDUCATION_LEVEL_UNSPECIFIED: EducationLevel
EDUCATION_LEVEL_NONE: EducationLevel
EDUCATION_LEVEL_PRIMARY: EducationLevel
EDUCATION_LEVEL_VMBO: EducationLevel
EDUCATION_LEVEL_MBO_1: EducationLevel
EDUCATION_LEVEL_MBO_2: EducationLevel
EDUCATION_LEVEL_MBO_3: EducationLevel
EDUCATION_LEVEL_MBO_4: EducationLevel
EDUCATION_LEVEL_HAVO: EducationLevel
EDUCATION_LEVEL_VWO: EducationLevel
EDUCATION_LEVEL_HBO: EducationLevel
EDUCATION_LEVEL_WO: EducationLevel
EDUCATION_LEVEL_DOCTORATE: EducationLevel
SALARY_PERIOD_UNSPECIFIED: SalaryPeriod
SALARY_PERIOD_HOUR: SalaryPeriod
SALARY_PERIOD_MONTH: SalaryPeriod
SALARY_PERIOD_YEAR: SalaryPeriod
VACANCY_STATUS_UNSPECIFIED: VacancyStatus
VACANCY_STATUS_OPEN: VacancyStatus
VACANCY_STATUS_CLOSED: VacancyStatus

class Vacancy(_message.Message):
    __slots__ = ("vacancy_id", "source", "external_id", "title", "description", "employer", "occupation", "required_skills", "optional_skills", "location", "workplace_type", "hours_min", "hours_max", "contract_type", "education_level", "salary_min", "salary_max", "salary_currency", "salary_period", "languages", "driving_licence_required", "date_posted", "valid_through", "application_url", "application_email", "status", "closed_reason", "linked_sources", "created_at", "updated_at")
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_FIELD_NUMBER: _ClassVar[int]
    OCCUPATION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_SKILLS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    WORKPLACE_TYPE_FIELD_NUMBER: _ClassVar[int]
    HOURS_MIN_FIELD_NUMBER: _ClassVar[int]
    HOURS_MAX_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_TYPE_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SALARY_MIN_FIELD_NUMBER: _ClassVar[int]
    SALARY_MAX_FIELD_NUMBER: _ClassVar[int]
    SALARY_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    SALARY_PERIOD_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    DRIVING_LICENCE_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DATE_POSTED_FIELD_NUMBER: _ClassVar[int]
    VALID_THROUGH_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_URL_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_EMAIL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_REASON_FIELD_NUMBER: _ClassVar[int]
    LINKED_SOURCES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    vacancy_id: str
    source: str
    external_id: str
    title: str
    description: str
    employer: str
    occupation: Occupation
    required_skills: _containers.RepeatedScalarFieldContainer[str]
    optional_skills: _containers.RepeatedScalarFieldContainer[str]
    location: Location
    workplace_type: WorkplaceType
    hours_min: float
    hours_max: float
    contract_type: ContractType
    education_level: EducationLevel
    salary_min: float
    salary_max: float
    salary_currency: str
    salary_period: SalaryPeriod
    languages: _containers.RepeatedScalarFieldContainer[str]
    driving_licence_required: bool
    date_posted: str
    valid_through: str
    application_url: str
    application_email: str
    status: VacancyStatus
    closed_reason: str
    linked_sources: _containers.RepeatedCompositeFieldContainer[SourceReference]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, vacancy_id: _Optional[str] = ..., source: _Optional[str] = ..., external_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., employer: _Optional[str] = ..., occupation: _Optional[_Union[Occupation, _Mapping]] = ..., required_skills: _Optional[_Iterable[str]] = ..., optional_skills: _Optional[_Iterable[str]] = ..., location: _Optional[_Union[Location, _Mapping]] = ..., workplace_type: _Optional[_Union[WorkplaceType, str]] = ..., hours_min: _Optional[float] = ..., hours_max: _Optional[float] = ..., contract_type: _Optional[_Union[ContractType, str]] = ..., education_level: _Optional[_Union[EducationLevel, str]] = ..., salary_min: _Optional[float] = ..., salary_max: _Optional[float] = ..., salary_currency: _Optional[str] = ..., salary_period: _Optional[_Union[SalaryPeriod, str]] = ..., languages: _Optional[_Iterable[str]] = ..., driving_licence_required: _Optional[bool] = ..., date_posted: _Optional[str] = ..., valid_through: _Optional[str] = ..., application_url: _Optional[str] = ..., application_email: _Optional[str] = ..., status: _Optional[_Union[VacancyStatus, str]] = ..., closed_reason: _Optional[str] = ..., linked_sources: _Optional[_Iterable[_Union[SourceReference, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Occupation(_message.Message):
    __slots__ = ("esco_uri", "isco_code", "label")
    ESCO_URI_FIELD_NUMBER: _ClassVar[int]
    ISCO_CODE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    esco_uri: str
    isco_code: str
    label: str
    def __init__(self, esco_uri: _Optional[str] = ..., isco_code: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ("place_name", "postal_code", "country_code", "province_code", "latitude", "longitude", "has_coordinates")
    PLACE_NAME_FIELD_NUMBER: _ClassVar[int]
    POSTAL_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    PROVINCE_CODE_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    HAS_COORDINATES_FIELD_NUMBER: _ClassVar[int]
    place_name: str
    postal_code: str
    country_code: str
    province_code: str
    latitude: float
    longitude: float
    has_coordinates: bool
    def __init__(self, place_name: _Optional[str] = ..., postal_code: _Optional[str] = ..., country_code: _Optional[str] = ..., province_code: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., has_coordinates: _Optional[bool] = ...) -> None: ...

class SourceReference(_message.Message):
    __slots__ = ("source", "external_id")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    source: str
    external_id: str
    def __init__(self, source: _Optional[str] = ..., external_id: _Optional[str] = ...) -> None: ...
