"""`feed`: the top-50 tailored feed of random clients over N live vacancies.

Calls the matching service's use case `MatchingHandlers.get_feed` (page_size 50) on the real
app (`build_app`: SQLite store on disk, in-memory vacancy index), so each call reads the
profile, records the visit, reads feedback, finds candidates in the index, checks and scores
them, ranks and explains the first page. The N vacancies are put straight into the store's
live `VacancyIndex` (`SqliteMatchingStore.vacancy_index()`, there for benchmarks): the
projection rows and match events that arriving vacancies also cause are not what is measured.
There is no baseline for this goal; the gRPC layer adds about a millisecond on top.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

from bench.data import vacancy_criteria
from bench.report import REPEATS, Goal, Metric, median, percentile
from bench.stack import temp_settings
from services.matching.bootstrap import build_app
from services.matching.sample_data import random_profile_input
from services.matching.service_layer.handlers import GetFeed

GOAL_SIZE = 1_000_000  # live vacancies (issue 20: the Netherlands has about 0.4 M at a peak)
QUICK_SIZE = 2_000
CLIENTS = 300
CALLS = 600
PAGE_SIZE = 50


def run(size: int) -> list[Metric]:
    now = datetime.now(UTC)
    clients, calls = (CLIENTS, CALLS) if size >= 10_000 else (20, 40)
    with temp_settings() as settings:
        app = build_app(settings, clock=lambda: datetime.now(UTC))
        try:
            rng = random.Random(21)
            ids = [f"c-feed-{i:04d}" for i in range(clients)]
            for client_id in ids:
                draft = random_profile_input(rng, client_id)
                draft.status = 1  # looking for work: a paused profile has an empty feed
                app.handlers.set_search_profile(draft)
            index = app.store.vacancy_index()
            started = time.perf_counter()
            for vac in vacancy_criteria(size, now, seed=22, prefix="v-feed"):
                index.upsert(vac)
            load_seconds = time.perf_counter() - started

            for client_id in ids[:20]:  # warm-up (and every client's first visit is not special)
                app.handlers.get_feed(GetFeed(client_id, page_size=PAGE_SIZE))
            rounds = []  # (p99, p50, cpu p99, cpu p50) per round
            for _ in range(REPEATS):
                latencies, cpu, totals = [], [], []
                for _ in range(calls):
                    client_id = rng.choice(ids)
                    t0, c0 = time.perf_counter(), time.thread_time()
                    page = app.handlers.get_feed(GetFeed(client_id, page_size=PAGE_SIZE))
                    cpu.append(time.thread_time() - c0)
                    latencies.append(time.perf_counter() - t0)
                    totals.append(page.total_size)
                rounds.append(
                    (
                        percentile(latencies, 0.99),
                        percentile(latencies, 0.5),
                        percentile(cpu, 0.99),
                        percentile(cpu, 0.5),
                    )
                )
        finally:
            app.close()
    p99, p50, cpu_p99, cpu_p50 = (median([r[i] for r in rounds]) for i in range(4))
    notes = {
        "clients": clients,
        "calls": calls,
        "page_size": PAGE_SIZE,
        "vacancy_load_s": round(load_seconds, 1),
        "feed_size_mean": round(sum(totals) / len(totals), 1),
        "feed_size_max": max(totals),
        # CPU time of this thread: what the code costs, without waits for a shared, busy machine.
        "cpu_p99_ms": round(cpu_p99 * 1000, 2),
        "cpu_p50_ms": round(cpu_p50 * 1000, 2),
        "p99_ms_per_round": [round(r[0] * 1000, 2) for r in rounds],
    }
    return [
        Metric("feed.p99", p99 * 1000, "ms", size, goal=Goal(max_value=10), notes=notes),
        Metric("feed.p50", p50 * 1000, "ms", size),
    ]
