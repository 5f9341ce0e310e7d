"""`log-activity`: LogActivity unary RPCs from 4 concurrent client threads against the real
activities server (SQLite store, processing log, interceptor chain); baseline: an empty
LogActivity on the same server setup. Runs the activities team's benchmark
(`services.activities.benchmarks.bench_log_activity`) and states its goals."""

from __future__ import annotations

from bench.report import Goal, Metric
from services.activities.benchmarks import bench_log_activity

GOAL_SIZE = 4_000  # calls, split over the threads
QUICK_SIZE = 200
THREADS = 4


def run(size: int) -> list[Metric]:
    throughput, p99 = bench_log_activity(calls=size, threads=THREADS)
    return [
        Metric("log-activity.throughput", throughput["value"], throughput["unit"], throughput["size"],
               baseline_value=throughput["baseline"], ratio=throughput["ratio"], goal=Goal(min_ratio=0.5),
               notes={"threads": THREADS}),
        Metric("log-activity.p99", p99["value"], p99["unit"], p99["size"], baseline_value=p99["baseline"],
               ratio=p99["baseline"] / p99["value"] if p99["value"] else None, goal=Goal(max_value=10)),
    ]
