"""Caseload as data: the caseworker platform assigns clients to caseworkers (AssignClients /
UnassignClients with a service token, or events on jobmatch.caseload.v1). Idempotent: only a
change is stored, and only a change is published (on jobmatch.activities.v1, for matching's
projection of the caseloads)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.activities.service_layer.events import caseload_assigned, caseload_unassigned
from services.activities.service_layer.ports import ObligationStore
from services.common.errors import FieldViolation, InvalidArgument, t

MAX_CLIENTS = 1000

Clock = Callable[[], datetime]
Recorder = Callable[[str, list[str]], None]


def _check(caseworker_id: str, client_ids: Sequence[str]) -> list[str]:
    violations = []
    if not caseworker_id.strip():
        violations.append(
            FieldViolation("caseworker_id", t("Vul het nummer van de klantmanager in.", "Enter the caseworker id."))
        )
    if not client_ids:
        violations.append(FieldViolation("client_ids", t("Noem minstens één klant.", "Name at least one client.")))
    elif len(client_ids) > MAX_CLIENTS:
        violations.append(
            FieldViolation(
                "client_ids",
                t(f"Noem hoogstens {MAX_CLIENTS} klanten per keer.", f"Name at most {MAX_CLIENTS} clients at a time."),
            )
        )
    for index, client_id in enumerate(client_ids[:MAX_CLIENTS]):
        if not client_id.strip():
            violations.append(
                FieldViolation(f"client_ids[{index}]", t("Vul het klantnummer in.", "Enter the client id."))
            )
    if violations:
        raise InvalidArgument(violations)
    return list(dict.fromkeys(client_ids))  # each client once, in the order given


@dataclass
class CaseloadHandlers:
    obligations: ObligationStore
    clock: Clock
    # Writes a processing-log record per client whose assignment changed (record_processing_many).
    record: Recorder = lambda activity, subjects: None

    def assign(self, caseworker_id: str, client_ids: Sequence[str]) -> list[str]:
        """The clients newly put in the caseload (the others already were)."""
        now = self.clock()
        changed = [
            c
            for c in _check(caseworker_id, client_ids)
            if self.obligations.assign(caseworker_id, c, [caseload_assigned(caseworker_id, c, now)])
        ]
        self.record("caseload-assignment", changed)
        return changed

    def unassign(self, caseworker_id: str, client_ids: Sequence[str]) -> list[str]:
        """The clients taken out of the caseload (the others were not in it)."""
        now = self.clock()
        changed = [
            c
            for c in _check(caseworker_id, client_ids)
            if self.obligations.unassign(caseworker_id, c, [caseload_unassigned(caseworker_id, c, now)])
        ]
        self.record("caseload-assignment", changed)
        return changed

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        return self.obligations.is_assigned(caseworker_id, client_id)
