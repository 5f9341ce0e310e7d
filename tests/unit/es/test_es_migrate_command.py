"""`jobmatch es migrate` and `jobmatch es indices`."""

from __future__ import annotations

import pytest

from services import es_cli
from services.cli import main
from services.common.search import client as client_module
from services.common.search.fake import FakeElasticsearch

EXPECTED = {"processing-log", "counters", "vacancies", "vacancy-sources", "vacancy-changes", "search-profiles",
            "matching-vacancies", "vacancy-matches", "feedback", "feed-state", "activities", "activity-requests",
            "policy-versions", "caseload", "period-signals", "activities-vacancy-projection"}


class TestIndexRegistry:
    def test_every_store_index_is_registered_once_with_a_strict_mapping(self) -> None:
        specs = es_cli.all_index_specs()
        assert {s.name for s in specs} == EXPECTED and len(specs) == len(EXPECTED)
        assert all(s.mappings["dynamic"] == "strict" for s in specs)


class TestMigrateCommand:
    def test_without_an_address_it_explains_in_dutch_and_english_and_fails(self, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
        assert main(["es", "migrate"]) == 2
        assert "Geen Elasticsearch-adres" in capsys.readouterr().err

    def test_it_creates_every_index_then_a_second_run_only_reapplies_mappings(self, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
        fake = FakeElasticsearch()
        monkeypatch.setattr(client_module, "create_client", lambda url, **_: fake)
        assert main(["es", "migrate", "--url", "http://es:9200", "--prefix", "demo"]) == 0
        first = capsys.readouterr().out.splitlines()
        assert len(first) == len(EXPECTED) and all(line.startswith("created demo-") for line in first)
        assert main(["es", "migrate", "--url", "http://es:9200", "--prefix", "demo"]) == 0
        assert all(line.endswith("is current (mapping applied)") for line in capsys.readouterr().out.splitlines())

    def test_indices_lists_alias_and_versioned_index(self, capsys) -> None:  # type: ignore[no-untyped-def]
        assert main(["es", "indices", "--prefix", "demo"]) == 0
        assert "demo-vacancies -> demo-vacancies-v1" in capsys.readouterr().out.splitlines()


@pytest.fixture(autouse=True)
def _no_prefix_from_env(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("JOBMATCH_ES_INDEX_PREFIX", raising=False)
