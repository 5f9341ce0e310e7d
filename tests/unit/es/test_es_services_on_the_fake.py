"""Each service wired on Elasticsearch (ELASTICSEARCH_URL set), with the fake client standing in
for the cluster: the same sample data, seeded through the use cases, reads back the same as on
SQLite. (Each app still keeps its outbox in a SQLite file under tmp_path.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.common.search import client as client_module
from services.common.search.fake import FakeElasticsearch
from services.common.search.indices import migrate
from services.common.settings import Settings
from services.es_cli import all_index_specs

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def on_fake_cluster(monkeypatch: pytest.MonkeyPatch) -> FakeElasticsearch:
    fake = FakeElasticsearch()
    migrate(fake, all_index_specs(), "jobmatch")
    monkeypatch.delenv("JOBMATCH_ES_INDEX_PREFIX", raising=False)
    monkeypatch.setattr(client_module, "client_from_settings", lambda settings: fake)
    return fake


def outbox_event_types(app: Any) -> list[str]:
    """The event types in the app's outbox, in outbox order."""
    conn = app.outbox.connect()
    try:
        return [row[0] for row in conn.execute("SELECT event_type FROM event_outbox ORDER BY sequence")]
    finally:
        conn.close()


def both_apps(module: Any, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    sqlite_app = module.build_app(Settings(data_dir=tmp_path / "sqlite"), clock=lambda: NOW)
    es_app = module.build_app(Settings(data_dir=tmp_path / "es", elasticsearch_url="http://fake:9200"), clock=lambda: NOW)
    try:
        yield sqlite_app, es_app
    finally:
        es_app.close()
        sqlite_app.close()


class TestServicesOnElasticsearch:
    def test_a_service_refuses_to_start_before_the_indices_are_migrated(self, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.activities import bootstrap

        monkeypatch.setattr(client_module, "client_from_settings", lambda settings: FakeElasticsearch())
        with pytest.raises(RuntimeError, match="jobmatch es migrate"):
            bootstrap.build_app(Settings(data_dir=tmp_path, elasticsearch_url="http://fake:9200"))

    def test_vacancies_seeded_on_both_stores_search_the_same(self, on_fake_cluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies import bootstrap
        from services.vacancies.domain.search import GeoFilter, SearchCriteria, parse_text_query
        from services.vacancies.seed import seed_sample_data

        for sqlite_app, es_app in both_apps(bootstrap, tmp_path):
            assert type(es_app.store).__name__ == "ElasticsearchVacancyStore"
            seed_sample_data(sqlite_app)
            seed_sample_data(es_app)
            seed_sample_data(es_app)  # idempotent there too
            for criteria in (SearchCriteria(include_facets=True), SearchCriteria(isco_prefixes=("2",)),
                             SearchCriteria(geo=GeoFilter(latitude=52.09, longitude=5.12, radius_km=30)),
                             SearchCriteria(text=parse_text_query("medewerker"), hours_min=32)):
                expected = sqlite_app.store.search(criteria, 20, None)
                found = es_app.store.search(criteria, 20, None)
                assert found.total_count == expected.total_count > 0
                assert found.facets == expected.facets
                if criteria.sort == "date_posted":
                    assert [h.vacancy.content.date_posted for h in found.hits] == [
                        h.vacancy.content.date_posted for h in expected.hits]
            assert es_app.store.last_change_sequence() == sqlite_app.store.last_change_sequence()
            assert outbox_event_types(es_app) == outbox_event_types(sqlite_app)

    def test_activities_seeded_on_both_stores_give_the_same_caseload_and_lists(self, on_fake_cluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.activities import bootstrap
        from services.activities.seed import CASEWORKER, seed_sample_data

        for sqlite_app, es_app in both_apps(bootstrap, tmp_path):
            seed_sample_data(sqlite_app)
            seed_sample_data(es_app)
            clients = sqlite_app.store.caseload(CASEWORKER)
            assert es_app.store.caseload(CASEWORKER) == clients and clients
            for client_id in clients[:5]:
                expected = sqlite_app.store.list_activities(client_id, from_date=None, to_date=None, limit=50)
                assert es_app.store.list_activities(client_id, from_date=None, to_date=None, limit=50) == expected
            assert es_app.store.policy_versions(clients) == sqlite_app.store.policy_versions(clients)
            assert es_app.store.last_activity_dates(clients) == sqlite_app.store.last_activity_dates(clients)
            assert sorted(outbox_event_types(es_app)) == sorted(outbox_event_types(sqlite_app))

    def test_matching_profiles_seeded_on_both_stores_match_the_same_vacancies(self, on_fake_cluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
        import random

        from services.common.reference import occupations
        from services.matching import bootstrap
        from services.matching.domain.rules import compile_vacancy
        from services.matching.sample_data import random_vacancy
        from services.matching.seed import seed_sample_data

        rng = random.Random(7)
        software = occupations.by_isco_prefix("2512")
        vacancies = [random_vacancy(rng, f"vac-{n}", today=NOW.date(), received_at=NOW,
                                    occupation=rng.choice(software) if n % 2 else None) for n in range(200)]
        for sqlite_app, es_app in both_apps(bootstrap, tmp_path):
            seed_sample_data(sqlite_app)
            seed_sample_data(es_app)
            assert [p.client_id for p in es_app.store.all_profiles()] == [p.client_id for p in sqlite_app.store.all_profiles()]
            matched = 0
            for vacancy in vacancies:
                expected = sqlite_app.store.find_matching(compile_vacancy(vacancy), NOW.date())
                assert es_app.store.find_matching(compile_vacancy(vacancy), NOW.date()) == expected
                matched += len(expected)
            assert matched > 0


class TestBulkItemFailures:
    def test_a_failed_item_is_named_and_the_others_are_stored_with_their_changes_and_events(self, on_fake_cluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.common.search.bulk import BulkError
        from services.vacancies import bootstrap
        from services.vacancies.domain.model import VacancyContent
        from services.vacancies.domain.search import SearchCriteria

        app = bootstrap.build_app(Settings(data_dir=tmp_path, elasticsearch_url="http://fake:9200"), clock=lambda: NOW)
        real_write = on_fake_cluster._write

        def refuse_the_second(index, doc_id, source, **options):  # type: ignore[no-untyped-def]
            if source.get("external_id") == "2" and "title" in source:
                raise on_fake_cluster_error()
            return real_write(index, doc_id, source, **options)

        on_fake_cluster._write = refuse_the_second
        batch = [VacancyContent(source="werkbank", external_id=str(n), title=f"Kok {n}", employer="Hotel B.V.",
                                date_posted="2026-11-20") for n in (1, 2, 3)]
        try:
            with pytest.raises(BulkError) as raised:
                app.ingest(batch)
            assert [f.status for f in raised.value.failures] == [400]
            stored = app.store.search(SearchCriteria(), 10, None)
            assert sorted(h.vacancy.content.external_id for h in stored.hits) == ["1", "3"]
            assert [c.vacancy.content.external_id for c in app.store.changes_after(0, 10)] == ["1", "3"]
            assert outbox_event_types(app) == ["nl.werk.vacancy-published.v1"] * 2
        finally:
            app.close()


def on_fake_cluster_error() -> Exception:
    from services.common.search.fake import _error

    return _error("BadRequestError", 400, "mapper_parsing_exception")


class TestOptimisticConcurrency:
    def test_a_withdrawal_between_reading_and_writing_an_update_wins_and_the_update_stays_quiet(self, on_fake_cluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies import bootstrap
        from services.vacancies.domain.model import VacancyContent

        app = bootstrap.build_app(Settings(data_dir=tmp_path, elasticsearch_url="http://fake:9200"), clock=lambda: NOW)
        try:
            (first,) = app.ingest([VacancyContent(source="werkbank", external_id="1", title="Kok", employer="Hotel B.V.",
                                                  date_posted="2026-11-20")])
            real_mget = on_fake_cluster.mget
            reads: list[str] = []
            raced = []

            def mget_then_withdraw(index, ids):  # type: ignore[no-untyped-def]
                found = real_mget(index=index, ids=ids)
                if first.vacancy_id in ids and index.endswith("-vacancies"):
                    reads.append(index)
                    if len(reads) == 2 and not raced:  # the read right before the update is written
                        raced.append(True)
                        app.store.close(first.vacancy_id, "vervuld", NOW)  # the other writer, after our read
                return found

            on_fake_cluster.mget = mget_then_withdraw
            app.ingest([VacancyContent(source="werkbank", external_id="1", title="Chef-kok", employer="Hotel B.V.",
                                       date_posted="2026-11-20")])
            stored = app.store.get(first.vacancy_id)
            assert raced and (stored.status, stored.closed_reason, stored.content.title) == ("closed", "vervuld", "Chef-kok")
            assert [c.change_type for c in app.store.changes_after(0, 10)] == ["published", "removed"]
        finally:
            app.close()
