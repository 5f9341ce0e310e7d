"""The vacancies search-engine store on a test leg (osmem or real Elasticsearch), and a call recorder.

osmem (0.1.6) has no Dutch stemmer and does not fail soft: a field analysed with a stemmer it
lacks gets no terms, and every `match` on it answers every document. So the osmem leg migrates
`index_specs(dutch_stemmer=False)` (the production mapping with the stemmer left out), as the
embedded stack must; the adapter and its queries are the same. Tests that need stemming are
strict-xfail on osmem (OSMEM_NO_DUTCH_STEMMER) and run on the Elasticsearch leg.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from search_legs import search_leg

from services.common.search.indices import IndexSpec

URN = "urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies"
OSMEM_NO_DUTCH_STEMMER = (
    "osmem has no Dutch stemmer (its analyzer answers 'the stemmer language [dutch] is not "
    "supported'); the osmem leg runs the .nl fields unstemmed — covered by the elasticsearch leg"
)


def index_specs(kind: str) -> list[IndexSpec]:
    from services.common.search.counters import COUNTERS_INDEX
    from services.common.search.outbox import outbox_index_spec
    from services.vacancies.adapters import elasticsearch_mappings as m

    return [*m.index_specs(dutch_stemmer=kind != "osmem"), COUNTERS_INDEX, outbox_index_spec("vacancies")]


@contextmanager
def search_store(kind: str, tmp_path: Path, wrap: Any = None) -> Iterator[Any]:
    """An ElasticsearchVacancyStore on a fresh leg; `wrap(engine)` may put a recorder around the engine."""
    from services.common.search.outbox import EngineOutbox
    from services.vacancies.adapters.elasticsearch_store import ElasticsearchVacancyStore

    with search_leg(kind, index_specs(kind)) as (engine, prefix):
        # The outbox talks to the engine itself: its calls are not the store's to record.
        store = ElasticsearchVacancyStore(
            wrap(engine) if wrap else engine, prefix, EngineOutbox(engine, prefix, "vacancies", URN)
        )
        try:
            yield store
        finally:
            store.close_store()


class RecordingEngine:
    """The real engine, with every call noted as (method, index, refresh): osmem shows writes
    before any refresh, so only the calls can tell whether a read refreshed first."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.calls: list[tuple[str, str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._engine, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, str(kwargs.get("index", "")), kwargs.get("refresh", False)))
            return attribute(*args, **kwargs)

        return call

    def since(self, mark: int) -> list[tuple[str, str, Any]]:
        return self.calls[mark:]
