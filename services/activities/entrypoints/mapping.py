"""Translation between protobuf messages and domain objects (no rules here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from jobmatch.activities.v1 import activities_pb2 as pb
from services.activities.domain.model import (
    Activity,
    ActivityDraft,
    Evidence,
    Outcome,
    RejectionReason,
    parse_date,
)
from services.activities.domain.periods import PeriodAssessment
from services.activities.domain.policy import Exemption, ExemptionReason, ObligationRule, Organisation, PolicyVersion
from services.activities.service_layer import commands as c
from services.activities.service_layer.events import (
    CHANNEL_TO_PB,
    OUTCOME_TO_PB,
    STATUS_TO_PB,
    TYPE_TO_PB,
    VERIFICATION_TO_PB,
    timestamp,
)
from services.activities.service_layer.obligation_handlers import CaseloadRow
from services.common.errors import FieldViolation, InvalidArgument, t
from services.common.i18n import localize

TYPE_FROM_PB = {v: k for k, v in TYPE_TO_PB.items()}
CHANNEL_FROM_PB = {v: k for k, v in CHANNEL_TO_PB.items()}
OUTCOME_FROM_PB = {v: k for k, v in OUTCOME_TO_PB.items()}
EXEMPTION_FROM_PB = cast(
    "dict[pb.ExemptionReason, ExemptionReason]",
    {pb.ExemptionReason.Value(f"EXEMPTION_REASON_{r.name}"): r for r in ExemptionReason},
)
EXEMPTION_TO_PB = {v: k for k, v in EXEMPTION_FROM_PB.items()}
REJECTION_FROM_PB = cast(
    "dict[pb.RejectionReason, RejectionReason]",
    {pb.RejectionReason.Value(f"REJECTION_REASON_{r.name}"): r for r in RejectionReason},
)
REJECTION_TO_PB = {v: k for k, v in REJECTION_FROM_PB.items()}
ORGANISATION_FROM_PB = cast(
    "dict[pb.Organisation, Organisation]", {pb.Organisation.Value(f"ORGANISATION_{o.name}"): o for o in Organisation}
)
ORGANISATION_TO_PB = {v: k for k, v in ORGANISATION_FROM_PB.items()}
HOLD_FROM_PB = {
    pb.LEGAL_HOLD_KIND_OBJECTION: "objection",
    pb.LEGAL_HOLD_KIND_APPEAL: "appeal",
    pb.LEGAL_HOLD_KIND_RECOVERY: "recovery",
}
HOLD_TO_PB = {v: k for k, v in HOLD_FROM_PB.items()}


def enum_value(value: int, table: Mapping[Any, Any], field: str, *, required: bool = False) -> Any:
    if value == 0 and not required:
        return None
    if value not in table:
        raise InvalidArgument([FieldViolation(field, t("Deze keuze kennen we niet.", "Unknown choice."))])
    return table[value]


def log_command(r: pb.LogActivityRequest) -> c.LogActivity:
    evidence = (
        Evidence(document_name=r.evidence.document_name, sha256_digest=r.evidence.sha256_digest, url=r.evidence.url)
        if r.HasField("evidence")
        else None
    )
    draft = ActivityDraft(
        request_id=r.request_id,
        type=enum_value(r.type, TYPE_FROM_PB, "type"),
        type_description=r.type_description,
        date=parse_date(r.date, "date", required=False),
        employer=r.employer,
        position=r.position,
        channel=enum_value(r.channel, CHANNEL_FROM_PB, "channel"),
        vacancy_id=r.vacancy_id,
        contact_role=r.contact_role,
        outcome=enum_value(r.outcome, OUTCOME_FROM_PB, "outcome") or Outcome.SENT,
        evidence=evidence,
        note=r.note,
        contact_person=r.contact_person,
    )
    return c.LogActivity(client_id=r.client_id, draft=draft)


def rule_override(rule: pb.ObligationRule) -> dict[str, Any]:
    return {
        "required_activities": rule.required_activities,
        "period_weeks": rule.period_weeks,
        "min_per_week": rule.min_per_week,
        "counting_types": [
            enum_value(x, TYPE_FROM_PB, "rule.counting_types", required=True) for x in rule.counting_types
        ],
        "caps": {
            enum_value(cap.type, TYPE_FROM_PB, "rule.caps", required=True): cap.max_per_period for cap in rule.caps
        },
        "grace_days": rule.grace_days,
        "at_risk_days_per_activity": rule.at_risk_days_per_activity,
        "at_risk_inactivity_days": rule.at_risk_inactivity_days,
    }


def policy_command(r: pb.SetObligationPolicyRequest) -> c.SetObligationPolicy:
    exemptions = tuple(
        Exemption(
            start_date=parse_date(e.start_date, f"exemptions[{i}].start_date"),
            end_date=parse_date(e.end_date, f"exemptions[{i}].end_date"),
            reason=enum_value(e.reason, EXEMPTION_FROM_PB, f"exemptions[{i}].reason", required=True),
            declared_unable=e.declared_unable,
        )
        for i, e in enumerate(r.exemptions)
    )
    return c.SetObligationPolicy(
        caseworker_id=r.caseworker_id,
        client_id=r.client_id,
        template=r.template,
        rule_override=rule_override(r.rule) if r.HasField("rule") else None,
        start_date=parse_date(r.start_date, "start_date", required=False),
        exemptions=exemptions,
        deviation_reason=r.deviation_reason,
        organisation=enum_value(r.organisation, ORGANISATION_FROM_PB, "organisation"),
        anchor_date=parse_date(r.anchor_date, "anchor_date", required=False),
        decision_reference=r.decision_reference,
        birth_date=parse_date(r.birth_date, "birth_date", required=False),
    )


def activity_pb(a: Activity, counts: bool = False) -> pb.Activity:
    message = pb.Activity(
        activity_id=a.activity_id,
        client_id=a.client_id,
        type=TYPE_TO_PB[a.type],
        type_description=a.type_description,
        date=a.date.isoformat(),
        employer=a.employer,
        position=a.position,
        channel=CHANNEL_TO_PB[a.channel],
        vacancy_id=a.vacancy_id,
        contact_role=a.contact_role,
        outcome=OUTCOME_TO_PB[a.outcome],
        note=a.note,
        verification=VERIFICATION_TO_PB[a.verification],
        verification_reason=a.verification_reason,
        verified_by=a.verified_by,
        logged_at=timestamp(a.logged_at),
        counts=counts,
        contact_person=a.contact_person,
        rejection_reason=REJECTION_TO_PB[a.rejection_reason] if a.rejection_reason else None,
    )
    if a.evidence:
        message.evidence.CopyFrom(
            pb.Evidence(
                document_name=a.evidence.document_name, sha256_digest=a.evidence.sha256_digest, url=a.evidence.url
            )
        )
    return message


def rule_pb(rule: ObligationRule) -> pb.ObligationRule:
    return pb.ObligationRule(
        required_activities=rule.required_activities,
        period_weeks=rule.period_weeks,
        min_per_week=rule.min_per_week,
        counting_types=sorted(TYPE_TO_PB[x] for x in rule.counting_types),
        caps=[pb.TypeCap(type=TYPE_TO_PB[k], max_per_period=v) for k, v in rule.caps.items()],
        grace_days=rule.grace_days,
        at_risk_days_per_activity=rule.at_risk_days_per_activity,
        at_risk_inactivity_days=rule.at_risk_inactivity_days,
    )


def policy_pb(p: PolicyVersion) -> pb.ObligationPolicy:
    return pb.ObligationPolicy(
        client_id=p.client_id,
        version=p.version,
        template=p.template,
        rule=rule_pb(p.rule),
        start_date=p.start_date.isoformat(),
        exemptions=[
            pb.Exemption(
                start_date=e.start_date.isoformat(),
                end_date=e.end_date.isoformat(),
                reason=EXEMPTION_TO_PB[e.reason],
                declared_unable=e.declared_unable,
            )
            for e in p.exemptions
        ],
        deviation_reason=p.deviation_reason,
        set_by=p.set_by,
        set_at=timestamp(p.set_at),
        organisation=ORGANISATION_TO_PB[p.organisation],
        anchor_date=p.anchor.isoformat(),
        decision_reference=p.decision_reference,
        template_version=p.template_version,
    )


def period_pb(r: PeriodAssessment) -> pb.ObligationPeriod:
    p = r.period
    return pb.ObligationPeriod(
        start_date=p.start.isoformat(),
        end_date=p.end.isoformat(),
        deadline_date=p.deadline.isoformat(),
        status=STATUS_TO_PB[r.status],
        required=r.required,
        counted=r.counted,
        counted_unverified=r.counted_unverified,
        still_needed=r.still_needed,
        counts=[pb.TypeCount(type=TYPE_TO_PB[k], logged=v[0], counted=v[1]) for k, v in sorted(r.counts.items())],
        relies_on_unverified=r.relies_on_unverified,
        policy_version=p.policy.version,
        needed=[localize(line) for line in r.needed],
        weeks_below_minimum=[d.isoformat() for d in r.weeks_below_minimum],
        respond_by_date=p.respond_by.isoformat() if r.status.value == "notice" else "",
    )


def caseload_entry_pb(row: CaseloadRow) -> pb.CaseloadEntry:
    entry = pb.CaseloadEntry(
        client_id=row.client_id,
        has_policy=row.current is not None,
        last_activity_date=row.last_activity.isoformat() if row.last_activity else "",
    )
    if row.current is not None:
        entry.current.CopyFrom(period_pb(row.current))
    return entry
