"""Measure IngestVacancies end to end: a real gRPC server, a bidi stream of batches, SQLite
store + outbox on disk. `python -m bench.ingest_standalone [N] [BATCH]`.

Counts vacancies/s from the first batch sent until the last result is back, i.e. until
every vacancy is stored and its event is in the outbox (no broker: the relay is not run).
"""

from __future__ import annotations

import gc
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import grpc

from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.auth import mint_token
from services.common.settings import Settings
from services.vacancies.bootstrap import create_server, tune_garbage_collection
from services.vacancies.seed import sample_vacancies
from services.vacancies.service_layer.proto_codec import content_to_proto


def batches(n: int, batch_size: int, today: date) -> list[svc.IngestVacanciesRequest]:
    requests, current = [], svc.IngestVacanciesRequest(batch_id="0")
    for content in sample_vacancies(n, today=today, seed=7, source="bench"):
        content_to_proto(content, current.vacancies.add())
        if len(current.vacancies) == batch_size:
            requests.append(current)
            current = svc.IngestVacanciesRequest(batch_id=str(len(requests)))
    if current.vacancies:
        requests.append(current)
    return requests


def run(n: int = 20_000, batch_size: int = 500) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), kafka_bootstrap_servers=None, token_secret=secrets.token_urlsafe(48))
        server, port, app = create_server(settings)
        thresholds = gc.get_threshold()
        tune_garbage_collection()  # as the service's main() does
        try:
            requests = batches(n, batch_size, datetime.now(UTC).date())
            token = mint_token(settings, subject="bench", role="service")
            with grpc.insecure_channel(
                f"127.0.0.1:{port}",
                options=[("grpc.max_send_message_length", 32 << 20), ("grpc.max_receive_message_length", 32 << 20)],
            ) as channel:
                stub = vacancy_service_pb2_grpc.VacancyServiceStub(channel)

                def send() -> Iterator[svc.IngestVacanciesRequest]:
                    yield from requests

                started = time.perf_counter()
                statuses: dict[int, int] = {}
                for response in stub.IngestVacancies(send(), metadata=[("authorization", f"Bearer {token}")]):
                    for result in response.results:
                        statuses[result.status] = statuses.get(result.status, 0) + 1
                elapsed = time.perf_counter() - started
            (outbox,) = app.store._conn.execute("SELECT COUNT(*) FROM event_outbox").fetchone()
        finally:
            server.stop(None)
            app.close()
            gc.unfreeze()
            gc.set_threshold(*thresholds)
    return {
        "vacancies": n,
        "seconds": elapsed,
        "per_second": n / elapsed,
        "accepted": statuses.get(svc.INGEST_STATUS_ACCEPTED, 0),
        "events_in_outbox": outbox,
    }


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(run(*args))
