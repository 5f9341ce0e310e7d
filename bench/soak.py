"""`python -m bench.soak [--minutes 10] [--quick]`: steady traffic against the whole stack.

Starts the stack as `jobmatch up` does (a Tansu broker, the three services as separate processes
with sample data), then runs steady ingest (IngestVacancies batches), feed reads (GetFeed),
activity logging (LogActivity) and caseload reads (GetCaseload) for the given time. Every 10 s
(2 s with --quick) it samples the resident memory (VmRSS) of each service process. At the end it
stops the services with SIGTERM and prints one JSON object: RSS start/end/max per service,
requests and errors per kind, error log lines, exit codes. Exit code 1 when anything failed.

Memory "start" is the first sample after the warm-up (the services load their indexes and
consume the seeded vacancy events first); growth is end minus that.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.stack import GRPC_OPTIONS, embedded_broker
from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vsvc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.auth import mint_token
from services.common.bus.broker import free_loopback_port
from services.common.child_process import dying_with_parent
from services.common.settings import Settings
from services.vacancies.seed import demo_jobs, sample_vacancies
from services.vacancies.service_layer.proto_codec import content_to_proto

REPO = Path(__file__).resolve().parent.parent
SERVICES = {
    "vacancies": "jobmatch.vacancies.v1.VacancyService",
    "matching": "jobmatch.matching.v1.MatchingService",
    "activities": "jobmatch.activities.v1.ActivityService",
}
CASEWORKER = "cw-demo"
CLIENTS = tuple(f"c-demo-{i:03d}" for i in range(1, 21))  # seeded by the services themselves
# Requests per second of each kind (steady, not a stress test).
RATES = {"ingest_batch": 0.5, "get_feed": 5.0, "log_activity": 2.0, "get_caseload": 0.2}
INGEST_BATCH = 20
WARMUP_FRACTION = 0.15


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Stack:
    data_dir: Path
    bootstrap: str
    ports: dict[str, int] = field(default_factory=lambda: {name: free_loopback_port() for name in SERVICES})
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    # Signs the tokens the services accept: the caller's JOBMATCH_TOKEN_SECRET, else one made now.
    token_secret: str = field(
        default_factory=lambda: os.environ.get("JOBMATCH_TOKEN_SECRET") or secrets.token_urlsafe(48)
    )

    def log_path(self, name: str) -> Path:
        return self.data_dir / f"{name}.log"

    def start(self, timeout: float = 180.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBMATCH_")}
        env.update(
            {
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "JOBMATCH_DATA_DIR": str(self.data_dir),
                "JOBMATCH_SEED_SAMPLE_DATA": "1",
                "PYTHONUNBUFFERED": "1",
                "JOBMATCH_TOKEN_SECRET": self.token_secret,
                **{f"JOBMATCH_{name.upper()}_PORT": str(port) for name, port in self.ports.items()},
                **self.extra_env,
            }
        )
        for name in SERVICES:
            with open(self.log_path(name), "wb") as log:
                self.processes[name] = subprocess.Popen(  # our interpreter and module
                    dying_with_parent([sys.executable, "-m", f"services.{name}"]),
                    cwd=REPO,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
        for name, full_name in SERVICES.items():
            if not wait_serving(f"127.0.0.1:{self.ports[name]}", full_name, timeout):
                raise RuntimeError(f"{name} did not become SERVING; see {self.log_path(name)}")

    def stop(self) -> dict[str, int | None]:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = process.wait()
        return codes

    def error_log_lines(self, stopped_at: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Error/critical JSON log lines per service: (while serving, after the SIGTERM at `stopped_at`)."""
        serving: dict[str, list[str]] = {}
        stopping: dict[str, list[str]] = {}
        for name in SERVICES:
            serving[name], stopping[name] = [], []
            for line in self.log_path(name).read_text(errors="replace").splitlines():
                if '"level": "error"' not in line and '"level": "critical"' not in line:
                    continue
                try:
                    at = str(json.loads(line).get("time", ""))
                except ValueError:
                    at = ""
                (stopping if at >= stopped_at else serving)[name].append(line)
        return serving, stopping


