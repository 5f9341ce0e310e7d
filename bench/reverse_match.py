"""`reverse-match`: which of N active profiles does one vacancy match?

Measures `ProfileMatchIndex.find_matching` (the matching service's in-memory index, the
same call `SqliteMatchingStore.find_matching` makes under its lock) for many vacancies against
two baselines, on the same vacancies:
- `bench.numpy_scan.NumpyScan`, a tuned numpy full scan, timed interleaved with the index
  query by query (which goes first alternates), so a busy machine slows both alike;
- `ranking.brute_force_matches` (the rules on every profile) on a few vacancies, pair by pair.
Every answer is compared: the benchmark fails loudly if the index disagrees with either.
Both the index (`matches`) and the scan answer with columns (`ranking.ProfileMatches`); the
cost of building every `ProfileMatch` object of an answer is measured apart (`to_list`).
CPU time of this thread is measured beside wall time for both, so a busy machine shows.
Index memory is the growth of the process RSS while the index is built (the profiles' client
ids, shared with the criteria objects the baselines need, are added by size); `index-memory`
measures it at the P6 size without baselines.
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import time
from datetime import UTC, datetime

from bench.data import profile_criteria, vacancy_criteria
from bench.numpy_scan import NumpyScan
from bench.report import REPEATS, Goal, Metric, median, percentile, rss_bytes
from services.matching.domain import reverse_query
from services.matching.domain.profile_index import ProfileMatchIndex
from services.matching.domain.ranking import brute_force_matches

GOAL_SIZE = 1_000_000
QUICK_SIZE = 2_000
QUERIES = 500
BRUTE_FORCE_QUERIES = 8
UPDATED_QUERIES = 200
MIB = 1 << 20


def run(size: int) -> list[Metric]:
    now = datetime.now(UTC)
    today = now.date()
    started = time.perf_counter()
    profiles = list(profile_criteria(size, now))
    generated_seconds = time.perf_counter() - started
    queries = list(vacancy_criteria(QUERIES if size >= 10_000 else 50, now, seed=13, prefix="v-rev"))

    gc.collect()
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = ProfileMatchIndex()
    for profile in profiles:
        index.upsert(profile)
    build_seconds = time.perf_counter() - started
    gc.collect()
    index_bytes = rss_bytes() - rss_before + sum(sys.getsizeof(p.client_id) for p in profiles)

    started = time.perf_counter()
    scan = NumpyScan(profiles)
    scan_build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    reverse_query.warm_up()  # what the service does at start: compiled or loaded from numba's cache
    warm_up_seconds = time.perf_counter() - started
    for vac in queries[:20]:  # warm-up
        index.matches(vac, today)
        scan.find_matching(vac, today)
    rounds = []  # (p99, p50, cpu p99, cpu p50, scan p99, scan p50, scan cpu p50, to_list p50) per round
    for round_number in range(REPEATS):
        latencies, cpu, found, scan_latencies, scan_cpu, to_list = [], [], [], [], [], []
        for number, vac in enumerate(queries):
            scan_first = number % 2 == 1
            # The wall clock is read innermost: the CPU clock is a system call (~0.2 us), outside.
            if scan_first:
                c0 = time.thread_time()
                t0 = time.perf_counter()
                expected = scan.find_matching(vac, today)
                scan_latencies.append(time.perf_counter() - t0)
                scan_cpu.append(time.thread_time() - c0)
            c0 = time.thread_time()
            t0 = time.perf_counter()
            matches = index.matches(vac, today)
            latencies.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            if not scan_first:
                c0 = time.thread_time()
                t0 = time.perf_counter()
                expected = scan.find_matching(vac, today)
                scan_latencies.append(time.perf_counter() - t0)
                scan_cpu.append(time.thread_time() - c0)
            c0 = time.thread_time()
            matches.to_list()
            to_list.append(time.thread_time() - c0)
            if round_number == 0 and matches != expected:
                raise AssertionError(f"index and numpy scan disagree for {vac.vacancy.vacancy_id}")
            found.append(len(matches))
        rounds.append(
            (
                percentile(latencies, 0.99),
                percentile(latencies, 0.5),
                percentile(cpu, 0.99),
                percentile(cpu, 0.5),
                percentile(scan_latencies, 0.99),
                percentile(scan_latencies, 0.5),
                percentile(scan_cpu, 0.5),
                percentile(to_list, 0.5),
            )
        )
    p99, p50, cpu_p99, cpu_p50, scan_p99, scan_p50, scan_cpu_p50, to_list_p50 = (
        median([r[i] for r in rounds]) for i in range(8)
    )

    paired_index, paired_brute = 0.0, 0.0
    for vac in queries[:BRUTE_FORCE_QUERIES]:
        t0 = time.perf_counter()
        expected = brute_force_matches(profiles, vac, today)
        paired_brute += time.perf_counter() - t0
        t0 = time.perf_counter()
        got = index.matches(vac, today)
        paired_index += time.perf_counter() - t0
        if got != expected:
            raise AssertionError(f"index and brute force disagree for {vac.vacancy.vacancy_id}")

    # Profiles change while vacancies arrive: one profile update before each query, so an index
    # that rebuilds lazily after writes shows it here (informative, no goal).
    updated = queries[:UPDATED_QUERIES]
    updates = list(profile_criteria(len(updated), now, seed=14))
    updated_latencies = []
    for vac, profile in zip(updated, updates, strict=True):
        index.upsert(profile)
        t0 = time.perf_counter()
        index.matches(vac, today)
        updated_latencies.append(time.perf_counter() - t0)

    n_pairs = min(BRUTE_FORCE_QUERIES, len(queries))
    index_ms, brute_ms = paired_index / n_pairs * 1000, paired_brute / n_pairs * 1000
    notes = {
        "queries": len(queries),
        "matches_per_query_mean": round(sum(found) / len(found), 1),
        "matches_per_query_max": max(found),
        "profile_generation_s": round(generated_seconds, 1),
        "index_build_s": round(build_seconds, 1),
        "numpy_scan_build_s": round(scan_build_seconds, 1),
        "warm_up_s": round(warm_up_seconds, 2),
        "load_avg_1m": round(os.getloadavg()[0], 1),
        # CPU time of this thread: what the code costs, without waits for a shared, busy machine.
        "cpu_p99_ms": round(cpu_p99 * 1000, 2),
        "cpu_p50_ms": round(cpu_p50 * 1000, 2),
        "to_list_p50_ms": round(to_list_p50 * 1000, 3),  # every ProfileMatch object of an answer
        "p99_ms_per_round": [round(r[0] * 1000, 2) for r in rounds],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    return [
        Metric("reverse-match.p99", p99 * 1000, "ms", size, goal=Goal(max_value=5), notes=notes),
        Metric("reverse-match.p50", p50 * 1000, "ms", size),
        Metric(
            "reverse-match.vs-numpy-scan",
            p50 * 1000,
            "ms",
            size,
            baseline_value=scan_p50 * 1000,
            ratio=scan_p50 / p50 if p50 else None,
            goal=Goal(min_ratio=10),
            notes={
                "interleaved_queries": len(queries) * REPEATS,
                "scan_p99_ms": round(scan_p99 * 1000, 2),
                "cpu_ratio_p50": round(scan_cpu_p50 / cpu_p50, 1) if cpu_p50 else None,
                "p99_ratio": round(scan_p99 / p99, 1) if p99 else None,
            },
        ),
        Metric(
            "reverse-match.vs-brute-force",
            index_ms,
            "ms",
            size,
            baseline_value=brute_ms,
            ratio=brute_ms / index_ms if index_ms else None,
            goal=Goal(min_ratio=1000),
            notes={"paired_queries": n_pairs},
        ),
        Metric(
            "reverse-match.p99-with-updates",
            percentile(updated_latencies, 0.99) * 1000,
            "ms",
            size,
            notes={"queries": len(updated_latencies), "one_profile_upsert_before_each": True},
        ),
        # The memory goal (P6) is at 2 M profiles: `index-memory`.
        Metric("reverse-match.index-rss", index_bytes / MIB, "MiB", size),
    ]
