"""A store wrapped for metrics behaves as the store, and each call is timed by operation."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from services.common.observability.metrics import TimedStore


def calls(operation: str) -> float:
    labels = {"service": "tests", "store": "sqlite", "operation": operation}
    return REGISTRY.get_sample_value("jobmatch_store_duration_seconds_count", labels) or 0.0


class Shelf:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.path = "shelf.db"

    def put(self, item: str) -> int:
        self.items.append(item)
        return len(self.items)

    def fail(self) -> None:
        raise KeyError("nothing here")


def test_calls_answer_as_the_store_does_and_are_timed_by_operation() -> None:
    shelf = Shelf()
    timed = TimedStore(shelf, "tests", "sqlite")
    before = calls("put")
    assert timed.put("a") == 1 and timed.put("b") == 2
    assert shelf.items == ["a", "b"] and timed.path == "shelf.db"
    assert calls("put") == before + 2


def test_a_failing_call_raises_as_before_and_is_timed_too() -> None:
    timed = TimedStore(Shelf(), "tests", "sqlite")
    before = calls("fail")
    with pytest.raises(KeyError):
        timed.fail()
    assert calls("fail") == before + 1


def test_setting_an_attribute_sets_it_on_the_store() -> None:
    shelf = Shelf()
    TimedStore(shelf, "tests", "sqlite").path = "other.db"
    assert shelf.path == "other.db"


def test_a_gauge_read_at_scrape_from_a_closed_store_says_unknown_and_the_scrape_goes_on() -> None:
    import math

    from prometheus_client import Gauge

    from services.common.observability.metrics import read_at_scrape

    gauge = Gauge("jobmatch_test_closed_store_rows", "rows of a store that was closed")

    def closed() -> int:
        raise RuntimeError("Cannot operate on a closed database.")

    read_at_scrape(gauge, closed)
    assert math.isnan(REGISTRY.get_sample_value("jobmatch_test_closed_store_rows"))
    assert calls("put") >= 0  # the rest of the registry is still collected
