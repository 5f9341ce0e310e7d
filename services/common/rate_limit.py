"""Per-token rate limit on writes: a token bucket per (role, subject)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

READ_PREFIXES = ("Get", "List", "Search")


def is_write(method: str) -> bool:
    """Our RPC names say what they do: Get*/List*/Search* read, everything else writes."""
    return not method.rsplit("/", 1)[-1].startswith(READ_PREFIXES)


class TokenBuckets:
    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 100_000:  # forget idle callers rather than grow without bound
                self._buckets.clear()
            return True
