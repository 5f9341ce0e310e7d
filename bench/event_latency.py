"""`event-latency`: a vacancy ingested through the vacancies gRPC service until its
VacancyMatched event is consumed from the broker, the whole path:

  UpsertVacancy RPC -> vacancies SQLite + outbox -> outbox relay -> Tansu -> matching
  consumer -> reverse match -> matching outbox -> relay -> Tansu -> a kafka-python consumer here.

Both services run in this process from their own bootstrap (`create_server`, `build_app`,
`start_background`), next to an embedded Tansu broker. The matching service holds a
background of random profiles plus, for every measured vacancy, one profile that wants its
occupation near its place, so every measured vacancy causes at least one match event.
Vacancies are sent one at a time (the next after the previous one's match arrived).
The p95 metric's notes split the path into hops (`per_hop_ms`, see bench/event_stages.py).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

import grpc

from bench.event_stages import StageMarks, TimedHandler
from bench.report import Goal, Metric, percentile
from bench.stack import GRPC_OPTIONS, embedded_broker, service_metadata, temp_settings
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.bus.cloudevents import from_kafka
from services.common.bus.consumer import FETCH_MAX_WAIT_MS
from services.common.bus.topics import MATCHING
from services.matching import bootstrap as matching
from services.matching.domain.model import OccupationWishInput, SearchProfileInput
from services.matching.entrypoints.events import VACANCY_PUBLISHED
from services.matching.sample_data import random_profile_input
from services.matching.service_layer.match_events import EVENT_MATCHED
from services.vacancies import bootstrap as vacancies
from services.vacancies.domain.model import VacancyContent
from services.vacancies.seed import sample_vacancies
from services.vacancies.service_layer.proto_codec import content_to_proto

GOAL_SIZE = 100  # vacancies measured
QUICK_SIZE = 3
BACKGROUND_PROFILES = 10_000
ARRIVAL_TIMEOUT_S = 15.0


class MatchEventWatcher(threading.Thread):
    """Reads the matching topic from its end and notes when each vacancy's first match arrives,
    and when the matching relay handed that event to its producer (the record's CreateTime)."""

    def __init__(self, bootstrap: str, marks: StageMarks) -> None:
        super().__init__(name="bench-match-watcher", daemon=True)
        from kafka import KafkaConsumer, TopicPartition

        self._consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,  # read as promptly as the services' consumers
        )
        partitions = [TopicPartition(MATCHING, p) for p in sorted(self._consumer.partitions_for_topic(MATCHING) or {0})]
        self._consumer.assign(partitions)
        self._consumer.seek_to_end(*partitions)
        for partition in partitions:
            self._consumer.position(partition)  # resolve "end" now, before anything is sent
        self.arrived: dict[str, float] = {}
        self.marks = marks
        self._changed = threading.Condition()
        self._stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                for records in self._consumer.poll(timeout_ms=100).values():
                    now, now_wall = time.perf_counter(), time.time()
                    for record in records:
                        event = from_kafka(record.headers, record.value)
                        if event.type == EVENT_MATCHED and event.subject not in self.arrived:
                            self.marks.mark(event.subject, "match_relayed", record.timestamp / 1000)
                            self.marks.mark(event.subject, "match_read", now_wall)
                            with self._changed:
                                self.arrived[event.subject] = now
                                self._changed.notify_all()
        finally:
            self._consumer.close()

    def wait_for(self, vacancy_id: str, timeout: float) -> float | None:
        with self._changed:
            self._changed.wait_for(lambda: vacancy_id in self.arrived, timeout)
            return self.arrived.get(vacancy_id)

    def stop(self) -> None:
        self._stopping.set()
        self.join(10)