def wait_serving(address: str, service: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if (
                    stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=1).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return True
            except grpc.RpcError:
                pass
            time.sleep(0.3)
    return False


class Traffic:
    """The request loops, one thread per kind, each at a steady rate."""

    def __init__(self, stack: Stack, settings: Settings, stop: threading.Event, pool: int = 0) -> None:
        self.stop = stop
        self.pool = pool
        self.pool_contents: list[Any] = []
        self.ingest_results: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.error_samples: list[str] = []
        self.lock = threading.Lock()
        channels = {
            name: grpc.insecure_channel(f"127.0.0.1:{port}", options=GRPC_OPTIONS) for name, port in stack.ports.items()
        }
        self.channels = channels
        self.vacancies = vacancy_service_pb2_grpc.VacancyServiceStub(channels["vacancies"])
        self.matching = matching_service_pb2_grpc.MatchingServiceStub(channels["matching"])
        self.activities = activities_pb2_grpc.ActivityServiceStub(channels["activities"])

        def token(**claims: Any) -> tuple[tuple[str, str], ...]:
            return (("authorization", f"Bearer {mint_token(settings, ttl_seconds=24 * 3600, **claims)}"),)

        self.ingest_token = token(subject="soak-ingest", role="service")
        self.client_tokens = {c: token(subject=c, role="client") for c in CLIENTS}
        self.caseworker_token = token(subject=CASEWORKER, role="caseworker", caseload=CLIENTS)
        self.rng = random.Random(20261125)
        # (seen at, vacancy id) per client from its own feed: "I applied" is logged from the feed,
        # a few seconds later, as a person would (and after activities saw the vacancy event).
        self.feed_seen: dict[str, list[tuple[float, str]]] = {c: [] for c in CLIENTS}
        self.batch_numbers = itertools.count()
        self.activity_numbers = itertools.count()

    def call(self, kind: str, send: Callable[[], Any]) -> Any:
        try:
            result = send()
        except grpc.RpcError as error:
            with self.lock:
                self.requests[kind] += 1
                self.errors[f"{kind}:{error.code().name}"] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind}: {error.code().name}: {error.details()}")
            return None
        with self.lock:
            self.requests[kind] += 1
        return result

    def ingest_contents(self, number: int) -> list[Any]:
        """New vacancies each batch or, with a pool, the pool's vacancies again with a changed salary
        (updates: events and re-matching go on while the data set stays the same size)."""
        today = datetime.now(UTC).date()
        if not self.pool:
            # The first sample vacancies of every seed are the same demo clients' jobs: skip them.
            skip = len(demo_jobs())
            return list(sample_vacancies(INGEST_BATCH + skip, today=today, seed=10_000 + number, source="soak"))[skip:]
        if not self.pool_contents:
            skip = len(demo_jobs())
            self.pool_contents = list(sample_vacancies(self.pool + skip, today=today, seed=777, source="soak-pool"))[
                skip:
            ]
        first = number * INGEST_BATCH
        picked = []
        for position in range(first, first + INGEST_BATCH):
            content = self.pool_contents[position % self.pool]
            raise_by = 10.0 * (position // self.pool)
            picked.append(
                content.model_copy(
                    update={"salary_min": content.salary_min + raise_by, "salary_max": content.salary_max + raise_by}
                )
            )
        return picked

    def ingest_batch(self) -> None:
        number = next(self.batch_numbers)
        request = vsvc.IngestVacanciesRequest(batch_id=f"soak-{number}")
        for content in self.ingest_contents(number):
            content_to_proto(content, request.vacancies.add())

        def send() -> list[vsvc.IngestVacanciesResponse]:
            return list(self.vacancies.IngestVacancies(iter([request]), metadata=self.ingest_token, timeout=30))

        responses = self.call("ingest_batch", send)
        for response in responses or []:
            with self.lock:
                for result in response.results:
                    self.ingest_results[vsvc.IngestStatus.Name(result.status)] += 1
                rejected = [r for r in response.results if r.status == vsvc.INGEST_STATUS_REJECTED]
                if rejected:
                    self.errors["ingest_item:REJECTED"] += len(rejected)

    def get_feed(self) -> None:
        client = self.rng.choice(CLIENTS)
        feed = self.call(
            "get_feed",
            lambda: self.matching.GetFeed(
                mpb.GetFeedRequest(client_id=client, page_size=20), metadata=self.client_tokens[client], timeout=10
            ),
        )
        if feed is not None and feed.items:
            seen = self.feed_seen[client]
            seen.append((time.monotonic(), self.rng.choice(feed.items).vacancy.vacancy_id))
            del seen[:-50]

    def log_activity(self) -> None:
        client = self.rng.choice(CLIENTS)
        number = next(self.activity_numbers)
        from_feed = [v for at, v in self.feed_seen[client] if time.monotonic() - at > 5.0]
        vacancy_id = self.rng.choice(from_feed) if from_feed and number % 3 == 0 else ""
        request = apb.LogActivityRequest(
            client_id=client,
            request_id=f"soak-{number}",
            date=datetime.now(UTC).date().isoformat(),
            channel=apb.CHANNEL_ONLINE,
            vacancy_id=vacancy_id,
        )
        if not vacancy_id:
            request.type = apb.ACTIVITY_TYPE_OPEN_APPLICATION
            request.employer = self.rng.choice(("Bakkerij Het Korenaar", "Zorginstelling Lindehof", "Stadsbeheer"))
            request.position = self.rng.choice(("Verkoopmedewerker", "Verzorgende IG", "Medewerker groen"))
        self.call(
            "log_activity",
            lambda: self.activities.LogActivity(request, metadata=self.client_tokens[client], timeout=10),
        )

    def get_caseload(self) -> None:
        self.call(
            "get_caseload",
            lambda: self.activities.GetCaseload(
                apb.GetCaseloadRequest(caseworker_id=CASEWORKER), metadata=self.caseworker_token, timeout=30
            ),
        )

    def loop(self, kind: str, rate: float) -> None:
        action = getattr(self, kind)
        interval = 1.0 / rate
        next_at = time.monotonic()
        while not self.stop.is_set():
            try:
                action()
            except Exception as exc:  # noqa: BLE001 - a bug in the soak itself counts as an error too
                with self.lock:
                    self.errors[f"{kind}:{type(exc).__name__}"] += 1
                    if len(self.error_samples) < 20:
                        self.error_samples.append(f"{kind}: {exc!r}")
            next_at += interval
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()


def run(minutes: float, sample_every: float, keep: Path | None, pool: int = 0) -> dict[str, Any]:
    with embedded_broker() as bootstrap, tempfile.TemporaryDirectory(prefix="jobmatch-soak-") as tmp:
        data_dir = keep or Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        stack = Stack(data_dir, bootstrap)
        started = time.monotonic()
        stack.start()
        startup_s = time.monotonic() - started
        stop = threading.Event()
        traffic = Traffic(stack, Settings(token_secret=stack.token_secret), stop, pool)
        threads = [
            threading.Thread(target=traffic.loop, args=(kind, rate), name=f"soak-{kind}", daemon=True)
            for kind, rate in RATES.items()
        ]
        samples: list[dict[str, Any]] = []
        began = time.monotonic()
        for thread in threads:
            thread.start()
        duration = minutes * 60
        try:
            while True:
                elapsed = time.monotonic() - began
                samples.append(
                    {"t_s": round(elapsed, 1), **{name: rss_kib(p.pid) for name, p in stack.processes.items()}}
                )
                crashed = [name for name, p in stack.processes.items() if p.poll() is not None]
                if crashed or elapsed >= duration:
                    break
                time.sleep(min(sample_every, max(0.0, duration - elapsed)))
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
            traffic.close()
            stopped_at = datetime.now(UTC).isoformat(timespec="milliseconds")
            exit_codes = stack.stop()
        error_lines, shutdown_lines = stack.error_log_lines(stopped_at)
    result = summarize(minutes, startup_s, samples, traffic, exit_codes, error_lines)
    # Reported apart: kafka-python logs "Metadata refresh: failed Cancelled" at ERROR now and then
    # while a consumer closes on SIGTERM (a clean stop, exit code 0): noise, but shown, not hidden.
    result["shutdown_error_log_lines"] = {name: len(lines) for name, lines in shutdown_lines.items()}
    result["shutdown_error_log_samples"] = [line[:300] for lines in shutdown_lines.values() for line in lines[:3]]
    result["ingest_pool"] = pool
    return result


def summarize(
    minutes: float,
    startup_s: float,
    samples: list[dict[str, Any]],
    traffic: Traffic,
    exit_codes: dict[str, int | None],
    error_lines: dict[str, list[str]],
) -> dict[str, Any]:
    warm = [s for s in samples if s["t_s"] >= WARMUP_FRACTION * minutes * 60] or samples
    memory = {}
    for name in SERVICES:
        values = [s[name] for s in samples if s[name] is not None]
        warm_values = [s[name] for s in warm if s[name] is not None]
        if not values:
            continue
        memory[name] = {
            "rss_first_mib": round(values[0] / 1024, 1),
            "rss_start_mib": round(warm_values[0] / 1024, 1),  # after warm-up
            "rss_end_mib": round(values[-1] / 1024, 1),
            "rss_max_mib": round(max(values) / 1024, 1),
            "growth_after_warmup_mib": round((values[-1] - warm_values[0]) / 1024, 1),
        }
    elapsed = samples[-1]["t_s"] if samples else 0.0
    result = {
        "soak_minutes": minutes,
        "elapsed_s": elapsed,
        "startup_s": round(startup_s, 1),
        "rates_per_s": RATES,
        "requests": dict(traffic.requests),
        "ingest_results": dict(traffic.ingest_results),
        "requests_per_s": round(sum(traffic.requests.values()) / elapsed, 2) if elapsed else 0.0,
        "errors": dict(traffic.errors),
        "error_samples": traffic.error_samples,
        "error_log_lines": {name: len(lines) for name, lines in error_lines.items()},
        "error_log_samples": [line[:300] for lines in error_lines.values() for line in lines[:3]],
        "exit_codes": exit_codes,
        "memory": memory,
        "rss_samples_kib": samples,
    }
    result["ok"] = (
        not traffic.errors
        and not any(error_lines.values())
        and all(code == 0 for code in exit_codes.values())
        and elapsed >= minutes * 60 * 0.95
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="20 seconds, RSS every 2 s (smoke run)")
    parser.add_argument("--keep", type=Path, help="keep data and service logs in this folder")
    parser.add_argument(
        "--pool",
        type=int,
        default=0,
        help="re-send (update) a pool of this many vacancies instead of new ones: a data set "
        "of constant size, so memory growth is not data growth (0 = always new)",
    )
    args = parser.parse_args(argv)
    minutes, sample_every = (20 / 60, 2.0) if args.quick else (args.minutes, 10.0)
    result = run(minutes, sample_every, args.keep, args.pool)
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
