"""`gateway-feed`: the tailored feed through the HTTP gateway against GetFeed over gRPC.

One matching server (real app, SQLite on disk, N live vacancies in its index, the shared
interceptor chain) and the gateway (FastAPI on uvicorn, in a thread of this process) in front
of it. Each timed call picks a random client and asks its first page of 50 twice, in random
order: GET /api/v1/clients/{id}/feed over HTTP/1.1 keep-alive with the client's bearer token,
and GetFeed over a gRPC channel with the same token, so both see the same machine load. The
goal: gateway p99 at most twice the gRPC p99 (ratio = gRPC p99 / gateway p99 >= 0.5).
"""

from __future__ import annotations

import random
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

import grpc
import httpx

from bench.data import vacancy_criteria
from bench.report import REPEATS, Goal, Metric, median, percentile
from bench.stack import temp_settings
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from services.common.auth import mint_token
from services.common.settings import Settings
from services.matching.bootstrap import build_app, create_server
from services.matching.sample_data import random_profile_input

GOAL_SIZE = 50_000
QUICK_SIZE = 1_000
CLIENTS = 200
CALLS = 400
PAGE_SIZE = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_gateway(settings: Settings, matching_port: int) -> tuple[Any, threading.Thread, int]:
    import uvicorn

    from services.gateway.bootstrap import build_app as build_gateway
    from services.gateway.settings import GatewaySettings

    port = _free_port()
    gateway = GatewaySettings(matching_target=f"127.0.0.1:{matching_port}")
    server = uvicorn.Server(
        uvicorn.Config(
            build_gateway(settings, gateway), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, name="gateway", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server, thread, port


def run(size: int) -> list[Metric]:
    clients, calls = (CLIENTS, CALLS) if size >= 10_000 else (20, 40)
    now = datetime.now(UTC)
    with temp_settings() as settings:
        app = build_app(settings, clock=lambda: datetime.now(UTC))
        server, port, _ = create_server(settings, "127.0.0.1:0", app)
        gateway, thread, gateway_port = _serve_gateway(settings, port)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        http = httpx.Client(base_url=f"http://127.0.0.1:{gateway_port}/api/v1", timeout=30)
        try:
            rng = random.Random(31)
            ids = [f"c-gw-{i:04d}" for i in range(clients)]
            for client_id in ids:
                draft = random_profile_input(rng, client_id)
                draft.status = 1
                app.handlers.set_search_profile(draft)
            index = app.store.vacancy_index()
            for vac in vacancy_criteria(size, now, seed=32, prefix="v-gw"):
                index.upsert(vac)
            tokens = {c: mint_token(settings, subject=c, role="client") for c in ids}
            stub = matching_service_pb2_grpc.MatchingServiceStub(channel)

            def over_grpc(client_id: str) -> int:
                reply = stub.GetFeed(
                    mpb.GetFeedRequest(client_id=client_id, page_size=PAGE_SIZE),
                    metadata=(("authorization", f"Bearer {tokens[client_id]}"),),
                    timeout=30,
                )
                return len(reply.items)

            def over_http(client_id: str) -> int:
                reply = http.get(
                    f"/clients/{client_id}/feed",
                    params={"pageSize": PAGE_SIZE},
                    headers={"Authorization": f"Bearer {tokens[client_id]}"},
                )
                reply.raise_for_status()
                return len(reply.json()["items"])

            for client_id in ids[:20]:  # warm-up, and both answers must be the same page
                assert over_grpc(client_id) == over_http(client_id)
            rounds = []  # (gateway p99, grpc p99, gateway p50, grpc p50)
            items = []
            for _ in range(REPEATS):
                timed: dict[str, list[float]] = {"http": [], "grpc": []}
                for _ in range(calls):
                    client_id = rng.choice(ids)
                    pair = [("http", over_http), ("grpc", over_grpc)]
                    rng.shuffle(pair)
                    for kind, call in pair:
                        t0 = time.perf_counter()
                        items.append(call(client_id))
                        timed[kind].append(time.perf_counter() - t0)
                rounds.append(
                    (
                        percentile(timed["http"], 0.99),
                        percentile(timed["grpc"], 0.99),
                        percentile(timed["http"], 0.5),
                        percentile(timed["grpc"], 0.5),
                    )
                )
        finally:
            http.close()
            channel.close()
            gateway.should_exit = True
            thread.join(10)
            server.stop(0).wait()
            app.close()
    http_p99, grpc_p99, http_p50, grpc_p50 = (median([r[i] for r in rounds]) for i in range(4))
    notes = {
        "clients": clients,
        "calls_per_round": calls,
        "page_size": PAGE_SIZE,
        "items_per_page_mean": round(sum(items) / len(items), 1),
        "gateway_p50_ms": round(http_p50 * 1000, 2),
        "grpc_p50_ms": round(grpc_p50 * 1000, 2),
        "gateway_p99_ms_per_round": [round(r[0] * 1000, 2) for r in rounds],
        "grpc_p99_ms_per_round": [round(r[1] * 1000, 2) for r in rounds],
    }
    return [
        Metric(
            "gateway-feed.p99",
            http_p99 * 1000,
            "ms",
            size,
            baseline_value=grpc_p99 * 1000,
            ratio=grpc_p99 / http_p99,
            goal=Goal(min_ratio=0.5),
            notes=notes,
        )
    ]
