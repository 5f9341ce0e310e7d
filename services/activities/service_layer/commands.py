"""Commands and queries the use cases take; entrypoints build them from requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.activities.domain.model import ActivityDraft, Outcome, RejectionReason
from services.activities.domain.policy import Exemption, Organisation


@dataclass(frozen=True)
class LogActivity:
    client_id: str
    draft: ActivityDraft


@dataclass(frozen=True)
class UpdateActivityOutcome:
    client_id: str
    activity_id: str
    outcome: Outcome | None


@dataclass(frozen=True)
class WithdrawActivity:
    client_id: str
    activity_id: str


@dataclass(frozen=True)
class ListActivities:
    client_id: str
    from_date: date | None = None
    to_date: date | None = None
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class SetObligationPolicy:
    caseworker_id: str
    client_id: str
    template: str
    # Fields of an ObligationRule when the caseworker deviates from the template.
    rule_override: dict[str, Any] | None = None
    start_date: date | None = None
    exemptions: tuple[Exemption, ...] = ()
    deviation_reason: str = ""
    organisation: Organisation | None = None
    anchor_date: date | None = None
    decision_reference: str = ""
    # Only to check the ages a template is meant for (zoektermijn 18-27); not stored.
    birth_date: date | None = None


@dataclass(frozen=True)
class GetObligationStatus:
    client_id: str


@dataclass(frozen=True)
class VerifyActivity:
    caseworker_id: str
    client_id: str
    activity_id: str
    approve: bool | None
    reason: str = ""
    rejection_reason: RejectionReason | None = None


@dataclass(frozen=True)
class SetLegalHold:
    caseworker_id: str
    client_id: str
    kind: str | None  # objection, appeal, recovery
    active: bool


@dataclass(frozen=True)
class GetCaseload:
    caseworker_id: str
    page_size: int = 0
    page_token: str = ""
    # Write a processing-log record per client shown (off for the operator's report).
    record: bool = field(default=True)
    # Clients shown besides the stored caseload: a caseworker token's caseload claim, while accepted.
    also: frozenset[str] = frozenset()
