"""Vacancy events handled in batches on the search store (issue 14): the consumer hands the
records of a poll to the matching handler together, and the store reads, matches and writes
them in few requests. What is decided and stored must be exactly what handling the same
events one at a time decides and stores (the crash gaps of the batch path are in
test_matching_crash_gaps)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from crash_points import stored_documents
from matching_support import make_vacancy
from search_legs import osmem_cluster

from jobmatch.events.v1 import vacancy_events_pb2
from jobmatch.vacancies.v1 import vacancy_pb2
from services.common.bus.cloudevents import CloudEvent
from services.common.bus.handling import handling
from services.common.reference import occupations, places
from services.common.search.client import Connection, create_engine
from services.common.search.engine import SearchEngine
from services.common.search.indices import migrate
from services.common.search.outbox import EngineOutbox, outbox_index_spec
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.adapters import elasticsearch_store
from services.matching.adapters.elasticsearch_store import ElasticsearchMatchingStore
from services.matching.domain.model import OccupationWishInput, SearchProfileInput, make_search_profile
from services.matching.domain.rules import compile_vacancy
from services.matching.entrypoints.events import (
    VACANCY_CLOSED,
    VACANCY_PUBLISHED,
    VACANCY_UPDATED,
    MatchingEventHandler,
)
from services.matching.sample_data import random_profile_input
from services.matching.service_layer.handlers import MatchingHandlers

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
URN = "urn:nld:oin:00000000000000000000:systeem:jobmatch-matching:replica-1"
SPECS = [*m.INDEX_SPECS, outbox_index_spec("matching")]
PLACES = ["Utrecht", "Amersfoort", "Zeist", "Amsterdam", "Rotterdam", "Groningen", "Eindhoven", "Zwolle"]
_prefixes = itertools.count()


@pytest.fixture(scope="module")
def engine() -> Iterator[SearchEngine]:
    with osmem_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        try:
            yield engine
        finally:
            engine.close()


def fresh_store(engine: SearchEngine) -> tuple[ElasticsearchMatchingStore, str]:
    prefix = f"batch-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    return ElasticsearchMatchingStore(engine, prefix, EngineOutbox(engine, prefix, "matching", URN)), prefix


def random_profiles(store: ElasticsearchMatchingStore, count: int) -> list[Any]:
    rng = random.Random(1414)
    saved = [make_search_profile(random_profile_input(rng, f"c-{n:03d}"), now=NOW) for n in range(count)]
    for profile in saved:
        store.save_profile(profile)
    return saved


def vacancies_they_want(profiles: list[Any]) -> list[Any]:
    """A vacancy per profile in its own occupation, at its home or somewhere, plus a remote one and one
    without coordinates: many match someone, each in a different way."""
    out = []
    for n, profile in enumerate(profiles):
        wish = profile.occupations[0]
        place = profile.home_place_name if n % 2 else PLACES[n % len(PLACES)]
        out.append(
            make_vacancy(f"vac-{n:03d}", place, isco=wish.isco_code, hours=(profile.hours_min, profile.hours_max))
        )
    out.append(make_vacancy("vac-remote", "Groningen", isco=profiles[0].occupations[0].isco_code, remote=True))
    out.append(make_vacancy("vac-nowhere", "Utrecht", has_coordinates=False))
    return out


@pytest.mark.parametrize("shared", [True, False], ids=["candidates read once", "one msearch"])
def test_the_reverse_matches_of_a_batch_equal_each_vacancy_s_own(
    engine: SearchEngine, shared: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = fresh_store(engine)
    profiles = random_profiles(store, 60)
    # The plan is chosen by the number of candidates: allow all of them, or none.
    monkeypatch.setattr(elasticsearch_store, "SHARED_CANDIDATES", 1000 if shared else 0)
    criteria = [compile_vacancy(vacancy) for vacancy in vacancies_they_want(profiles)]
    one_by_one = [store.find_matching(vacancy, NOW.date()) for vacancy in criteria]
    assert sum(map(len, one_by_one)) >= 20  # matches to compare, not a batch of empty answers
    assert store.find_matching_many(criteria, NOW.date()) == one_by_one


def vacancy_message(vacancy_id: str, place: str, updated_hours: int) -> vacancy_pb2.Vacancy:
    occupation = occupations.by_isco_prefix("2512")[0]
    where = places.lookup(place)
    assert where is not None
    message = vacancy_pb2.Vacancy(
        vacancy_id=vacancy_id,
        title="Python-ontwikkelaar",
        employer="Voorbeeld B.V.",
        occupation=vacancy_pb2.Occupation(esco_uri=occupation.uri, isco_code=occupation.isco_code),
        location=vacancy_pb2.Location(
            place_name=place,
            latitude=where.latitude,
            longitude=where.longitude,
            has_coordinates=True,
            country_code="NL",
        ),
        hours_min=32,
        hours_max=36,
        date_posted="2026-11-24",
    )
    message.updated_at.FromDatetime(NOW + timedelta(hours=updated_hours))
    return message


def event(n: int, event_type: str, message: Any) -> CloudEvent:
    return CloudEvent(
        id=f"evt-{n}",
        source="urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies",
        type=event_type,
        subject="",
        time=NOW,
        sequence=n + 1,
        data=message.SerializeToString(),
        dataschema="proto:" + message.DESCRIPTOR.full_name,
    )


def a_day_of_vacancy_events() -> list[CloudEvent]:
    """Opens, changes of a vacancy opened earlier in the same batch, an older version after a
    newer one, a closure between them and an opening again after it."""
    published, updated = vacancy_events_pb2.VacancyPublished, vacancy_events_pb2.VacancyUpdated
    steps = [
        (VACANCY_PUBLISHED, published(vacancy=vacancy_message("vac-1", "Amersfoort", 0))),
        (VACANCY_PUBLISHED, published(vacancy=vacancy_message("vac-2", "Utrecht", 0))),
        (VACANCY_UPDATED, updated(vacancy=vacancy_message("vac-1", "Utrecht", 1))),
        (VACANCY_PUBLISHED, published(vacancy=vacancy_message("vac-3", "Zeist", 0))),
        (VACANCY_UPDATED, updated(vacancy=vacancy_message("vac-1", "Amersfoort", 0))),  # older: changes nothing
        (VACANCY_CLOSED, vacancy_events_pb2.VacancyClosed(vacancy_id="vac-2")),
        (VACANCY_UPDATED, updated(vacancy=vacancy_message("vac-3", "Amersfoort", 2))),
        (VACANCY_PUBLISHED, published(vacancy=vacancy_message("vac-4", "Amsterdam", 0))),
        (VACANCY_UPDATED, updated(vacancy=vacancy_message("vac-2", "Zeist", 3))),  # after its closure
    ]
    return [event(n, kind, message) for n, (kind, message) in enumerate(steps)]


def outcome(engine: SearchEngine, store: ElasticsearchMatchingStore, prefix: str) -> tuple[Counter[Any], Any]:
    entries = store._outbox.pending(store._outbox.connect(), limit=10_000)
    events = Counter((e.event.id, e.event.type, e.key, e.event.subject, e.event.data) for e in entries)
    aliases = {spec.name: spec.alias(prefix) for spec in (m.MATCHING_VACANCIES, m.CLOSED_VACANCIES)}
    return events, stored_documents(engine, aliases)


def test_a_batch_of_vacancy_events_decides_and_stores_what_one_at_a_time_does(engine: SearchEngine) -> None:
    results = []
    for together in (False, True):
        store, prefix = fresh_store(engine)
        for client_id, place in (("c-utrecht", "Utrecht"), ("c-amersfoort", "Amersfoort"), ("c-zeist", "Zeist")):
            store.save_profile(
                make_search_profile(
                    SearchProfileInput(
                        client_id=client_id,
                        occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
                        home_place_name=place,
                        max_travel_km=12,
                        hours_min=24,
                        hours_max=40,
                    ),
                    now=NOW,
                )
            )
        handler = MatchingEventHandler(MatchingHandlers(store, store, store, lambda: NOW), lambda: NOW)
        if together:
            handler.handle_batch(a_day_of_vacancy_events(), lambda e: handling(e.id))
        else:
            for one in a_day_of_vacancy_events():
                with handling(one.id):
                    handler(one)
        results.append(outcome(engine, store, prefix))
    (events, documents), (batch_events, batch_documents) = results
    assert len(events) >= 6  # matches, unmatches and closures to compare
    assert batch_events == events
    assert batch_documents == documents
