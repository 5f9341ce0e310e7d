"""The search-engine port: the handful of calls the store adapters make, on any engine.

Store adapters talk to a `SearchEngine`, never to a client library. Two implementations sit
behind it (`engines.py`): the official `elasticsearch` client for Elasticsearch 8/9 and
`opensearch-py` for OpenSearch 2/3 (the `elasticsearch` clients send a `compatible-with`
header that OpenSearch-API servers answer with HTTP 406). Both speak the same request bodies
(the query DSL the adapters build is common to both engines) and answer plain dicts.

Errors are the engine's own: `NotFound` and `Conflict` are answers the adapters act on;
`EngineUnavailable` means the engine could not be reached or kept refusing (429/503/blocked
index) after the retries, and travels up to the RPC boundary as UNAVAILABLE.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

EngineKind = Literal["elasticsearch", "opensearch"]
Refresh = bool | Literal["wait_for"]


class SearchEngineError(RuntimeError):
    """Any failure the engine reported for one request."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class NotFound(SearchEngineError):
    """The document or index does not exist (HTTP 404)."""


class Conflict(SearchEngineError):
    """A version, seq_no or `create` conflict (HTTP 409)."""


class EngineUnavailable(SearchEngineError):
    """Unreachable, overloaded (429/502/503/504) or refusing writes, after the retries."""

    transient = True  # event consumers pause and try again instead of dead-lettering the event


class EngineRejected(SearchEngineError):
    """The engine refused the request itself (400/401/403/...): a bug or a setting, not load."""


class SearchEngineStartupError(RuntimeError):
    """The engine cannot be used at start: the message names the setting or command to fix (NL / EN)."""


class SearchEngine(Protocol):
    """What the store adapters may ask of Elasticsearch or OpenSearch."""

    kind: EngineKind

    # documents
    def index(
        self,
        *,
        index: str,
        id: str,
        document: dict[str, Any],
        op_type: str | None = None,
        refresh: Refresh = False,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        version: int | None = None,
        version_type: str | None = None,
    ) -> dict[str, Any]: ...

    def get(self, *, index: str, id: str) -> dict[str, Any]: ...

    def mget(self, *, index: str, ids: Sequence[str]) -> dict[str, Any]: ...

    def update(
        self,
        *,
        index: str,
        id: str,
        doc: dict[str, Any],
        refresh: Refresh = False,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
        retry_on_conflict: int | None = None,
    ) -> dict[str, Any]: ...

    def delete(self, *, index: str, id: str, refresh: Refresh = False) -> dict[str, Any]: ...

    def bulk(self, *, operations: Sequence[dict[str, Any]], refresh: Refresh = False) -> dict[str, Any]: ...

    # reading
    def search(self, *, index: str | None = None, **body: Any) -> dict[str, Any]: ...

    def msearch(self, *, index: str, searches: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Several searches (bodies as for `search`) in one request; their answers, in order.
        A search that failed raises as `search` would."""
        ...

    def count(self, *, index: str, query: dict[str, Any] | None = None) -> int: ...

    def delete_by_query(
        self, *, index: str, query: dict[str, Any], refresh: bool = False, conflicts: str | None = None
    ) -> dict[str, Any]: ...

    def open_point_in_time(self, *, index: str, keep_alive: str) -> str: ...

    def close_point_in_time(self, pit_id: str) -> None: ...

    # index administration
    def refresh(self, *, index: str) -> None: ...

    def index_exists(self, index: str) -> bool: ...

    def create_index(
        self, *, index: str, mappings: dict[str, Any], settings: dict[str, Any], aliases: dict[str, Any] | None = None
    ) -> None: ...

    def put_mapping(self, *, index: str, properties: dict[str, Any], meta: dict[str, Any]) -> None: ...

    def put_settings(self, *, index: str, settings: dict[str, Any]) -> None: ...

    def alias_targets(self, alias: str) -> list[str]: ...

    def update_aliases(self, actions: list[dict[str, Any]]) -> None: ...

    def index_names(self, pattern: str) -> list[str]: ...

    def delete_indices(self, names: Sequence[str]) -> None: ...

    def start_reindex(self, *, source: str, dest: str) -> str: ...

    def running_tasks(self, actions: str) -> list[str]: ...

    def analyze(self, *, tokenizer: str, filters: list[Any], text: str) -> list[str]: ...

    def info(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
