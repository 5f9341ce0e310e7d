"""When the search-engine store refreshes: never on a write, once before a read that needs the writes.

osmem shows a write before any refresh, so what a read returns cannot tell whether the store
refreshed; the calls it made to the engine (RecordingEngine) can. Each read that must see this
store's earlier writes has its own case; the answer is checked too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from search_legs import SEARCH_LEGS
from vacancies_support import MovableClock, vacancy
from vacancy_search_support import RecordingEngine, search_store

from services.vacancies.domain.search import SearchCriteria
from services.vacancies.service_layer.ingest import IngestVacancies

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SEARCH_CALLS = {"search", "open_point_in_time", "count"}


@pytest.fixture(params=SEARCH_LEGS)
def recorded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, RecordingEngine]]:
    engines: list[RecordingEngine] = []

    def wrap(engine: Any) -> RecordingEngine:
        engines.append(RecordingEngine(engine))
        return engines[0]

    with search_store(request.param, tmp_path, wrap) as store:
        yield store, engines[0]


def ingest(store, *contents):  # type: ignore[no-untyped-def]
    return IngestVacancies(store, MovableClock(NOW))(list(contents))


def test_ingest_close_and_expiry_write_without_waiting_for_a_refresh(recorded) -> None:  # type: ignore[no-untyped-def]
    store, engine = recorded
    (first,) = ingest(store, vacancy("1", valid_through="2026-11-30"))
    ingest(store, vacancy("1", title="Andere titel", valid_through="2026-11-30"), vacancy("2"))
    store.expire("2026-12-01", NOW)
    (third,) = ingest(store, vacancy("3"))
    store.close(third.vacancy_id, "vervuld", NOW)
    writes = [call for call in engine.calls if call[0] in {"bulk", "index", "update", "delete"}]
    assert len(writes) >= 6 and all(refresh is False for _, _, refresh in writes)
    assert store.get(first.vacancy_id).closed_reason == "expired"


# read -> (what it answers, what it must answer) after WB-1 was stored and JB-0 linked to it.
READS: dict[str, tuple[Callable[[Any, str], object], Callable[[str], object]]] = {
    "search": (
        lambda store, vid: [h.vacancy.vacancy_id for h in store.search(SearchCriteria(), 10, None).hits],
        lambda vid: [vid],
    ),
    "change stream": (lambda store, vid: [c.vacancy_id for c in store.changes_after(0, 10)], lambda vid: [vid]),
    "snapshot of open vacancies": (
        lambda store, vid: [v.vacancy_id for _, v in store.open_vacancies_after(0, 10)],
        lambda vid: [vid],
    ),
    "last change sequence": (lambda store, vid: store.last_change_sequence(), lambda vid: 1),
    "vacancy by id with its linked sources": (
        lambda store, vid: [(s.source, s.external_id) for s in store.get(vid).linked_sources],
        lambda vid: [("jobboard", "JB-0")],
    ),
    "duplicate look-up of the next batch": (
        lambda store, vid: [
            r.duplicate_of for r in ingest(store, vacancy("JB-1", source="jobboard", employer="Werkgever WB-1"))
        ],
        lambda vid: [vid],
    ),
}


@pytest.mark.parametrize("read", list(READS))
def test_a_read_that_needs_earlier_writes_refreshes_once_first_and_not_again_without_new_writes(recorded, read) -> None:  # type: ignore[no-untyped-def]
    store, engine = recorded
    answer_of, expected = READS[read]
    (own,) = ingest(store, vacancy("WB-1", employer="Werkgever WB-1"))
    (linked,) = ingest(store, vacancy("JB-0", source="jobboard", employer="Werkgever WB-1"))
    assert linked.duplicate_of == own.vacancy_id
    mark = len(engine.calls)
    assert answer_of(store, own.vacancy_id) == expected(own.vacancy_id)
    calls = [name for name, _, _ in engine.since(mark)]
    searched = [i for i, name in enumerate(calls) if name in SEARCH_CALLS]
    assert calls.count("refresh") == 1 and calls.index("refresh") < searched[0]
    if read != "duplicate look-up of the next batch":  # that one writes again
        mark = len(engine.calls)
        answer_of(store, own.vacancy_id)
        assert "refresh" not in [name for name, _, _ in engine.since(mark)]
