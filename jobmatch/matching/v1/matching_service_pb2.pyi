import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OccupationBreadth(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OCCUPATION_BREADTH_UNSPECIFIED: _ClassVar[OccupationBreadth]
    OCCUPATION_BREADTH_EXACT: _ClassVar[OccupationBreadth]
    OCCUPATION_BREADTH_UNIT_GROUP: _ClassVar[OccupationBreadth]
    OCCUPATION_BREADTH_MINOR_GROUP: _ClassVar[OccupationBreadth]

class OccupationMatch(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OCCUPATION_MATCH_UNSPECIFIED: _ClassVar[OccupationMatch]
    OCCUPATION_MATCH_EXACT: _ClassVar[OccupationMatch]
    OCCUPATION_MATCH_UNIT_GROUP: _ClassVar[OccupationMatch]
    OCCUPATION_MATCH_MINOR_GROUP: _ClassVar[OccupationMatch]

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

class ProfileStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROFILE_STATUS_UNSPECIFIED: _ClassVar[ProfileStatus]
    PROFILE_STATUS_ACTIVE: _ClassVar[ProfileStatus]
    PROFILE_STATUS_PAUSED: _ClassVar[ProfileStatus]

class FeedbackKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEEDBACK_KIND_UNSPECIFIED: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_SAVE: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_DISMISS: _ClassVar[FeedbackKind]
    FEEDBACK_KIND_APPLIED: _ClassVar[FeedbackKind]

class Criterion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CRITERION_UNSPECIFIED: _ClassVar[Criterion]
    CRITERION_OCCUPATION: _ClassVar[Criterion]
    CRITERION_TRAVEL_DISTANCE: _ClassVar[Criterion]
    CRITERION_REMOTE: _ClassVar[Criterion]
    CRITERION_HOURS: _ClassVar[Criterion]
    CRITERION_CONTRACT_TYPE: _ClassVar[Criterion]
    CRITERION_EDUCATION: _ClassVar[Criterion]
    CRITERION_LANGUAGES: _ClassVar[Criterion]
    CRITERION_DRIVING_LICENCE: _ClassVar[Criterion]
    CRITERION_SALARY: _ClassVar[Criterion]
OCCUPATION_BREADTH_UNSPECIFIED: OccupationBreadth
OCCUPATION_BREADTH_EXACT: OccupationBreadth
OCCUPATION_BREADTH_UNIT_GROUP: OccupationBreadth
OCCUPATION_BREADTH_MINOR_GROUP: OccupationBreadth
OCCUPATION_MATCH_UNSPECIFIED: OccupationMatch
OCCUPATION_MATCH_EXACT: OccupationMatch
OCCUPATION_MATCH_UNIT_GROUP: OccupationMatch
OCCUPATION_MATCH_MINOR_GROUP: OccupationMatch
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
PROFILE_STATUS_UNSPECIFIED: ProfileStatus
PROFILE_STATUS_ACTIVE: ProfileStatus
PROFILE_STATUS_PAUSED: ProfileStatus
FEEDBACK_KIND_UNSPECIFIED: FeedbackKind
FEEDBACK_KIND_SAVE: FeedbackKind
FEEDBACK_KIND_DISMISS: FeedbackKind
FEEDBACK_KIND_APPLIED: FeedbackKind
CRITERION_UNSPECIFIED: Criterion
CRITERION_OCCUPATION: Criterion
CRITERION_TRAVEL_DISTANCE: Criterion
CRITERION_REMOTE: Criterion
CRITERION_HOURS: Criterion
CRITERION_CONTRACT_TYPE: Criterion
CRITERION_EDUCATION: Criterion
CRITERION_LANGUAGES: Criterion
CRITERION_DRIVING_LICENCE: Criterion
CRITERION_SALARY: Criterion

class OccupationWish(_message.Message):
    __slots__ = ("esco_uri", "isco_code", "breadth", "label_nl")
    ESCO_URI_FIELD_NUMBER: _ClassVar[int]
    ISCO_CODE_FIELD_NUMBER: _ClassVar[int]
    BREADTH_FIELD_NUMBER: _ClassVar[int]
    LABEL_NL_FIELD_NUMBER: _ClassVar[int]
    esco_uri: str
    isco_code: str
    breadth: OccupationBreadth
    label_nl: str
    def __init__(self, esco_uri: _Optional[str] = ..., isco_code: _Optional[str] = ..., breadth: _Optional[_Union[OccupationBreadth, str]] = ..., label_nl: _Optional[str] = ...) -> None: ...

class SearchProfile(_message.Message):
    __slots__ = ("client_id", "occupations", "skills", "home_place_name", "home_latitude", "home_longitude", "max_travel_km", "hours_min", "hours_max", "contract_types", "education_level", "languages", "has_driving_licence", "remote_acceptable", "min_salary_monthly", "status", "updated_at")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    OCCUPATIONS_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    HOME_PLACE_NAME_FIELD_NUMBER: _ClassVar[int]
    HOME_LATITUDE_FIELD_NUMBER: _ClassVar[int]
    HOME_LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    MAX_TRAVEL_KM_FIELD_NUMBER: _ClassVar[int]
    HOURS_MIN_FIELD_NUMBER: _ClassVar[int]
    HOURS_MAX_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_TYPES_FIELD_NUMBER: _ClassVar[int]
    EDUCATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    HAS_DRIVING_LICENCE_FIELD_NUMBER: _ClassVar[int]
    REMOTE_ACCEPTABLE_FIELD_NUMBER: _ClassVar[int]
    MIN_SALARY_MONTHLY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    occupations: _containers.RepeatedCompositeFieldContainer[OccupationWish]
    skills: _containers.RepeatedScalarFieldContainer[str]
    home_place_name: str
    home_latitude: float
    home_longitude: float
    max_travel_km: int
    hours_min: int
    hours_max: int
    contract_types: _containers.RepeatedScalarFieldContainer[ContractType]
    education_level: EducationLevel
    languages: _containers.RepeatedScalarFieldContainer[str]
    has_driving_licence: bool
    remote_acceptable: bool
    min_salary_monthly: int
    status: ProfileStatus
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, client_id: _Optional[str] = ..., occupations: _Optional[_Iterable[_Union[OccupationWish, _Mapping]]] = ..., skills: _Optional[_Iterable[str]] = ..., home_place_name: _Optional[str] = ..., home_latitude: _Optional[float] = ..., home_longitude: _Optional[float] = ..., max_travel_km: _Optional[int] = ..., hours_min: _Optional[int] = ..., hours_max: _Optional[int] = ..., contract_types: _Optional[_Iterable[_Union[ContractType, str]]] = ..., education_level: _Optional[_Union[EducationLevel, str]] = ..., languages: _Optional[_Iterable[str]] = ..., has_driving_licence: _Optional[bool] = ..., remote_acceptable: _Optional[bool] = ..., min_salary_monthly: _Optional[int] = ..., status: _Optional[_Union[ProfileStatus, str]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetSearchProfileRequest(_message.Message):
    __slots__ = ("client_id", "profile")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    profile: SearchProfile
    def __init__(self, client_id: _Optional[str] = ..., profile: _Optional[_Union[SearchProfile, _Mapping]] = ...) -> None: ...

class SetSearchProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: SearchProfile
    def __init__(self, profile: _Optional[_Union[SearchProfile, _Mapping]] = ...) -> None: ...

class GetSearchProfileRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class GetSearchProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: SearchProfile
    def __init__(self, profile: _Optional[_Union[SearchProfile, _Mapping]] = ...) -> None: ...

class VacancySummary(_message.Message):
    __slots__ = ("vacancy_id", "title", "employer", "esco_uri", "isco_code", "place_name", "remote", "hours_min", "hours_max", "contract_type", "salary_min", "salary_max", "date_posted", "valid_through", "application_url")
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_FIELD_NUMBER: _ClassVar[int]
    ESCO_URI_FIELD_NUMBER: _ClassVar[int]
    ISCO_CODE_FIELD_NUMBER: _ClassVar[int]
    PLACE_NAME_FIELD_NUMBER: _ClassVar[int]
    REMOTE_FIELD_NUMBER: _ClassVar[int]
    HOURS_MIN_FIELD_NUMBER: _ClassVar[int]
    HOURS_MAX_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SALARY_MIN_FIELD_NUMBER: _ClassVar[int]
    SALARY_MAX_FIELD_NUMBER: _ClassVar[int]
    DATE_POSTED_FIELD_NUMBER: _ClassVar[int]
    VALID_THROUGH_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_URL_FIELD_NUMBER: _ClassVar[int]
    vacancy_id: str
    title: str
    employer: str
    esco_uri: str
    isco_code: str
    place_name: str
    remote: bool
    hours_min: int
    hours_max: int
    contract_type: ContractType
    salary_min: int
    salary_max: int
    date_posted: str
    valid_through: str
    application_url: str
    def __init__(self, vacancy_id: _Optional[str] = ..., title: _Optional[str] = ..., employer: _Optional[str] = ..., esco_uri: _Optional[str] = ..., isco_code: _Optional[str] = ..., place_name: _Optional[str] = ..., remote: _Optional[bool] = ..., hours_min: _Optional[int] = ..., hours_max: _Optional[int] = ..., contract_type: _Optional[_Union[ContractType, str]] = ..., salary_min: _Optional[int] = ..., salary_max: _Optional[int] = ..., date_posted: _Optional[str] = ..., valid_through: _Optional[str] = ..., application_url: _Optional[str] = ...) -> None: ...

class ScoreBreakdown(_message.Message):
    __slots__ = ("occupation", "skills", "distance", "hours", "recency", "feedback")
    OCCUPATION_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    RECENCY_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    occupation: float
    skills: float
    distance: float
    hours: float
    recency: float
    feedback: float
    def __init__(self, occupation: _Optional[float] = ..., skills: _Optional[float] = ..., distance: _Optional[float] = ..., hours: _Optional[float] = ..., recency: _Optional[float] = ..., feedback: _Optional[float] = ...) -> None: ...

class Explanation(_message.Message):
    __slots__ = ("matched_criteria", "occupation_match", "distance_km", "has_distance", "skills_in_common", "skills_missing", "explanation_nl", "explanation_en", "score_breakdown")
    MATCHED_CRITERIA_FIELD_NUMBER: _ClassVar[int]
    OCCUPATION_MATCH_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_KM_FIELD_NUMBER: _ClassVar[int]
    HAS_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    SKILLS_IN_COMMON_FIELD_NUMBER: _ClassVar[int]
    SKILLS_MISSING_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_NL_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_EN_FIELD_NUMBER: _ClassVar[int]
    SCORE_BREAKDOWN_FIELD_NUMBER: _ClassVar[int]
    matched_criteria: _containers.RepeatedScalarFieldContainer[Criterion]
    occupation_match: OccupationMatch
    distance_km: float
    has_distance: bool
    skills_in_common: _containers.RepeatedScalarFieldContainer[str]
    skills_missing: _containers.RepeatedScalarFieldContainer[str]
    explanation_nl: str
    explanation_en: str
    score_breakdown: ScoreBreakdown
    def __init__(self, matched_criteria: _Optional[_Iterable[_Union[Criterion, str]]] = ..., occupation_match: _Optional[_Union[OccupationMatch, str]] = ..., distance_km: _Optional[float] = ..., has_distance: _Optional[bool] = ..., skills_in_common: _Optional[_Iterable[str]] = ..., skills_missing: _Optional[_Iterable[str]] = ..., explanation_nl: _Optional[str] = ..., explanation_en: _Optional[str] = ..., score_breakdown: _Optional[_Union[ScoreBreakdown, _Mapping]] = ...) -> None: ...

class FeedItem(_message.Message):
    __slots__ = ("vacancy", "score", "is_new", "explanation", "saved", "applied")
    VACANCY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    IS_NEW_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    SAVED_FIELD_NUMBER: _ClassVar[int]
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    vacancy: VacancySummary
    score: float
    is_new: bool
    explanation: Explanation
    saved: bool
    applied: bool
    def __init__(self, vacancy: _Optional[_Union[VacancySummary, _Mapping]] = ..., score: _Optional[float] = ..., is_new: _Optional[bool] = ..., explanation: _Optional[_Union[Explanation, _Mapping]] = ..., saved: _Optional[bool] = ..., applied: _Optional[bool] = ...) -> None: ...

class GetFeedRequest(_message.Message):
    __slots__ = ("client_id", "page_size", "page_token")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    page_size: int
    page_token: str
    def __init__(self, client_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetFeedResponse(_message.Message):
    __slots__ = ("items", "next_page_token", "total_size", "new_count", "previous_visit_at")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    NEW_COUNT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VISIT_AT_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[FeedItem]
    next_page_token: str
    total_size: int
    new_count: int
    previous_visit_at: _timestamp_pb2.Timestamp
    def __init__(self, items: _Optional[_Iterable[_Union[FeedItem, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., new_count: _Optional[int] = ..., previous_visit_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordFeedbackRequest(_message.Message):
    __slots__ = ("client_id", "vacancy_id", "kind")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    vacancy_id: str
    kind: FeedbackKind
    def __init__(self, client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., kind: _Optional[_Union[FeedbackKind, str]] = ...) -> None: ...

class RecordFeedbackResponse(_message.Message):
    __slots__ = ("client_id", "vacancy_id", "kind", "recorded_at", "notice", "activity_logged")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_LOGGED_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    vacancy_id: str
    kind: FeedbackKind
    recorded_at: _timestamp_pb2.Timestamp
    notice: str
    activity_logged: bool
    def __init__(self, client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., kind: _Optional[_Union[FeedbackKind, str]] = ..., recorded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., notice: _Optional[str] = ..., activity_logged: _Optional[bool] = ...) -> None: ...

class ProfileMatch(_message.Message):
    __slots__ = ("client_id", "score", "occupation_match", "distance_km", "has_distance")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    OCCUPATION_MATCH_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_KM_FIELD_NUMBER: _ClassVar[int]
    HAS_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    score: float
    occupation_match: OccupationMatch
    distance_km: float
    has_distance: bool
    def __init__(self, client_id: _Optional[str] = ..., score: _Optional[float] = ..., occupation_match: _Optional[_Union[OccupationMatch, str]] = ..., distance_km: _Optional[float] = ..., has_distance: _Optional[bool] = ...) -> None: ...

class ListMatchingProfilesRequest(_message.Message):
    __slots__ = ("caseworker_id", "vacancy_id", "page_size", "page_token")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    vacancy_id: str
    page_size: int
    page_token: str
    def __init__(self, caseworker_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListMatchingProfilesResponse(_message.Message):
    __slots__ = ("matches", "next_page_token", "total_size")
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[ProfileMatch]
    next_page_token: str
    total_size: int
    def __init__(self, matches: _Optional[_Iterable[_Union[ProfileMatch, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
