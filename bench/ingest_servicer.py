"""The IngestVacancies servicer alone: CPU µs per vacancy of decoding a batch, checking,
deciding, storing (SQLite, outbox rows) and building the answer, in one thread, no gRPC
transport and no relay. `python -m bench.ingest_servicer [N] [--profile FILE]` prints JSON.

Measures thread CPU time, which hardly moves when other work shares the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import secrets
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.ingest import vacancy_batches
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from services.common.settings import Settings
from services.vacancies.bootstrap import build_app, tune_garbage_collection
from services.vacancies.entrypoints.grpc_servicer import VacancyServicer


def run(size: int, profile: str | None = None) -> dict[str, Any]:
    tune_garbage_collection()
    today = datetime.now(UTC).date()
    wire = [r.SerializeToString() for r in vacancy_batches(size, today, seed=7, source="bench")]
    warmup = [r.SerializeToString() for r in vacancy_batches(1000, today, seed=8, source="bench-warmup")]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), kafka_bootstrap_servers=None, token_secret=secrets.token_urlsafe(48))
        app = build_app(settings)
        servicer = VacancyServicer(app)

        def decoded(batches: list[bytes]) -> Iterator[svc.IngestVacanciesRequest]:
            # As the transport's deserializer does, in the same thread.
            return (svc.IngestVacanciesRequest.FromString(b) for b in batches)

        try:
            for _ in servicer.IngestVacancies(decoded(warmup), None):  # type: ignore[arg-type]
                pass
            profiler = cProfile.Profile() if profile else None
            accepted = 0
            cpu, wall = time.thread_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            for response in servicer.IngestVacancies(decoded(wire), None):  # type: ignore[arg-type]
                accepted += sum(1 for r in response.results if r.status == svc.INGEST_STATUS_ACCEPTED)
            if profiler:
                profiler.disable()
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            if profiler and profile:
                profiler.dump_stats(profile)
        finally:
            app.close()
    return {
        "vacancies": size,
        "accepted": accepted,
        "servicer_cpu_us_per_vacancy": round(cpu / size * 1e6, 1),
        "per_second_one_thread": round(size / wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", type=int, nargs="?", default=20_000)
    parser.add_argument("--profile", help="write a cProfile of the measured run here")
    args = parser.parse_args()
    print(json.dumps(run(args.size, args.profile)))


if __name__ == "__main__":
    main()
