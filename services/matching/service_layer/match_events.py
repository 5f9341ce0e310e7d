"""The events a change of a vacancy's match set announces, decided here, once.

The store only writes what it is given (state and these events, together). Each event's id
is derived from the incoming vacancy event and the effect (`derived_event_id`): a redelivery
of the same vacancy event, on this replica or another, yields the same ids, so consumers and
the outbox see one announcement however often the handler runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from google.protobuf import timestamp_pb2
from google.protobuf.message import Message

from jobmatch.events.v1 import matching_events_pb2 as events
from services.common.bus.handling import current_event_id
from services.common.bus.ids import derived_event_id
from services.common.bus.outbox import PendingEvent
from services.common.bus.topics import MATCHING
from services.matching.domain.ranking import ProfileMatch

EVENT_MATCHED = "nl.werk.vacancy-matched.v1"
EVENT_UNMATCHED = "nl.werk.vacancy-unmatched.v1"
EVENT_CLIENT_APPLIED = "nl.werk.client-applied.v1"
# Stands in for an incoming event id: "I applied" is said once per client and vacancy.
_APPLIED_ORIGIN = "urn:jobmatch:matching:client-applied"


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _pending(event_type: str, client_id: str, vacancy_id: str, message: Message) -> PendingEvent:
    incoming = current_event_id()
    event_id = derived_event_id(incoming, f"{event_type}:{vacancy_id}:{client_id}") if incoming else None
    return PendingEvent(
        topic=MATCHING,
        key=client_id,
        event_type=event_type,
        subject=vacancy_id,
        data=message.SerializeToString(),
        schema=message.DESCRIPTOR.full_name,
        event_id=event_id,
    )


def matched(client_id: str, vacancy_id: str, score: float, change: int, now: datetime) -> PendingEvent:
    message = events.VacancyMatched(
        client_id=client_id,
        vacancy_id=vacancy_id,
        score=score,
        change=change,  # type: ignore[arg-type]
        matched_at=_timestamp(now),
    )
    return _pending(EVENT_MATCHED, client_id, vacancy_id, message)


def unmatched(client_id: str, vacancy_id: str, reason: int, now: datetime) -> PendingEvent:
    message = events.VacancyUnmatched(
        client_id=client_id,
        vacancy_id=vacancy_id,
        reason=reason,  # type: ignore[arg-type]
        unmatched_at=_timestamp(now),
    )
    return _pending(EVENT_UNMATCHED, client_id, vacancy_id, message)


def match_set_changed(
    vacancy_id: str, before: Mapping[str, float], after: Sequence[ProfileMatch], now: datetime
) -> list[PendingEvent]:
    """VacancyMatched for every match (ADDED or UPDATED), VacancyUnmatched for every client
    the vacancy no longer matches — in that order, best match first."""
    out = [
        matched(
            m.client_id,
            vacancy_id,
            m.score,
            events.VACANCY_MATCH_CHANGE_UPDATED if m.client_id in before else events.VACANCY_MATCH_CHANGE_ADDED,
            now,
        )
        for m in after
    ]
    still = {m.client_id for m in after}
    out += [
        unmatched(client_id, vacancy_id, events.VACANCY_UNMATCH_REASON_NO_LONGER_MATCHES, now)
        for client_id in sorted(set(before) - still)
    ]
    return out


def vacancy_closed(vacancy_id: str, clients: Sequence[str], now: datetime) -> list[PendingEvent]:
    return [
        unmatched(client_id, vacancy_id, events.VACANCY_UNMATCH_REASON_CLOSED, now) for client_id in sorted(clients)
    ]


def client_applied(client_id: str, vacancy_id: str, employer: str, position: str, now: datetime) -> PendingEvent:
    """ "I applied" from the feed, for the activities service to log. Its id comes from client and
    vacancy, so saying it twice (or a retried call) announces it once."""
    message = events.ClientApplied(
        client_id=client_id, vacancy_id=vacancy_id, applied_at=_timestamp(now), employer=employer, position=position
    )
    return PendingEvent(
        topic=MATCHING,
        key=client_id,
        event_type=EVENT_CLIENT_APPLIED,
        subject=vacancy_id,
        data=message.SerializeToString(),
        schema=message.DESCRIPTOR.full_name,
        event_id=derived_event_id(_APPLIED_ORIGIN, f"{client_id}\n{vacancy_id}"),
    )
