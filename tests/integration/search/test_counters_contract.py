"""Contract of the counters (storage order and change sequences of the search-engine stores),
on every search leg: osmem in every run, real Elasticsearch where one is available. (Counters
exist only on the search path: SQLite numbers rows itself.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from search_legs import SEARCH_LEGS, search_leg

from services.common.search.counters import COUNTERS_INDEX, Counters


@pytest.fixture(params=list(SEARCH_LEGS))
def leg(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str]]:
    with search_leg(request.param, [COUNTERS_INDEX]) as (engine, prefix):
        yield engine, prefix


class TestCountersContract:
    def test_reservations_are_consecutive_and_never_overlap(self, leg) -> None:  # type: ignore[no-untyped-def]
        counters = Counters(*leg)
        assert counters.current("c") == 0
        assert [counters.reserve("c", 3), counters.reserve("c", 1), counters.reserve("other", 2)] == [1, 4, 1]
        assert counters.current("c") == 4

    def test_a_writer_that_loses_the_race_retries_on_the_new_value(self, leg) -> None:  # type: ignore[no-untyped-def]
        engine, prefix = leg
        rival = Counters(engine, prefix)

        class OtherWriterBetweenReadAndWrite:
            """The real engine; once, another writer reserves between this one's read and write."""

            def __init__(self) -> None:
                self.raced = False

            def __getattr__(self, name: str) -> Any:
                return getattr(engine, name)

            def get(self, *, index: str, id: str) -> dict[str, Any]:
                found = engine.get(index=index, id=id)
                if not self.raced:
                    self.raced = True
                    rival.reserve(id, 5)
                return found

        rival.reserve("c", 1)
        assert Counters(OtherWriterBetweenReadAndWrite(), prefix).reserve("c", 2) == 7  # type: ignore[arg-type]
        assert rival.current("c") == 8

    def test_reserving_nothing_is_refused(self, leg) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError):
            Counters(*leg).reserve("c", 0)
