"""Crash injection for the activities search store (issue #14 point 4): the process dies before
its N-th write to the engine, a fresh process on the same indices takes over.

`CrashingEngine` wraps the real engine (osmem) and counts the writes the store makes (index,
update, delete, bulk, delete_by_query — those inside `EngineOutbox.settle` included); the N-th
is never sent and raises `SimulatedCrash`, a BaseException, so no `except Exception` in the
code under test can carry on as a process that was SIGKILLed could not. `Activities` is one
process's worth of the service: store, engine outbox and use cases, on a fixed clock.
`announced` and `stored` read back what a run left: the outbox index and every document.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.activities.adapters import elasticsearch_mappings as m
from services.activities.adapters.elasticsearch_store import ElasticsearchActivitiesStore
from services.activities.service_layer.activity_handlers import ActivityHandlers
from services.activities.service_layer.caseload import CaseloadHandlers
from services.activities.service_layer.feed_applications import FeedApplications
from services.activities.service_layer.obligation_handlers import ObligationHandlers
from services.activities.service_layer.privacy import ActivitiesEraser
from services.common.search.engine import SearchEngine
from services.common.search.outbox import PENDING_FIELDS, EngineOutbox
from services.common.search.reading import search_all

SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-activities"
WRITES = ("index", "update", "delete", "bulk", "delete_by_query")


class SimulatedCrash(BaseException):
    """The process died here: nothing after it ran."""


class CrashingEngine:
    def __init__(self, engine: SearchEngine, crash_at: int | None) -> None:
        self._engine = engine
        self.crash_at = crash_at
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._engine, name)
        if name not in WRITES:
            return target

        def write(*args: Any, **kwargs: Any) -> Any:
            self.writes += 1
            if self.writes == self.crash_at:
                raise SimulatedCrash(f"before write {self.writes}: {name} {kwargs.get('index', '')}")
            return target(*args, **kwargs)

        return write


@dataclass
class Activities:
    """Process number `process` of the service on `engine`; its new activity ids say which it was."""

    engine: Any
    prefix: str
    clock: Callable[[], datetime]
    process: int

    def __post_init__(self) -> None:
        process, numbers = self.process, itertools.count(1)
        self.outbox = EngineOutbox(self.engine, self.prefix, m.OUTBOX_SERVICE, SOURCE)
        self.store = ElasticsearchActivitiesStore(self.engine, self.prefix, self.outbox)
        self.activities = ActivityHandlers(
            self.store,
            self.store,
            self.store,
            self.clock,
            new_id=lambda: f"act-p{process}-{next(numbers)}",
            record=lambda activity, subjects: None,
        )
        self.feed = FeedApplications(self.activities)
        self.obligations = ObligationHandlers(self.store, self.store, self.clock)
        self.caseloads = CaseloadHandlers(self.store, self.clock)
        self.eraser = ActivitiesEraser(self.store, self.clock)

    def sweep_outbox(self) -> int:
        """The outbox sweeper, taking every pending document however young."""
        return self.outbox.sweep(self.store.commit_indices, older_than_s=0)


def announced(engine: SearchEngine, prefix: str) -> list[dict[str, Any]]:
    """Every event in the service's outbox index, in sequence order."""
    index = m.OUTBOX.alias(prefix)
    engine.refresh(index=index)
    return [
        hit["_source"]
        for hit in search_all(
            engine, index, {"exists": {"field": "sequence"}}, [{"source": "asc"}, {"sequence": "asc"}]
        )
    ]


def stored(engine: SearchEngine, prefix: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Every document of the service's indices by index and id, without the pending fields."""
    state = {}
    for spec in m.INDEX_SPECS:
        index = spec.alias(prefix)
        engine.refresh(index=index)
        state[spec.name] = {
            hit["_id"]: {k: v for k, v in hit["_source"].items() if k not in PENDING_FIELDS}
            for hit in search_all(engine, index, {"match_all": {}}, [{"_doc": "asc"}])
        }
    return state


def still_pending(engine: SearchEngine, prefix: str) -> list[str]:
    """Ids of commit documents that hold events not yet in the outbox index."""
    found = []
    for spec in m.COMMIT_SPECS:
        index = spec.alias(prefix)
        engine.refresh(index=index)
        found += [hit["_id"] for hit in search_all(engine, index, m.PENDING, [{"_doc": "asc"}], source=False)]
    return found
