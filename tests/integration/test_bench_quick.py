"""`python -m bench all --quick` runs every benchmark at a tiny size, so the harness never rots.
No timing assertions: only that it runs and prints the metrics it promises, as JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
EXPECTED = {
    "ingest.throughput",
    "ingest.stored-throughput",
    "reverse-match.p99",
    "reverse-match.p50",
    "reverse-match.vs-brute-force",
    "reverse-match.vs-numpy-scan",
    "index-memory.rss",
    "reverse-match.index-rss",
    "reverse-match.p99-with-updates",
    "feed.p99",
    "feed.p50",
    "log-activity.throughput",
    "log-activity.p99",
    "event-latency.p95",
    "event-latency.p50",
    "caseload.p99",
    "caseload.p50",
    "caseload.first_call",
    "caseload.changed_p99",
    "replica-consume.vacancy-events-per-s",
    "import.jsonld-throughput",
    "observability.log-activity-throughput",
    "gateway-feed.p99",
}
FIELDS = {"name", "value", "unit", "baseline_value", "ratio", "size", "goal", "met", "python", "packages"}


class TestBenchQuick:
    def test_every_benchmark_prints_its_metrics_as_json_lines(self, tmp_path: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "bench", "all", "--quick"],
            cwd=REPO,
            capture_output=True,
            check=False,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        metrics = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        assert {m["name"] for m in metrics} == EXPECTED
        for metric in metrics:
            assert metric.keys() >= FIELDS, metric
            assert isinstance(metric["value"], (int, float)), metric
            assert metric["size"] > 0, metric
        assert "jobmatch benchmarks" in done.stderr  # the table, apart from the JSON lines

    def test_an_unknown_benchmark_is_refused(self) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "bench", "nope"], cwd=REPO, capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 2
        assert "invalid choice" in done.stderr
