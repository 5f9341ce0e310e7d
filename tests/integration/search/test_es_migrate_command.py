"""`jobmatch search migrate` (alias `jobmatch es migrate`) and `jobmatch search indices`, the
migration against osmem (an OpenSearch-API server) through the real client."""

from __future__ import annotations

import pytest
from search_legs import osmem_cluster

from services import search_cli
from services.cli import main

EXPECTED = {
    "processing-log",
    "counters",
    "vacancies",
    "vacancy-sources",
    "vacancy-changes",
    "search-profiles",
    "matching-vacancies",
    "matching-erasures",
    "feedback",
    "feed-state",
    "activities",
    "activity-requests",
    "policy-versions",
    "caseload",
    "period-signals",
    "activities-vacancy-projection",
    "activities-legal-holds",
    "matching-closed-vacancies",
    "processed-events",
    "matching-caseload",
    "activities-erasures",
    "vacancies-outbox",
    "matching-outbox",
    "activities-outbox",
}


def index_lines(out: str) -> list[str]:
    """The per-index lines (osmem also gets a note that it has no Dutch stemmer)."""
    return [line for line in out.splitlines() if line.startswith("created ") or line.endswith("(mapping applied)")]


class TestIndexRegistry:
    def test_every_store_index_is_registered_once_with_a_strict_mapping(self) -> None:
        specs = search_cli.all_index_specs()
        assert {s.name for s in specs} == EXPECTED and len(specs) == len(EXPECTED)
        assert all(s.mappings["dynamic"] == "strict" for s in specs)


class TestMigrateCommand:
    def test_without_an_address_it_explains_in_dutch_and_english_and_fails(self, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
        monkeypatch.delenv("JOBMATCH_SEARCH_URL", raising=False)
        assert main(["es", "migrate"]) == 2
        err = capsys.readouterr().err
        assert "Geen zoekmachine-adres" in err and "No search engine address" in err

    @pytest.mark.parametrize("command", ["search", "es"])
    def test_it_creates_every_index_then_a_second_run_only_reapplies_mappings(self, command, capsys) -> None:  # type: ignore[no-untyped-def]
        with osmem_cluster() as url:
            args = [command, "migrate", "--url", url, "--engine", "opensearch", "--prefix", "demo"]
            assert main(args) == 0
            first = index_lines(capsys.readouterr().out)
            assert len(first) == len(EXPECTED) and all(line.startswith("created demo-") for line in first)
            assert main(args) == 0
            again = index_lines(capsys.readouterr().out)
            assert len(again) == len(EXPECTED)
            assert all(line.endswith("is current (mapping applied)") for line in again)

    def test_the_wrong_engine_kind_is_refused_naming_the_setting(self, capsys) -> None:  # type: ignore[no-untyped-def]
        with osmem_cluster() as url:
            assert main(["search", "migrate", "--url", url, "--engine", "elasticsearch"]) == 2
        assert "JOBMATCH_SEARCH_ENGINE" in capsys.readouterr().err

    def test_indices_lists_alias_and_versioned_index(self, capsys) -> None:  # type: ignore[no-untyped-def]
        assert main(["es", "indices", "--prefix", "demo"]) == 0
        assert any(
            line.startswith("demo-vacancies -> demo-vacancies-v") for line in capsys.readouterr().out.splitlines()
        )


@pytest.fixture(autouse=True)
def _no_prefix_from_env(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("JOBMATCH_ES_INDEX_PREFIX", raising=False)
