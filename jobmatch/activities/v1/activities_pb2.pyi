import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActivityType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTIVITY_TYPE_UNSPECIFIED: _ClassVar[ActivityType]
    ACTIVITY_TYPE_VACANCY_APPLICATION: _ClassVar[ActivityType]
    ACTIVITY_TYPE_OPEN_APPLICATION: _ClassVar[ActivityType]
    ACTIVITY_TYPE_JOB_INTERVIEW: _ClassVar[ActivityType]
    ACTIVITY_TYPE_AGENCY_REGISTRATION: _ClassVar[ActivityType]
    ACTIVITY_TYPE_NETWORKING_CONTACT: _ClassVar[ActivityType]
    ACTIVITY_TYPE_JOB_FAIR: _ClassVar[ActivityType]
    ACTIVITY_TYPE_TRAINING: _ClassVar[ActivityType]
    ACTIVITY_TYPE_OTHER: _ClassVar[ActivityType]
    ACTIVITY_TYPE_WORKSHOP: _ClassVar[ActivityType]
    ACTIVITY_TYPE_CV_POSTED: _ClassVar[ActivityType]
    ACTIVITY_TYPE_STAFFING_POOL: _ClassVar[ActivityType]
    ACTIVITY_TYPE_EMPLOYER_CONTACT: _ClassVar[ActivityType]

class RejectionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REJECTION_REASON_UNSPECIFIED: _ClassVar[RejectionReason]
    REJECTION_REASON_NOT_VERIFIABLE: _ClassVar[RejectionReason]
    REJECTION_REASON_NOT_JOB_SEARCH: _ClassVar[RejectionReason]
    REJECTION_REASON_DUPLICATE: _ClassVar[RejectionReason]
    REJECTION_REASON_AGENCY_ALREADY_REGISTERED: _ClassVar[RejectionReason]
    REJECTION_REASON_OBSTACLES_RAISED: _ClassVar[RejectionReason]
    REJECTION_REASON_OUTSIDE_PERIOD: _ClassVar[RejectionReason]
    REJECTION_REASON_OTHER: _ClassVar[RejectionReason]

class Organisation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORGANISATION_UNSPECIFIED: _ClassVar[Organisation]
    ORGANISATION_UWV: _ClassVar[Organisation]
    ORGANISATION_MUNICIPALITY: _ClassVar[Organisation]

class LegalHoldKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEGAL_HOLD_KIND_UNSPECIFIED: _ClassVar[LegalHoldKind]
    LEGAL_HOLD_KIND_OBJECTION: _ClassVar[LegalHoldKind]
    LEGAL_HOLD_KIND_APPEAL: _ClassVar[LegalHoldKind]
    LEGAL_HOLD_KIND_RECOVERY: _ClassVar[LegalHoldKind]

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_ONLINE: _ClassVar[Channel]
    CHANNEL_LETTER: _ClassVar[Channel]
    CHANNEL_PHONE: _ClassVar[Channel]
    CHANNEL_IN_PERSON: _ClassVar[Channel]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_SENT: _ClassVar[Outcome]
    OUTCOME_INVITED: _ClassVar[Outcome]
    OUTCOME_REJECTED: _ClassVar[Outcome]
    OUTCOME_HIRED: _ClassVar[Outcome]
    OUTCOME_NO_ANSWER: _ClassVar[Outcome]

class VerificationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_STATE_UNSPECIFIED: _ClassVar[VerificationState]
    VERIFICATION_STATE_UNVERIFIED: _ClassVar[VerificationState]
    VERIFICATION_STATE_APPROVED: _ClassVar[VerificationState]
    VERIFICATION_STATE_REJECTED: _ClassVar[VerificationState]

class VerificationDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_DECISION_UNSPECIFIED: _ClassVar[VerificationDecision]
    VERIFICATION_DECISION_APPROVE: _ClassVar[VerificationDecision]
    VERIFICATION_DECISION_REJECT: _ClassVar[VerificationDecision]

class PeriodStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERIOD_STATUS_UNSPECIFIED: _ClassVar[PeriodStatus]
    PERIOD_STATUS_MET: _ClassVar[PeriodStatus]
    PERIOD_STATUS_OPEN: _ClassVar[PeriodStatus]
    PERIOD_STATUS_AT_RISK: _ClassVar[PeriodStatus]
    PERIOD_STATUS_MISSED: _ClassVar[PeriodStatus]
    PERIOD_STATUS_EXEMPT: _ClassVar[PeriodStatus]
    PERIOD_STATUS_NOTICE: _ClassVar[PeriodStatus]

class ExemptionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXEMPTION_REASON_UNSPECIFIED: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_ILLNESS: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_PART_TIME_WORK: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_OTHER: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_HOLIDAY: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_MANTELZORG: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_EDUCATION: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_OWN_BUSINESS: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_TRIAL_PLACEMENT: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_CRISIS: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_NEAR_AOW: _ClassVar[ExemptionReason]
    EXEMPTION_REASON_VOLUNTEERING: _ClassVar[ExemptionReason]
ACTIVITY_TYPE_UNSPECIFIED: ActivityType
ACTIVITY_TYPE_VACANCY_APPLICATION: ActivityType
ACTIVITY_TYPE_OPEN_APPLICATION: ActivityType
ACTIVITY_TYPE_JOB_INTERVIEW: ActivityType
ACTIVITY_TYPE_AGENCY_REGISTRATION: ActivityType
ACTIVITY_TYPE_NETWORKING_CONTACT: ActivityType
ACTIVITY_TYPE_JOB_FAIR: ActivityType
ACTIVITY_TYPE_TRAINING: ActivityType
ACTIVITY_TYPE_OTHER: ActivityType
ACTIVITY_TYPE_WORKSHOP: ActivityType
ACTIVITY_TYPE_CV_POSTED: ActivityType
ACTIVITY_TYPE_STAFFING_POOL: ActivityType
ACTIVITY_TYPE_EMPLOYER_CONTACT: ActivityType
REJECTION_REASON_UNSPECIFIED: RejectionReason
REJECTION_REASON_NOT_VERIFIABLE: RejectionReason
REJECTION_REASON_NOT_JOB_SEARCH: RejectionReason
REJECTION_REASON_DUPLICATE: RejectionReason
REJECTION_REASON_AGENCY_ALREADY_REGISTERED: RejectionReason
REJECTION_REASON_OBSTACLES_RAISED: RejectionReason
REJECTION_REASON_OUTSIDE_PERIOD: RejectionReason
REJECTION_REASON_OTHER: RejectionReason
ORGANISATION_UNSPECIFIED: Organisation
ORGANISATION_UWV: Organisation
ORGANISATION_MUNICIPALITY: Organisation
LEGAL_HOLD_KIND_UNSPECIFIED: LegalHoldKind
LEGAL_HOLD_KIND_OBJECTION: LegalHoldKind
LEGAL_HOLD_KIND_APPEAL: LegalHoldKind
LEGAL_HOLD_KIND_RECOVERY: LegalHoldKind
CHANNEL_UNSPECIFIED: Channel
CHANNEL_ONLINE: Channel
CHANNEL_LETTER: Channel
CHANNEL_PHONE: Channel
CHANNEL_IN_PERSON: Channel
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_SENT: Outcome
OUTCOME_INVITED: Outcome
OUTCOME_REJECTED: Outcome
OUTCOME_HIRED: Outcome
OUTCOME_NO_ANSWER: Outcome
VERIFICATION_STATE_UNSPECIFIED: VerificationState
VERIFICATION_STATE_UNVERIFIED: VerificationState
VERIFICATION_STATE_APPROVED: VerificationState
VERIFICATION_STATE_REJECTED: VerificationState
VERIFICATION_DECISION_UNSPECIFIED: VerificationDecision
VERIFICATION_DECISION_APPROVE: VerificationDecision
VERIFICATION_DECISION_REJECT: VerificationDecision
PERIOD_STATUS_UNSPECIFIED: PeriodStatus
PERIOD_STATUS_MET: PeriodStatus
PERIOD_STATUS_OPEN: PeriodStatus
PERIOD_STATUS_AT_RISK: PeriodStatus
PERIOD_STATUS_MISSED: PeriodStatus
PERIOD_STATUS_EXEMPT: PeriodStatus
PERIOD_STATUS_NOTICE: PeriodStatus
EXEMPTION_REASON_UNSPECIFIED: ExemptionReason
EXEMPTION_REASON_ILLNESS: ExemptionReason
EXEMPTION_REASON_PART_TIME_WORK: ExemptionReason
EXEMPTION_REASON_OTHER: ExemptionReason
EXEMPTION_REASON_HOLIDAY: ExemptionReason
EXEMPTION_REASON_MANTELZORG: ExemptionReason
EXEMPTION_REASON_EDUCATION: ExemptionReason
EXEMPTION_REASON_OWN_BUSINESS: ExemptionReason
EXEMPTION_REASON_TRIAL_PLACEMENT: ExemptionReason
EXEMPTION_REASON_CRISIS: ExemptionReason
EXEMPTION_REASON_NEAR_AOW: ExemptionReason
EXEMPTION_REASON_VOLUNTEERING: ExemptionReason

