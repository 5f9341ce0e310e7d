"""Benchmarks of the matching service for the bench harness (benchmark issue):

- `reverse-match`: one vacancy against N active profiles (default 1 000 000) in the
  ProfileMatchIndex: p50/p99 per vacancy, the same vacancies by full scan of the same compact
  data (brute force, every profile's rules evaluated), the speed-up, and the index RSS.
- `feed`: top-50 feed (rank + explain the page) over M open vacancies (default 200 000) in
  the VacancyIndex: p50/p99 per client.

Profiles and vacancies are random but realistic (real ESCO occupations, Dutch places
weighted by population, seeded). Each returns metric dicts (name, value, unit, baseline,
ratio, size); `python -m bench.matching_standalone [--quick]` prints them as JSON lines.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from services.common.page_tokens import PageTokens
from services.matching.domain import feed
from services.matching.domain.profile_index import ProfileMatchIndex
from services.matching.domain.rules import compile_vacancy
from services.matching.domain.vacancy_index import VacancyIndex
from services.matching.sample_data import random_profile_criteria, random_vacancy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def build_profile_index(n: int, seed: int = 1) -> ProfileMatchIndex:
    rng = random.Random(seed)
    index = ProfileMatchIndex()
    for i in range(n):
        index.upsert(random_profile_criteria(rng, f"c-{i:07d}"))
    index.freeze()  # sort the postings now, as the first query would
    return index


def build_vacancy_index(m: int, seed: int = 2) -> VacancyIndex:
    rng = random.Random(seed)
    index = VacancyIndex()
    for i in range(m):
        index.upsert(compile_vacancy(random_vacancy(rng, f"vac-{i:07d}", today=TODAY, received_at=NOW)))
    return index


def bench_reverse_match(profiles: int = 1_000_000, queries: int = 1000, scans: int = 5) -> list[dict[str, Any]]:
    gc.collect()
    before = _rss_bytes()
    started = time.perf_counter()
    index = build_profile_index(profiles)
    build_seconds = time.perf_counter() - started
    gc.collect()
    index_rss = _rss_bytes() - before
    gc.freeze()  # as the service does after loading: the long-lived index is not rescanned by the GC
    rng = random.Random(3)
    vacancies = [
        compile_vacancy(random_vacancy(rng, f"vac-q{i}", today=TODAY, received_at=NOW)) for i in range(queries)
    ]
    timings, cpu_timings, counts = [], [], []
    for vac in vacancies:
        t0, c0 = time.perf_counter(), time.thread_time()
        counts.append(len(index.find_matching(vac, TODAY)))
        cpu_timings.append(time.thread_time() - c0)
        timings.append(time.perf_counter() - t0)
    matched = sum(counts)
    scan_timings = []
    for vac in vacancies[:scans]:
        t0 = time.perf_counter()
        expected = index.scan(vac, TODAY)
        scan_timings.append(time.perf_counter() - t0)
        assert expected == index.find_matching(vac, TODAY), "index and brute force disagree"
    p50, p99 = _percentile(timings, 0.5) * 1000, _percentile(timings, 0.99) * 1000
    brute = sum(scan_timings) / len(scan_timings) * 1000
    mean = sum(timings) / len(timings) * 1000
    rules_ms = _rules_brute_force_ms(profiles, vacancies[:scans])
    return [
        {
            "name": "reverse-match cpu p50",
            "value": round(_percentile(cpu_timings, 0.5) * 1000, 3),
            "unit": "ms",
            "size": profiles,
        },
        {
            "name": "reverse-match cpu p99",
            "value": round(_percentile(cpu_timings, 0.99) * 1000, 3),
            "unit": "ms",
            "size": profiles,
        },
        {
            "name": "reverse-match vs rules brute force",
            "value": round(mean, 3),
            "unit": "ms",
            "baseline": round(rules_ms, 1),
            "baseline_name": "rules.evaluate on every profile (measured on a sample, scaled)",
            "ratio": round(rules_ms / mean, 1),
            "size": profiles,
        },
        {"name": "reverse-match p50", "value": round(p50, 3), "unit": "ms", "size": profiles},
        {
            "name": "reverse-match p95",
            "value": round(_percentile(timings, 0.95) * 1000, 3),
            "unit": "ms",
            "size": profiles,
        },
        {"name": "reverse-match p99", "value": round(p99, 3), "unit": "ms", "size": profiles, "goal": "<= 5 ms"},
        {
            "name": "reverse-match mean",
            "value": round(mean, 3),
            "unit": "ms",
            "baseline": round(brute, 1),
            "baseline_name": "full scan (brute force) mean",
            "ratio": round(brute / mean, 1),
            "size": profiles,
            "goal": ">= 1000x",
        },
        {
            "name": "reverse-match matches per vacancy",
            "value": round(matched / len(vacancies), 1),
            "unit": "profiles",
            "size": profiles,
        },
        {
            "name": "reverse-match matches per vacancy p99",
            "value": _percentile(counts, 0.99),
            "unit": "profiles",
            "size": profiles,
        },
        {
            "name": "profile index RSS",
            "value": round(index_rss / 2**20, 1),
            "unit": "MiB",
            "size": profiles,
            "goal": "<= 1024 MiB",
        },
        {"name": "profile index build", "value": round(build_seconds, 1), "unit": "s", "size": profiles},
    ]


def _rules_brute_force_ms(profiles: int, vacancies: list, sample: int = 100_000) -> float:
    """Mean ms per vacancy of `ranking.brute_force_matches` over `profiles` profiles.

    Holding a million ProfileCriteria objects would need gigabytes, so this times a sample of
    `sample` profiles and scales linearly (the brute force is exactly linear in the profiles).
    """
    from services.matching.domain.ranking import brute_force_matches

    rng = random.Random(1)
    sample_profiles = [random_profile_criteria(rng, f"c-{i:07d}") for i in range(min(sample, profiles))]
    t0 = time.perf_counter()
    for vac in vacancies:
        brute_force_matches(sample_profiles, vac, TODAY)
    per_vacancy = (time.perf_counter() - t0) / len(vacancies)
    return per_vacancy * profiles / len(sample_profiles) * 1000


def bench_feed(vacancies: int = 200_000, clients: int = 1000, page_size: int = 50) -> list[dict[str, Any]]:
    index = build_vacancy_index(vacancies)
    gc.collect()
    gc.freeze()
    rng = random.Random(4)
    profiles = [random_profile_criteria(rng, f"c-{i}") for i in range(clients)]
    timings, cpu_timings, shown = [], [], 0
    for profile in profiles:
        t0, c0 = time.perf_counter(), time.thread_time()
        ranked = feed.rank(profile, index.matches(profile), {}, TODAY, None)
        page = feed.page(
            profile, "Utrecht", ranked, feed.FeedCursor(0, None), page_size, TODAY, PageTokens.process_local()
        )
        cpu_timings.append(time.thread_time() - c0)
        timings.append(time.perf_counter() - t0)
        shown += len(page.items)
    return [
        {
            "name": "feed top-50 cpu p50",
            "value": round(_percentile(cpu_timings, 0.5) * 1000, 3),
            "unit": "ms",
            "size": vacancies,
        },
        {
            "name": "feed top-50 cpu p99",
            "value": round(_percentile(cpu_timings, 0.99) * 1000, 3),
            "unit": "ms",
            "size": vacancies,
        },
        {
            "name": "feed top-50 p50",
            "value": round(_percentile(timings, 0.5) * 1000, 3),
            "unit": "ms",
            "size": vacancies,
        },
        {
            "name": "feed top-50 p95",
            "value": round(_percentile(timings, 0.95) * 1000, 3),
            "unit": "ms",
            "size": vacancies,
        },
        {
            "name": "feed top-50 p99",
            "value": round(_percentile(timings, 0.99) * 1000, 3),
            "unit": "ms",
            "size": vacancies,
            "goal": "<= 20 ms",
        },
        {"name": "feed items per page", "value": round(shown / len(profiles), 1), "unit": "items", "size": vacancies},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 profiles, 20 000 vacancies")
    parser.add_argument("--only", choices=["reverse-match", "feed"])
    args = parser.parse_args()
    profiles, vacancies = (100_000, 20_000) if args.quick else (1_000_000, 200_000)
    if args.only in (None, "reverse-match"):
        for metric in bench_reverse_match(profiles):
            print(json.dumps(metric))
    if args.only in (None, "feed"):
        for metric in bench_feed(vacancies):
            print(json.dumps(metric))


if __name__ == "__main__":
    main()
