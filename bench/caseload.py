"""`caseload`: GetCaseload over gRPC for a caseworker with N clients, each with a year of
activities (about 1.5 a week, mixed types and verification states), seeded. Runs the
activities team's benchmark (`bench.activities_server.bench_caseload`) REPEATS times
(fresh server and store each time) and reports the median round.

The goal is on repeated calls: the service keeps each client's assessment while the client's
data and the day stay the same. Reported beside it: the first call of a round (every client
assessed: after a start, or the first call of a day) and calls after 1 % of the clients each
logged an activity."""

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
        {m["name"]: m for m in bench_caseload(clients=size, days=days, calls=calls, changed=max(size // 100, 1))}
        for _ in range(repeats)
    ]

    def values(name: str) -> list[float]:
        return [r[name]["value"] for r in rounds]

    notes = {
        "days_of_activities": days,
        "calls_per_round": calls,
        "p99_ms_per_round": values("caseload.p99"),
        "cpu_ms_per_call_per_round": [r["caseload.p99"]["notes"]["cpu_ms_per_call"] for r in rounds],
        "load_per_round": [r["caseload.p99"]["notes"]["load"] for r in rounds],
    }
    changed = rounds[0]["caseload.changed_p99"]["notes"]["changed_per_call"]
    return [
        Metric("caseload.p99", median(values("caseload.p99")), "ms", size, goal=Goal(max_value=50), notes=notes),
        Metric("caseload.p50", median(values("caseload.p50")), "ms", size),
        Metric(
            "caseload.first_call",
            median(values("caseload.first_call")),
            "ms",
            size,
            notes={"per_round": values("caseload.first_call")},
        ),
        Metric(
            "caseload.changed_p99",
            median(values("caseload.changed_p99")),
            "ms",
            size,
            notes={"changed_clients_per_call": changed, "p50_ms": median(values("caseload.changed_p50"))},
        ),
    ]