class Evidence(_message.Message):
    __slots__ = ("document_name", "sha256_digest", "url")
    DOCUMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SHA256_DIGEST_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    document_name: str
    sha256_digest: str
    url: str
    def __init__(self, document_name: _Optional[str] = ..., sha256_digest: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class Activity(_message.Message):
    __slots__ = ("activity_id", "client_id", "type", "type_description", "date", "employer", "position", "channel", "vacancy_id", "contact_role", "outcome", "evidence", "note", "verification", "verification_reason", "verified_by", "logged_at", "counts", "contact_person", "rejection_reason")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TYPE_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ROLE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_REASON_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_BY_FIELD_NUMBER: _ClassVar[int]
    LOGGED_AT_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PERSON_FIELD_NUMBER: _ClassVar[int]
    REJECTION_REASON_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    client_id: str
    type: ActivityType
    type_description: str
    date: str
    employer: str
    position: str
    channel: Channel
    vacancy_id: str
    contact_role: str
    outcome: Outcome
    evidence: Evidence
    note: str
    verification: VerificationState
    verification_reason: str
    verified_by: str
    logged_at: _timestamp_pb2.Timestamp
    counts: bool
    contact_person: str
    rejection_reason: RejectionReason
    def __init__(self, activity_id: _Optional[str] = ..., client_id: _Optional[str] = ..., type: _Optional[_Union[ActivityType, str]] = ..., type_description: _Optional[str] = ..., date: _Optional[str] = ..., employer: _Optional[str] = ..., position: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., vacancy_id: _Optional[str] = ..., contact_role: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., evidence: _Optional[_Union[Evidence, _Mapping]] = ..., note: _Optional[str] = ..., verification: _Optional[_Union[VerificationState, str]] = ..., verification_reason: _Optional[str] = ..., verified_by: _Optional[str] = ..., logged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., counts: _Optional[bool] = ..., contact_person: _Optional[str] = ..., rejection_reason: _Optional[_Union[RejectionReason, str]] = ...) -> None: ...

class LogActivityRequest(_message.Message):
    __slots__ = ("client_id", "request_id", "type", "type_description", "date", "employer", "position", "channel", "vacancy_id", "contact_role", "outcome", "evidence", "note", "contact_person")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TYPE_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYER_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    VACANCY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_ROLE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CONTACT_PERSON_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    request_id: str
    type: ActivityType
    type_description: str
    date: str
    employer: str
    position: str
    channel: Channel
    vacancy_id: str
    contact_role: str
    outcome: Outcome
    evidence: Evidence
    note: str
    contact_person: str
    def __init__(self, client_id: _Optional[str] = ..., request_id: _Optional[str] = ..., type: _Optional[_Union[ActivityType, str]] = ..., type_description: _Optional[str] = ..., date: _Optional[str] = ..., employer: _Optional[str] = ..., position: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., vacancy_id: _Optional[str] = ..., contact_role: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., evidence: _Optional[_Union[Evidence, _Mapping]] = ..., note: _Optional[str] = ..., contact_person: _Optional[str] = ...) -> None: ...

class LogActivityResponse(_message.Message):
    __slots__ = ("activity", "created", "hint", "notice")
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    HINT_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    created: bool
    hint: str
    notice: str
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ..., created: _Optional[bool] = ..., hint: _Optional[str] = ..., notice: _Optional[str] = ...) -> None: ...

