"""Fault injection and observation around the real search engine, for the tests in this folder.

Nothing here answers a request itself: `FaultyClient` wraps the real opensearch-py client of an
engine (the request still goes to osmem) and only changes what a test asks for — the engine is
switched "off" (every request fails as a connection error, as when the server is gone), or one
bulk item is refused with a status (the item is taken out of the request, so it is not stored,
and its answer is put back in its place). `RecordingEngine` wraps a `SearchEngine` and notes
each write's refresh option.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search_legs import migrated_cluster  # noqa: F401 - re-exported for the search tests

from services.common.search.engine import SearchEngine
from services.common.settings import Settings

ItemMatch = Callable[[str, dict[str, Any], dict[str, Any] | None], bool]  # (action, meta, source)


@dataclass
class Refusal:
    match: ItemMatch
    status: int
    times: int | None  # None: always
    error_type: str

    def applies(self, action: str, meta: dict[str, Any], source: dict[str, Any] | None) -> bool:
        if self.times == 0 or not self.match(action, meta, source):
            return False
        if self.times is not None:
            self.times -= 1
        return True


class FaultyClient:
    """The real opensearch-py client of an engine, with faults the test switches on."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.down = threading.Event()
        self.refusals: list[Refusal] = []
        self.after_mget: Callable[[str, list[str]], None] | None = None
        self.requests_while_down = 0
        self._refused_requests: list[int] = []  # statuses for the next requests
        perform = real.transport.perform_request

        def perform_unless_down(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            from opensearchpy.exceptions import HTTP_EXCEPTIONS, TransportError
            from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

            if self.down.is_set():
                self.requests_while_down += 1
                raise OpenSearchConnectionError("N/A", "switched off by the test (connection refused)", None)
            if self._refused_requests:
                status = self._refused_requests.pop(0)
                raise HTTP_EXCEPTIONS.get(status, TransportError)(status, "refused by the test", {})
            return perform(method, url, *args, **kwargs)

        real.transport.perform_request = perform_unless_down

    @classmethod
    def around(cls, engine: SearchEngine) -> FaultyClient:
        """Put a FaultyClient between `engine` (an OpenSearchEngine) and its real client."""
        faulty = cls(engine.client)  # type: ignore[attr-defined]
        engine.client = faulty  # type: ignore[attr-defined]
        return faulty

    def refuse(
        self,
        match: ItemMatch,
        status: int = 429,
        times: int | None = 1,
        error_type: str = "es_rejected_execution_exception",
    ) -> None:
        self.refusals.append(Refusal(match, status, times, error_type))

    def refuse_requests(self, status: int, times: int) -> None:
        """The next `times` requests are answered with HTTP `status` (not sent)."""
        self._refused_requests += [status] * times

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def mget(self, *args: Any, **kwargs: Any) -> Any:
        answer = self._real.mget(*args, **kwargs)
        if self.after_mget is not None:
            self.after_mget(str(kwargs.get("index", "")), list(kwargs.get("body", {}).get("ids", [])))
        return answer

    def bulk(self, body: list[dict[str, Any]], **kwargs: Any) -> Any:
        actions, refused = _actions(body), {}
        for position, lines in enumerate(actions):
            ((kind, meta),) = lines[0].items()
            source = lines[1] if len(lines) > 1 else None
            for refusal in self.refusals:
                if refusal.applies(kind, meta, source):
                    refused[position] = {
                        kind: {
                            "_index": meta.get("_index", ""),
                            "_id": meta.get("_id", ""),
                            "status": refusal.status,
                            "error": {"type": refusal.error_type, "reason": "refused by the test"},
                        }
                    }
                    break
        sent = [line for position, lines in enumerate(actions) if position not in refused for line in lines]
        answer = dict(self._real.bulk(body=sent, **kwargs)) if sent else {"took": 0, "errors": False, "items": []}
        stored = iter(answer["items"])
        items = [refused[p] if p in refused else next(stored) for p in range(len(actions))]
        return {"took": answer.get("took", 0), "errors": answer.get("errors", False) or bool(refused), "items": items}


def _actions(lines: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    actions, i = [], 0
    while i < len(lines):
        size = 1 if "delete" in lines[i] else 2
        actions.append(lines[i : i + size])
        i += size
    return actions


class RecordingEngine:
    """A `SearchEngine` that notes (call, index, refresh) of every write and explicit refresh."""

    WRITES = ("index", "update", "delete", "bulk", "delete_by_query")

    def __init__(self, engine: SearchEngine) -> None:
        self._engine = engine
        self.writes: list[tuple[str, str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._engine, name)
        if name not in (*self.WRITES, "refresh"):
            return target

        def record(*args: Any, **kwargs: Any) -> Any:
            if name == "refresh":
                self.writes.append(("refresh", kwargs["index"], True))
            elif name == "bulk":
                metas = [next(iter(line.values())) for line in kwargs["operations"] if len(line) == 1]
                indices = sorted({meta["_index"] for meta in metas if isinstance(meta, dict) and "_index" in meta})
                self.writes.append(("bulk", ",".join(indices), kwargs.get("refresh", False)))
            else:
                self.writes.append((name, kwargs["index"], kwargs.get("refresh", False)))
            return target(*args, **kwargs)

        return record

    def refreshed(self) -> list[tuple[str, str, Any]]:
        """The writes that asked for a refresh (or were one)."""
        return [w for w in self.writes if w[2] not in (False, None)]

    def clear(self) -> None:
        self.writes.clear()


def engine_of(app: Any) -> SearchEngine:
    """The engine an app built from Settings talks to (shared by its search adapters)."""
    return app.store._es  # tests reach the wiring to wrap it


def search_settings(url: str, data_dir: Path, **more: Any) -> Settings:
    """What a service reads from JOBMATCH_SEARCH_URL=<url> and JOBMATCH_SEARCH_ENGINE=opensearch."""
    return Settings(
        **(
            {
                "data_dir": data_dir,
                "search_url": url,
                "search_engine": "opensearch",
                "elasticsearch_url": None,
                "kafka_bootstrap_servers": None,
            }
            | more
        )
    )
