"""Thin consumer handler for jobmatch.caseload.v1, which the caseworker platform publishes:
CaseloadAssigned / CaseloadUnassigned change the stored caseload (idempotent; a change is
published again on jobmatch.activities.v1 for matching)."""

from __future__ import annotations

import logging

from jobmatch.events.v1 import caseload_events_pb2 as ev
from services.activities.service_layer.caseload import CaseloadHandlers
from services.activities.service_layer.events import CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED

log = logging.getLogger("jobmatch.activities.caseload-events")

CASELOAD_TYPES = frozenset({CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED})


class CaseloadEventHandler:
    def __init__(self, caseloads: CaseloadHandlers) -> None:
        self._caseloads = caseloads

    def __call__(self, event: object) -> None:
        kind = getattr(event, "type", "")
        data = getattr(event, "data", b"")
        message = (ev.CaseloadAssigned if kind == CASELOAD_ASSIGNED else ev.CaseloadUnassigned).FromString(data)
        if not (message.caseworker_id.strip() and message.client_id.strip()):
            log.warning("caseload event without caseworker or client ignored", extra={"type": kind})
            return
        if kind == CASELOAD_ASSIGNED:
            self._caseloads.assign(message.caseworker_id, [message.client_id])
        else:
            self._caseloads.unassign(message.caseworker_id, [message.client_id])
