"""Benchmarks of the activities service for the bench harness (issue #8):

- `log-activity`: LogActivity unary RPCs from 4 client threads; baseline: an empty unary
  LogActivity (same server setup, same interceptor chain, servicer returns at once).
- `caseload`: GetCaseload for 300 clients with a year of activities each: the first call
  (nothing assessed yet, as after a restart or on a new day), repeated calls, and calls after
  a few clients each logged an activity (only they are assessed again).

Each returns metric dicts (name, value, unit, baseline, ratio, size); `python -m
bench.activities_server [--quick]` prints them as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc
from services.activities.bootstrap import build_app, create_server, settle_startup_heap
from services.activities.domain.model import Activity, ActivityType, Channel, Verification
from services.activities.domain.policy import TEMPLATES, PolicyVersion
from services.activities.entrypoints.grpc_servicer import ACCESS, SERVICE_NAME
from services.activities.service_layer.paging import MAX_PAGE_SIZE
from services.common.auth import mint_token
from services.common.grpc_server import create_grpc_server
from services.common.processing_log import SqliteProcessingLog
from services.common.reference import occupations
from services.common.settings import Settings


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _hammer(call: Callable[[int, int], None], threads: int, per_thread: int) -> tuple[float, list[float]]:
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def worker(t: int) -> None:
        for i in range(per_thread):
            started = time.perf_counter()
            call(t, i)
            latencies[t].append(time.perf_counter() - started)

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return threads * per_thread / elapsed, [x for part in latencies for x in part]


class _EmptyServicer(activities_pb2_grpc.ActivityServiceServicer):
    def LogActivity(self, request: pb.LogActivityRequest, context: grpc.ServicerContext) -> pb.LogActivityResponse:
        return pb.LogActivityResponse()


def set_uwv_ww_policy(app: Any, client_id: str, start: date, caseworker: str, at: datetime) -> None:
    """The client's first policy version: the UWV WW template from `start`, set by `caseworker`."""
    app.store.add_policy_version(
        PolicyVersion(
            client_id=client_id,
            version=1,
            template="uwv-ww",
            rule=TEMPLATES["uwv-ww"],
            start_date=start,
            set_by=caseworker,
            set_at=at,
        ),
        caseworker,
    )


