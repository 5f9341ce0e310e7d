"""Reading what was written: search pages over a point in time, and read-your-writes.

- Search pages: the first page opens a point in time (PIT) on the vacancies alias and every
  later page of that search reads the same snapshot, renewing its keep-alive; the last page
  closes it. The PIT id and the engine's sort values of the last hit travel in the page token
  (`SearchPosition`), so writes between pages neither skip nor repeat a hit. A PIT the engine
  no longer knows (expired after PIT_KEEP_ALIVE without a next page, or a restarted cluster)
  is answered INVALID_ARGUMENT on page_token: search again.
- Read-your-writes: writes never wait for a refresh (`refresh=wait_for` would hold every ingest
  batch, close and expiry up to a refresh interval). The store notes which indices it wrote; a
  read whose answer must include them (search, change stream, the next batch's duplicate
  look-up, expiry) first refreshes just those indices, once. Reads by id are realtime anyway.
  This covers one instance's own writes; another instance sees them after the engine's
  refresh interval (1 s by default).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from services.common.search.engine import NotFound, SearchEngine, SearchEngineError

from ..domain.model import Vacancy
from ..domain.search import SearchCriteria, SearchHit, SearchPage, SearchPosition, expired_page_token
from . import elasticsearch_search as s


class OwnWrites:
    """The indices this store wrote since it last refreshed them."""

    def __init__(self, engine: SearchEngine) -> None:
        self._engine = engine
        self._written: set[str] = set()
        self._lock = threading.Lock()

    def wrote(self, *indices: str) -> None:
        with self._lock:
            self._written.update(indices)

    def make_visible(self) -> None:
        """One refresh of every index written since the last one; nothing when none was."""
        with self._lock:
            names = sorted(self._written)
            self._written.clear()  # before the refresh: a write finishing meanwhile is noted again
        if not names:
            return
        try:
            self._engine.refresh(index=",".join(names))
        except SearchEngineError:
            self.wrote(*names)  # still unseen: the next read tries again
            raise


def search_page(
    engine: SearchEngine,
    own_writes: OwnWrites,
    index: str,
    criteria: SearchCriteria,
    page_size: int,
    after: SearchPosition | None,
    load: Callable[[Sequence[dict[str, Any]]], list[Vacancy]],
) -> SearchPage:
    if after is None:
        own_writes.make_visible()  # a new search sees everything this instance wrote before it
        pit = engine.open_point_in_time(index=index, keep_alive=s.PIT_KEEP_ALIVE)
    elif after.pit and after.total is not None:
        pit = after.pit
    else:
        raise expired_page_token()  # a position without a snapshot is not one this adapter issued
    try:
        answer = engine.search(track_scores=True, **s.search_request(criteria, page_size, pit, after))
    except NotFound:
        if after is None:
            _close_quietly(engine, pit)
            raise
        raise expired_page_token() from None
    except BaseException:
        if after is None:
            _close_quietly(engine, pit)
        raise
    pit = answer.get("pit_id") or pit  # the engine may hand out a new id; the latest is the one to use
    hits = answer["hits"]["hits"]
    page, more = hits[:page_size], len(hits) > page_size
    total = int(answer["hits"]["total"]["value"]) if after is None else int(after.total or 0)
    vacancies = load([hit["_source"] for hit in page])
    found = tuple(
        SearchHit(
            vacancy=vacancy,
            score=round(hit.get("_score") or 0.0, 6),
            distance_km=s.distance_of(criteria, hit["_source"]),
            sort_key=s.sort_key_of(criteria.sort, hit["sort"]),
        )
        for hit, vacancy in zip(page, vacancies, strict=True)
    )
    facets = s.facets_of(answer["aggregations"]) if criteria.include_facets else {}
    position = None
    if more and page:
        position = SearchPosition(after=tuple(page[-1]["sort"]), pit=pit, total=total)
    else:
        _close_quietly(engine, pit)  # the last page: free the snapshot now, not after the keep-alive
    return SearchPage(hits=found, total_count=total, facets=facets, has_more=more, next_position=position)


def _close_quietly(engine: SearchEngine, pit: str) -> None:
    """Closing only frees the snapshot early; if it fails, the keep-alive frees it."""
    try:
        engine.close_point_in_time(pit)
    except SearchEngineError:
        pass
