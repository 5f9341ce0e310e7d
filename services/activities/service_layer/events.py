"""Event payloads of the activities service (jobmatch.events.v1, topic jobmatch.activities.v1).

Pseudonymous ids, types, dates and counts only: no names, employers, notes or reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from google.protobuf.timestamp_pb2 import Timestamp

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.events.v1 import activity_events_pb2 as ev
from jobmatch.events.v1 import caseload_events_pb2 as caseload_ev
from services.activities.domain.model import Activity, ActivityType, Channel, Outcome, Verification
from services.activities.domain.periods import AtRiskReason, PeriodAssessment, PeriodStatus
from services.activities.service_layer.ports import PendingEvent

ACTIVITY_LOGGED = "nl.werk.sollicitatie-activity-logged.v1"
ACTIVITY_OUTCOME_UPDATED = "nl.werk.sollicitatie-activity-outcome-updated.v1"
ACTIVITY_VERIFIED = "nl.werk.sollicitatie-activity-verified.v1"
ACTIVITY_WITHDRAWN = "nl.werk.sollicitatie-activity-withdrawn.v1"
OBLIGATION_AT_RISK = "nl.werk.obligation-at-risk.v1"
OBLIGATION_PERIOD_ASSESSED = "nl.werk.obligation-period-assessed.v1"
OBLIGATION_NOTICE = "nl.werk.obligation-notice.v1"
OBLIGATION_PERIOD_REASSESSED = "nl.werk.obligation-period-reassessed.v1"
CASELOAD_ASSIGNED = "nl.werk.caseload-assigned.v1"
CASELOAD_UNASSIGNED = "nl.werk.caseload-unassigned.v1"

# `EnumTypeWrapper.Value` is typed as a plain int; the casts say which proto enum it is.
TYPE_TO_PB = cast(
    "dict[ActivityType, pb.ActivityType]", {t: pb.ActivityType.Value(f"ACTIVITY_TYPE_{t.name}") for t in ActivityType}
)
CHANNEL_TO_PB = cast("dict[Channel, pb.Channel]", {c: pb.Channel.Value(f"CHANNEL_{c.name}") for c in Channel})
OUTCOME_TO_PB = cast("dict[Outcome, pb.Outcome]", {o: pb.Outcome.Value(f"OUTCOME_{o.name}") for o in Outcome})
VERIFICATION_TO_PB = cast(
    "dict[Verification, pb.VerificationState]",
    {v: pb.VerificationState.Value(f"VERIFICATION_STATE_{v.name}") for v in Verification},
)
STATUS_TO_PB = cast(
    "dict[PeriodStatus, pb.PeriodStatus]", {s: pb.PeriodStatus.Value(f"PERIOD_STATUS_{s.name}") for s in PeriodStatus}
)
REASON_TO_PB = cast(
    "dict[AtRiskReason, ev.AtRiskReason]", {r: ev.AtRiskReason.Value(f"AT_RISK_REASON_{r.name}") for r in AtRiskReason}
)


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def activity_logged(a: Activity) -> PendingEvent:
    message = ev.ActivityLogged(
        activity_id=a.activity_id,
        client_id=a.client_id,
        type=TYPE_TO_PB[a.type],
        date=a.date.isoformat(),
        vacancy_id=a.vacancy_id,
        channel=CHANNEL_TO_PB[a.channel],
        outcome=OUTCOME_TO_PB[a.outcome],
        logged_at=timestamp(a.logged_at),
    )
    return PendingEvent(ACTIVITY_LOGGED, a.client_id, f"activity/{a.activity_id}", message)


def outcome_updated(a: Activity, previous: Outcome, now: datetime) -> PendingEvent:
    message = ev.ActivityOutcomeUpdated(
        activity_id=a.activity_id,
        client_id=a.client_id,
        vacancy_id=a.vacancy_id,
        outcome=OUTCOME_TO_PB[a.outcome],
        previous_outcome=OUTCOME_TO_PB[previous],
        updated_at=timestamp(now),
    )
    return PendingEvent(ACTIVITY_OUTCOME_UPDATED, a.client_id, f"activity/{a.activity_id}", message)


def activity_verified(a: Activity, now: datetime) -> PendingEvent:
    message = ev.ActivityVerified(
        activity_id=a.activity_id,
        client_id=a.client_id,
        state=VERIFICATION_TO_PB[a.verification],
        caseworker_id=a.verified_by,
        verified_at=timestamp(now),
    )
    return PendingEvent(ACTIVITY_VERIFIED, a.client_id, f"activity/{a.activity_id}", message)


def activity_withdrawn(a: Activity, now: datetime) -> PendingEvent:
    message = ev.ActivityWithdrawn(
        activity_id=a.activity_id, client_id=a.client_id, vacancy_id=a.vacancy_id, withdrawn_at=timestamp(now)
    )
    return PendingEvent(ACTIVITY_WITHDRAWN, a.client_id, f"activity/{a.activity_id}", message)


def obligation_at_risk(client_id: str, result: PeriodAssessment, now: datetime) -> PendingEvent:
    p = result.period
    message = ev.ObligationAtRisk(
        client_id=client_id,
        period_start=p.start.isoformat(),
        period_end=p.end.isoformat(),
        deadline_date=p.deadline.isoformat(),
        required=result.required,
        counted=result.counted,
        still_needed=result.still_needed,
        reasons=[REASON_TO_PB[r] for r in result.at_risk_reasons],
        policy_version=p.policy.version,
        detected_at=timestamp(now),
    )
    return PendingEvent(OBLIGATION_AT_RISK, client_id, f"obligation/{client_id}/{p.start.isoformat()}", message)


def period_assessed(
    client_id: str,
    result: PeriodAssessment,
    now: datetime,
    *,
    event_type: str = OBLIGATION_PERIOD_ASSESSED,
    changed_activity_id: str = "",
) -> PendingEvent:
    """The period's outcome; also the notice (hoor en wederhoor) and a reassessment after a changed decision."""
    p = result.period
    message = ev.ObligationPeriodAssessed(
        client_id=client_id,
        period_start=p.start.isoformat(),
        period_end=p.end.isoformat(),
        outcome=STATUS_TO_PB[result.status],
        required=result.required,
        counted=result.counted,
        counted_unverified=result.counted_unverified,
        policy_version=p.policy.version,
        assessed_at=timestamp(now),
        respond_by=p.respond_by.isoformat() if event_type == OBLIGATION_NOTICE else "",
        changed_activity_id=changed_activity_id,
    )
    return PendingEvent(event_type, client_id, f"obligation/{client_id}/{p.start.isoformat()}", message)


def caseload_assigned(caseworker_id: str, client_id: str, now: datetime) -> PendingEvent:
    """A stored assignment, for matching's projection of the caseloads."""
    message = caseload_ev.CaseloadAssigned(caseworker_id=caseworker_id, client_id=client_id, assigned_at=timestamp(now))
    return PendingEvent(CASELOAD_ASSIGNED, client_id, f"caseload/{caseworker_id}/{client_id}", message)


def caseload_unassigned(caseworker_id: str, client_id: str, now: datetime) -> PendingEvent:
    message = caseload_ev.CaseloadUnassigned(
        caseworker_id=caseworker_id, client_id=client_id, unassigned_at=timestamp(now)
    )
    return PendingEvent(CASELOAD_UNASSIGNED, client_id, f"caseload/{caseworker_id}/{client_id}", message)
