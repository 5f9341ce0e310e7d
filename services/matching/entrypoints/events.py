"""Thin Kafka handler: vacancy events feed the projection and the reverse match; an
ActivityLogged with a vacancy id marks that feed item "applied"; caseload events from
activities keep the projection of the caseloads."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC
from functools import partial

from jobmatch.events.v1 import activity_events_pb2, caseload_events_pb2, vacancy_events_pb2
from jobmatch.vacancies.v1 import vacancy_pb2
from services.common.bus.cloudevents import CloudEvent
from services.common.observability.metrics import MATCHES_PER_VACANCY
from services.matching.entrypoints.mapping import open_vacancy
from services.matching.service_layer.handlers import Clock, MatchingHandlers
from services.matching.service_layer.ports import CaseloadProjection
from services.matching.service_layer.vacancy_batches import IncomingVacancy

log = logging.getLogger("jobmatch.matching.events")

VACANCY_PUBLISHED = "nl.werk.vacancy-published.v1"
VACANCY_UPDATED = "nl.werk.vacancy-updated.v1"
VACANCY_CLOSED = "nl.werk.vacancy-closed.v1"
ACTIVITY_LOGGED = "nl.werk.sollicitatie-activity-logged.v1"
CASELOAD_ASSIGNED = "nl.werk.caseload-assigned.v1"
CASELOAD_UNASSIGNED = "nl.werk.caseload-unassigned.v1"


class MatchingEventHandler:
    def __init__(self, handlers: MatchingHandlers, clock: Clock, caseloads: CaseloadProjection | None = None) -> None:
        self._handlers = handlers
        self._clock = clock
        self._caseloads = caseloads

    def __call__(self, event: CloudEvent) -> None:
        if event.type in (VACANCY_PUBLISHED, VACANCY_UPDATED):
            message_type = (
                vacancy_events_pb2.VacancyPublished
                if event.type == VACANCY_PUBLISHED
                else vacancy_events_pb2.VacancyUpdated
            )
            vacancy = message_type.FromString(event.data).vacancy
            if vacancy.vacancy_id:
                matches = self._handlers.vacancy_opened_or_changed(open_vacancy(vacancy, self._clock()))
                MATCHES_PER_VACANCY.observe(len(matches))
        elif event.type == VACANCY_CLOSED:
            closed = vacancy_events_pb2.VacancyClosed.FromString(event.data)
            at = closed.closed_at.ToDatetime(tzinfo=UTC) if closed.HasField("closed_at") else None
            self._handlers.vacancy_closed(closed.vacancy_id, at)
        elif event.type == ACTIVITY_LOGGED:
            logged = activity_events_pb2.ActivityLogged.FromString(event.data)
            if logged.vacancy_id and logged.client_id:
                self._handlers.client_applied(logged.client_id, logged.vacancy_id)
        elif event.type in (CASELOAD_ASSIGNED, CASELOAD_UNASSIGNED) and self._caseloads is not None:
            self._caseload_changed(event)
        else:
            log.debug("ignored event type %s", event.type)

    def handle_batch(
        self, events: Sequence[CloudEvent], within: Callable[[CloudEvent], AbstractContextManager[object]]
    ) -> None:
        """The events of one poll, in order: consecutive vacancy opens and changes go to the
        service layer together, any other event on its own between them."""
        together: list[IncomingVacancy] = []
        for event in events:
            vacancy = self._opened_or_changed(event)
            if vacancy is not None:
                together.append(IncomingVacancy(open_vacancy(vacancy, self._clock()), partial(within, event)))
                continue
            self._vacancies_together(together)
            together = []
            with within(event):
                self(event)
        self._vacancies_together(together)

    def _vacancies_together(self, together: list[IncomingVacancy]) -> None:
        for matches in self._handlers.vacancies_opened_or_changed(together) if together else []:
            MATCHES_PER_VACANCY.observe(len(matches))

    @staticmethod
    def _opened_or_changed(event: CloudEvent) -> vacancy_pb2.Vacancy | None:
        """The vacancy a VacancyPublished or VacancyUpdated carries (None: another event, or no id)."""
        if event.type not in (VACANCY_PUBLISHED, VACANCY_UPDATED):
            return None
        message_type = (
            vacancy_events_pb2.VacancyPublished
            if event.type == VACANCY_PUBLISHED
            else vacancy_events_pb2.VacancyUpdated
        )
        vacancy = message_type.FromString(event.data).vacancy
        return vacancy if vacancy.vacancy_id else None

    def _caseload_changed(self, event: CloudEvent) -> None:
        assert self._caseloads is not None
        assigned = event.type == CASELOAD_ASSIGNED
        change = (
            caseload_events_pb2.CaseloadAssigned if assigned else caseload_events_pb2.CaseloadUnassigned
        ).FromString(event.data)
        if not (change.caseworker_id and change.client_id):
            log.warning("caseload event without caseworker or client ignored")
        elif assigned:
            self._caseloads.assign(change.caseworker_id, change.client_id)
        else:
            self._caseloads.unassign(change.caseworker_id, change.client_id)
