"""`replica-consume`: vacancy events one matching replica consumes per second on the search store.

What a scale-out plan divides by: with N replicas the vacancies topic's partitions are split
over them, so the stack keeps up with about N times this figure (as long as the search engine
does; here it shares the 2 cores with everything else).

Setup, not timed: an embedded Tansu broker, an osmem server (OpenSearch API) with every index
migrated, `PROFILES` random profiles stored through the matching service's own handlers, and
`size` sample vacancies (real ESCO occupations and places) ingested by a vacancies app on its
SQLite store, whose relay puts their VacancyPublished events on the topic. Then one matching
replica (this process, its bootstrap's `start_background`: the group consumer, the reverse
match against the stored profiles, the store write with its events, the processed-event mark
in the engine) works through the backlog. Timed from the moment the group assigned it its
partitions until it has handled every event, so start-up and the group join are left out.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime

from bench.report import Goal, Metric
from bench.stack import embedded_broker, temp_settings
from services.common.search.client import Connection
from services.matching import bootstrap as matching
from services.matching.sample_data import random_profile_input
from services.search_cli import migrate_all
from services.vacancies import bootstrap as vacancies
from services.vacancies.seed import sample_vacancies

GOAL_SIZE = 2_000  # vacancy events in the backlog
QUICK_SIZE = 40
PROFILES = 500
TIMEOUT_S = 600.0


def _publish(bootstrap: str, size: int) -> None:
    """`size` VacancyPublished events on the topic, through the vacancies service's outbox."""
    with temp_settings(bootstrap) as settings:
        app = vacancies.build_app(settings)
        try:
            contents = list(sample_vacancies(size, today=datetime.now(UTC).date(), seed=4242, source="bench-replica"))
            for start in range(0, size, 500):
                app.ingest(contents[start : start + 500])
            app.start_background(expiry_interval=0)
            relay = app.relay()
            if relay is None or not relay.flush(300):
                raise RuntimeError("the vacancies relay did not publish the backlog")
        finally:
            app.close()


def run(size: int) -> list[Metric]:
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    try:
        migrate_all(Connection(url=server.url, kind="opensearch"), progress=lambda _line: None)
        with embedded_broker() as bootstrap:
            _publish(bootstrap, size)
            with temp_settings(bootstrap) as base:
                settings = base.model_copy(
                    update={"search_url": server.url, "search_engine": "opensearch", "replica_id": "1"}
                )
                app = matching.build_app(settings)
                try:
                    rng = random.Random(4243)
                    profiles = PROFILES if size >= 200 else 50
                    for i in range(profiles):
                        app.handlers.set_search_profile(random_profile_input(rng, f"c-bench-{i:05d}"))
                    app.start_background()
                    consumer = app.consumer()
                    assert consumer is not None, "no consumer: the broker address did not reach the matching app"
                    first, last = _time_the_backlog(consumer, size)
                finally:
                    app.close()
    finally:
        server.close()
    rate = size / (last - first)
    notes = {
        "replicas": 1,
        "profiles": profiles,
        "store": "search (osmem)",
        "partitions": 1,
        "backlog_seconds": round(last - first, 2),
    }
    return [
        Metric("replica-consume.vacancy-events-per-s", rate, "events/s", size, goal=Goal(min_value=500), notes=notes)
    ]


def _time_the_backlog(consumer: object, size: int) -> tuple[float, float]:
    """(moment the group assigned the replica its partitions, moment it had handled `size` events).
    The consumer counts handled events a batch at a time, so the clock starts at the assignment,
    not at the first count."""
    if not consumer.wait_until_assigned(120):  # type: ignore[attr-defined]
        raise RuntimeError("the matching replica got no partition within 120 s")
    first = time.perf_counter()
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if consumer.handled_count >= size:  # type: ignore[attr-defined]
            return first, time.perf_counter()
        time.sleep(0.002)
    raise RuntimeError(
        f"the replica handled {consumer.handled_count} of {size} events "  # type: ignore[attr-defined]
        f"within {TIMEOUT_S:.0f} s"
    )