def clients_with_a_policy(app: Any, calls: int) -> list[str]:
    """One client per ten calls (at least 40), each under the UWV WW template since 30 days ago:
    LogActivity needs a policy to log against."""
    today = app.clock().date()
    clients = [f"c-bench-{i:04d}" for i in range(max(calls // 10, 40))]
    for cid in clients:
        set_uwv_ww_policy(app, cid, today - timedelta(days=30), "cw-bench", app.clock())
    return clients


def bench_log_activity(calls: int = 4000, threads: int = 4) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), kafka_bootstrap_servers=None, token_secret=secrets.token_urlsafe(48))
        app = build_app(settings)
        clients = clients_with_a_policy(app, calls)
        today = app.clock().date()
        server, port, _ = create_server(settings, "127.0.0.1:0", app)
        empty_log = SqliteProcessingLog(Path(tmp) / "empty_log.db")
        empty, empty_port = create_grpc_server(
            "127.0.0.1:0",
            settings=settings,
            service_names=[SERVICE_NAME],
            access=ACCESS,
            processing_log=empty_log,
            register=lambda s: activities_pb2_grpc.add_ActivityServiceServicer_to_server(_EmptyServicer(), s),
        )
        # A service token: people's writes are rate limited, which is not what we measure.
        metadata = (("authorization", f"Bearer {mint_token(settings, subject='bench', role='service')}"),)
        labels = [o.label_nl for o in occupations.by_isco_prefix("5223")]
        per_thread = calls // threads
        try:
            results = {}
            for name, target in (("empty", empty_port), ("log", port)):
                channel = grpc.insecure_channel(f"127.0.0.1:{target}")
                stub = activities_pb2_grpc.ActivityServiceStub(channel)
                rng = random.Random(7)

                def call(t: int, i: int, stub: Any = stub, rng: random.Random = rng, name: str = name) -> None:
                    stub.LogActivity(
                        pb.LogActivityRequest(
                            client_id=clients[(t * per_thread + i) % len(clients)],
                            request_id=f"{name}-{t}-{i}",
                            type=pb.ACTIVITY_TYPE_VACANCY_APPLICATION,
                            date=(today - timedelta(days=i % 20)).isoformat(),
                            employer="Winkelketen Voorbeeld",
                            position=rng.choice(labels),
                            channel=pb.CHANNEL_ONLINE,
                        ),
                        metadata=metadata,
                    )

                _hammer(call, threads, max(per_thread // 10, 5))  # warm-up
                results[name] = _hammer(call, threads, per_thread)
                channel.close()
        finally:
            server.stop(0).wait()
            empty.stop(0).wait()
            app.close()
            empty_log.close()
    (rate, latencies), (base_rate, base_latencies) = results["log"], results["empty"]
    size = threads * per_thread
    return [
        {
            "name": "log-activity.throughput",
            "value": round(rate, 1),
            "unit": "rpc/s",
            "baseline": round(base_rate, 1),
            "ratio": round(rate / base_rate, 3),
            "size": size,
        },
        {
            "name": "log-activity.p99",
            "value": round(_percentile(latencies, 0.99) * 1000, 2),
            "unit": "ms",
            "baseline": round(_percentile(base_latencies, 0.99) * 1000, 2),
            "ratio": None,
            "size": size,
        },
    ]


def seed_caseload(app: Any, clients: int, days: int) -> list[str]:
    rng = random.Random(42)
    now = app.clock()
    start = now.date() - timedelta(days=days)
    labels = [o.label_nl for o in occupations.by_isco_prefix("4110")] or ["medewerker"]
    ids = [f"c-load-{i:04d}" for i in range(clients)]
    kinds = list(ActivityType)
    for cid in ids:
        set_uwv_ww_policy(app, cid, start, "cw-load", now)
        for n in range(int(days / 7 * 1.5)):
            day = start + timedelta(days=rng.randrange(days))
            app.store.add_activity(
                Activity(
                    activity_id=f"act-{cid}-{n}",
                    client_id=cid,
                    request_id=f"r-{n}",
                    type=rng.choice(kinds),
                    date=day,
                    employer="Werkgever",
                    position=rng.choice(labels),
                    channel=Channel.ONLINE,
                    verification=rng.choice(list(Verification)),
                    logged_at=datetime.combine(day, datetime.min.time(), UTC),
                ),
                [],
            )
    return ids


def _latency_metric(name: str, latencies: list[float], q: float, clients: int, **notes: Any) -> dict[str, Any]:
    metric = {
        "name": name,
        "value": round(_percentile(latencies, q) * 1000, 2),
        "unit": "ms",
        "baseline": None,
        "ratio": None,
        "size": clients,
    }
    return metric | ({"notes": notes} if notes else {})


def bench_caseload(clients: int = 300, days: int = 365, calls: int = 200, changed: int = 10) -> list[dict[str, Any]]:
    """Wall latency of GetCaseload (client and server in this process; CPU per call is the
    process's CPU time over the calls, both sides). Three kinds of call: the first (no client
    assessed yet: after a start or on a new day), repeated ones (nothing changed), and ones
    after `changed` clients each logged an activity (stored outside the timing)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), kafka_bootstrap_servers=None, token_secret=secrets.token_urlsafe(48))
        app = build_app(settings)
        ids = seed_caseload(app, clients, days)
        # The stored caseload, as the caseworker platform assigns it (AssignClients): a token
        # claim of 1 000 client ids is ~19 KB, past gRPC's 16 KiB metadata limit.
        app.caseloads.assign("cw-load", ids)
        server, port, _ = create_server(settings, "127.0.0.1:0", app)
        settle_startup_heap()  # as the service's main() does after create_server
        token = mint_token(settings, subject="cw-load", role="caseworker")
        metadata = (("authorization", f"Bearer {token}"),)
        today = app.clock().date()
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = activities_pb2_grpc.ActivityServiceStub(channel)
                # The report's first page, at most MAX_PAGE_SIZE rows: to order at-risk first the
                # service assesses every client of the caseload on every call, whatever the page.
                shown = min(clients, MAX_PAGE_SIZE)
                request = pb.GetCaseloadRequest(caseworker_id="cw-load", page_size=shown)
                stub.ListActivities(pb.ListActivitiesRequest(client_id=ids[0]), metadata=metadata)  # channel up
                started = time.perf_counter()
                first = stub.GetCaseload(request, metadata=metadata)
                cold = time.perf_counter() - started
                assert len(first.entries) == shown and bool(first.next_page_token) == (clients > shown)
                latencies = []
                cpu_started = time.process_time()
                for _ in range(calls):
                    started = time.perf_counter()
                    stub.GetCaseload(request, metadata=metadata)
                    latencies.append(time.perf_counter() - started)
                cpu_ms = (time.process_time() - cpu_started) / calls * 1000
                after_changes = []
                for n in range(max(calls // 4, 1)):
                    for k in range(changed):
                        cid = ids[(n * changed + k) % clients]
                        app.store.add_activity(
                            Activity(
                                activity_id=f"act-{cid}-new-{n}",
                                client_id=cid,
                                request_id=f"r-new-{n}",
                                type=ActivityType.VACANCY_APPLICATION,
                                date=today,
                                employer=f"Werkgever {n}",
                                position="Medewerker",
                                channel=Channel.ONLINE,
                                logged_at=app.clock(),
                            ),
                            [],
                        )
                    started = time.perf_counter()
                    stub.GetCaseload(request, metadata=metadata)
                    after_changes.append(time.perf_counter() - started)
        finally:
            server.stop(0).wait()
            app.close()
    load = [round(x, 1) for x in os.getloadavg()]
    return [
        _latency_metric("caseload.p99", latencies, 0.99, clients, cpu_ms_per_call=round(cpu_ms, 2), load=load),
        _latency_metric("caseload.p50", latencies, 0.5, clients),
        _latency_metric("caseload.first_call", [cold], 0.5, clients),
        _latency_metric("caseload.changed_p99", after_changes, 0.99, clients, changed_per_call=changed),
        _latency_metric("caseload.changed_p50", after_changes, 0.5, clients, changed_per_call=changed),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    metrics = (
        (bench_log_activity(200) + bench_caseload(20, 60, 10))
        if args.quick
        else (bench_log_activity() + bench_caseload())
    )
    for metric in metrics:
        print(json.dumps(metric))


if __name__ == "__main__":
    main()
