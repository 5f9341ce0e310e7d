"""Search paging on a search engine: every page of one search reads one point in time.

Acceptance (issue 13): 1 000 vacancies read in pages of 50 while 200 writes happen between the
pages (updates that move vacancies across the read position both ways, and inserts): every
vacancy that existed throughout is seen exactly once. SQLite pages the live table by keyset
(no snapshot), so these run on the search legs only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from search_legs import OSMEM_SCORE_TIE_BREAK, SEARCH_LEGS, osmem_lacks
from vacancies_support import MovableClock, vacancy
from vacancy_search_support import search_store

from services.common.errors import InvalidArgument
from services.vacancies.domain.search import SearchCriteria, parse_text_query
from services.vacancies.service_layer.ingest import IngestVacancies

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DOCUMENTS, PAGE, WRITES_PER_PAGE = 1000, 50, 11
NEWEST, OLDEST = "2026-11-24", "2026-10-01"


@pytest.fixture(params=SEARCH_LEGS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    with search_store(request.param, tmp_path) as es_store:
        yield es_store


def ingest(store, *contents) -> None:  # type: ignore[no-untyped-def]
    IngestVacancies(store, MovableClock(NOW))(list(contents))


def job(n: int, *, posted: str = "", title: str = "") -> object:
    """Vacancy `doc-n`: dates spread over November, titles giving several distinct scores for "kok"."""
    return vacancy(
        f"doc-{n}",
        title=title or ("Kok", "Kok en kok", "Kok, kok en kok")[n % 3],
        date_posted=posted or f"2026-11-{1 + n % 20:02d}",
        valid_through="2026-12-31",
    )


def writes_between_pages(page: int, seen: set[str]) -> list[object]:
    """Eleven writes: vacancies not read yet jump to the front, read ones to the back (without a
    snapshot the first are skipped, the second repeated), plus inserts at both ends."""
    unseen = sorted(n for n in range(DOCUMENTS) if f"doc-{n}" not in seen)
    read = sorted(int(i.removeprefix("doc-")) for i in seen if i.startswith("doc-"))
    changes = [job(n, posted=NEWEST, title="Kok, kok, kok en kok") for n in unseen[page::7][:3]]
    changes += [job(n, posted=OLDEST, title="Kok in de keuken") for n in read[page::5][:2]]
    changes += [
        vacancy(
            f"new-{page}-{k}", title="Kok, kok en kok", date_posted=(NEWEST, OLDEST)[k % 2], valid_through="2026-12-31"
        )
        for k in range(WRITES_PER_PAGE - len(changes))
    ]
    return changes


def read_all_pages_while_writing(store, criteria: SearchCriteria) -> tuple[list[str], list[int], int]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    totals: list[int] = []
    writes, after = 0, None
    for page_number in range(2 * DOCUMENTS // PAGE):  # bounded: an engine that repeats pages must not hang
        page = store.search(criteria, PAGE, after)
        seen += [hit.vacancy.content.external_id for hit in page.hits]
        totals.append(page.total_count)
        if not page.has_more:
            break
        batch = writes_between_pages(page_number, set(seen))
        ingest(store, *batch)
        writes += len(batch)
        after = page.next_position
    return seen, totals, writes


@pytest.mark.parametrize("sort", ["date_posted", "relevance"])
def test_pages_read_while_200_writes_happen_show_every_vacancy_that_existed_throughout_exactly_once(
    store, sort, request
) -> None:  # type: ignore[no-untyped-def]
    if sort == "relevance":
        osmem_lacks(request, OSMEM_SCORE_TIE_BREAK)
    for start in range(0, DOCUMENTS, 250):
        ingest(store, *[job(n) for n in range(start, start + 250)])
    text = parse_text_query("kok") if sort == "relevance" else parse_text_query("")
    seen, totals, writes = read_all_pages_while_writing(store, SearchCriteria(sort=sort, text=text))
    counts = Counter(seen)
    assert writes >= 200  # 19 gaps between 20 pages, 11 writes each
    assert {f"doc-{n}" for n in range(DOCUMENTS)} <= set(counts)
    assert [i for i, c in counts.items() if c > 1] == []
    assert not [i for i in counts if i.startswith("new-")]  # the snapshot was taken before them
    assert set(totals) == {DOCUMENTS}  # the first page's count, for the snapshot every page reads


def test_the_order_of_a_snapshot_page_is_the_order_of_the_whole_result(store) -> None:  # type: ignore[no-untyped-def]
    ingest(store, *[job(n) for n in range(30)])
    criteria = SearchCriteria(sort="date_posted")
    everything = [h.vacancy.content.external_id for h in store.search(criteria, 100, None).hits]
    first = store.search(criteria, 7, None)
    second = store.search(criteria, 7, first.next_position)
    assert [h.vacancy.content.external_id for h in first.hits + second.hits] == everything[:14]


def test_the_last_page_has_no_next_position_and_frees_its_snapshot(store) -> None:  # type: ignore[no-untyped-def]
    ingest(store, *[job(n) for n in range(3)])
    first = store.search(SearchCriteria(), 2, None)
    last = store.search(SearchCriteria(), 2, first.next_position)
    assert (last.has_more, last.next_position, len(last.hits)) == (False, None, 1)
    with pytest.raises(InvalidArgument) as refused:  # closed with the last page
        store.search(SearchCriteria(), 2, first.next_position)
    assert refused.value.violations[0].field == "page_token"


def test_a_page_of_an_expired_snapshot_is_refused_on_page_token(store) -> None:  # type: ignore[no-untyped-def]
    ingest(store, *[job(n) for n in range(5)])
    first = store.search(SearchCriteria(), 2, None)
    store._es.close_point_in_time(first.next_position.pit)  # what the keep-alive does after 5 minutes
    with pytest.raises(InvalidArgument) as refused:
        store.search(SearchCriteria(), 2, first.next_position)
    assert refused.value.violations[0].field == "page_token"
    assert "verlopen" in refused.value.violations[0].description
