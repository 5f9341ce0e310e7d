"""What the caseload report shows, read through the front door: the ActivityService API with
the caller's token, so every read is checked by the access rule and processing-logged like any
other (GetCaseload, GetObligationStatus, ListActivities)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc as pb_grpc

PAGE_SIZE = 100
TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class ClientTimeline:
    client_id: str
    periods: Sequence[pb.ObligationPeriod]  # oldest first; empty without an obligation
    activities: Sequence[pb.Activity]  # since the first period, newest first
    last_activity: str  # "YYYY-MM-DD" or ""

    @property
    def current(self) -> pb.ObligationPeriod | None:
        return self.periods[-1] if self.periods else None

    def activities_in(self, period: pb.ObligationPeriod) -> list[pb.Activity]:
        """The period's activities (late ones of its grace days included), oldest first."""
        return sorted(
            (a for a in self.activities if period.start_date <= a.date <= period.deadline_date),
            key=lambda a: (a.date, a.activity_id),
        )


class CaseloadReader:
    """Reads one caseworker's caseload over gRPC; `metadata` carries the bearer token."""

    def __init__(self, channel: Any, metadata: Sequence[tuple[str, str]]) -> None:
        self._stub = pb_grpc.ActivityServiceStub(channel)
        self._metadata = tuple(metadata)

    def entries(self, caseworker_id: str) -> list[pb.CaseloadEntry]:
        entries: list[pb.CaseloadEntry] = []
        token = ""
        while True:
            page = self._stub.GetCaseload(
                pb.GetCaseloadRequest(caseworker_id=caseworker_id, page_size=PAGE_SIZE, page_token=token),
                metadata=self._metadata,
                timeout=TIMEOUT_SECONDS,
            )
            entries += page.entries
            token = page.next_page_token
            if not token:
                return entries

    def timeline(self, entry: pb.CaseloadEntry) -> ClientTimeline:
        if not entry.has_policy:
            return ClientTimeline(entry.client_id, [], [], entry.last_activity_date)
        status = self._stub.GetObligationStatus(
            pb.GetObligationStatusRequest(client_id=entry.client_id), metadata=self._metadata, timeout=TIMEOUT_SECONDS
        )
        periods = [*reversed(status.previous), status.current]
        return ClientTimeline(
            entry.client_id, periods, self._activities(entry.client_id, periods[0].start_date), entry.last_activity_date
        )

    def _activities(self, client_id: str, since: str) -> list[pb.Activity]:
        found: list[pb.Activity] = []
        token = ""
        while True:
            page = self._stub.ListActivities(
                pb.ListActivitiesRequest(client_id=client_id, from_date=since, page_size=PAGE_SIZE, page_token=token),
                metadata=self._metadata,
                timeout=TIMEOUT_SECONDS,
            )
            found += page.activities
            token = page.next_page_token
            if not token:
                return found

    def collect(self, caseworker_id: str) -> list[ClientTimeline]:
        return [self.timeline(entry) for entry in self.entries(caseworker_id)]
