"""Obligation policies: N qualifying activities per period of P weeks, versioned per client.

A new version applies from its start date and never rewrites a closed period. For one start
date the highest version wins, so a caseworker can correct a version before its first period
has closed. Periods stay anchored on the first WW day (or the decision date) of the first
version across all versions. Per-person duties (Participatiewet art. 9) carry the reference
of the decision that set them.
"""

from __future__ import annotations

from datetime import date, datetime

import pydantic
from pydantic import BaseModel, ConfigDict

from services.activities.domain.exemptions import (
    Exemption,
    ExemptionReason,
    holiday_violations,
    limit_violations,
)
from services.activities.domain.rule import ObligationRule
from services.activities.domain.templates import TEMPLATE_INFO, TEMPLATES
from services.activities.domain.texts import Organisation, activities_en, activities_nl
from services.common.errors import FieldViolation, InvalidArgument, t, violations_from_pydantic
from services.common.i18n import plural

__all__ = [
    "CUSTOM",
    "TEMPLATES",
    "Exemption",
    "ExemptionReason",
    "ObligationRule",
    "Organisation",
    "PolicyVersion",
    "build_rule",
    "check_new_version",
    "effective_versions",
]

CUSTOM = "custom"
MAX_DEVIATION_REASON = 2000
MAX_DECISION_REFERENCE = 100


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
    organisation: Organisation = Organisation.UWV
    # First WW day or decision date: the 4-week grid runs from here across versions.
    anchor_date: date | None = None
    decision_reference: str = ""
    template_version: int = 0

    def exempt_on(self, day: date) -> bool:
        return any(e.covers(day) for e in self.exemptions)

    @property
    def anchor(self) -> date:
        return self.anchor_date or self.start_date


def effective_versions(versions: list[PolicyVersion]) -> list[PolicyVersion]:
    """Versions in force, by start date; for one start date the latest version wins."""
    by_start: dict[date, PolicyVersion] = {}
    for v in sorted(versions, key=lambda v: (v.start_date, v.version)):
        by_start[v.start_date] = v
    return [by_start[d] for d in sorted(by_start)]


def build_rule(template: str, override: dict | None) -> tuple[str, ObligationRule]:
    """Template rule, or a deviation from it (override holds the caseworker's fields)."""
    if template and template not in TEMPLATES:
        raise InvalidArgument(
            [
                FieldViolation(
                    "template",
                    t(
                        f"Onbekend sjabloon. Kies uit: {', '.join(TEMPLATES)}.",
                        f"Unknown template. Choose from: {', '.join(TEMPLATES)}.",
                    ),
                )
            ]
        )
    if not template and not override:
        raise InvalidArgument(
            [
                FieldViolation(
                    "template",
                    t("Kies een sjabloon of stel zelf een regel op.", "Choose a template or set a rule yourself."),
                )
            ]
        )
    if not override:
        return template, TEMPLATES[template]
    try:
        rule = ObligationRule.model_validate(override)
    except pydantic.ValidationError as exc:
        raise InvalidArgument(violations_from_pydantic(exc, prefix="rule")) from None
    if rule.min_per_week * rule.period_weeks > rule.required_activities:
        raise InvalidArgument(
            [
                FieldViolation(
                    "rule.min_per_week",
                    t(
                        f"{rule.min_per_week} per week in {plural(rule.period_weeks, 'week', 'weken')} is meer dan de "
                        f"{activities_nl(rule.required_activities)} per periode. Verlaag het minimum per week of verhoog het aantal.",
                        f"{rule.min_per_week} a week over {plural(rule.period_weeks, 'week', 'weeks')} is more than the "
                        f"{activities_en(rule.required_activities)} per period. Lower the weekly minimum or raise the number.",
                    ),
                )
            ]
        )
    return CUSTOM, rule


def organisation_of(template: str, requested: Organisation | None) -> Organisation:
    if requested is not None:
        return requested
    info = TEMPLATE_INFO.get(template)
    return info.organisation if info else Organisation.UWV


