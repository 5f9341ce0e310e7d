"""The activities benchmarks run at a tiny size so they never rot (no timing assertions)."""

from __future__ import annotations

from bench.activities_server import bench_caseload, bench_log_activity


class TestBenchmarksQuick:
    def test_log_activity_reports_throughput_against_the_empty_rpc_and_p99(self):
        metrics = {m["name"]: m for m in bench_log_activity(calls=40)}
        assert set(metrics) == {"log-activity.throughput", "log-activity.p99"}
        assert metrics["log-activity.throughput"]["baseline"] > 0 and metrics["log-activity.throughput"]["size"] == 40

    def test_caseload_reports_percentiles_for_the_requested_size(self):
        metrics = {m["name"]: m for m in bench_caseload(clients=5, days=30, calls=3, changed=2)}
        assert set(metrics) == {
            "caseload.p99",
            "caseload.p50",
            "caseload.first_call",
            "caseload.changed_p99",
            "caseload.changed_p50",
        }
        assert metrics["caseload.p99"]["size"] == 5 and metrics["caseload.p99"]["unit"] == "ms"
        assert metrics["caseload.p99"]["notes"]["cpu_ms_per_call"] > 0
        assert metrics["caseload.changed_p99"]["notes"]["changed_per_call"] == 2
