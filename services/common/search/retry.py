"""Retries with exponential backoff and full jitter, for load the engine says will pass.

Transient: connection errors and timeouts (for requests that are safe to send twice), HTTP
429/502/503/504, and a write block (`cluster_block_exception`, set while `jobmatch search
migrate` copies an index). Everything else is answered at once. Bulk requests retry only the
items that failed with a transient status, so one overloaded shard does not resend the batch.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_seconds: float = 0.05
    max_seconds: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(max, base * 2**attempt)]."""
        return random.uniform(0.0, min(self.max_seconds, self.base_seconds * (2**attempt)))


def is_transient_item(result: dict[str, Any]) -> bool:
    status = int(result.get("status", 0))
    if status in TRANSIENT_STATUSES:
        return True
    error = result.get("error")
    return status == 403 and isinstance(error, dict) and error.get("type") == "cluster_block_exception"


def bulk_with_item_retries(
    send: Callable[[list[dict[str, Any]]], dict[str, Any]], operations: Sequence[dict[str, Any]], policy: RetryPolicy
) -> dict[str, Any]:
    """Send `operations`; resend only the items that failed transiently, in order, with backoff.

    The answer has one item per action in the original order, each the last answer for it.
    """
    actions = _split_actions(operations)
    results: list[dict[str, Any] | None] = [None] * len(actions)
    pending = list(range(len(actions)))
    took = 0
    for attempt in range(policy.attempts):
        response = send([line for i in pending for line in actions[i]])
        took += int(response.get("took", 0))
        retry = []
        for position, item in zip(pending, response.get("items", []), strict=True):
            results[position] = item
            ((_, result),) = item.items()
            if is_transient_item(result):
                retry.append(position)
        if not retry or attempt == policy.attempts - 1:
            break
        pending = retry
        policy.sleep(policy.delay(attempt))
    items = [r for r in results if r is not None]
    errors = any(int(next(iter(r.values())).get("status", 0)) >= 300 for r in items)
    return {"took": took, "errors": errors, "items": items}


def _split_actions(operations: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Bulk lines grouped per action: `delete` stands alone, the others carry a source line."""
    actions: list[list[dict[str, Any]]] = []
    lines = list(operations)
    i = 0
    while i < len(lines):
        (kind,) = lines[i].keys()
        size = 1 if kind == "delete" else 2
        actions.append(lines[i : i + size])
        i += size
    return actions
