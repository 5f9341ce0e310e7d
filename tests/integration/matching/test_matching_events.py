"""Reverse matching through the real broker: vacancy events in, match events out."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator

import pytest
from matching_support import MovableClock

from jobmatch.events.v1 import matching_events_pb2, vacancy_events_pb2
from jobmatch.vacancies.v1 import vacancy_pb2
from services.common.bus.broker import ensure_topics
from services.common.bus.cloudevents import CloudEvent
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.bus.tail import read_topic_events
from services.common.bus.topics import ALL_TOPICS, MATCHING, VACANCIES
from services.common.reference import occupations, places
from services.common.settings import Settings
from services.matching.bootstrap import App, build_app
from services.matching.domain.model import OccupationWishInput, make_search_profile
from services.matching.domain.ranking import brute_force_matches
from services.matching.domain.rules import compile_profile, compile_vacancy
from services.matching.entrypoints.mapping import open_vacancy
from services.matching.sample_data import random_profile_input

pytestmark = pytest.mark.slow


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def read_matching_events(bootstrap: str, vacancy_id: str) -> list[tuple[str, CloudEvent]]:
    """(Kafka key, event) of every event on the matching topic about `vacancy_id`."""
    return [(key, event) for key, event in read_topic_events(bootstrap, MATCHING) if event.subject == vacancy_id]


@pytest.fixture
def online_app(settings: Settings, clock: MovableClock) -> Iterator[App]:
    ensure_topics(settings.kafka_bootstrap_servers, list(ALL_TOPICS))
    app = build_app(settings, clock=clock)
    app.start_background()
    assert app.consumer().wait_until_assigned(30)
    yield app
    app.close()


@pytest.fixture
def vacancy_publisher(settings: Settings, tmp_path) -> Iterator[tuple[SqliteOutbox, object]]:
    """An outbox + relay writing vacancy events as the vacancies service would."""
    outbox = SqliteOutbox(tmp_path / "vacancies-side.db", settings.source_urn("jobmatch-vacancies"))
    conn = outbox.connect()
    outbox.create_schema(conn)
    conn.close()
    relay = OutboxRelay(outbox, settings.kafka_bootstrap_servers)
    relay.start()
    yield outbox, relay
    relay.stop()


def publish(outbox: SqliteOutbox, relay, event_type: str, vacancy_id: str, message) -> None:
    import sqlite3

    conn = sqlite3.connect(outbox.db_path)
    with conn:
        outbox.add(conn, topic=VACANCIES, key=vacancy_id, event_type=event_type, subject=vacancy_id, message=message)
    conn.close()
    assert relay.flush(30)


def utrecht_developer_vacancy(vacancy_id: str) -> vacancy_pb2.Vacancy:
    occupation = occupations.by_isco_prefix("2512")[0]
    utrecht = places.lookup("Utrecht")
    return vacancy_pb2.Vacancy(
        vacancy_id=vacancy_id,
        title="Python-ontwikkelaar",
        employer="Voorbeeld B.V.",
        occupation=vacancy_pb2.Occupation(esco_uri=occupation.uri, isco_code=occupation.isco_code),
        required_skills=["Python", "SQL"],
        location=vacancy_pb2.Location(
            place_name="Utrecht",
            latitude=utrecht.latitude,
            longitude=utrecht.longitude,
            has_coordinates=True,
            country_code="NL",
            province_code="09",
        ),
        workplace_type=vacancy_pb2.WORKPLACE_TYPE_HYBRID,
        hours_min=32,
        hours_max=36,
        contract_type=vacancy_pb2.CONTRACT_TYPE_PERMANENT,
        salary_min=3500,
        salary_max=4500,
        salary_currency="EUR",
        salary_period=vacancy_pb2.SALARY_PERIOD_MONTH,
        languages=["nl"],
        date_posted="2026-11-24",
    )


class TestReverseMatchingThroughTheBroker:
    def test_publishing_a_vacancy_emits_match_events_for_exactly_the_profiles_brute_force_finds(
        self, online_app: App, vacancy_publisher, settings: Settings, clock: MovableClock
    ) -> None:
        rng = random.Random(7)
        drafts = [random_profile_input(rng, f"c-ev-{i:03d}") for i in range(150)]
        for i, draft in enumerate(drafts[:60]):  # many near Utrecht in ICT, so there are matches to find
            draft.occupations = [OccupationWishInput(isco_code="2512" if i % 2 else "2511", breadth=1 + i % 3)]
            draft.home_place_name = rng.choice(["Utrecht", "Zeist", "Amersfoort", "Nieuwegein", "Houten", "Amsterdam"])
            draft.occupations.append(OccupationWishInput(isco_code="2512", breadth=1))
        for draft in drafts:
            online_app.handlers.set_search_profile(draft)
        profiles = [compile_profile(make_search_profile(d, now=clock.now)) for d in drafts]

        vacancy_id = f"vac-{uuid.uuid4().hex[:12]}"
        vacancy = utrecht_developer_vacancy(vacancy_id)
        outbox, relay = vacancy_publisher
        publish(
            outbox,
            relay,
            "nl.werk.vacancy-published.v1",
            vacancy_id,
            vacancy_events_pb2.VacancyPublished(vacancy=vacancy),
        )
        assert wait_for(lambda: online_app.store.get_vacancy(vacancy_id) is not None)
        assert online_app.relay().flush(30)

        expected = brute_force_matches(profiles, compile_vacancy(open_vacancy(vacancy, clock.now)), clock.now.date())
        assert len(expected) >= 10  # the test means something only with real matches
        events = read_matching_events(settings.kafka_bootstrap_servers, vacancy_id)
        assert {e.type for _, e in events} == {"nl.werk.vacancy-matched.v1"}
        decoded = [(key, matching_events_pb2.VacancyMatched.FromString(e.data)) for key, e in events]
        assert all(key == m.client_id for key, m in decoded)  # keyed by client id
        matched = {m.client_id: m for _, m in decoded}
        assert len(matched) == len(events)
        assert set(matched) == {m.client_id for m in expected}
        assert {c: round(m.score, 6) for c, m in matched.items()} == {m.client_id: m.score for m in expected}
        assert all(m.change == matching_events_pb2.VACANCY_MATCH_CHANGE_ADDED for m in matched.values())

        # Closing the vacancy takes it out of every feed and tells each matched client's consumers.
        closed = vacancy_events_pb2.VacancyClosed(vacancy_id=vacancy_id, reason="withdrawn")
        publish(outbox, relay, "nl.werk.vacancy-closed.v1", vacancy_id, closed)
        assert wait_for(lambda: online_app.store.get_vacancy(vacancy_id) is None)
        assert online_app.relay().flush(30)
        after = read_matching_events(settings.kafka_bootstrap_servers, vacancy_id)
        unmatched = [
            matching_events_pb2.VacancyUnmatched.FromString(e.data)
            for _, e in after
            if e.type == "nl.werk.vacancy-unmatched.v1"
        ]
        assert {u.client_id for u in unmatched} == set(matched)
        assert {u.reason for u in unmatched} == {matching_events_pb2.VACANCY_UNMATCH_REASON_CLOSED}
