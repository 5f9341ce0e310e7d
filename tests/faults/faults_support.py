"""Helpers of the fault tests: service processes, topic readers, a step-by-step ingest stream."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jobmatch.events.v1 import matching_events_pb2
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.bus import ALL_TOPICS, dead_letter, free_loopback_port
from services.common.bus.cloudevents import InvalidEvent, from_kafka
from services.common.child_process import dying_with_parent
from services.vacancies.adapters.proto_codec import content_to_proto
from services.vacancies.seed import sample_vacancies

REPO = Path(__file__).resolve().parents[2]
FULL_NAMES = {
    "vacancies": "jobmatch.vacancies.v1.VacancyService",
    "matching": "jobmatch.matching.v1.MatchingService",
    "activities": "jobmatch.activities.v1.ActivityService",
}
DB_FILES = {"vacancies": "vacancies.db", "matching": "matching.db", "activities": "activities.db"}
# What every topic of ours and its dead-letter twin look like on a fresh broker.
EVERY_TOPIC = (*ALL_TOPICS, *(dead_letter(t) for t in ALL_TOPICS))


ACCEPTED = svc.INGEST_STATUS_ACCEPTED
MATCHED_TYPE = "nl.werk.vacancy-matched.v1"


def vacancy_batches(count: int, batch_size: int, *, source: str, seed: int) -> list[svc.IngestVacanciesRequest]:
    """Realistic vacancies (real ESCO occupations, Dutch places) as IngestVacancies requests."""
    today = datetime.now(UTC).date()
    batches: list[svc.IngestVacanciesRequest] = []
    for index, content in enumerate(sample_vacancies(count, today=today, seed=seed, source=source)):
        if index % batch_size == 0:
            batches.append(svc.IngestVacanciesRequest(batch_id=f"b{len(batches)}"))
        content_to_proto(content, batches[-1].vacancies.add())
    return batches


@dataclass
class SteppedIngest:
    """One IngestVacancies stream driven a batch at a time, so a fault lands between two
    acknowledged batches (or, with `send_only`, while a batch is in flight)."""

    channel: grpc.Channel
    metadata: tuple[tuple[str, str], ...]
    acknowledged: dict[tuple[str, str], svc.IngestResult] = field(default_factory=dict)
    _requests: queue.Queue[svc.IngestVacanciesRequest | None] = field(default_factory=queue.Queue)
    _responses: Iterator[svc.IngestVacanciesResponse] | None = None

    def __post_init__(self) -> None:
        stub = vacancy_service_pb2_grpc.VacancyServiceStub(self.channel)
        self._responses = stub.IngestVacancies(iter(self._requests.get, None), metadata=self.metadata, timeout=300)

    def send(self, batch: svc.IngestVacanciesRequest) -> svc.IngestVacanciesResponse:
        """Send one batch and wait for its answer; every result is then acknowledged."""
        self.send_only(batch)
        return self.receive(batch)

    def send_only(self, batch: svc.IngestVacanciesRequest) -> None:
        self._requests.put(batch)

    def receive(self, batch: svc.IngestVacanciesRequest) -> svc.IngestVacanciesResponse:
        """Wait for the answer to `batch` (sent before, and not answered yet); every result is
        then acknowledged."""
        assert self._responses is not None
        response = next(self._responses)
        assert response.batch_id == batch.batch_id
        for result in response.results:
            self.acknowledged[(result.source, result.external_id)] = result
        return response

    def close(self) -> list[svc.IngestVacanciesResponse]:
        self._requests.put(None)
        assert self._responses is not None
        return list(self._responses)

    def accepted_ids(self) -> set[str]:
        return {r.vacancy_id for r in self.acknowledged.values() if r.status == ACCEPTED}


def matched_events(rows: list[tuple[str, bytes]]) -> Counter[tuple[str, str, int]]:
    """(client_id, vacancy_id, change) -> how often matching emitted it, from (event_type, data) rows."""
    seen: Counter[tuple[str, str, int]] = Counter()
    for event_type, data in rows:
        if event_type == MATCHED_TYPE:
            message = matching_events_pb2.VacancyMatched.FromString(bytes(data))
            seen[(message.client_id, message.vacancy_id, message.change)] += 1
    return seen


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@dataclass
class ServiceProcess:
    """One service as `python -m services.<name>`, on its own port and data dir."""

    name: str
    data_dir: Path
    bootstrap: str
    log_dir: Path
    seed: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_loopback_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / self.name / DB_FILES[self.name]

    def log_path(self, start: int | None = None) -> Path:
        return self.log_dir / f"{self.name}-{self.starts if start is None else start}.log"

    def start(self, timeout: float = 90.0) -> ServiceProcess:
        self.starts += 1
        env = {k: v for k, v in os.environ.items() if not k.startswith("JOBMATCH_")}
        env.update(
            {
                "JOBMATCH_DATA_DIR": str(self.data_dir),
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                f"JOBMATCH_{self.name.upper()}_PORT": str(self.port),
                "JOBMATCH_SEED_SAMPLE_DATA": "1" if self.seed else "0",
                "JOBMATCH_GRACE_SECONDS": "1",
                "JOBMATCH_TOKEN_SECRET": os.environ["JOBMATCH_TOKEN_SECRET"],  # the session's (tests/conftest.py)
                # The session's short consumer-group timing (tests/conftest.py): a killed service's
                # partitions go to its restarted self after 3 s instead of 6 s.
                "JOBMATCH_KAFKA_SESSION_TIMEOUT_MS": os.environ["JOBMATCH_KAFKA_SESSION_TIMEOUT_MS"],
                "JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS": os.environ["JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS"],
                "PYTHONUNBUFFERED": "1",
                **self.extra_env,
            }
        )
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path(), "wb") as log_file:
            self.process = subprocess.Popen(  # our interpreter, our module
                dying_with_parent([sys.executable, "-m", f"services.{self.name}"]),
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
            )
        if not self.wait_serving(timeout):
            self.stop()
            raise AssertionError(f"{self.name} did not become SERVING; log:\n{self.log_text()[-3000:]}")
        return self

    def wait_serving(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with grpc.insecure_channel(self.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    return False
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(service=FULL_NAMES[self.name]), timeout=1)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return True
                except grpc.RpcError:
                    pass
                time.sleep(0.2)
        return False

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return "".join(
            self.log_path(i).read_text(errors="replace") for i in range(1, self.starts + 1) if self.log_path(i).exists()
        )

    def log_records(self) -> list[dict[str, Any]]:
        """Every JSON log line of every start of this service (non-JSON lines are skipped)."""
        records = []
        for line in self.log_text().splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Read the service's own SQLite file (WAL: readers do not disturb the running writer)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, tuple(params)).fetchall()
        finally:
            conn.close()


@dataclass(frozen=True)
class TopicRecord:
    topic: str
    offset: int
    key: bytes | None
    headers: list[tuple[str, bytes]]
    value: bytes

    @property
    def event_id(self) -> str | None:
        try:
            return from_kafka(self.headers, self.value).id
        except InvalidEvent:
            return None

    def header(self, name: str) -> str | None:
        return next((v.decode() for k, v in self.headers if k == name), None)


def read_topic(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[TopicRecord]], bool] | None = None,
    timeout: float = 30.0,
    idle: float = 2.0,
) -> list[TopicRecord]:
    """Every record on `topic` from the start: until `until(records)` holds, or (without `until`)
    until nothing new arrived for `idle` seconds. A reader without a group moves no offsets."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=200,
        request_timeout_ms=5000,
        metadata_max_age_ms=1000,
    )
    records: list[TopicRecord] = []
    try:
        deadline = time.monotonic() + timeout
        partitions = None
        while partitions is None and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                time.sleep(0.2)
        if not partitions:
            return records
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            batches = consumer.poll(timeout_ms=300)
            for batch in batches.values():
                for r in batch:
                    records.append(TopicRecord(r.topic, r.offset, r.key, list(r.headers or []), r.value or b""))
                    last_new = time.monotonic()
            if until is not None:
                if until(records):
                    break
            elif time.monotonic() - last_new >= idle:
                break
    finally:
        consumer.close(autocommit=False)
    return records
