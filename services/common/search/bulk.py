"""Bulk writes with per-item error handling.

The `_bulk` API answers 200 even when some items failed; each item carries its own status.
`bulk_write` raises `BulkError` naming every failed item (conflicts separately, so callers
that race on `if_seq_no` can retry just those) instead of silently losing writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .engine import Refresh, SearchEngine
from .retry import TRANSIENT_STATUSES

__all__ = ["BulkError", "ItemFailure", "Refresh", "bulk_write", "delete_op", "index_op", "item_failures"]


@dataclass(frozen=True)
class ItemFailure:
    action: str
    index: str
    id: str
    status: int
    reason: str


class BulkError(RuntimeError):
    def __init__(self, failures: list[ItemFailure]) -> None:
        self.failures = failures
        first = failures[0]
        super().__init__(
            f"{len(failures)} bulk item(s) failed; first: {first.action} {first.index}/{first.id} "
            f"status {first.status}: {first.reason}"
        )

    @property
    def conflicts(self) -> list[ItemFailure]:
        return [f for f in self.failures if f.status == 409]

    @property
    def transient(self) -> bool:
        """Every item failed only for load (429/502/503/504, after the engine's retries): a
        consumer pauses and tries the event again rather than dead-lettering it."""
        return all(f.status in TRANSIENT_STATUSES for f in self.failures)


def index_op(index: str, doc_id: str, document: dict[str, Any], **meta: Any) -> list[dict[str, Any]]:
    return [{"index": {"_index": index, "_id": doc_id, **meta}}, document]


def delete_op(index: str, doc_id: str) -> list[dict[str, Any]]:
    return [{"delete": {"_index": index, "_id": doc_id}}]


def item_failures(response: dict[str, Any], *, ignore_missing_deletes: bool = True) -> list[ItemFailure]:
    """The failed items of a `_bulk` response (a delete of a missing doc is not a failure)."""
    failures = []
    for item in response.get("items", []):
        ((action, result),) = item.items()
        status = int(result.get("status", 0))
        if status < 300:
            continue
        if action == "delete" and status == 404 and ignore_missing_deletes:
            continue
        error = result.get("error", {})
        reason = error.get("reason", "") if isinstance(error, dict) else str(error)
        failures.append(ItemFailure(action, result.get("_index", ""), str(result.get("_id", "")), status, reason))
    return failures


def bulk_write(
    engine: SearchEngine, operations: Sequence[dict[str, Any]], *, refresh: Refresh = False
) -> dict[str, Any]:
    """Items that failed with 429/503 were already retried by the engine, with backoff."""
    if not operations:
        return {"items": []}
    response = engine.bulk(operations=list(operations), refresh=refresh)
    if response.get("errors"):
        failures = item_failures(response)
        if failures:
            raise BulkError(failures)
    return response
