"""Obligation policies: N qualifying activities per period of P weeks, versioned per client.

A new version applies from its start date and never rewrites a closed period. For one start
date the highest version wins, so a caseworker can correct a version before its first period
has closed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.activities.domain.model import ActivityType
from services.common.errors import FieldViolation, InvalidArgument, t, violations_from_pydantic


class ExemptionReason(StrEnum):
    ILLNESS = "illness"
    PART_TIME_WORK = "part_time_work"
    OTHER = "other"


class Exemption(BaseModel):
    model_config = ConfigDict(frozen=True)
    start_date: date
    end_date: date
    reason: ExemptionReason

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class ObligationRule(BaseModel):
    model_config = ConfigDict(frozen=True)
    required_activities: int = Field(gt=0, le=100)
    period_weeks: int = Field(gt=0, le=52)
    min_per_week: int = Field(0, ge=0, le=20)
    counting_types: frozenset[ActivityType] = Field(min_length=1)
    caps: dict[ActivityType, int] = Field(default_factory=dict)
    grace_days: int = Field(7, ge=0, le=28)
    at_risk_days_per_activity: int = Field(2, ge=0, le=28)
    at_risk_inactivity_days: int = Field(14, ge=0, le=365)

    @model_validator(mode="after")
    def _caps_are_positive(self) -> ObligationRule:
        if any(cap < 0 for cap in self.caps.values()):
            raise ValueError("a cap per type is 0 or more")
        return self

    @property
    def period_days(self) -> int:
        return self.period_weeks * 7


_APPLICATIONS = frozenset({
    ActivityType.VACANCY_APPLICATION, ActivityType.OPEN_APPLICATION,
    ActivityType.JOB_INTERVIEW, ActivityType.AGENCY_REGISTRATION,
})

# Named templates. UWV WW: 4 per 4 weeks; letters, open and phone applications (channel is
# free), registering with a new agency and interviews/assessments count; job fairs,
# workshops (training) and networking do not.
TEMPLATES: dict[str, ObligationRule] = {
    "uwv-ww": ObligationRule(
        required_activities=4, period_weeks=4, counting_types=_APPLICATIONS,
        caps={ActivityType.AGENCY_REGISTRATION: 1},
    ),
    "weekly": ObligationRule(
        required_activities=1, period_weeks=1, grace_days=3, at_risk_days_per_activity=3,
        at_risk_inactivity_days=10,
        counting_types=_APPLICATIONS | {ActivityType.NETWORKING_CONTACT},
        caps={ActivityType.NETWORKING_CONTACT: 1},
    ),
}
CUSTOM = "custom"
MAX_DEVIATION_REASON = 2000


class PolicyVersion(BaseModel):
    model_config = ConfigDict(frozen=True)
    client_id: str
    version: int
    template: str
    rule: ObligationRule
    start_date: date
    exemptions: tuple[Exemption, ...] = ()
    deviation_reason: str = ""
    set_by: str
    set_at: datetime

    def exempt_on(self, day: date) -> bool:
        return any(e.covers(day) for e in self.exemptions)


def effective_versions(versions: list[PolicyVersion]) -> list[PolicyVersion]:
    """Versions in force, by start date; for one start date the latest version wins."""
    by_start: dict[date, PolicyVersion] = {}
    for v in sorted(versions, key=lambda v: (v.start_date, v.version)):
        by_start[v.start_date] = v
    return [by_start[d] for d in sorted(by_start)]


def build_rule(template: str, override: dict | None) -> tuple[str, ObligationRule]:
    """Template rule, or a deviation from it (override holds the caseworker's fields)."""
    if template and template not in TEMPLATES:
        raise InvalidArgument([FieldViolation("template", t(
            f"Onbekend sjabloon. Kies uit: {', '.join(TEMPLATES)}.",
            f"Unknown template. Choose from: {', '.join(TEMPLATES)}."))])
    if not template and not override:
        raise InvalidArgument([FieldViolation("template", t(
            "Kies een sjabloon of stel zelf een regel op.", "Choose a template or set a rule yourself."))])
    if not override:
        return template, TEMPLATES[template]
    try:
        return CUSTOM, ObligationRule.model_validate(override)
    except pydantic.ValidationError as exc:
        raise InvalidArgument(violations_from_pydantic(exc, prefix="rule")) from None


def check_new_version(
    existing: list[PolicyVersion], candidate: PolicyVersion, *, current_period_start: date | None
) -> None:
    """Raise InvalidArgument when the candidate overlaps, rewrites a closed period or is unclear."""
    found: list[FieldViolation] = []
    if candidate.template == CUSTOM and not candidate.deviation_reason.strip():
        found.append(FieldViolation("deviation_reason", t(
            "Schrijf waarom u afwijkt van het sjabloon.", "Write why you deviate from the template.")))
    if len(candidate.deviation_reason) > MAX_DEVIATION_REASON:
        found.append(FieldViolation("deviation_reason", t(
            f"Maximaal {MAX_DEVIATION_REASON} tekens.", f"At most {MAX_DEVIATION_REASON} characters.")))
    ordered = sorted(candidate.exemptions, key=lambda e: e.start_date)
    for i, exemption in enumerate(ordered):
        if exemption.end_date < exemption.start_date:
            found.append(FieldViolation(f"exemptions[{i}].end_date", t(
                "De einddatum ligt vóór de begindatum.", "The end date is before the start date.")))
        if i and exemption.start_date <= ordered[i - 1].end_date:
            found.append(FieldViolation(f"exemptions[{i}]", t(
                "Vrijstellingen mogen elkaar niet overlappen.", "Exemptions must not overlap.")))
    latest = max((v.start_date for v in existing), default=None)
    if latest is not None and candidate.start_date < latest:
        found.append(FieldViolation("start_date", t(
            f"Deze versie overlapt met de versie die op {latest.isoformat()} begint. Kies die datum of later.",
            f"This version overlaps the version starting {latest.isoformat()}. Choose that date or later.")))
    elif current_period_start is not None and candidate.start_date < current_period_start:
        found.append(FieldViolation("start_date", t(
            f"Een afgesloten periode verandert niet meer. Kies {current_period_start.isoformat()} of later.",
            f"A closed period cannot change. Choose {current_period_start.isoformat()} or later.")))
    if found:
        raise InvalidArgument(found)
