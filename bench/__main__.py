"""`python -m bench NAME [--size N] [--quick]`: run benchmarks, print JSON lines then a table.

NAME is one of the benchmarks below or `all`. Every metric is one JSON object on stdout; the
readable table goes to stderr, so stdout stays machine-readable. `all` runs each benchmark in
a fresh interpreter, one after the other: GC tuning, threads and memory of one benchmark must
not colour the next. Each benchmark measures its baseline in its own process, as the goals say.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from typing import Any

from bench.report import emit, print_table

# name -> module under bench/ with GOAL_SIZE, QUICK_SIZE and run(size) -> list[Metric]
BENCHMARKS = {
    "ingest": "bench.ingest",
    "import": "bench.import_jsonld",
    "reverse-match": "bench.reverse_match",
    "index-memory": "bench.index_memory",
    "feed": "bench.feed",
    "log-activity": "bench.log_activity",
    "event-latency": "bench.event_latency",
    "caseload": "bench.caseload",
    "replica-consume": "bench.replica_consume",
    "gateway-feed": "bench.gateway_feed",
    "observability": "bench.observability",
}


def run_here(name: str, size: int | None, quick: bool) -> list[dict[str, Any]]:
    module = importlib.import_module(BENCHMARKS[name])
    size = size if size is not None else (module.QUICK_SIZE if quick else module.GOAL_SIZE)
    print(f"bench: {name} at size {size:,} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    rows = []
    for metric in module.run(size):
        emit(metric)
        rows.append(metric.as_json())
    print(f"bench: {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return rows


def run_in_child(name: str, quick: bool) -> list[dict[str, Any]]:
    argv = [sys.executable, "-m", "bench", name, "--no-table", *(["--quick"] if quick else [])]
    child = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=False)  # stderr passes through
    rows = []
    for line in child.stdout.splitlines():
        if line.strip():
            rows.append(json.loads(line))
            print(line, flush=True)
    if child.returncode != 0:
        raise RuntimeError(f"exit code {child.returncode}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("name", choices=[*BENCHMARKS, "all"])
    parser.add_argument("--size", type=int, default=None, help="size instead of the goal size (one benchmark only)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the harness, measures nothing")
    parser.add_argument("--no-table", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size is not None and args.name == "all":
        parser.error("--size needs one benchmark name")
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    failed: list[str] = []
    names = list(BENCHMARKS) if args.name == "all" else [args.name]
    for name in names:
        try:
            rows += run_in_child(name, args.quick) if args.name == "all" else run_here(name, args.size, args.quick)
        except Exception as exc:  # noqa: BLE001 - report it and go on with the other benchmarks
            import traceback

            traceback.print_exc()
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    if not args.no_table:
        kind = "quick" if args.quick else ("size " + f"{args.size:,}" if args.size else "goal sizes")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print_table(rows, f"jobmatch benchmarks ({kind}, {time.perf_counter() - started:.0f} s, load avg {load})")
    for failure in failed:
        print(f"bench: FAILED {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
