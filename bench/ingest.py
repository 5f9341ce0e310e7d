"""`ingest`: N vacancies streamed in batches through VacancyService.IngestVacancies on the
embedded stack (Tansu broker, outbox relay running), timed from the first batch sent until
every result is back AND the relay has published every event (outbox empty).

The service as it runs by default: the relay in a process of its own (see
services/vacancies/relay_process.py); JOBMATCH_VACANCIES_RELAY_PROCESS=0 measures the relay as
a thread of the service. The notes give CPU per vacancy by part either way.

Baseline: a streaming servicer on the same server setup (`create_grpc_server` with the
shared interceptor chain, same token, same channel options) that receives and decodes the
same batches and answers one result per vacancy, storing nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import grpc

from bench.ingest_cpu import CpuSnapshot
from bench.report import Goal, Metric
from bench.stack import GRPC_OPTIONS, embedded_broker, service_metadata, temp_settings
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.grpc_server import create_grpc_server
from services.common.processing_log import SqliteProcessingLog
from services.vacancies.bootstrap import create_server, tune_garbage_collection
from services.vacancies.entrypoints.grpc_servicer import ACCESS, SERVICE_NAME
from services.vacancies.seed import sample_vacancies
from services.vacancies.service_layer.proto_codec import content_to_proto

GOAL_SIZE = 20_000
QUICK_SIZE = 500
BATCH_SIZE = 500
GOAL = Goal(min_value=10_000, min_ratio=0.3)


def vacancy_batches(n: int, today: date, *, seed: int, source: str) -> list[svc.IngestVacanciesRequest]:
    """The seeded sample vacancies of the vacancies service (real ESCO occupations, places by
    population) as IngestVacancies requests of BATCH_SIZE."""
    requests: list[svc.IngestVacanciesRequest] = []
    current = svc.IngestVacanciesRequest(batch_id="0")
    for content in sample_vacancies(n, today=today, seed=seed, source=source):
        content_to_proto(content, current.vacancies.add())
        if len(current.vacancies) == BATCH_SIZE:
            requests.append(current)
            current = svc.IngestVacanciesRequest(batch_id=str(len(requests)))
    if current.vacancies:
        requests.append(current)
    return requests


class DecodeOnlyServicer(vacancy_service_pb2_grpc.VacancyServiceServicer):
    """Receives the batches (protobuf decoding happens in the transport), stores nothing."""

    def IngestVacancies(
        self, request_iterator: Iterator[svc.IngestVacanciesRequest], context: grpc.ServicerContext
    ) -> Iterator[svc.IngestVacanciesResponse]:
        for request in request_iterator:
            results = [
                svc.IngestResult(index=i, source=v.source, external_id=v.external_id, status=svc.INGEST_STATUS_ACCEPTED)
                for i, v in enumerate(request.vacancies)
            ]
            yield svc.IngestVacanciesResponse(batch_id=request.batch_id, results=results)


def _stream(
    port: int, requests: list[svc.IngestVacanciesRequest], metadata: tuple[tuple[str, str], ...]
) -> dict[int, int]:
    statuses: dict[int, int] = {}
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=GRPC_OPTIONS) as channel:
        stub = vacancy_service_pb2_grpc.VacancyServiceStub(channel)
        for response in stub.IngestVacancies(iter(requests), metadata=metadata):
            for result in response.results:
                statuses[result.status] = statuses.get(result.status, 0) + 1
    return statuses


def run(size: int) -> list[Metric]:
    tune_garbage_collection()  # as the service's main() does
    today = datetime.now(UTC).date()
    requests = vacancy_batches(size, today, seed=7, source="bench")
    # Another seed and source: the warm-up must not make the measured vacancies duplicates.
    warmup = vacancy_batches(min(size, 1000), today, seed=8, source="bench-warmup")
    with embedded_broker() as bootstrap, temp_settings(bootstrap) as settings:
        metadata = service_metadata(settings)
        # Baseline first: same server setup, nothing stored.
        empty_log = SqliteProcessingLog(settings.data_dir / "baseline_log.db")
        baseline_server, baseline_port = create_grpc_server(
            "127.0.0.1:0",
            settings=settings,
            service_names=[SERVICE_NAME],
            access=ACCESS,
            processing_log=empty_log,
            register=lambda s: vacancy_service_pb2_grpc.add_VacancyServiceServicer_to_server(DecodeOnlyServicer(), s),
        )
        try:
            _stream(baseline_port, warmup, metadata)
            started = time.perf_counter()
            _stream(baseline_port, requests, metadata)
            baseline_seconds = time.perf_counter() - started
        finally:
            baseline_server.stop(0).wait()
            empty_log.close()

        server, port, app = create_server(settings)
        app.start_background(expiry_interval=0)
        relay = app.relay()
        assert relay is not None, "no outbox relay: the broker address did not reach the vacancies app"
        try:
            _stream(port, warmup, metadata)
            relay.flush(60)
            started, cpu_started = time.perf_counter(), time.process_time()
            # The relay's own process (the default) is counted too.
            relay_pid = getattr(relay, "pid", None)
            processes = {"relay_process": relay_pid} if relay_pid else {}
            threads_before = CpuSnapshot.take(processes)
            statuses = _stream(port, requests, metadata)
            stored_seconds = time.perf_counter() - started
            published = relay.flush(300)
            seconds = time.perf_counter() - started
            # CPU of this process (client, server, relay; not the broker's): unlike the rate,
            # it hardly moves when colleagues load the machine.
            cpu_seconds = time.process_time() - cpu_started
            cpu_by_part = CpuSnapshot.take(processes).us_per_item_since(threads_before, size)
            conn = app.outbox.connect()
            try:
                (published_count,) = conn.execute(
                    "SELECT COUNT(*) FROM event_outbox WHERE published_at IS NOT NULL"
                ).fetchone()
            finally:
                conn.close()
        finally:
            server.stop(0).wait()
            app.close()
    accepted = statuses.get(svc.INGEST_STATUS_ACCEPTED, 0)
    rate, baseline_rate = size / seconds, size / baseline_seconds
    return [
        Metric(
            "ingest.throughput",
            rate,
            "vacancies/s",
            size,
            baseline_value=baseline_rate,
            ratio=rate / baseline_rate,
            goal=GOAL,
            notes={
                "batch_size": BATCH_SIZE,
                "accepted": accepted,
                "all_published": published,
                "process_cpu_us_per_vacancy": round(cpu_seconds / size * 1e6, 1),
                # Per thread group and the broker: which part would limit the rate on 2 cores.
                "cpu_us_per_vacancy_by_part": cpu_by_part,
                "relay_in_own_process": bool(relay_pid),
                "events_published_incl_warmup": published_count,
            },
        ),
        # Until every result is back (stored, events in the outbox), relay not waited for:
        # separates the service's own cost from the relay's.
        Metric(
            "ingest.stored-throughput",
            size / stored_seconds,
            "vacancies/s",
            size,
            baseline_value=baseline_rate,
            ratio=size / stored_seconds / baseline_rate,
        ),
    ]
