"""`caseload`: GetCaseload over gRPC for a caseworker with N clients, each with a year of
activities (about 1.5 a week, mixed types and verification states), seeded. Runs the
activities team's benchmark (`bench.activities_server.bench_caseload`) REPEATS times
(fresh server and store each time) and reports the median round."""

from __future__ import annotations

from bench.activities_server import bench_caseload
from bench.report import REPEATS, Goal, Metric, median

GOAL_SIZE = 1_000  # clients in the caseload (issue 20)
QUICK_SIZE = 20
DAYS = 365
CALLS = 200


def run(size: int) -> list[Metric]:
    days, calls, repeats = (DAYS, CALLS, REPEATS) if size >= 100 else (60, 10, 1)
    rounds = [
        {m["name"]: m["value"] for m in bench_caseload(clients=size, days=days, calls=calls)} for _ in range(repeats)
    ]
    notes = {
        "days_of_activities": days,
        "calls_per_round": calls,
        "p99_ms_per_round": [r["caseload.p99"] for r in rounds],
    }
    return [
        Metric(
            "caseload.p99",
            median([r["caseload.p99"] for r in rounds]),
            "ms",
            size,
            goal=Goal(max_value=50),
            notes=notes,
        ),
        Metric("caseload.p50", median([r["caseload.p50"] for r in rounds]), "ms", size),
    ]
