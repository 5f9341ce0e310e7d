"""One trace from an import to the matches it causes: the importer's gRPC call, the
vacancies service's server span, VacancyPublished on the bus, matching's consumer span and
VacancyMatched on the bus all carry one OpenTelemetry trace id (in-memory exporter, real
broker, both services in this process)."""

from __future__ import annotations

import random
import time
import uuid

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from jobmatch.vacancies.v1 import vacancy_pb2, vacancy_service_pb2, vacancy_service_pb2_grpc
from services.common.bus.broker import ensure_topics
from services.common.bus.tail import read_topic_events
from services.common.bus.topics import ALL_TOPICS, MATCHING, VACANCIES
from services.common.grpc_server import open_channel
from services.common.reference import occupations, places
from services.common.settings import Settings
from services.matching.bootstrap import build_app as build_matching
from services.matching.domain.model import OccupationWishInput
from services.matching.sample_data import random_profile_input
from services.vacancies.bootstrap import build_app as build_vacancies
from services.vacancies.bootstrap import create_server as serve_vacancies

pytestmark = pytest.mark.slow


def wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def trace_of(traceparent: str | None) -> str | None:
    return traceparent.split("-")[1] if traceparent else None


def developer_in_utrecht(vacancy_id: str) -> vacancy_pb2.Vacancy:
    occupation = occupations.by_isco_prefix("2512")[0]
    utrecht = places.lookup("Utrecht")
    return vacancy_pb2.Vacancy(
        vacancy_id=vacancy_id,
        source="trace-test",
        external_id=vacancy_id,
        title="Python-ontwikkelaar",
        employer="Voorbeeld B.V.",
        occupation=vacancy_pb2.Occupation(esco_uri=occupation.uri, isco_code=occupation.isco_code),
        required_skills=["Python", "SQL"],
        location=vacancy_pb2.Location(
            place_name="Utrecht",
            latitude=utrecht.latitude,
            longitude=utrecht.longitude,
            has_coordinates=True,
            country_code="NL",
            province_code="09",
        ),
        workplace_type=vacancy_pb2.WORKPLACE_TYPE_HYBRID,
        hours_min=32,
        hours_max=36,
        contract_type=vacancy_pb2.CONTRACT_TYPE_PERMANENT,
        languages=["nl"],
        date_posted="2026-11-24",
    )


def test_an_import_and_the_matches_it_causes_are_one_trace_across_the_services(
    spans: InMemorySpanExporter, settings: Settings, tmp_path, token_for
) -> None:  # type: ignore[no-untyped-def]
    ensure_topics(settings.kafka_bootstrap_servers, list(ALL_TOPICS))
    matching = build_matching(settings.model_copy(update={"data_dir": tmp_path / "matching"}))
    vacancies = build_vacancies(settings.model_copy(update={"data_dir": tmp_path / "vacancies"}))
    server, port, _ = serve_vacancies(settings, app=vacancies)
    try:
        matching.start_background()
        vacancies.start_background()
        assert matching.consumer().wait_until_assigned(30)
        rng = random.Random(3)
        for n in range(5):
            draft = random_profile_input(rng, f"c-trace-{n}")
            draft.occupations = [OccupationWishInput(isco_code="2512", breadth=1)]
            draft.home_place_name = "Utrecht"
            draft.max_travel_km = 30
            draft.hours_min, draft.hours_max = 24, 40
            draft.contract_types = []
            matching.handlers.set_search_profile(draft)

        with open_channel(settings, f"127.0.0.1:{port}") as channel:
            reply = vacancy_service_pb2_grpc.VacancyServiceStub(channel).UpsertVacancy(
                vacancy_service_pb2.UpsertVacancyRequest(vacancy=developer_in_utrecht(f"vac-{uuid.uuid4().hex[:12]}")),
                metadata=token_for("service", "importer", settings=settings),
                timeout=30,
            )
        vacancy_id = reply.vacancy.vacancy_id
        assert wait_for(lambda: matching.store.get_vacancy(vacancy_id) is not None)
        assert matching.relay().flush(30)
        matched = [
            e for _, e in read_topic_events(settings.kafka_bootstrap_servers, MATCHING) if e.subject == vacancy_id
        ]
        published = [
            e for _, e in read_topic_events(settings.kafka_bootstrap_servers, VACANCIES) if e.subject == vacancy_id
        ]
    finally:
        server.stop(None)
        vacancies.close()
        matching.close()

    finished = spans.get_finished_spans()
    client = [s for s in finished if s.kind is SpanKind.CLIENT and s.name.endswith("/UpsertVacancy")]
    assert len(client) == 1
    trace_id = format(client[0].context.trace_id, "032x")
    server_span = [s for s in finished if s.kind is SpanKind.SERVER and s.name.endswith("/UpsertVacancy")]
    assert [s.parent.span_id for s in server_span] == [client[0].context.span_id]
    assert [trace_of(e.traceparent) for e in published] == [trace_id]
    consumed = [
        s
        for s in finished
        if s.kind is SpanKind.CONSUMER and s.attributes.get("messaging.message.id") == published[0].id
    ]
    assert len(consumed) == 1 and format(consumed[0].context.trace_id, "032x") == trace_id
    assert matched, "the profiles near Utrecht match the vacancy"
    assert {e.type for e in matched} == {"nl.werk.vacancy-matched.v1"}
    assert {trace_of(e.traceparent) for e in matched} == {trace_id}
    # The matches were decided inside the consumer span: their context names it as parent.
    assert {e.traceparent.split("-")[2] for e in matched} == {format(consumed[0].context.span_id, "016x")}
