"""The two implementations of `SearchEngine`: Elasticsearch (official `elasticsearch` client)
and OpenSearch (`opensearch-py`). The shared part — retries, error translation, bulk item
retries — lives in `_Engine`; each subclass only says how its client spells a call.

Both clients are built with their own retries off: retrying is decided here, per call, so a
reindex is never sent twice after a client-side timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .engine import Conflict, EngineKind, EngineRejected, EngineUnavailable, NotFound, Refresh, SearchEngineError
from .retry import TRANSIENT_STATUSES, RetryPolicy, bulk_with_item_retries

T = TypeVar("T")

# Starting a reindex is one request that is never sent twice (it is not idempotent). Elasticsearch
# and OpenSearch answer it at once with a task id, but an OpenSearch-API server may copy the
# documents before it answers: osmem took 53 s for 50 000 documents on a loaded 2-core machine
# (tests/integration/search/test_search_migration.py), past the 30 s of every other request.
REINDEX_START_TIMEOUT_SECONDS = 600.0


def _body_of(response: Any) -> Any:
    return getattr(response, "body", response)


def _search_body(body: dict[str, Any]) -> dict[str, Any]:
    """The request body as the engines' REST API spells it (`from`, `_source`)."""
    out = dict(body)
    if "from_" in out:
        out["from"] = out.pop("from_")
    if "source" in out:
        out["_source"] = out.pop("source")
    return out


