"""Limits: the maximum message size, items per ingest batch, and the per-caller rate limit on
writes. Each is a clear RESOURCE_EXHAUSTED (or INVALID_ARGUMENT), changes nothing, and the
service goes on serving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from reliability_support import (
    ACTIVITY_SERVICE,
    CASEWORKER,
    CLIENT,
    MATCHING_SERVICE,
    OTHER_CLIENT,
    SERVICE,
    VACANCY_SERVICE,
    Baseline,
    Stack,
    changed_tables,
    good_log_request,
    good_vacancy,
    seed_baseline,
    start_stack,
    stop_stack,
)

from jobmatch.activities.v1 import activities_pb2 as act
from jobmatch.matching.v1 import matching_service_pb2 as mat
from jobmatch.vacancies.v1 import vacancy_pb2 as vac
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vsv
from services.common.grpc_server import MAX_MESSAGE_BYTES

EXHAUSTED = grpc.StatusCode.RESOURCE_EXHAUSTED
UPSERT = VACANCY_SERVICE.methods_by_name["UpsertVacancy"]
INGEST = VACANCY_SERVICE.methods_by_name["IngestVacancies"]
LOG = ACTIVITY_SERVICE.methods_by_name["LogActivity"]
LIST_ACTIVITIES = ACTIVITY_SERVICE.methods_by_name["ListActivities"]
FEEDBACK = MATCHING_SERVICE.methods_by_name["RecordFeedback"]
WRITE_BURST = 5


class TestMessageSize:
    def test_a_request_over_the_limit_is_refused_with_resource_exhausted(
        self, stack: Stack, baseline: Baseline
    ) -> None:
        oversized = vsv.UpsertVacancyRequest(vacancy=good_vacancy("big-1", description="x" * (MAX_MESSAGE_BYTES + 1)))
        before = stack.snapshot()
        outcome = stack.call(UPSERT, oversized, SERVICE)
        assert outcome.code == EXHAUSTED, outcome
        assert changed_tables(before, stack.snapshot()) == []
        assert stack.healthy()
        assert (
            stack.call(UPSERT, vsv.UpsertVacancyRequest(vacancy=good_vacancy("big-2")), SERVICE).code
            == grpc.StatusCode.OK
        )

    def test_an_ingest_batch_over_the_limit_ends_the_stream_with_resource_exhausted(
        self, stack: Stack, baseline: Baseline
    ) -> None:
        per_item = "x" * (1024 * 1024)
        batch = vsv.IngestVacanciesRequest(
            batch_id="huge",
            vacancies=[
                good_vacancy(f"huge-{i}", description=per_item) for i in range(MAX_MESSAGE_BYTES // len(per_item) + 2)
            ],
        )
        before = stack.snapshot()
        outcome = stack.call(INGEST, [batch], SERVICE)
        assert outcome.code == EXHAUSTED, outcome
        assert changed_tables(before, stack.snapshot()) == []
        assert stack.healthy()

    def test_a_request_just_under_the_limit_gets_a_normal_answer(self, stack: Stack, baseline: Baseline) -> None:
        # 16 MiB of description: under the message limit, over the 64 KiB the vacancy allows.
        request = vsv.UpsertVacancyRequest(vacancy=good_vacancy("big-3", description="x" * (16 * 1024 * 1024)))
        outcome = stack.call(UPSERT, request, SERVICE)
        assert outcome.code == grpc.StatusCode.INVALID_ARGUMENT
        assert "vacancy.description" in outcome.violated_fields()


class TestItemsPerIngestBatch:
    def test_rejected_items_of_a_large_batch_are_each_reported_and_nothing_is_stored(
        self, stack: Stack, baseline: Baseline
    ) -> None:
        batch = vsv.IngestVacanciesRequest(batch_id="many", vacancies=[vac.Vacancy(source="werkbank")] * 2_000)
        before = stack.snapshot()
        outcome = stack.call(INGEST, [batch], SERVICE)
        assert outcome.code == grpc.StatusCode.OK
        results = outcome.responses[0].results
        assert len(results) == 2_000 and {r.status for r in results} == {vsv.INGEST_STATUS_REJECTED}
        assert changed_tables(before, stack.snapshot()) == []

    def test_a_batch_with_more_items_than_allowed_is_refused(self, stack: Stack, baseline: Baseline) -> None:
        batch = vsv.IngestVacanciesRequest(batch_id="too-many", vacancies=[vac.Vacancy()] * 50_000)
        outcome = stack.call(INGEST, [batch], SERVICE)
        assert outcome.code in (EXHAUSTED, grpc.StatusCode.INVALID_ARGUMENT)


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory, broker: str) -> Iterator[tuple[Stack, Baseline]]:
    """A stack whose people may make WRITE_BURST writes at once, then one a minute."""
    data_dir: Path = tmp_path_factory.mktemp("limited") / "data"
    running = start_stack(data_dir, broker, write_rate_per_minute=1, write_burst=WRITE_BURST)
    try:
        # The baseline's own writes (at most two per caller per service) count against the burst.
        yield running, seed_baseline(running)
    finally:
        stop_stack(running)


def _log(stack: Stack, client: str, number: int) -> grpc.StatusCode:
    caller = CLIENT if client == "c-1" else OTHER_CLIENT
    return stack.call(LOG, good_log_request(client, f"flood-{client}-{number}"), caller).code


class TestWriteRateLimit:
    def test_a_client_flooding_writes_gets_resource_exhausted_and_nothing_is_stored(
        self, limited: tuple[Stack, Baseline]
    ) -> None:
        stack, _ = limited
        # The baseline used up some of c-1's burst (a profile, two activities); flood the rest.
        codes = [_log(stack, "c-1", n) for n in range(WRITE_BURST)]
        assert codes[-1] == EXHAUSTED, codes
        before = stack.snapshot()
        outcome = stack.call(LOG, good_log_request("c-1", "flood-c-1-more"), CLIENT)
        assert outcome.code == EXHAUSTED
        assert "minuut" in outcome.details and "minute" in outcome.localized["en-GB"]  # says what to do, in NL and EN
        assert changed_tables(before, stack.snapshot()) == []
        assert stack.healthy()

    def test_reads_of_the_limited_client_still_work(self, limited: tuple[Stack, Baseline]) -> None:
        stack, _ = limited
        assert _log(stack, "c-1", 100) == EXHAUSTED
        outcome = stack.call(LIST_ACTIVITIES, act.ListActivitiesRequest(client_id="c-1"), CLIENT)
        assert outcome.code == grpc.StatusCode.OK

    def test_another_client_is_not_limited_by_the_first(self, limited: tuple[Stack, Baseline]) -> None:
        stack, _ = limited
        assert _log(stack, "c-1", 101) == EXHAUSTED
        assert _log(stack, "c-2", 1) == grpc.StatusCode.OK

    def test_the_limit_is_per_service(self, limited: tuple[Stack, Baseline]) -> None:
        stack, baseline = limited
        assert _log(stack, "c-1", 102) == EXHAUSTED
        outcome = stack.call(
            FEEDBACK,
            mat.RecordFeedbackRequest(client_id="c-1", vacancy_id=baseline.vacancy_id, kind=mat.FEEDBACK_KIND_SAVE),
            CLIENT,
        )
        assert outcome.code == grpc.StatusCode.OK

    def test_a_caseworker_is_limited_too(self, limited: tuple[Stack, Baseline]) -> None:
        stack, baseline = limited
        request = act.VerifyActivityRequest(
            caseworker_id="cw-1",
            client_id="c-1",
            activity_id=baseline.activity_id,
            decision=act.VERIFICATION_DECISION_APPROVE,
        )
        codes = [
            stack.call(ACTIVITY_SERVICE.methods_by_name["VerifyActivity"], request, CASEWORKER).code
            for _ in range(WRITE_BURST + 1)
        ]
        assert codes[-1] == EXHAUSTED, codes

    def test_integrations_with_a_service_token_are_not_limited(self, limited: tuple[Stack, Baseline]) -> None:
        # By design: systems batch their writes (see the interceptor); people are limited.
        stack, _ = limited
        codes = {
            stack.call(UPSERT, vsv.UpsertVacancyRequest(vacancy=good_vacancy(f"svc-{n}")), SERVICE).code
            for n in range(WRITE_BURST * 3)
        }
        assert codes == {grpc.StatusCode.OK}
