"""Erasure on request (EraseClientData): what the activities service may erase, and what it keeps.

Activities are the basis of benefit decisions and must be kept for the legal retention period
(2 years); only older records are erased. Everything younger is reported as retained with the
reason. A ClientDataErased event tells the other systems.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from jobmatch.events.v1 import privacy_events_pb2
from services.activities.domain.model import RETENTION
from services.activities.service_layer.events import timestamp
from services.activities.service_layer.ports import ActivityStore, PendingEvent
from services.common.errors import t
from services.common.privacy import EVENT_TYPE_ERASED, ErasureReport

SYSTEM = "jobmatch-activities"
PRIVACY_TOPIC = "jobmatch.privacy.v1"
RETAINED_REASON = t(
    "Sollicitatieactiviteiten bewaren we 2 jaar: ze zijn de basis van besluiten over uw uitkering.",
    "Job-search activities are kept 2 years: benefit decisions are based on them.",
)


@dataclass
class ActivitiesEraser:
    activities: ActivityStore
    clock: Callable[[], datetime]

    def erase_client_data(self, client_id: str, reason: str) -> ErasureReport:
        now = self.clock()
        message = privacy_events_pb2.ClientDataErased(
            client_id=client_id,
            system=SYSTEM,
            erased_kinds=["sollicitatie_activities_past_retention"],
            erased_at=timestamp(now),
        )
        event = PendingEvent(EVENT_TYPE_ERASED, client_id, f"client/{client_id}", message, topic=PRIVACY_TOPIC)
        erased = self.activities.erase_client_before(client_id, now.date() - RETENTION, [event])
        retained = self.activities.count_for_client(client_id)
        return ErasureReport(
            erased={"sollicitatie_activities": erased},
            retained={"sollicitatie_activities": retained} if retained else {},
            retained_reason=RETAINED_REASON if retained else "",
        )
