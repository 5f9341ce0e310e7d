"""Every case of the bad-input corpus gets the right code with a field violation naming the
field, changes nothing in any store, and leaves every service serving."""

from __future__ import annotations

import grpc
import pytest
from corpus_cases import CASES, KNOWN_BUGS, Case, Context, Tokens
from reliability_support import (
    ACTIVITY_SERVICE,
    CLIENT,
    MATCHING_SERVICE,
    PRIVACY_SERVICE,
    SERVED,
    SERVICE,
    VACANCY_SERVICE,
    Baseline,
    Caller,
    Outcome,
    Stack,
    changed_tables,
    full_name,
)

from jobmatch.activities.v1 import activities_pb2 as act
from jobmatch.matching.v1 import matching_service_pb2 as mat
from jobmatch.privacy.v1 import privacy_pb2 as prv
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vsv

CORPUS_COUNT: dict[str, int] = {"cases": 0, "passed": 0, "known_bugs": len(KNOWN_BUGS)}


def _first_page_token(
    stack: Stack, service: object, name: str, request: object, caller: Caller, on: str | None = None
) -> str:
    outcome = stack.call(service.methods_by_name[name], request, caller, service=on)  # type: ignore[attr-defined]
    assert outcome.code == grpc.StatusCode.OK, outcome
    token = outcome.responses[0].next_page_token
    assert token, f"{name}: the seeded data should give a second page"
    return token


@pytest.fixture(scope="module")
def context(stack: Stack, baseline: Baseline) -> Context:
    both = Caller("caseworker", "cw-1", ("c-1", "c-2"))
    tokens = Tokens(
        search=_first_page_token(
            stack, VACANCY_SERVICE, "SearchVacancies", vsv.SearchVacanciesRequest(page_size=1), CLIENT
        ),
        changes=_first_page_token(
            stack, VACANCY_SERVICE, "ListVacancyChanges", vsv.ListVacancyChangesRequest(page_size=1), SERVICE
        ),
        feed_c1=_first_page_token(
            stack, MATCHING_SERVICE, "GetFeed", mat.GetFeedRequest(client_id="c-1", page_size=1), CLIENT
        ),
        activities_c1=_first_page_token(
            stack, ACTIVITY_SERVICE, "ListActivities", act.ListActivitiesRequest(client_id="c-1", page_size=1), CLIENT
        ),
        caseload_cw1=_first_page_token(
            stack, ACTIVITY_SERVICE, "GetCaseload", act.GetCaseloadRequest(caseworker_id="cw-1", page_size=1), both
        ),
        matching_profiles=_first_page_token(
            stack,
            MATCHING_SERVICE,
            "ListMatchingProfiles",
            mat.ListMatchingProfilesRequest(caseworker_id="cw-1", vacancy_id=baseline.vacancy_id, page_size=1),
            SERVICE,
        ),
        processing_log_matching_c1=_first_page_token(
            stack,
            PRIVACY_SERVICE,
            "ListProcessingLog",
            prv.ListProcessingLogRequest(client_id="c-1", page_size=1),
            CLIENT,
            on="matching",
        ),
        processing_log_activities_c1=_first_page_token(
            stack,
            PRIVACY_SERVICE,
            "ListProcessingLog",
            prv.ListProcessingLogRequest(client_id="c-1", page_size=1),
            CLIENT,
            on="activities",
        ),
    )
    return Context(baseline, tokens)


def _good_calls_succeed(stack: Stack, baseline: Baseline) -> None:
    """A health check and one good read on every service after each case."""
    assert stack.healthy()
    checks = [
        (VACANCY_SERVICE, "GetVacancy", vsv.GetVacancyRequest(vacancy_id=baseline.vacancy_id), CLIENT, None),
        (MATCHING_SERVICE, "GetSearchProfile", mat.GetSearchProfileRequest(client_id="c-1"), CLIENT, None),
        (ACTIVITY_SERVICE, "ListActivities", act.ListActivitiesRequest(client_id="c-1"), CLIENT, None),
    ]
    for service, name, request, caller, on in checks:
        outcome = stack.call(service.methods_by_name[name], request, caller, service=on)
        assert outcome.code == grpc.StatusCode.OK, (name, outcome)


def _check_expected(case: Case, outcome: Outcome) -> None:
    if case.rejected_item:
        assert outcome.code == grpc.StatusCode.OK, outcome
        results = [r for response in outcome.responses for r in response.results]
        assert results and all(r.status == vsv.INGEST_STATUS_REJECTED for r in results), results
        fields = [v.field for r in results for v in r.violations]
        assert any(case.field in f for f in fields), fields
        return
    assert outcome.code in (case.code, *case.also), f"{case.id}: {outcome.code.name} {outcome.details[:300]!r}"
    if outcome.code == grpc.StatusCode.INVALID_ARGUMENT and case.field is not None:
        assert any(case.field in f for f in outcome.violated_fields()), (
            f"{case.id}: no violation names {case.field!r}: {outcome.violations}"
        )


class TestBadInputCorpus:
    def test_every_rpc_has_cases(self) -> None:
        served = {full_name(m) for services in SERVED.values() for s in services for m in s.methods}
        covered = {full_name(case.method) for case in CASES}
        assert served - covered == set()

    def test_case_ids_are_unique(self) -> None:
        ids = [case.id for case in CASES]
        assert len(ids) == len(set(ids))

    def test_every_known_bug_names_a_case(self) -> None:
        assert set(KNOWN_BUGS) <= {case.id for case in CASES}

    @pytest.mark.parametrize(
        "case",
        [
            pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else [])
            for case in CASES
        ],
    )
    def test_refused_cleanly_and_nothing_changes(self, case: Case, stack: Stack, context: Context) -> None:
        CORPUS_COUNT["cases"] += 1
        request = case.request(context)
        before = stack.snapshot()
        outcome = stack.call(case.method, request, case.caller, service=case.service)
        after = stack.snapshot()
        _check_expected(case, outcome)
        assert changed_tables(before, after) == [], f"{case.id} changed the store"
        _good_calls_succeed(stack, context.baseline)
        CORPUS_COUNT["passed"] += 1


class TestWhatTheCorpusRefusesIsNotTooStrict:
    def test_a_note_with_line_breaks_and_tabs_and_accents_is_accepted(self, stack: Stack, baseline: Baseline) -> None:
        from reliability_support import good_log_request

        request = good_log_request("c-1", "note-with-lines")
        request.note = "Gesprek met Ömer:\n\t- vervolg volgende week\r\n- cv gestuurd 👍"
        outcome = stack.call(ACTIVITY_SERVICE.methods_by_name["LogActivity"], request, CLIENT)
        assert outcome.code == grpc.StatusCode.OK, outcome
        assert outcome.responses[0].activity.note == request.note