class _Engine:
    kind: EngineKind

    def __init__(self, client: Any, *, retry: RetryPolicy | None = None) -> None:
        self.client = client
        self.retry = retry or RetryPolicy()

    # --- error handling -------------------------------------------------------------------
    def _status_of(self, error: Exception) -> int | None:
        """HTTP status of an API error; None for connection errors and timeouts."""
        raise NotImplementedError

    def _is_api_error(self, error: Exception) -> bool:
        raise NotImplementedError

    def _translate(self, error: Exception) -> SearchEngineError:
        status = self._status_of(error)
        text = f"{self.kind}: {error}"
        return self._translate_status(status, text)

    def _translate_status(self, status: int | None, text: str) -> SearchEngineError:
        if status == 404:
            return NotFound(text, 404)
        if status == 409:
            return Conflict(text, 409)
        if not status or status in TRANSIENT_STATUSES or "cluster_block_exception" in text:
            return EngineUnavailable(text, status or 0)
        return EngineRejected(text, status)

    def _call(self, send: Callable[[], T], *, idempotent: bool = True) -> T:
        for attempt in range(self.retry.attempts):
            try:
                return send()
            except Exception as error:  # narrowed by _is_api_error below
                if not self._is_api_error(error):
                    raise
                translated = self._translate(error)
                last = attempt == self.retry.attempts - 1
                sent_maybe = self._status_of(error) is None  # timeout: it may have been applied
                if not isinstance(translated, EngineUnavailable) or last or (sent_maybe and not idempotent):
                    raise translated from error
                self.retry.sleep(self.retry.delay(attempt))
        raise AssertionError("unreachable")

    # --- documents ------------------------------------------------------------------------
    def bulk(self, *, operations: Sequence[dict[str, Any]], refresh: Refresh = False) -> dict[str, Any]:
        if not operations:
            return {"took": 0, "errors": False, "items": []}
        return bulk_with_item_retries(
            lambda lines: self._call(lambda: self._raw_bulk(lines, refresh)), operations, self.retry
        )

    def _raw_bulk(self, lines: list[dict[str, Any]], refresh: Refresh) -> dict[str, Any]:
        raise NotImplementedError

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
    ) -> dict[str, Any]:
        params = _present(
            op_type=op_type,
            if_seq_no=if_seq_no,
            if_primary_term=if_primary_term,
            version=version,
            version_type=version_type,
        )
        return dict(_body_of(self._call(lambda: self._raw_index(index, id, document, refresh, params))))

    def _raw_index(
        self, index: str, id: str, document: dict[str, Any], refresh: Refresh, params: dict[str, Any]
    ) -> Any:
        raise NotImplementedError

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
    ) -> dict[str, Any]:
        params = _present(if_seq_no=if_seq_no, if_primary_term=if_primary_term, retry_on_conflict=retry_on_conflict)
        return dict(_body_of(self._call(lambda: self._raw_update(index, id, doc, refresh, params))))

    def _raw_update(self, index: str, id: str, doc: dict[str, Any], refresh: Refresh, params: dict[str, Any]) -> Any:
        raise NotImplementedError

    def count(self, *, index: str, query: dict[str, Any] | None = None) -> int:
        body = {"query": query} if query is not None else {}
        return int(self._call(lambda: self._raw_count(index, body))["count"])

    def _raw_count(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def msearch(self, *, index: str, searches: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        if not searches:
            return []
        lines: list[dict[str, Any]] = []
        for body in searches:
            lines += [{}, _search_body(body)]
        answers = list(_body_of(self._call(lambda: self._raw_msearch(index, lines)))["responses"])
        for answer in answers:
            if "error" in answer:  # each search has its own status; the request as a whole answers 200
                raise self._translate_status(int(answer.get("status") or 0), f"{self.kind}: msearch: {answer['error']}")
        return answers

    def _raw_msearch(self, index: str, lines: list[dict[str, Any]]) -> Any:
        raise NotImplementedError

    def index_exists(self, index: str) -> bool:
        return bool(self._call(lambda: self.client.indices.exists(index=index)))

    def index_names(self, pattern: str) -> list[str]:
        try:
            return sorted(_body_of(self._call(lambda: self.client.indices.get(index=pattern))))
        except NotFound:
            return []

    def alias_targets(self, alias: str) -> list[str]:
        try:
            return sorted(_body_of(self._call(lambda: self.client.indices.get_alias(name=alias))))
        except NotFound:
            return []

    def delete_indices(self, names: Sequence[str]) -> None:
        if names:  # named: wildcard deletes are refused by default (destructive_requires_name)
            self._call(lambda: self.client.indices.delete(index=",".join(names)))

    def refresh(self, *, index: str) -> None:
        self._call(lambda: self.client.indices.refresh(index=index))

    def info(self) -> dict[str, Any]:
        return dict(_body_of(self._call(lambda: self.client.info())))

    def close(self) -> None:
        self.client.close()


class ElasticsearchEngine(_Engine):
    """Elasticsearch 8/9 through the official client of the cluster's major version."""

    kind: EngineKind = "elasticsearch"

    def _is_api_error(self, error: Exception) -> bool:
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        return isinstance(error, ApiError | TransportError)

    def _status_of(self, error: Exception) -> int | None:
        from elasticsearch import ApiError

        return int(error.meta.status) if isinstance(error, ApiError) else None

    def _raw_index(
        self, index: str, id: str, document: dict[str, Any], refresh: Refresh, params: dict[str, Any]
    ) -> Any:
        return self.client.index(index=index, id=id, document=document, refresh=refresh, **params)

    def get(self, *, index: str, id: str) -> dict[str, Any]:
        return dict(self._call(lambda: self.client.get(index=index, id=id)).body)

    def mget(self, *, index: str, ids: Sequence[str]) -> dict[str, Any]:
        return dict(self._call(lambda: self.client.mget(index=index, ids=list(ids))).body)

    def _raw_update(self, index: str, id: str, doc: dict[str, Any], refresh: Refresh, params: dict[str, Any]) -> Any:
        return self.client.update(index=index, id=id, doc=doc, refresh=refresh, **params)

    def delete(self, *, index: str, id: str, refresh: Refresh = False) -> dict[str, Any]:
        return dict(self._call(lambda: self.client.delete(index=index, id=id, refresh=refresh)).body)

    def _raw_bulk(self, lines: list[dict[str, Any]], refresh: Refresh) -> dict[str, Any]:
        return dict(self.client.bulk(operations=lines, refresh=refresh).body)

    def search(self, *, index: str | None = None, **body: Any) -> dict[str, Any]:
        target = {} if index is None else {"index": index}  # a point-in-time search names no index
        return dict(self._call(lambda: self.client.search(**target, **body)).body)

    def _raw_count(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.client.count(index=index, **body).body)

    def _raw_msearch(self, index: str, lines: list[dict[str, Any]]) -> Any:
        return self.client.msearch(index=index, searches=lines)

    def delete_by_query(
        self, *, index: str, query: dict[str, Any], refresh: bool = False, conflicts: str | None = None
    ) -> dict[str, Any]:
        params = _present(conflicts=conflicts)
        return dict(
            self._call(lambda: self.client.delete_by_query(index=index, query=query, refresh=refresh, **params)).body
        )

    def open_point_in_time(self, *, index: str, keep_alive: str) -> str:
        return str(self._call(lambda: self.client.open_point_in_time(index=index, keep_alive=keep_alive))["id"])

    def close_point_in_time(self, pit_id: str) -> None:
        self._call(lambda: self.client.close_point_in_time(id=pit_id))

    def create_index(
        self, *, index: str, mappings: dict[str, Any], settings: dict[str, Any], aliases: dict[str, Any] | None = None
    ) -> None:
        self._call(
            lambda: self.client.indices.create(
                index=index, mappings=mappings, settings=settings, **_present(aliases=aliases)
            )
        )

    def put_mapping(self, *, index: str, properties: dict[str, Any], meta: dict[str, Any]) -> None:
        self._call(lambda: self.client.indices.put_mapping(index=index, properties=properties, meta=meta))

    def put_settings(self, *, index: str, settings: dict[str, Any]) -> None:
        self._call(lambda: self.client.indices.put_settings(index=index, settings=settings))

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self._call(lambda: self.client.indices.update_aliases(actions=actions))

    def start_reindex(self, *, source: str, dest: str) -> str:
        answer = self._call(
            lambda: self.client.options(request_timeout=REINDEX_START_TIMEOUT_SECONDS).reindex(
                source={"index": source}, dest={"index": dest}, wait_for_completion=False, refresh=True
            ),
            idempotent=False,
        )
        return str(answer["task"])

    def analyze(self, *, tokenizer: str, filters: list[Any], text: str) -> list[str]:
        answer = self._call(lambda: self.client.indices.analyze(tokenizer=tokenizer, filter=filters, text=text))
        return [token["token"] for token in answer.body.get("tokens", [])]

    def running_tasks(self, actions: str) -> list[str]:
        rows = self._call(lambda: self.client.cat.tasks(actions=[actions], format="json")).body
        return [str(row.get("task_id", "")) for row in rows or []]


class OpenSearchEngine(_Engine):
    """OpenSearch 2/3 (and OpenSearch-API servers such as osmem) through `opensearch-py`."""

    kind: EngineKind = "opensearch"

    def _is_api_error(self, error: Exception) -> bool:
        from opensearchpy.exceptions import TransportError

        return isinstance(error, TransportError)

    def _status_of(self, error: Exception) -> int | None:
        status = getattr(error, "status_code", None)
        return status if isinstance(status, int) else None

    def _raw_index(
        self, index: str, id: str, document: dict[str, Any], refresh: Refresh, params: dict[str, Any]
    ) -> Any:
        params = _present(refresh=_refresh(refresh), **params)
        return self.client.index(index=index, id=id, body=document, params=params)

    def get(self, *, index: str, id: str) -> dict[str, Any]:
        return dict(self._call(lambda: self.client.get(index=index, id=id)))

    def mget(self, *, index: str, ids: Sequence[str]) -> dict[str, Any]:
        return dict(self._call(lambda: self.client.mget(index=index, body={"ids": list(ids)})))

    def _raw_update(self, index: str, id: str, doc: dict[str, Any], refresh: Refresh, params: dict[str, Any]) -> Any:
        params = _present(refresh=_refresh(refresh), **params)
        return self.client.update(index=index, id=id, body={"doc": doc}, params=params)

    def delete(self, *, index: str, id: str, refresh: Refresh = False) -> dict[str, Any]:
        return dict(
            self._call(lambda: self.client.delete(index=index, id=id, params=_present(refresh=_refresh(refresh))))
        )

    def _raw_bulk(self, lines: list[dict[str, Any]], refresh: Refresh) -> dict[str, Any]:
        return dict(self.client.bulk(body=lines, params=_present(refresh=_refresh(refresh))))

    def search(self, *, index: str | None = None, **body: Any) -> dict[str, Any]:
        return dict(self._call(lambda: self.client.search(index=index, body=_search_body(body))))

    def _raw_count(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.client.count(index=index, body=body or None))

    def _raw_msearch(self, index: str, lines: list[dict[str, Any]]) -> Any:
        return self.client.msearch(index=index, body=lines)

    def delete_by_query(
        self, *, index: str, query: dict[str, Any], refresh: bool = False, conflicts: str | None = None
    ) -> dict[str, Any]:
        params = _present(conflicts=conflicts, refresh=_refresh(refresh))
        return dict(self._call(lambda: self.client.delete_by_query(index=index, body={"query": query}, params=params)))

    def open_point_in_time(self, *, index: str, keep_alive: str) -> str:
        return str(self._call(lambda: self.client.create_pit(index=index, params={"keep_alive": keep_alive}))["pit_id"])

    def close_point_in_time(self, pit_id: str) -> None:
        self._call(lambda: self.client.delete_pit(body={"pit_id": [pit_id]}))

    def create_index(
        self, *, index: str, mappings: dict[str, Any], settings: dict[str, Any], aliases: dict[str, Any] | None = None
    ) -> None:
        body = {"mappings": mappings, "settings": settings, **_present(aliases=aliases)}
        self._call(lambda: self.client.indices.create(index=index, body=body))

    def put_mapping(self, *, index: str, properties: dict[str, Any], meta: dict[str, Any]) -> None:
        self._call(lambda: self.client.indices.put_mapping(index=index, body={"properties": properties, "_meta": meta}))

    def put_settings(self, *, index: str, settings: dict[str, Any]) -> None:
        self._call(lambda: self.client.indices.put_settings(index=index, body=settings))

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self._call(lambda: self.client.indices.update_aliases(body={"actions": actions}))

    def start_reindex(self, *, source: str, dest: str) -> str:
        answer = self._call(
            lambda: self.client.reindex(
                body={"source": {"index": source}, "dest": {"index": dest}},
                params={
                    "wait_for_completion": "false",
                    "refresh": "true",
                    "request_timeout": REINDEX_START_TIMEOUT_SECONDS,
                },
            ),
            idempotent=False,
        )
        return str(answer["task"])

    def analyze(self, *, tokenizer: str, filters: list[Any], text: str) -> list[str]:
        body = {"tokenizer": tokenizer, "filter": filters, "text": text}
        answer = self._call(lambda: self.client.indices.analyze(body=body))
        return [token["token"] for token in answer.get("tokens", [])]

    def running_tasks(self, actions: str) -> list[str]:
        rows = self._call(lambda: self.client.cat.tasks(params={"actions": actions, "format": "json"}))
        return [str(row.get("task_id", "")) for row in rows or []]


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _refresh(refresh: Refresh) -> str | None:
    if refresh is False:
        return None
    return "wait_for" if refresh == "wait_for" else "true"
