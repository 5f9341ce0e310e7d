"""Thin Kafka handler: vacancy events feed the projection and the reverse match; an
ActivityLogged with a vacancy id marks that feed item "applied"."""

from __future__ import annotations

import logging
from datetime import UTC

from jobmatch.events.v1 import activity_events_pb2, vacancy_events_pb2
from services.common.bus.cloudevents import CloudEvent
from services.matching.entrypoints.mapping import open_vacancy
from services.matching.service_layer.handlers import Clock, MatchingHandlers

log = logging.getLogger("jobmatch.matching.events")

VACANCY_PUBLISHED = "nl.werk.vacancy-published.v1"
VACANCY_UPDATED = "nl.werk.vacancy-updated.v1"
VACANCY_CLOSED = "nl.werk.vacancy-closed.v1"
ACTIVITY_LOGGED = "nl.werk.sollicitatie-activity-logged.v1"


class MatchingEventHandler:
    def __init__(self, handlers: MatchingHandlers, clock: Clock) -> None:
        self._handlers = handlers
        self._clock = clock

    def __call__(self, event: CloudEvent) -> None:
        if event.type in (VACANCY_PUBLISHED, VACANCY_UPDATED):
            message_type = vacancy_events_pb2.VacancyPublished if event.type == VACANCY_PUBLISHED else vacancy_events_pb2.VacancyUpdated
            vacancy = message_type.FromString(event.data).vacancy
            if vacancy.vacancy_id:
                self._handlers.vacancy_opened_or_changed(open_vacancy(vacancy, self._clock()))
        elif event.type == VACANCY_CLOSED:
            closed = vacancy_events_pb2.VacancyClosed.FromString(event.data)
            at = closed.closed_at.ToDatetime(tzinfo=UTC) if closed.HasField("closed_at") else None
            self._handlers.vacancy_closed(closed.vacancy_id, at)
        elif event.type == ACTIVITY_LOGGED:
            logged = activity_events_pb2.ActivityLogged.FromString(event.data)
            if logged.vacancy_id and logged.client_id:
                self._handlers.client_applied(logged.client_id, logged.vacancy_id)
        else:
            log.debug("ignored event type %s", event.type)
