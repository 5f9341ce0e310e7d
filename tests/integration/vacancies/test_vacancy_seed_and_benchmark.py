"""Sample data and the ingest benchmark run on real parts (small sizes; no timing asserted)."""

from __future__ import annotations

from services.vacancies.domain.search import SearchCriteria
from services.vacancies.seed import SAMPLE_COUNT, seed_sample_data
from services.vacancies.service_layer.search import SearchRequest


class TestSeed:
    def test_seeding_twice_stores_the_sample_vacancies_once(self, app) -> None:  # type: ignore[no-untyped-def]
        seed_sample_data(app)
        seed_sample_data(app)
        assert app.store.search(SearchCriteria(), 1, None).total_count == SAMPLE_COUNT
        assert app.store.last_change_sequence() == SAMPLE_COUNT

    def test_there_are_software_developer_jobs_around_utrecht_for_the_matching_acceptance(self, app) -> None:  # type: ignore[no-untyped-def]
        seed_sample_data(app)
        page, _ = app.search(SearchRequest(near_place="Utrecht", radius_km=10, isco_prefixes=("2512",)))
        assert page.total_count >= 5
        assert all(hit.vacancy.content.title.endswith("(m/v/x)") for hit in page.hits)

    def test_sample_employers_are_sector_and_place_never_a_person(self, app) -> None:  # type: ignore[no-untyped-def]
        seed_sample_data(app)
        page = app.store.search(SearchCriteria(), 100, None)
        assert all(hit.vacancy.content.employer.endswith(hit.vacancy.content.location.place_name) for hit in page.hits)


class TestIngestBenchmark:
    def test_a_small_run_stores_every_vacancy_and_puts_one_event_each_in_the_outbox(self) -> None:
        from bench.ingest_standalone import run

        result = run(n=600, batch_size=250)
        assert (result["accepted"], result["events_in_outbox"]) == (600, 600)
