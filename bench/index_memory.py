"""`index-memory`: resident memory of the reverse-matching index at N active profiles (P6).

Profiles are generated one by one and handed straight to `ProfileMatchIndex.upsert`, so the
growth of the process RSS over the build is the index alone (its client id strings included);
the generator's garbage is collected before the second reading.
"""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime

from bench.data import profile_criteria
from bench.report import Goal, Metric, rss_bytes
from services.matching.domain.profile_index import ProfileMatchIndex

GOAL_SIZE = 2_000_000
QUICK_SIZE = 2_000
MIB = 1 << 20


def run(size: int) -> list[Metric]:
    now = datetime.now(UTC)
    gc.collect()
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = ProfileMatchIndex()
    for profile in profile_criteria(size, now):
        index.upsert(profile)
    index.freeze()  # the merged form a long-running service settles into
    seconds = time.perf_counter() - started
    gc.collect()
    grown = rss_bytes() - rss_before
    return [
        Metric(
            "index-memory.rss",
            grown / MIB,
            "MiB",
            size,
            goal=Goal(max_value=1024),
            notes={
                "profiles": len(index),
                "bytes_per_profile": round(grown / max(1, len(index))),
                "generate_and_build_s": round(seconds, 1),
            },
        )
    ]
