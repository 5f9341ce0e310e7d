"""What every service's bootstrap needs to run on a search engine: the engine (checked at
start), the check that `jobmatch search migrate` has created the indices this code expects,
the processing log and the consumers' shared processed-event ids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.common.search import processed as search_processed
from services.common.search import processing_log as search_processing_log
from services.common.search.client import engine_from_settings
from services.common.search.engine import SearchEngine
from services.common.search.indices import IndexSpec, require_current
from services.common.search.processed import SearchProcessedEvents
from services.common.search.processing_log import SearchProcessingLog
from services.common.settings import Settings


@dataclass(frozen=True)
class SearchConnection:
    engine: SearchEngine
    prefix: str
    processing_log: SearchProcessingLog

    def processed_events(self, group: str) -> SearchProcessedEvents:
        """The dedupe memory of consumer group `group`, shared by all its replicas."""
        return SearchProcessedEvents(self.engine, self.prefix, group)


def connect(
    settings: Settings, index_specs: Sequence[IndexSpec], engine: SearchEngine | None = None
) -> SearchConnection:
    """Refuses to start (with what to fix) when the engine cannot be used or an index is missing
    or of another version. `engine`: one the caller built (a test's), instead of the settings'."""
    given = engine is not None
    engine = engine if engine is not None else engine_from_settings(settings)
    prefix = settings.search_index_prefix
    try:
        require_current(
            engine, [*index_specs, *search_processing_log.INDEX_SPECS, *search_processed.INDEX_SPECS], prefix
        )
    except BaseException:
        if not given:  # the caller's engine stays the caller's to close
            engine.close()
        raise
    return SearchConnection(engine, prefix, SearchProcessingLog(engine, prefix))
