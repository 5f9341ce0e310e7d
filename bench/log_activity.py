"""`log-activity`: LogActivity unary RPCs from 4 concurrent client threads against the real
activities server (SQLite store, processing log, interceptor chain); baseline: an empty
LogActivity on the same server setup. Runs the activities team's benchmark
(`bench.activities_server.bench_log_activity`) REPEATS times, each time with a fresh
server and store, and reports the median round; every round's figures are in the notes."""

from __future__ import annotations

from bench.activities_server import bench_log_activity
from bench.report import REPEATS, Goal, Metric, median

GOAL_SIZE = 4_000  # calls per round, split over the threads
QUICK_SIZE = 200
THREADS = 4


def run(size: int) -> list[Metric]:
    rounds = [bench_log_activity(calls=size, threads=THREADS) for _ in range(REPEATS if size >= 1000 else 1)]
    # The round with the median ratio gives the throughput line; p99 is the median of the rounds' p99.
    by_ratio = sorted(rounds, key=lambda r: r[0]["ratio"])
    throughput = by_ratio[len(by_ratio) // 2][0]
    p99 = median([r[1]["value"] for r in rounds])
    baseline_p99 = median([r[1]["baseline"] for r in rounds])
    return [
        Metric(
            "log-activity.throughput",
            throughput["value"],
            throughput["unit"],
            throughput["size"],
            baseline_value=throughput["baseline"],
            ratio=throughput["ratio"],
            goal=Goal(min_ratio=0.5),
            notes={"threads": THREADS, "ratio_per_round": [r[0]["ratio"] for r in rounds]},
        ),
        Metric(
            "log-activity.p99",
            p99,
            "ms",
            throughput["size"],
            baseline_value=baseline_p99,
            ratio=baseline_p99 / p99 if p99 else None,
            goal=Goal(max_value=10),
            notes={
                "p99_ms_per_round": [r[1]["value"] for r in rounds],
                "baseline_p99_ms_per_round": [r[1]["baseline"] for r in rounds],
            },
        ),
    ]