class UpdateActivityOutcomeRequest(_message.Message):
    __slots__ = ("client_id", "activity_id", "outcome")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    activity_id: str
    outcome: Outcome
    def __init__(self, client_id: _Optional[str] = ..., activity_id: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ...) -> None: ...

class UpdateActivityOutcomeResponse(_message.Message):
    __slots__ = ("activity",)
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ...) -> None: ...

class WithdrawActivityRequest(_message.Message):
    __slots__ = ("client_id", "activity_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    activity_id: str
    def __init__(self, client_id: _Optional[str] = ..., activity_id: _Optional[str] = ...) -> None: ...

class WithdrawActivityResponse(_message.Message):
    __slots__ = ("activity_id",)
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    activity_id: str
    def __init__(self, activity_id: _Optional[str] = ...) -> None: ...

class ListActivitiesRequest(_message.Message):
    __slots__ = ("client_id", "from_date", "to_date", "page_size", "page_token")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    from_date: str
    to_date: str
    page_size: int
    page_token: str
    def __init__(self, client_id: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListActivitiesResponse(_message.Message):
    __slots__ = ("activities", "next_page_token")
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    activities: _containers.RepeatedCompositeFieldContainer[Activity]
    next_page_token: str
    def __init__(self, activities: _Optional[_Iterable[_Union[Activity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class TypeCap(_message.Message):
    __slots__ = ("type", "max_per_period")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MAX_PER_PERIOD_FIELD_NUMBER: _ClassVar[int]
    type: ActivityType
    max_per_period: int
    def __init__(self, type: _Optional[_Union[ActivityType, str]] = ..., max_per_period: _Optional[int] = ...) -> None: ...

class Exemption(_message.Message):
    __slots__ = ("start_date", "end_date", "reason", "declared_unable")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DECLARED_UNABLE_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    end_date: str
    reason: ExemptionReason
    declared_unable: bool
    def __init__(self, start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., reason: _Optional[_Union[ExemptionReason, str]] = ..., declared_unable: _Optional[bool] = ...) -> None: ...

class ObligationRule(_message.Message):
    __slots__ = ("required_activities", "period_weeks", "min_per_week", "counting_types", "caps", "grace_days", "at_risk_days_per_activity", "at_risk_inactivity_days")
    REQUIRED_ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    PERIOD_WEEKS_FIELD_NUMBER: _ClassVar[int]
    MIN_PER_WEEK_FIELD_NUMBER: _ClassVar[int]
    COUNTING_TYPES_FIELD_NUMBER: _ClassVar[int]
    CAPS_FIELD_NUMBER: _ClassVar[int]
    GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_DAYS_PER_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    AT_RISK_INACTIVITY_DAYS_FIELD_NUMBER: _ClassVar[int]
    required_activities: int
    period_weeks: int
    min_per_week: int
    counting_types: _containers.RepeatedScalarFieldContainer[ActivityType]
    caps: _containers.RepeatedCompositeFieldContainer[TypeCap]
    grace_days: int
    at_risk_days_per_activity: int
    at_risk_inactivity_days: int
    def __init__(self, required_activities: _Optional[int] = ..., period_weeks: _Optional[int] = ..., min_per_week: _Optional[int] = ..., counting_types: _Optional[_Iterable[_Union[ActivityType, str]]] = ..., caps: _Optional[_Iterable[_Union[TypeCap, _Mapping]]] = ..., grace_days: _Optional[int] = ..., at_risk_days_per_activity: _Optional[int] = ..., at_risk_inactivity_days: _Optional[int] = ...) -> None: ...

class ObligationPolicy(_message.Message):
    __slots__ = ("client_id", "version", "template", "rule", "start_date", "exemptions", "deviation_reason", "set_by", "set_at", "organisation", "anchor_date", "decision_reference", "template_version")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    EXEMPTIONS_FIELD_NUMBER: _ClassVar[int]
    DEVIATION_REASON_FIELD_NUMBER: _ClassVar[int]
    SET_BY_FIELD_NUMBER: _ClassVar[int]
    SET_AT_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_DATE_FIELD_NUMBER: _ClassVar[int]
    DECISION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    version: int
    template: str
    rule: ObligationRule
    start_date: str
    exemptions: _containers.RepeatedCompositeFieldContainer[Exemption]
    deviation_reason: str
    set_by: str
    set_at: _timestamp_pb2.Timestamp
    organisation: Organisation
    anchor_date: str
    decision_reference: str
    template_version: int
    def __init__(self, client_id: _Optional[str] = ..., version: _Optional[int] = ..., template: _Optional[str] = ..., rule: _Optional[_Union[ObligationRule, _Mapping]] = ..., start_date: _Optional[str] = ..., exemptions: _Optional[_Iterable[_Union[Exemption, _Mapping]]] = ..., deviation_reason: _Optional[str] = ..., set_by: _Optional[str] = ..., set_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., organisation: _Optional[_Union[Organisation, str]] = ..., anchor_date: _Optional[str] = ..., decision_reference: _Optional[str] = ..., template_version: _Optional[int] = ...) -> None: ...

class SetObligationPolicyRequest(_message.Message):
    __slots__ = ("caseworker_id", "client_id", "template", "rule", "start_date", "exemptions", "deviation_reason", "organisation", "anchor_date", "decision_reference", "birth_date")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    EXEMPTIONS_FIELD_NUMBER: _ClassVar[int]
    DEVIATION_REASON_FIELD_NUMBER: _ClassVar[int]
    ORGANISATION_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_DATE_FIELD_NUMBER: _ClassVar[int]
    DECISION_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_id: str
    template: str
    rule: ObligationRule
    start_date: str
    exemptions: _containers.RepeatedCompositeFieldContainer[Exemption]
    deviation_reason: str
    organisation: Organisation
    anchor_date: str
    decision_reference: str
    birth_date: str
    def __init__(self, caseworker_id: _Optional[str] = ..., client_id: _Optional[str] = ..., template: _Optional[str] = ..., rule: _Optional[_Union[ObligationRule, _Mapping]] = ..., start_date: _Optional[str] = ..., exemptions: _Optional[_Iterable[_Union[Exemption, _Mapping]]] = ..., deviation_reason: _Optional[str] = ..., organisation: _Optional[_Union[Organisation, str]] = ..., anchor_date: _Optional[str] = ..., decision_reference: _Optional[str] = ..., birth_date: _Optional[str] = ...) -> None: ...

class SetObligationPolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: ObligationPolicy
    def __init__(self, policy: _Optional[_Union[ObligationPolicy, _Mapping]] = ...) -> None: ...

class TypeCount(_message.Message):
    __slots__ = ("type", "logged", "counted")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    LOGGED_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    type: ActivityType
    logged: int
    counted: int
    def __init__(self, type: _Optional[_Union[ActivityType, str]] = ..., logged: _Optional[int] = ..., counted: _Optional[int] = ...) -> None: ...

class ObligationPeriod(_message.Message):
    __slots__ = ("start_date", "end_date", "deadline_date", "status", "required", "counted", "counted_unverified", "still_needed", "counts", "relies_on_unverified", "policy_version", "needed", "weeks_below_minimum", "respond_by_date")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_DATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    COUNTED_UNVERIFIED_FIELD_NUMBER: _ClassVar[int]
    STILL_NEEDED_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    RELIES_ON_UNVERIFIED_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    NEEDED_FIELD_NUMBER: _ClassVar[int]
    WEEKS_BELOW_MINIMUM_FIELD_NUMBER: _ClassVar[int]
    RESPOND_BY_DATE_FIELD_NUMBER: _ClassVar[int]
    start_date: str
    end_date: str
    deadline_date: str
    status: PeriodStatus
    required: int
    counted: int
    counted_unverified: int
    still_needed: int
    counts: _containers.RepeatedCompositeFieldContainer[TypeCount]
    relies_on_unverified: bool
    policy_version: int
    needed: _containers.RepeatedScalarFieldContainer[str]
    weeks_below_minimum: _containers.RepeatedScalarFieldContainer[str]
    respond_by_date: str
    def __init__(self, start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., deadline_date: _Optional[str] = ..., status: _Optional[_Union[PeriodStatus, str]] = ..., required: _Optional[int] = ..., counted: _Optional[int] = ..., counted_unverified: _Optional[int] = ..., still_needed: _Optional[int] = ..., counts: _Optional[_Iterable[_Union[TypeCount, _Mapping]]] = ..., relies_on_unverified: _Optional[bool] = ..., policy_version: _Optional[int] = ..., needed: _Optional[_Iterable[str]] = ..., weeks_below_minimum: _Optional[_Iterable[str]] = ..., respond_by_date: _Optional[str] = ...) -> None: ...

class GetObligationStatusRequest(_message.Message):
    __slots__ = ("client_id",)
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    def __init__(self, client_id: _Optional[str] = ...) -> None: ...

class GetObligationStatusResponse(_message.Message):
    __slots__ = ("current", "previous", "policy")
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    current: ObligationPeriod
    previous: _containers.RepeatedCompositeFieldContainer[ObligationPeriod]
    policy: ObligationPolicy
    def __init__(self, current: _Optional[_Union[ObligationPeriod, _Mapping]] = ..., previous: _Optional[_Iterable[_Union[ObligationPeriod, _Mapping]]] = ..., policy: _Optional[_Union[ObligationPolicy, _Mapping]] = ...) -> None: ...

class VerifyActivityRequest(_message.Message):
    __slots__ = ("caseworker_id", "client_id", "activity_id", "decision", "reason", "rejection_reason")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REJECTION_REASON_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_id: str
    activity_id: str
    decision: VerificationDecision
    reason: str
    rejection_reason: RejectionReason
    def __init__(self, caseworker_id: _Optional[str] = ..., client_id: _Optional[str] = ..., activity_id: _Optional[str] = ..., decision: _Optional[_Union[VerificationDecision, str]] = ..., reason: _Optional[str] = ..., rejection_reason: _Optional[_Union[RejectionReason, str]] = ...) -> None: ...

class VerifyActivityResponse(_message.Message):
    __slots__ = ("activity",)
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    activity: Activity
    def __init__(self, activity: _Optional[_Union[Activity, _Mapping]] = ...) -> None: ...

class CaseloadEntry(_message.Message):
    __slots__ = ("client_id", "current", "last_activity_date", "has_policy")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_DATE_FIELD_NUMBER: _ClassVar[int]
    HAS_POLICY_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    current: ObligationPeriod
    last_activity_date: str
    has_policy: bool
    def __init__(self, client_id: _Optional[str] = ..., current: _Optional[_Union[ObligationPeriod, _Mapping]] = ..., last_activity_date: _Optional[str] = ..., has_policy: _Optional[bool] = ...) -> None: ...

class GetCaseloadRequest(_message.Message):
    __slots__ = ("caseworker_id", "page_size", "page_token")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    page_size: int
    page_token: str
    def __init__(self, caseworker_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetCaseloadResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[CaseloadEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[CaseloadEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetLegalHoldRequest(_message.Message):
    __slots__ = ("caseworker_id", "client_id", "kind", "active")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_id: str
    kind: LegalHoldKind
    active: bool
    def __init__(self, caseworker_id: _Optional[str] = ..., client_id: _Optional[str] = ..., kind: _Optional[_Union[LegalHoldKind, str]] = ..., active: _Optional[bool] = ...) -> None: ...

class SetLegalHoldResponse(_message.Message):
    __slots__ = ("active_holds",)
    ACTIVE_HOLDS_FIELD_NUMBER: _ClassVar[int]
    active_holds: _containers.RepeatedScalarFieldContainer[LegalHoldKind]
    def __init__(self, active_holds: _Optional[_Iterable[_Union[LegalHoldKind, str]]] = ...) -> None: ...

class AssignClientsRequest(_message.Message):
    __slots__ = ("caseworker_id", "client_ids")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, caseworker_id: _Optional[str] = ..., client_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AssignClientsResponse(_message.Message):
    __slots__ = ("assigned_client_ids",)
    ASSIGNED_CLIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    assigned_client_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, assigned_client_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class UnassignClientsRequest(_message.Message):
    __slots__ = ("caseworker_id", "client_ids")
    CASEWORKER_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    caseworker_id: str
    client_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, caseworker_id: _Optional[str] = ..., client_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class UnassignClientsResponse(_message.Message):
    __slots__ = ("unassigned_client_ids",)
    UNASSIGNED_CLIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    unassigned_client_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, unassigned_client_ids: _Optional[_Iterable[str]] = ...) -> None: ...