def _profile_for(client_id: str, content: VacancyContent) -> SearchProfileInput:
    """A client who wants exactly this vacancy's occupation, living at its place."""
    return SearchProfileInput(
        client_id=client_id,
        occupations=[OccupationWishInput(esco_uri=content.occupation.esco_uri, breadth=1)],
        home_place_name=content.location.place_name,
        max_travel_km=50,
        hours_min=0,
        hours_max=40,
        languages=["nl", "en"],
        has_driving_licence=True,
        remote_acceptable=True,
        status=1,
    )


def run(size: int) -> list[Metric]:
    today = datetime.now(UTC).date()
    contents = list(sample_vacancies(size, today=today, seed=31, source="bench-latency"))
    background = BACKGROUND_PROFILES if size >= 20 else 200
    latencies: list[float] = []
    measured: list[str] = []
    marks = StageMarks()
    skipped = missing = 0
    with embedded_broker() as bootstrap, temp_settings(bootstrap) as settings:
        matching_app = matching.build_app(settings)
        # The consumer that start_background builds gets the service's handler, timed.
        handler = matching_app.event_handler()
        matching_app.event_handler = lambda: TimedHandler(handler, marks, time.time)  # type: ignore[method-assign]
        vacancy_server, vacancy_port, vacancy_app = vacancies.create_server(settings)
        watcher = None
        try:
            rng = random.Random(32)
            for i in range(background):
                draft = random_profile_input(rng, f"c-bg-{i:06d}")
                matching_app.handlers.set_search_profile(draft)
            for i, content in enumerate(contents):
                matching_app.handlers.set_search_profile(_profile_for(f"c-lat-{i:04d}", content))
            vacancy_app.start_background(expiry_interval=0)
            matching_app.start_background()
            consumer = matching_app.consumer()
            if consumer is None or not consumer.wait_until_assigned(60):
                raise RuntimeError("the matching consumer got no partition within 60 s")
            watcher = MatchEventWatcher(bootstrap, marks)
            watcher.start()
            metadata = service_metadata(settings)
            with grpc.insecure_channel(f"127.0.0.1:{vacancy_port}", options=GRPC_OPTIONS) as channel:
                stub = vacancy_service_pb2_grpc.VacancyServiceStub(channel)
                for content in contents:
                    request = svc.UpsertVacancyRequest()
                    content_to_proto(content, request.vacancy)
                    sent, sent_wall = time.perf_counter(), time.time()
                    response = stub.UpsertVacancy(request, metadata=metadata, timeout=10)
                    if response.status != svc.INGEST_STATUS_ACCEPTED:
                        skipped += 1  # a duplicate publishes nothing new
                        continue
                    arrived = watcher.wait_for(response.vacancy.vacancy_id, ARRIVAL_TIMEOUT_S)
                    if arrived is None:
                        missing += 1
                        continue
                    latencies.append(arrived - sent)
                    measured.append(response.vacancy.vacancy_id)
                    marks.mark(response.vacancy.vacancy_id, "sent", sent_wall)
                    time.sleep(rng.uniform(0.02, 0.1))  # do not line up with the pollers' rhythm
            marks.mark_outbox_rows(vacancy_app.outbox.db_path, VACANCY_PUBLISHED, "vacancy_written", "vacancy_acked")
        finally:
            if watcher is not None:
                watcher.stop()
            vacancy_server.stop(0).wait()
            vacancy_app.close()
            matching_app.close()
    if not latencies:
        raise RuntimeError(f"no match event arrived (skipped {skipped}, missing {missing})")
    notes = {
        "measured": len(latencies),
        "not_accepted": skipped,
        "no_event_within_s": missing,
        "background_profiles": background,
        "max_ms": round(max(latencies) * 1000, 1),
        "per_hop_ms": marks.per_hop_ms(measured),
    }
    return [
        Metric(
            "event-latency.p95", percentile(latencies, 0.95) * 1000, "ms", size, goal=Goal(max_value=200), notes=notes
        ),
        Metric("event-latency.p50", percentile(latencies, 0.50) * 1000, "ms", size),
    ]