def check_new_version(
    existing: list[PolicyVersion],
    candidate: PolicyVersion,
    *,
    current_period_start: date | None,
    base_template: str = "",
    age_at_start: int | None = None,
) -> None:
    """Raise InvalidArgument when the candidate overlaps, rewrites a closed period or is unclear."""
    found: list[FieldViolation] = []
    if candidate.template == CUSTOM and not candidate.deviation_reason.strip():
        found.append(
            FieldViolation(
                "deviation_reason",
                t("Schrijf waarom u afwijkt van het sjabloon.", "Write why you deviate from the template."),
            )
        )
    if len(candidate.deviation_reason) > MAX_DEVIATION_REASON:
        found.append(
            FieldViolation(
                "deviation_reason",
                t(f"Maximaal {MAX_DEVIATION_REASON} tekens.", f"At most {MAX_DEVIATION_REASON} characters."),
            )
        )
    if len(candidate.decision_reference) > MAX_DECISION_REFERENCE:
        found.append(
            FieldViolation(
                "decision_reference",
                t(f"Maximaal {MAX_DECISION_REFERENCE} tekens.", f"At most {MAX_DECISION_REFERENCE} characters."),
            )
        )
    elif (
        candidate.organisation is Organisation.MUNICIPALITY
        and candidate.template == CUSTOM
        and not candidate.decision_reference.strip()
    ):
        found.append(
            FieldViolation(
                "decision_reference",
                t(
                    "Verplichtingen per persoon legt de gemeente vast in een besluit. Vul het kenmerk van het besluit in.",
                    "A municipality sets duties per person by decision. Fill in the decision's reference.",
                ),
            )
        )
    info = TEMPLATE_INFO.get(candidate.template) or TEMPLATE_INFO.get(base_template)
    if info is not None and info.ages is not None:
        low, high = info.ages
        if age_at_start is None or not low <= age_at_start <= high:
            found.append(
                FieldViolation(
                    "birth_date",
                    t(
                        f"De zoektermijn geldt voor mensen van {low} tot en met {high} jaar. Vul een geboortedatum in die past.",
                        f"The search period applies to people aged {low} to {high}. Fill in a matching birth date.",
                    ),
                )
            )
    ordered = sorted(candidate.exemptions, key=lambda e: e.start_date)
    for i, exemption in enumerate(ordered):
        if exemption.end_date < exemption.start_date:
            found.append(
                FieldViolation(
                    f"exemptions[{i}].end_date",
                    t("De einddatum ligt vóór de begindatum.", "The end date is before the start date."),
                )
            )
        if i and exemption.start_date <= ordered[i - 1].end_date:
            found.append(
                FieldViolation(
                    f"exemptions[{i}]",
                    t("Vrijstellingen mogen elkaar niet overlappen.", "Exemptions must not overlap."),
                )
            )
    found += limit_violations(candidate.exemptions)
    first_start = min([v.start_date for v in existing] + [candidate.start_date])
    earlier = [
        e
        for v in existing
        for e in v.exemptions
        if e.reason is ExemptionReason.HOLIDAY and e.end_date < candidate.start_date
    ]
    found += holiday_violations(candidate.exemptions, first_start, earlier=earlier)
    latest = max((v.start_date for v in existing), default=None)
    if latest is not None and candidate.start_date < latest:
        found.append(
            FieldViolation(
                "start_date",
                t(
                    f"Deze versie overlapt met de versie die op {latest.isoformat()} begint. Kies die datum of later.",
                    f"This version overlaps the version starting {latest.isoformat()}. Choose that date or later.",
                ),
            )
        )
    elif current_period_start is not None and candidate.start_date < current_period_start:
        found.append(
            FieldViolation(
                "start_date",
                t(
                    f"Een afgesloten periode verandert niet meer. Kies {current_period_start.isoformat()} of later.",
                    f"A closed period cannot change. Choose {current_period_start.isoformat()} or later.",
                ),
            )
        )
    if found:
        raise InvalidArgument(found)
