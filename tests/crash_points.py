"""Crash injection for the search-path stores: the process dies before its N-th write.

`CrashingEngine` wraps a `SearchEngine` (the real one, talking to osmem) and counts the
calls that change something. The N-th such call raises `SimulatedCrash` instead of being
sent, and so does every call after it: like SIGKILL, nothing after the crash point reaches
the engine, whatever the code around it would catch or clean up. `SimulatedCrash` is a
BaseException so that no `except Exception` in the code under test can swallow it.

A crash-gap test runs an operation once on a plain engine to count its writes (n), then for
each N in 1..n runs it on a fresh index prefix with a crash before write N, "restarts" (new
store objects on the same engine and indices), recovers (sweep and/or redelivery) and checks
that the outcome equals the crash-free run's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.search.engine import SearchEngine

WRITES = ("index", "update", "delete", "bulk", "delete_by_query")


class SimulatedCrash(BaseException):
    """The process died here (raised instead of the write, never caught by the code under test)."""


class CrashingEngine:
    """A `SearchEngine` whose process dies before write number `crash_at` (None: never)."""

    def __init__(self, engine: SearchEngine, crash_at: int | None = None) -> None:
        self._engine = engine
        self.crash_at = crash_at
        self.writes: list[tuple[str, str]] = []  # (call, index) of every write sent
        self.crashed = False

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._engine, name)
        if not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.crashed:
                raise SimulatedCrash(f"{name} after the crash")
            if name in WRITES:
                if self.crash_at is not None and len(self.writes) + 1 == self.crash_at:
                    self.crashed = True
                    raise SimulatedCrash(f"before write {self.crash_at}: {name} {kwargs.get('index', '')}")
                self.writes.append((name, _target_of(name, kwargs)))
            return target(*args, **kwargs)

        return call


def _target_of(name: str, kwargs: dict[str, Any]) -> str:
    if name != "bulk":
        return str(kwargs.get("index", ""))
    metas = [next(iter(line.values())) for line in kwargs["operations"] if len(line) == 1]
    return ",".join(sorted({m["_index"] for m in metas if isinstance(m, dict) and "_index" in m}))


def run_until_crash(operation: Callable[[], object]) -> bool:
    """Run `operation`; True when the process 'died' in it."""
    try:
        operation()
    except SimulatedCrash:
        return True
    return False


def stored_documents(engine: SearchEngine, aliases: dict[str, str]) -> dict[str, dict[str, dict[str, Any]]]:
    """name -> document id -> source, of every document under each alias (pending fields left out)."""
    from services.common.search.outbox import PENDING_FIELDS

    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name, alias in aliases.items():
        engine.refresh(index=alias)
        hits = engine.search(index=alias, query={"match_all": {}}, size=10_000)["hits"]["hits"]
        found[name] = {hit["_id"]: {k: v for k, v in hit["_source"].items() if k not in PENDING_FIELDS} for hit in hits}
    return found


def still_pending(engine: SearchEngine, aliases: dict[str, str]) -> list[str]:
    """alias/id of every document that still carries pending events."""
    left = []
    for alias in aliases.values():
        engine.refresh(index=alias)
        query = {"exists": {"field": "pending_since"}}
        left += [
            f"{alias}/{hit['_id']}" for hit in engine.search(index=alias, query=query, size=10_000)["hits"]["hits"]
        ]
    return left


def gap_free_per_source(entries: list[Any]) -> bool:
    by_source: dict[str, list[int]] = {}
    for entry in entries:
        by_source.setdefault(entry.event.source, []).append(entry.event.sequence)
    return all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_source.values())
