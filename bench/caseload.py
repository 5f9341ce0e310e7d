"""`caseload`: GetCaseload over gRPC for a caseworker with N clients, each with a year of
activities (about 1.5 a week, mixed types and verification states), seeded. Runs the
activities team's benchmark (`services.activities.benchmarks.bench_caseload`)."""

from __future__ import annotations

from bench.report import Goal, Metric
from services.activities.benchmarks import bench_caseload

GOAL_SIZE = 300  # clients in the caseload
QUICK_SIZE = 20
DAYS = 365
CALLS = 200


def run(size: int) -> list[Metric]:
    days, calls = (DAYS, CALLS) if size >= 100 else (60, 10)
    by_name = {m["name"]: m for m in bench_caseload(clients=size, days=days, calls=calls)}
    notes = {"days_of_activities": days, "calls": calls}
    return [
        Metric("caseload.p99", by_name["caseload.p99"]["value"], "ms", size, goal=Goal(max_value=50), notes=notes),
        Metric("caseload.p50", by_name["caseload.p50"]["value"], "ms", size),
    ]
