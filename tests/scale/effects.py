"""Effects read back from the topics, and the effects one single process computes for the same input.

An effect's natural key says what it announces, whoever announced it and under whatever id:
a match effect is (type, vacancy, client, change or reason), an activity (client, activity id)
— or (client, vacancy) for one logged from the feed —, a vacancy event (type, vacancy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from faults_support import TopicRecord

from jobmatch.events.v1 import activity_events_pb2, matching_events_pb2, vacancy_events_pb2
from services.common.bus.cloudevents import CloudEvent, from_kafka
from services.common.bus.handling import handling
from services.common.bus.topics import MATCHING
from services.common.settings import Settings
from services.matching import bootstrap as matching
from services.matching.domain.model import SearchProfileInput
from services.matching.entrypoints.events import MatchingEventHandler
from services.matching.service_layer.match_events import EVENT_MATCHED, EVENT_UNMATCHED

NaturalKey = tuple[str, ...]
ACTIVITY_LOGGED = "nl.werk.sollicitatie-activity-logged.v1"


VACANCY_TYPES = ("nl.werk.vacancy-published.v1", "nl.werk.vacancy-updated.v1", "nl.werk.vacancy-closed.v1")


def natural_key(event_type: str, data: bytes) -> NaturalKey | None:
    """What an event announces (None: a type this suite does not count)."""
    if event_type == EVENT_MATCHED:
        m = matching_events_pb2.VacancyMatched.FromString(data)
        return (event_type, m.vacancy_id, m.client_id, str(m.change))
    if event_type == EVENT_UNMATCHED:
        u = matching_events_pb2.VacancyUnmatched.FromString(data)
        return (event_type, u.vacancy_id, u.client_id, str(u.reason))
    if event_type == ACTIVITY_LOGGED:
        a = activity_events_pb2.ActivityLogged.FromString(data)
        return (event_type, a.client_id, f"vacancy:{a.vacancy_id}" if a.vacancy_id else a.activity_id)
    if event_type == VACANCY_TYPES[2]:
        return (event_type, vacancy_events_pb2.VacancyClosed.FromString(data).vacancy_id)
    if event_type in VACANCY_TYPES:  # VacancyUpdated has the same layout as VacancyPublished
        return (event_type, vacancy_events_pb2.VacancyPublished.FromString(data).vacancy.vacancy_id)
    return None


@dataclass
class Announced:
    """The events of some topics: per natural key the distinct event ids that announced it,
    per source the (sequence -> event ids) it used, and how many records were copies of an
    event already on the topic (the relay's at-least-once resend; consumers skip them by id)."""

    ids_by_key: dict[NaturalKey, set[str]]
    sequences: dict[str, dict[int, set[str]]]
    events: dict[str, CloudEvent]
    copies: int

    @classmethod
    def of(cls, records: Iterable[TopicRecord]) -> Announced:
        ids_by_key: dict[NaturalKey, set[str]] = defaultdict(set)
        sequences: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        events: dict[str, CloudEvent] = {}
        copies = 0
        for record in records:
            event = from_kafka(record.headers, record.value)
            if event.id in events:
                copies += 1
            events[event.id] = event
            key = natural_key(event.type, event.data)
            if key is not None:
                ids_by_key[key].add(event.id)
            sequences[event.source][int(event.sequence)].add(event.id)
        return cls(dict(ids_by_key), {s: dict(q) for s, q in sequences.items()}, events, copies)

    def keys(self, event_type: str) -> set[NaturalKey]:
        return {key for key in self.ids_by_key if key[0] == event_type}

    def doubled(self) -> dict[NaturalKey, set[str]]:
        """Effects announced under more than one event id: a consumer would apply them twice."""
        return {key: ids for key, ids in self.ids_by_key.items() if len(ids) > 1}

    def sequence_faults(self) -> dict[str, str]:
        """Per source: gaps, or a sequence number two different events share."""
        faults = {}
        for source, numbers in self.sequences.items():
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
            shared = sorted(n for n, ids in numbers.items() if len(ids) > 1)
            if missing or shared:
                faults[source] = f"missing {missing[:10]} ({len(missing)}), shared {shared[:10]} ({len(shared)})"
        return faults


@dataclass
class Reference:
    """One matching process (SQLite, no broker) fed the same profiles and the same vacancy
    events, in the order the vacancies topic holds them per vacancy."""

    app: matching.App

    @classmethod
    def compute(cls, root: Path, drafts: list[SearchProfileInput], vacancy_events: Iterable[CloudEvent]) -> Reference:
        settings = Settings(data_dir=root, kafka_bootstrap_servers=None, elasticsearch_url=None, search_url=None)
        app = matching.build_app(settings)
        for draft in drafts:
            app.handlers.set_search_profile(draft)
        handler = MatchingEventHandler(app.handlers, lambda: datetime.now(UTC))
        for event in vacancy_events:
            with handling(event.id):
                handler(event)
        return cls(app)

    def effects(self) -> dict[NaturalKey, str]:
        """Natural key -> the event id this process announced it under."""
        rows = (
            self.app.outbox.connect()
            .execute("SELECT event_id, event_type, data FROM event_outbox WHERE topic = ?", (MATCHING,))
            .fetchall()
        )
        out: dict[NaturalKey, str] = {}
        for event_id, event_type, data in rows:
            key = natural_key(event_type, bytes(data))
            assert key is not None and key not in out, (key, event_id)
            out[key] = event_id
        return out

    def match_set(self, vacancy_id: str) -> set[str]:
        return set(self.app.store.match_set(vacancy_id))

    def close(self) -> None:
        self.app.close()
