import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from jobmatch.activities.v1 import activities_pb2 as _activities_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AtRiskReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AT_RISK_REASON_UNSPECIFIED: _ClassVar[AtRiskReason]
    AT_RISK_REASON_DAYS_LEFT: _ClassVar[AtRiskReason]
    AT_RISK_REASON_INACTIVITY: _ClassVar[AtRiskReason]
    AT_RISK_REASON_WEEKLY_MINIMUM: _ClassVar[AtRiskReason]
AT_RISK_REASON_UNSPECIFIED: AtRiskReason
AT_RISK_REASON_DAYS_LEFT: AtRiskReason
AT_RISK_REASON_INACTIVITY: AtRiskReason
AT_RISK_REASON_WEEKLY_MINIMUM: AtRiskReason

class ActivityLogged(_message.Message):
    __slots__ = ("activity_id", "client_id", "type", "date", "vacancy_id", "channel", "outcome", "logged_at")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    LOGGED_AT_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    client_id: str
    type: _activities_pb2.ActivityType
    date: str
    vacancy_id: str
    channel: _activities_pb2.Channel
    outcome: _activities_pb2.Outcome
    logged_at: _timestamp_pb2.Timestamp
    def __init__(self, activity_id: _Optional[str] = ..., client_id: _Optional[str] = ..., type: _Optional[_Union[_activities_pb2.ActivityType, str]] = ..., date: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., channel: _Optional[_Union[_activities_pb2.Channel, str]] = ..., outcome: _Optional[_Union[_activities_pb2.Outcome, str]] = ..., logged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActivityOutcomeUpdated(_message.Message):
    __slots__ = ("activity_id", "client_id", "vacancy_id", "outcome", "previous_outcome", "updated_at")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    client_id: str
    vacancy_id: str
    outcome: _activities_pb2.Outcome
    previous_outcome: _activities_pb2.Outcome
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, activity_id: _Optional[str] = ..., client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., outcome: _Optional[_Union[_activities_pb2.Outcome, str]] = ..., previous_outcome: _Optional[_Union[_activities_pb2.Outcome, str]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActivityVerified(_message.Message):
    __slots__ = ("activity_id", "client_id", "state", "caseworker_id", "verified_at")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    client_id: str
    state: _activities_pb2.VerificationState
    caseworker_id: str
    verified_at: _timestamp_pb2.Timestamp
    def __init__(self, activity_id: _Optional[str] = ..., client_id: _Optional[str] = ..., state: _Optional[_Union[_activities_pb2.VerificationState, str]] = ..., caseworker_id: _Optional[str] = ..., verified_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ActivityWithdrawn(_message.Message):
    __slots__ = ("activity_id", "client_id", "vacancy_id", "withdrawn_at")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    client_id: str
    vacancy_id: str
    withdrawn_at: _timestamp_pb2.Timestamp
    def __init__(self, activity_id: _Optional[str] = ..., client_id: _Optional[str] = ..., vacancy_id: _Optional[str] = ..., withdrawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ObligationAtRisk(_message.Message):
    __slots__ = ("client_id", "period_start", "period_end", "deadline_date", "required", "counted", "still_needed", "reasons", "policy_version", "detected_at")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_DATE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    STILL_NEEDED_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    period_start: str
    period_end: str
    deadline_date: str
    required: int
    counted: int
    still_needed: int
    reasons: _containers.RepeatedScalarFieldContainer[AtRiskReason]
    policy_version: int
    detected_at: _timestamp_pb2.Timestamp
    def __init__(self, client_id: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., deadline_date: _Optional[str] = ..., required: _Optional[int] = ..., counted: _Optional[int] = ..., still_needed: _Optional[int] = ..., reasons: _Optional[_Iterable[_Union[AtRiskReason, str]]] = ..., policy_version: _Optional[int] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ObligationPeriodAssessed(_message.Message):
    __slots__ = ("client_id", "period_start", "period_end", "outcome", "required", "counted", "counted_unverified", "policy_version", "assessed_at", "respond_by", "changed_activity_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    COUNTED_UNVERIFIED_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_AT_FIELD_NUMBER: _ClassVar[int]
    RESPOND_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGED_ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    period_start: str
    period_end: str
    outcome: _activities_pb2.PeriodStatus
    required: int
    counted: int
    counted_unverified: int
    policy_version: int
    assessed_at: _timestamp_pb2.Timestamp
    respond_by: str
    changed_activity_id: str
    def __init__(self, client_id: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., outcome: _Optional[_Union[_activities_pb2.PeriodStatus, str]] = ..., required: _Optional[int] = ..., counted: _Optional[int] = ..., counted_unverified: _Optional[int] = ..., policy_version: _Optional[int] = ..., assessed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., respond_by: _Optional[str] = ..., changed_activity_id: _Optional[str] = ...) -> None: ...
