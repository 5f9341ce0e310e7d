"""`observability`: what metrics and tracing cost LogActivity. The same LogActivity load (4
client threads, real activities server with SQLite store, processing log and the whole
interceptor chain) against a server with RPC metrics and tracing on (server span, trace context
stored with the outbox row, ids in the processing log) and one with both off
(JOBMATCH_METRICS=0, JOBMATCH_TRACING=0). Rounds alternate on/off, each with a fresh server and
store; the throughput ratio on/off of the median round is reported (goal >= 0.9)."""

from __future__ import annotations

import random
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc

from bench.activities_server import _hammer, clients_with_a_policy
from bench.report import REPEATS, Goal, Metric, median
from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc
from services.activities.bootstrap import build_app, create_server
from services.common.auth import mint_token
from services.common.observability import tracing
from services.common.reference import occupations
from services.common.settings import Settings

GOAL_SIZE = 4_000  # calls per round, split over the threads
QUICK_SIZE = 200
THREADS = 4


def _round(calls: int, observed: bool) -> float:
    """LogActivity calls per second against a fresh server, with metrics and tracing on or off."""
    if observed:
        tracing.enable_tracing("activities")  # spans recorded, exported nowhere (no OTLP endpoint)
    else:
        tracing.disable_tracing()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            kafka_bootstrap_servers=None,
            token_secret=secrets.token_urlsafe(48),
            metrics=observed,
            tracing=observed,
        )
        app = build_app(settings)
        clients = clients_with_a_policy(app, calls)
        today = app.clock().date()
        server, port, _ = create_server(settings, "127.0.0.1:0", app)
        metadata = (("authorization", f"Bearer {mint_token(settings, subject='bench', role='service')}"),)
        labels = [o.label_nl for o in occupations.by_isco_prefix("5223")]
        per_thread = calls // THREADS
        rng = random.Random(7)
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = activities_pb2_grpc.ActivityServiceStub(channel)

                def call(t: int, i: int, stub: Any = stub) -> None:
                    stub.LogActivity(
                        pb.LogActivityRequest(
                            client_id=clients[(t * per_thread + i) % len(clients)],
                            request_id=f"r-{t}-{i}",
                            type=pb.ACTIVITY_TYPE_VACANCY_APPLICATION,
                            date=(today - timedelta(days=i % 20)).isoformat(),
                            employer="Winkelketen Voorbeeld",
                            position=rng.choice(labels),
                            channel=pb.CHANNEL_ONLINE,
                        ),
                        metadata=metadata,
                    )

                _hammer(call, THREADS, max(per_thread // 10, 5))  # warm-up
                rate, _ = _hammer(call, THREADS, per_thread)
        finally:
            server.stop(0).wait()
            app.close()
            tracing.disable_tracing()
    return rate


def run(size: int) -> list[Metric]:
    rounds = REPEATS if size >= 1000 else 1
    pairs = []
    for n in range(rounds):
        # Alternate which goes first, so warming the machine favours neither.
        first, second = (True, False) if n % 2 == 0 else (False, True)
        rates = {first: _round(size, first), second: _round(size, second)}
        pairs.append((rates[True], rates[False]))
    ratios = [on / off for on, off in pairs]
    middle = sorted(range(rounds), key=lambda i: ratios[i])[rounds // 2]
    on, off = pairs[middle]
    return [
        Metric(
            "observability.log-activity-throughput",
            on,
            "rpc/s",
            (size // THREADS) * THREADS,
            baseline_value=off,
            ratio=on / off,
            goal=Goal(min_ratio=0.9),
            notes={
                "threads": THREADS,
                "on": "metrics + tracing (no exporter)",
                "off": "both off",
                "ratio_per_round": [round(r, 3) for r in ratios],
                "median_ratio": round(median(ratios), 3),
            },
        )
    ]
