"""Thin consumer handler for the matching topic: "I applied" on a feed item (ClientApplied)
becomes a sollicitatie activity, once. Everything else on that topic is not ours."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from jobmatch.events.v1 import matching_events_pb2 as ev
from services.activities.entrypoints.caseload_events import CASELOAD_TYPES
from services.activities.service_layer.feed_applications import FeedApplications

log = logging.getLogger("jobmatch.activities.matching-events")

CLIENT_APPLIED = "nl.werk.client-applied.v1"


class MatchingEventHandler:
    def __init__(self, applications: FeedApplications, clock: Callable[[], datetime]) -> None:
        self._applications = applications
        self._clock = clock

    def __call__(self, event: object) -> None:
        if getattr(event, "type", "") != CLIENT_APPLIED:
            return  # matches and unmatches are for the caseworker platform
        applied = ev.ClientApplied.FromString(getattr(event, "data", b""))
        if not (applied.client_id and applied.vacancy_id):
            log.info("ClientApplied without client or vacancy ignored")
            return
        at = applied.applied_at.ToDatetime(tzinfo=UTC) if applied.HasField("applied_at") else self._clock()
        self._applications.client_applied(
            applied.client_id, applied.vacancy_id, min(at, self._clock()).date(), applied.employer, applied.position
        )


class ActivitiesEventHandler:
    """One consumer for the topics activities reads: vacancies (projection), matching, and the
    caseworker platform's caseload topic."""

    def __init__(
        self,
        vacancies: Callable[[object], None],
        matching: MatchingEventHandler,
        caseloads: Callable[[object], None] | None = None,
    ) -> None:
        self._vacancies = vacancies
        self._matching = matching
        self._caseloads = caseloads

    def __call__(self, event: object) -> None:
        kind = getattr(event, "type", "")
        if kind == CLIENT_APPLIED:
            self._matching(event)
        elif kind in CASELOAD_TYPES:
            if self._caseloads is not None:
                self._caseloads(event)
        else:
            self._vacancies(event)
