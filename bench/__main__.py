"""`python -m bench NAME [--size N] [--quick]`: run benchmarks, print JSON lines then a table.

NAME is one of the benchmarks below or `all`. Every metric is one JSON object on stdout; the
readable table goes to stderr, so stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench.report import Metric, emit, print_table

# name -> module under bench/ with GOAL_SIZE, QUICK_SIZE and run(size) -> list[Metric]
BENCHMARKS = {
    "ingest": "bench.ingest",
    "reverse-match": "bench.reverse_match",
    "feed": "bench.feed",
    "log-activity": "bench.log_activity",
    "event-latency": "bench.event_latency",
    "caseload": "bench.caseload",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", choices=[*BENCHMARKS, "all"])
    parser.add_argument("--size", type=int, default=None, help="size instead of the goal size (one benchmark only)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the harness, measures nothing")
    args = parser.parse_args(argv)
    if args.size is not None and args.name == "all":
        parser.error("--size needs one benchmark name")
    names = list(BENCHMARKS) if args.name == "all" else [args.name]
    metrics: list[Metric] = []
    failed: list[str] = []
    started = time.perf_counter()
    for name in names:
        module = importlib.import_module(BENCHMARKS[name])
        size = args.size if args.size is not None else (module.QUICK_SIZE if args.quick else module.GOAL_SIZE)
        print(f"bench: {name} at size {size:,} ...", file=sys.stderr, flush=True)
        one_started = time.perf_counter()
        try:
            results = module.run(size)
        except Exception as exc:  # noqa: BLE001 - report it and go on with the other benchmarks
            import traceback

            traceback.print_exc()
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        for metric in results:
            emit(metric)
        metrics.extend(results)
        print(f"bench: {name} done in {time.perf_counter() - one_started:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print_table(metrics, f"jobmatch benchmarks ({'quick' if args.quick else 'goal sizes'}, {elapsed:.0f} s)")
    for failure in failed:
        print(f"bench: FAILED {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
