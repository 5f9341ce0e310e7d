"""The processing log (register of processing per data subject) on Elasticsearch.

Implements `services.common.processing_log.ProcessingLog`. One index for all services (the
`service` field tells them apart). Records keep their write order through `write_seq`
(nanoseconds, strictly increasing per process), as SQLite keeps it through its rowid.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from services.common.processing_log import ProcessingRecord

from .bulk import bulk_write, index_op
from .engine import SearchEngine
from .indices import IndexSpec

_KEYWORDS = (
    "trace_id",
    "span_id",
    "name",
    "status",
    "processing_activity_id",
    "data_subject_id",
    "data_subject_id_type",
    "actor",
    "service",
)

PROCESSING_LOG_INDEX = IndexSpec(
    name="processing-log",
    version=1,
    mappings={
        "dynamic": "strict",
        "properties": {
            **{name: {"type": "keyword"} for name in _KEYWORDS},
            "start_time": {"type": "date"},
            "end_time": {"type": "date"},
            "write_seq": {"type": "long"},
        },
    },
    settings={"number_of_shards": 1, "refresh_interval": "1s"},
)


INDEX_SPECS = (PROCESSING_LOG_INDEX,)


def subject_query(data_subject_id: str) -> dict[str, Any]:
    return {"term": {"data_subject_id": data_subject_id}}


def list_request(data_subject_id: str, limit: int, offset: int) -> dict[str, Any]:
    return {
        "query": subject_query(data_subject_id),
        "sort": [{"write_seq": "asc"}],
        "from_": offset,
        "size": limit,
        "track_total_hits": False,
    }


class SearchProcessingLog:
    def __init__(self, client: SearchEngine, prefix: str) -> None:
        self._client = client
        self._alias = PROCESSING_LOG_INDEX.alias(prefix)
        self._lock = threading.Lock()
        self._last = 0

    def _next_seq(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, time.time_ns())
            return self._last

    def write(self, record: ProcessingRecord) -> None:
        self.write_many([record])

    def write_many(self, records: Sequence[ProcessingRecord]) -> None:
        operations: list[dict[str, Any]] = []
        for record in records:
            operations += index_op(
                self._alias, uuid.uuid4().hex, {**record.model_dump(mode="json"), "write_seq": self._next_seq()}
            )
        # The log is append-only and read rarely: no refresh on the request path.
        bulk_write(self._client, operations, refresh=False)

    def write_for_subjects(self, record: ProcessingRecord, subject_ids: Sequence[str]) -> None:
        self.write_many([record.model_copy(update={"data_subject_id": s}) for s in subject_ids])

    def list_for_subject(self, data_subject_id: str, limit: int = 1000, offset: int = 0) -> list[ProcessingRecord]:
        self._client.refresh(index=self._alias)  # an inspection must see what was just written
        hits = self._client.search(index=self._alias, **list_request(data_subject_id, limit, offset))["hits"]["hits"]
        return [ProcessingRecord(**{k: v for k, v in hit["_source"].items() if k != "write_seq"}) for hit in hits]

    def erase_subject(self, data_subject_id: str) -> int:
        result = self._client.delete_by_query(
            index=self._alias, query=subject_query(data_subject_id), refresh=True, conflicts="proceed"
        )
        return int(result["deleted"])

    def close(self) -> None:
        """The client is shared with the stores; whoever made it closes it."""
