"""`jobmatch search migrate` upgrading an index while writers keep writing, on osmem.

The upgrade copies 50 000 documents with a reindex task while a writer keeps writing through
the alias. Writes that arrive during the copy are refused as retryable (write block) and the
writer retries them, so every accepted write ends up in the new index; the alias moves once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from search_legs import osmem_cluster

from services.common.search.bulk import bulk_write, index_op
from services.common.search.client import Connection, create_engine
from services.common.search.engine import EngineUnavailable, SearchEngine
from services.common.search.indices import IndexSpec, ReindexWatch, migrate

PREFIX = "jobmatch-test"
V1 = IndexSpec("things", 1, {"dynamic": "strict", "properties": {"n": {"type": "long"}, "k": {"type": "keyword"}}})
V2 = IndexSpec(
    "things",
    2,
    {"dynamic": "strict", "properties": {"n": {"type": "long"}, "k": {"type": "keyword"}, "note": {"type": "text"}}},
)
DOCUMENTS = 50_000


class CountingAliasMoves:
    """The real engine, counting `update_aliases` calls (how often the alias moved)."""

    def __init__(self, engine: SearchEngine) -> None:
        self._engine = engine
        self.alias_updates: list[list[dict[str, Any]]] = []

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self.alias_updates.append(actions)
        self._engine.update_aliases(actions)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def keep_writing(
    engine: SearchEngine, alias: str, stop: threading.Event, accepted: list[str], refused: list[str]
) -> None:
    """Write new documents until told to stop; a refused write is tried again, as callers do."""
    n = 0
    while not stop.is_set():
        doc_id = f"live-{n}"
        try:
            engine.index(index=alias, id=doc_id, document={"n": DOCUMENTS + n, "k": "live"})
        except EngineUnavailable:
            refused.append(doc_id)
            continue  # the copy is running: the same write again, like a consumer's retry
        accepted.append(doc_id)
        n += 1


def wait_for(condition: Any) -> None:
    while not condition():
        time.sleep(0.01)


def test_an_upgrade_during_writes_loses_nothing_and_moves_the_alias_once() -> None:
    with osmem_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        migrate(engine, [V1], PREFIX)
        alias = V1.alias(PREFIX)
        for start in range(0, DOCUMENTS, 5_000):
            bulk_write(
                engine,
                [
                    line
                    for n in range(start, start + 5_000)
                    for line in index_op(alias, f"doc-{n}", {"n": n, "k": "seed"})
                ],
            )
        writer_engine = create_engine(Connection(url=url, kind="opensearch"))
        stop, accepted, refused = threading.Event(), [], []
        writer = threading.Thread(target=keep_writing, args=(writer_engine, alias, stop, accepted, refused))
        writer.start()
        counting = CountingAliasMoves(engine)
        try:
            wait_for(lambda: len(accepted) >= 50)  # writing before the upgrade starts ...
            done = migrate(counting, [V2], PREFIX, ReindexWatch(poll_seconds=0.05))  # type: ignore[arg-type]
            after_upgrade = len(accepted)
            wait_for(lambda: len(accepted) >= after_upgrade + 50)  # ... and still after it
        finally:
            stop.set()
            writer.join(timeout=120)
        assert not writer.is_alive()

        assert engine.alias_targets(alias) == [V2.index(PREFIX)]
        assert len(counting.alias_updates) == 1, counting.alias_updates
        assert any(line.startswith(f"reindexed {V1.index(PREFIX)} -> {V2.index(PREFIX)} (") for line in done), done
        engine.refresh(index=alias)
        assert engine.count(index=alias, query={"term": {"k": "seed"}}) == DOCUMENTS
        live = {
            hit["_id"]
            for hit in engine.search(index=alias, query={"term": {"k": "live"}}, size=10_000, source=False)["hits"][
                "hits"
            ]
        }
        assert set(accepted) == live  # every accepted write, none invented
        print(f"{len(accepted)} writes accepted during the test, {len(refused)} refused and retried")
        # The old index stays (roll back = swap back) and takes writes again.
        engine.index(index=V1.index(PREFIX), id="after", document={"n": -1, "k": "old"})
        writer_engine.close()
        engine.close()
