"""Thin consumer handler: keep the small vacancy projection (employer, title, channel) that
lets a client log "I applied" from a feed item in one step."""

from __future__ import annotations

import logging

from jobmatch.events.v1 import vacancy_events_pb2 as ev
from services.activities.domain.model import Channel
from services.activities.domain.vacancy import VacancySummary
from services.activities.service_layer.ports import VacancyProjection

log = logging.getLogger("jobmatch.activities.vacancy-events")

PUBLISHED = "nl.werk.vacancy-published.v1"
UPDATED = "nl.werk.vacancy-updated.v1"
CLOSED = "nl.werk.vacancy-closed.v1"


def summary_of(vacancy: object) -> VacancySummary:
    # An application URL or e-mail address means applying online; otherwise by letter.
    online = bool(getattr(vacancy, "application_url", "") or getattr(vacancy, "application_email", ""))
    return VacancySummary(
        vacancy_id=vacancy.vacancy_id,  # type: ignore[attr-defined]
        title=vacancy.title,  # type: ignore[attr-defined]
        employer=vacancy.employer,  # type: ignore[attr-defined]
        channel=Channel.ONLINE if online else Channel.LETTER,
    )


class VacancyEventHandler:
    def __init__(self, projection: VacancyProjection) -> None:
        self._projection = projection

    def __call__(self, event: object) -> None:
        kind, data = getattr(event, "type", ""), getattr(event, "data", b"")
        if kind in (PUBLISHED, UPDATED):
            message = (ev.VacancyPublished if kind == PUBLISHED else ev.VacancyUpdated).FromString(data)
            self._projection.upsert_vacancy(summary_of(message.vacancy))
        elif kind == CLOSED:
            self._projection.close_vacancy(ev.VacancyClosed.FromString(data).vacancy_id)
        else:
            log.debug("ignored event type %s", kind)
