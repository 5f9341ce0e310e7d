"""Dutch text analysis on a search engine: the `.nl` fields find inflected forms of a word.

Real engines only: osmem has no Dutch stemmer (see vacancy_search_support), so these are
strict-xfail on its leg and run on the Elasticsearch leg; SQLite (FTS5 unicode61) does not stem.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from search_legs import SEARCH_LEGS, osmem_lacks
from vacancies_support import MovableClock, vacancy
from vacancy_search_support import OSMEM_NO_DUTCH_STEMMER, search_store

from services.vacancies.domain.search import SearchCriteria, parse_text_query
from services.vacancies.service_layer.ingest import IngestVacancies

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(params=SEARCH_LEGS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    with search_store(request.param, tmp_path) as es_store:
        IngestVacancies(es_store, MovableClock(NOW))(
            [
                vacancy("fiets", title="Koerier op de fiets", description="Bezorgen in de binnenstad."),
                vacancy("koks", title="Koks gezocht", description="Voor ons restaurant."),
                vacancy("kok", title="Kok", description="Zelfstandig werkend kok."),
                vacancy("lasser", title="Lasser", description="Staal en constructie."),
            ]
        )
        yield es_store


def found(store, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = store.search(SearchCriteria(text=parse_text_query(query), sort="relevance"), 10, None)
    return [hit.vacancy.content.external_id for hit in page.hits]


def test_a_plural_finds_the_singular_and_the_singular_the_plural(store, request) -> None:  # type: ignore[no-untyped-def]
    osmem_lacks(request, OSMEM_NO_DUTCH_STEMMER)
    assert found(store, "fietsen") == ["fiets"]
    assert sorted(found(store, "koks")) == ["kok", "koks"]
    assert sorted(found(store, "kok")) == ["kok", "koks"]


def test_the_word_as_asked_ranks_above_its_inflected_form(store, request) -> None:  # type: ignore[no-untyped-def]
    osmem_lacks(request, OSMEM_NO_DUTCH_STEMMER)
    assert found(store, "kok") == ["kok", "koks"]


def test_an_excluded_word_excludes_its_inflected_forms_too(store, request) -> None:  # type: ignore[no-untyped-def]
    osmem_lacks(request, OSMEM_NO_DUTCH_STEMMER)
    page = store.search(SearchCriteria(text=parse_text_query("-kok")), 10, None)
    assert sorted(hit.vacancy.content.external_id for hit in page.hits) == ["fiets", "lasser"]


def test_words_as_written_are_still_found_where_the_engine_does_not_stem(store) -> None:  # type: ignore[no-untyped-def]
    assert found(store, "fiets") == ["fiets"]
    assert found(store, '"koks gezocht"') == ["koks"]
    assert found(store, "constructie") == ["lasser"]
