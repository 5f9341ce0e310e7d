"""Reading every match of a query, page by page with `search_after` (no scroll contexts to leak)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .engine import NotFound, SearchEngine

PAGE_SIZE = 1000


def search_all(
    engine: SearchEngine,
    index: str,
    query: dict[str, Any],
    sort: list[dict[str, Any]],
    page_size: int = PAGE_SIZE,
    source: Any = True,
) -> Iterator[dict[str, Any]]:
    """Every hit of `query` in `sort` order; `sort` must end in a unique keyword field."""
    after: list[Any] | None = None
    while True:
        body: dict[str, Any] = {
            "query": query,
            "sort": sort,
            "size": page_size,
            "track_total_hits": False,
            "source": source,
        }
        if after is not None:
            body["search_after"] = after
        hits = engine.search(index=index, **body)["hits"]["hits"]
        yield from hits
        if len(hits) < page_size:
            return
        after = hits[-1]["sort"]


def get_source(engine: SearchEngine, index: str, doc_id: str) -> dict[str, Any] | None:
    """The document's source by id (realtime: sees writes before a refresh), or None."""
    try:
        return dict(engine.get(index=index, id=doc_id)["_source"])
    except NotFound:
        return None
