"""Each service built from Settings on a search engine (JOBMATCH_SEARCH_URL = an osmem clone,
JOBMATCH_SEARCH_ENGINE=opensearch, indices migrated as `jobmatch search migrate` does): the same
sample data, seeded through the use cases, reads back the same as on SQLite, and announces the
same events (on the search path they are read from the engine's outbox index)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from search_legs import osmem_cluster
from search_support import FaultyClient, engine_of, migrated_cluster, search_settings

from services.common.settings import Settings

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _default_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBMATCH_ES_INDEX_PREFIX", raising=False)  # "jobmatch", on a fresh clone


@pytest.fixture
def cluster() -> Iterator[str]:
    with migrated_cluster() as url:
        yield url


def outbox_event_types(app: Any) -> list[str]:
    """The event types in the app's outbox (a SQLite file's, or the engine's outbox index), in
    outbox order; no broker is configured, so every event is still pending."""
    conn = app.outbox.connect()
    try:
        return [entry.event.type for entry in app.outbox.pending(conn, limit=10_000)]
    finally:
        conn.close()


def both_apps(module: Any, url: str, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    sqlite_app = module.build_app(Settings(data_dir=tmp_path / "sqlite", elasticsearch_url=None), clock=lambda: NOW)
    search_app = module.build_app(search_settings(url, tmp_path / "search"), clock=lambda: NOW)
    try:
        yield sqlite_app, search_app
    finally:
        search_app.close()
        sqlite_app.close()


class TestServicesOnTheSearchEngine:
    def test_a_service_refuses_to_start_before_the_indices_are_migrated(self, tmp_path: Path) -> None:
        from services.activities import bootstrap

        with osmem_cluster() as url, pytest.raises(RuntimeError, match="jobmatch search migrate"):
            bootstrap.build_app(search_settings(url, tmp_path))

    def test_vacancies_seeded_on_both_stores_search_the_same(self, cluster: str, tmp_path: Path) -> None:
        from services.vacancies import bootstrap
        from services.vacancies.domain.search import GeoFilter, SearchCriteria, parse_text_query
        from services.vacancies.seed import seed_sample_data

        for sqlite_app, search_app in both_apps(bootstrap, cluster, tmp_path):
            assert type(search_app.store).__name__ == "ElasticsearchVacancyStore"
            seed_sample_data(sqlite_app)
            seed_sample_data(search_app)
            seed_sample_data(search_app)  # idempotent there too
            for criteria in (
                SearchCriteria(include_facets=True),
                SearchCriteria(isco_prefixes=("2",)),
                SearchCriteria(geo=GeoFilter(latitude=52.09, longitude=5.12, radius_km=30)),
                SearchCriteria(text=parse_text_query("medewerker"), hours_min=32),
            ):
                expected = sqlite_app.store.search(criteria, 20, None)
                found = search_app.store.search(criteria, 20, None)
                assert found.total_count == expected.total_count > 0
                assert found.facets == expected.facets
                if criteria.sort == "date_posted":
                    assert [h.vacancy.content.date_posted for h in found.hits] == [
                        h.vacancy.content.date_posted for h in expected.hits
                    ]
            assert search_app.store.last_change_sequence() == sqlite_app.store.last_change_sequence()
            assert outbox_event_types(search_app) == outbox_event_types(sqlite_app)

    def test_activities_seeded_on_both_stores_give_the_same_caseload_and_lists(
        self, cluster: str, tmp_path: Path
    ) -> None:
        from services.activities import bootstrap
        from services.activities.seed import CASEWORKER, seed_sample_data

        for sqlite_app, search_app in both_apps(bootstrap, cluster, tmp_path):
            seed_sample_data(sqlite_app)
            seed_sample_data(search_app)
            clients = sqlite_app.store.caseload(CASEWORKER)
            assert search_app.store.caseload(CASEWORKER) == clients and clients
            for client_id in clients[:5]:
                expected = sqlite_app.store.list_activities(client_id, from_date=None, to_date=None, limit=50)
                assert search_app.store.list_activities(client_id, from_date=None, to_date=None, limit=50) == expected
            assert search_app.store.policy_versions(clients) == sqlite_app.store.policy_versions(clients)
            assert search_app.store.last_activity_dates(clients) == sqlite_app.store.last_activity_dates(clients)
            assert sorted(outbox_event_types(search_app)) == sorted(outbox_event_types(sqlite_app))

    def test_matching_profiles_seeded_on_both_stores_match_the_same_vacancies(
        self, cluster: str, tmp_path: Path
    ) -> None:
        import random

        from services.common.reference import occupations
        from services.matching import bootstrap
        from services.matching.domain.rules import compile_vacancy
        from services.matching.sample_data import random_vacancy
        from services.matching.seed import seed_sample_data

        rng = random.Random(7)
        software = occupations.by_isco_prefix("2512")
        vacancies = [
            random_vacancy(
                rng, f"vac-{n}", today=NOW.date(), received_at=NOW, occupation=rng.choice(software) if n % 2 else None
            )
            for n in range(200)
        ]
        for sqlite_app, search_app in both_apps(bootstrap, cluster, tmp_path):
            seed_sample_data(sqlite_app)
            seed_sample_data(search_app)
            assert [p.client_id for p in search_app.store.all_profiles()] == [
                p.client_id for p in sqlite_app.store.all_profiles()
            ]
            matched = 0
            for vacancy in vacancies:
                expected = sqlite_app.store.find_matching(compile_vacancy(vacancy), NOW.date())
                assert search_app.store.find_matching(compile_vacancy(vacancy), NOW.date()) == expected
                matched += len(expected)
            assert matched > 0


def kitchen_batch(*titles: str) -> list[Any]:
    from services.vacancies.domain.model import VacancyContent

    return [
        VacancyContent(
            source="werkbank", external_id=str(n), title=title, employer="Hotel B.V.", date_posted="2026-11-20"
        )
        for n, title in enumerate(titles, start=1)
    ]


class TestBulkItemFailures:
    def test_a_failed_item_is_named_and_the_others_are_stored_with_their_changes_and_events(
        self, cluster: str, tmp_path: Path
    ) -> None:
        from services.common.search.bulk import BulkError
        from services.vacancies import bootstrap
        from services.vacancies.domain.search import SearchCriteria

        app = bootstrap.build_app(search_settings(cluster, tmp_path), clock=lambda: NOW)
        try:
            faults = FaultyClient.around(engine_of(app))
            faults.refuse(
                lambda action, meta, source: bool(source) and source.get("external_id") == "2" and "title" in source,
                status=400,
                times=None,
                error_type="mapper_parsing_exception",
            )
            with pytest.raises(BulkError) as raised:
                app.ingest(kitchen_batch("Kok 1", "Kok 2", "Kok 3"))
            assert [f.status for f in raised.value.failures] == [400]
            assert "refused by the test" in str(raised.value)
            stored = app.store.search(SearchCriteria(), 10, None)
            assert sorted(h.vacancy.content.external_id for h in stored.hits) == ["1", "3"]
            assert [c.vacancy.content.external_id for c in app.store.changes_after(0, 10)] == ["1", "3"]
            assert outbox_event_types(app) == ["nl.werk.vacancy-published.v1"] * 2
        finally:
            app.close()


class TestOptimisticConcurrency:
    def test_a_withdrawal_between_reading_and_writing_an_update_wins_and_the_update_stays_quiet(
        self, cluster: str, tmp_path: Path
    ) -> None:
        from services.vacancies import bootstrap

        app = bootstrap.build_app(search_settings(cluster, tmp_path), clock=lambda: NOW)
        try:
            (first,) = app.ingest(kitchen_batch("Kok"))
            faults = FaultyClient.around(engine_of(app))
            reads: list[str] = []
            raced: list[bool] = []

            def withdraw_after_the_second_read(index: str, ids: list[str]) -> None:
                if first.vacancy_id in ids and index.endswith("-vacancies"):
                    reads.append(index)
                    if len(reads) == 2 and not raced:  # the read right before the update is written
                        raced.append(True)
                        app.store.close(first.vacancy_id, "vervuld", NOW)  # the other writer, after our read

            faults.after_mget = withdraw_after_the_second_read
            app.ingest(kitchen_batch("Chef-kok"))
            stored = app.store.get(first.vacancy_id)
            assert raced and (stored.status, stored.closed_reason, stored.content.title) == (
                "closed",
                "vervuld",
                "Chef-kok",
            )
            assert [c.change_type for c in app.store.changes_after(0, 10)] == ["published", "removed"]
        finally:
            app.close()
