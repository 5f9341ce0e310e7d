"""Vacancy events reach the real broker through the outbox relay."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from vacancies_support import MovableClock, vacancy

from jobmatch.events.v1 import vacancy_events_pb2 as events_pb
from services.common.bus import topics
from services.common.bus.tail import read_topic_events
from services.common.settings import Settings
from services.vacancies.bootstrap import App, build_app


@pytest.fixture
def online_app(settings: Settings, clock: MovableClock) -> Iterator[App]:
    from services.common.bus.broker import ensure_topics

    ensure_topics(settings.kafka_bootstrap_servers, [topics.VACANCIES])
    application = build_app(settings, clock=clock)
    yield application
    application.close()


def events_for(bootstrap: str, vacancy_ids: set[str]) -> list[tuple[str, object]]:
    # The session broker is shared with other tests: keep only our vacancies.
    return [(key, event) for key, event in read_topic_events(bootstrap, topics.VACANCIES) if key in vacancy_ids]


class TestVacancyEventsOnTheBus:
    def test_ingesting_the_same_batch_twice_publishes_each_vacancy_once(self, online_app, settings) -> None:  # type: ignore[no-untyped-def]
        online_app.start_background(expiry_interval=0)
        batch = [vacancy("1"), vacancy("2"), vacancy("3", source="jobboard", employer="Werkgever 1")]
        first = online_app.ingest(batch)
        second = online_app.ingest(batch)
        assert [r.status for r in second] == ["unchanged"] * 3
        assert online_app.relay().flush(timeout=30)
        ids = {r.vacancy_id for r in first}
        found = events_for(settings.kafka_bootstrap_servers, ids)
        assert sorted((key, event.type) for key, event in found) == sorted(
            (vacancy_id, "nl.werk.vacancy-published.v1") for vacancy_id in {first[0].vacancy_id, first[1].vacancy_id}
        )
        published = events_pb.VacancyPublished.FromString(found[0][1].data)
        assert published.vacancy.vacancy_id == found[0][0] and published.vacancy.title == "Medewerker"

    def test_the_expiry_sweep_closes_a_vacancy_whose_date_passed_and_a_closed_event_appears(
        self, online_app, settings, clock
    ) -> None:  # type: ignore[no-untyped-def]
        (result,) = online_app.ingest([vacancy("ends", valid_through="2026-11-30")])
        clock.advance(days=6)  # 1 December in the Netherlands
        online_app.start_background(expiry_interval=0.1)
        deadline = time.monotonic() + 30
        while online_app.get(result.vacancy_id).is_open:
            assert time.monotonic() < deadline, "the sweeper did not close the vacancy"
            time.sleep(0.05)
        assert online_app.relay().flush(timeout=30)
        found = events_for(settings.kafka_bootstrap_servers, {result.vacancy_id})
        assert [event.type for _, event in found] == ["nl.werk.vacancy-published.v1", "nl.werk.vacancy-closed.v1"]
        closed = events_pb.VacancyClosed.FromString(found[1][1].data)
        assert (closed.vacancy_id, closed.reason) == (result.vacancy_id, "expired")
        assert closed.closed_at.ToDatetime().date().isoformat() == "2026-12-01"
