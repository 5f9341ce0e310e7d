"""Access: a client reaches only its own data, a caseworker only their caseload, a service
token only the RPCs its scopes allow; bad tokens are refused; refused attempts on a client's
data are in that service's processing log with status "denied", and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
import jwt
import pytest
from reliability_support import (
    ACTIVITY_SERVICE,
    CASEWORKER,
    CLIENT,
    MATCHING_SERVICE,
    PRIVACY_SERVICE,
    SERVICE,
    VACANCY_SERVICE,
    Baseline,
    Caller,
    Stack,
    changed_tables,
    good_log_request,
    good_profile_request,
    good_vacancy,
)

from jobmatch.activities.v1 import activities_pb2 as act
from jobmatch.matching.v1 import matching_service_pb2 as mat
from jobmatch.privacy.v1 import privacy_pb2 as prv
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vsv
from services.common.auth import mint_token
from services.common.settings import Settings

# The HS512 token below is signed with our (shorter) HS256 secret on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key")

DENIED = grpc.StatusCode.PERMISSION_DENIED
UNAUTHENTICATED = grpc.StatusCode.UNAUTHENTICATED


@dataclass(frozen=True)
class Attempt:
    """One RPC on one client's data: (gRPC service, method, request builder, process)."""

    id: str
    service: Any
    name: str
    build: Callable[[Baseline, str], Any]  # (baseline, client_id) -> request
    process: str | None = None

    def call(self, stack: Stack, baseline: Baseline, client_id: str, caller: Caller) -> Any:
        return stack.call(
            self.service.methods_by_name[self.name], self.build(baseline, client_id), caller, service=self.process
        )


def _activity_of(b: Baseline, client_id: str) -> str:
    return b.activity_id if client_id == "c-1" else b.other_activity_id


# Everything a client can do with client data, aimed at `client_id`.
CLIENT_DATA = [
    Attempt("GetFeed", MATCHING_SERVICE, "GetFeed", lambda b, c: mat.GetFeedRequest(client_id=c)),
    Attempt(
        "GetSearchProfile", MATCHING_SERVICE, "GetSearchProfile", lambda b, c: mat.GetSearchProfileRequest(client_id=c)
    ),
    Attempt("SetSearchProfile", MATCHING_SERVICE, "SetSearchProfile", lambda b, c: good_profile_request(c)),
    Attempt(
        "RecordFeedback",
        MATCHING_SERVICE,
        "RecordFeedback",
        lambda b, c: mat.RecordFeedbackRequest(client_id=c, vacancy_id=b.vacancy_id, kind=mat.FEEDBACK_KIND_DISMISS),
    ),
    Attempt("LogActivity", ACTIVITY_SERVICE, "LogActivity", lambda b, c: good_log_request(c, "access-test")),
    Attempt(
        "UpdateActivityOutcome",
        ACTIVITY_SERVICE,
        "UpdateActivityOutcome",
        lambda b, c: act.UpdateActivityOutcomeRequest(
            client_id=c, activity_id=_activity_of(b, c), outcome=act.OUTCOME_INVITED
        ),
    ),
    Attempt(
        "WithdrawActivity",
        ACTIVITY_SERVICE,
        "WithdrawActivity",
        lambda b, c: act.WithdrawActivityRequest(client_id=c, activity_id=_activity_of(b, c)),
    ),
    Attempt("ListActivities", ACTIVITY_SERVICE, "ListActivities", lambda b, c: act.ListActivitiesRequest(client_id=c)),
    Attempt(
        "GetObligationStatus",
        ACTIVITY_SERVICE,
        "GetObligationStatus",
        lambda b, c: act.GetObligationStatusRequest(client_id=c),
    ),
    Attempt(
        "ListProcessingLog@matching",
        PRIVACY_SERVICE,
        "ListProcessingLog",
        lambda b, c: prv.ListProcessingLogRequest(client_id=c),
        "matching",
    ),
    Attempt(
        "ListProcessingLog@activities",
        PRIVACY_SERVICE,
        "ListProcessingLog",
        lambda b, c: prv.ListProcessingLogRequest(client_id=c),
        "activities",
    ),
]
# What only a caseworker may do with client data, aimed at `client_id`.
CASEWORKER_DATA = [
    Attempt(
        "SetObligationPolicy",
        ACTIVITY_SERVICE,
        "SetObligationPolicy",
        lambda b, c: act.SetObligationPolicyRequest(
            caseworker_id="cw-1", client_id=c, template="weekly", start_date="2026-11-02"
        ),
    ),
    Attempt(
        "VerifyActivity",
        ACTIVITY_SERVICE,
        "VerifyActivity",
        lambda b, c: act.VerifyActivityRequest(
            caseworker_id="cw-1",
            client_id=c,
            activity_id=_activity_of(b, c),
            decision=act.VERIFICATION_DECISION_APPROVE,
        ),
    ),
]
# RPCs a client may not call at all, even about itself.
NOT_FOR_CLIENTS = [
    *CASEWORKER_DATA,
    Attempt("GetCaseload", ACTIVITY_SERVICE, "GetCaseload", lambda b, c: act.GetCaseloadRequest(caseworker_id="cw-1")),
    Attempt(
        "ListMatchingProfiles",
        MATCHING_SERVICE,
        "ListMatchingProfiles",
        lambda b, c: mat.ListMatchingProfilesRequest(caseworker_id="cw-1", vacancy_id=b.vacancy_id),
    ),
    Attempt(
        "IngestVacancies",
        VACANCY_SERVICE,
        "IngestVacancies",
        lambda b, c: [vsv.IngestVacanciesRequest(batch_id="x", vacancies=[good_vacancy("access-1")])],
    ),
    Attempt(
        "UpsertVacancy",
        VACANCY_SERVICE,
        "UpsertVacancy",
        lambda b, c: vsv.UpsertVacancyRequest(vacancy=good_vacancy("access-2")),
    ),
    Attempt(
        "WithdrawVacancy",
        VACANCY_SERVICE,
        "WithdrawVacancy",
        lambda b, c: vsv.WithdrawVacancyRequest(vacancy_id=b.vacancy_id, reason="vervuld"),
    ),
    Attempt(
        "EraseClientData@matching",
        PRIVACY_SERVICE,
        "EraseClientData",
        lambda b, c: prv.EraseClientDataRequest(client_id=c, reason="AVG art. 17"),
        "matching",
    ),
    Attempt(
        "EraseClientData@activities",
        PRIVACY_SERVICE,
        "EraseClientData",
        lambda b, c: prv.EraseClientDataRequest(client_id=c, reason="AVG art. 17"),
        "activities",
    ),
]


def _ids(attempts: list[Attempt]) -> list[str]:
    return [a.id for a in attempts]


def denied_records(stack: Stack, process: str, client_id: str) -> list[Any]:
    """The "denied" records of `client_id` in one service's processing log."""
    outcome = stack.call(
        PRIVACY_SERVICE.methods_by_name["ListProcessingLog"],
        prv.ListProcessingLogRequest(client_id=client_id, page_size=1000),
        SERVICE,
        service=process,
    )
    assert outcome.code == grpc.StatusCode.OK, outcome
    return [r for r in outcome.responses[0].records if r.status == "denied"]


def _process_of(stack: Stack, attempt: Attempt) -> str:
    return attempt.process or stack.service_of(attempt.service.methods_by_name[attempt.name])


class TestAClientReachesOnlyItsOwnData:
    @pytest.mark.parametrize("attempt", CLIENT_DATA, ids=_ids(CLIENT_DATA))
    def test_another_clients_data_is_refused_logged_and_unchanged(
        self, attempt: Attempt, stack: Stack, baseline: Baseline
    ) -> None:
        process = _process_of(stack, attempt)
        denied_before = len(denied_records(stack, process, "c-2"))
        before = stack.snapshot()
        outcome = attempt.call(stack, baseline, "c-2", CLIENT)
        assert outcome.code == DENIED, outcome
        assert changed_tables(before, stack.snapshot()) == []
        records = denied_records(stack, process, "c-2")
        assert len(records) == denied_before + 1
        assert records[-1].actor == "client:c-1" and records[-1].name == attempt.name

    @pytest.mark.parametrize(
        "attempt",
        [a for a in CLIENT_DATA if a.name.startswith(("Get", "List"))],
        ids=_ids([a for a in CLIENT_DATA if a.name.startswith(("Get", "List"))]),
    )
    def test_its_own_data_is_served(self, attempt: Attempt, stack: Stack, baseline: Baseline) -> None:
        assert attempt.call(stack, baseline, "c-1", CLIENT).code == grpc.StatusCode.OK

    @pytest.mark.parametrize("attempt", NOT_FOR_CLIENTS, ids=_ids(NOT_FOR_CLIENTS))
    def test_caseworker_and_system_functions_are_refused_even_about_itself(
        self, attempt: Attempt, stack: Stack, baseline: Baseline
    ) -> None:
        before = stack.snapshot()
        assert attempt.call(stack, baseline, "c-1", CLIENT).code == DENIED
        assert changed_tables(before, stack.snapshot()) == []


class TestACaseworkerReachesOnlyTheirCaseload:
    @pytest.mark.parametrize(
        "attempt", [*CLIENT_DATA[:9], *CASEWORKER_DATA], ids=_ids([*CLIENT_DATA[:9], *CASEWORKER_DATA])
    )
    def test_a_client_outside_the_caseload_is_refused_and_logged(
        self, attempt: Attempt, stack: Stack, baseline: Baseline
    ) -> None:
        process = _process_of(stack, attempt)
        denied_before = len(denied_records(stack, process, "c-2"))
        before = stack.snapshot()
        assert attempt.call(stack, baseline, "c-2", CASEWORKER).code == DENIED
        assert changed_tables(before, stack.snapshot()) == []
        assert len(denied_records(stack, process, "c-2")) == denied_before + 1

    def test_a_client_in_the_caseload_is_served(self, stack: Stack, baseline: Baseline) -> None:
        for attempt in (CLIENT_DATA[7], CLIENT_DATA[8], CLIENT_DATA[1]):
            assert attempt.call(stack, baseline, "c-1", CASEWORKER).code == grpc.StatusCode.OK, attempt.id

    def test_another_caseworkers_caseload_is_refused(self, stack: Stack) -> None:
        outcome = stack.call(
            ACTIVITY_SERVICE.methods_by_name["GetCaseload"], act.GetCaseloadRequest(caseworker_id="cw-2"), CASEWORKER
        )
        assert outcome.code == DENIED

    def test_the_caseload_overview_shows_only_clients_in_the_token_caseload(self, stack: Stack) -> None:
        # cw-1 set the policies of c-1 and c-2, then c-2 was unassigned (baseline); the token holds c-1.
        outcome = stack.call(
            ACTIVITY_SERVICE.methods_by_name["GetCaseload"],
            act.GetCaseloadRequest(caseworker_id="cw-1", page_size=100),
            CASEWORKER,
        )
        assert outcome.code == grpc.StatusCode.OK
        assert {e.client_id for e in outcome.responses[0].entries} == {"c-1"}

    def test_reverse_matching_shows_only_clients_in_the_caseload(self, stack: Stack, baseline: Baseline) -> None:
        request = mat.ListMatchingProfilesRequest(caseworker_id="cw-1", vacancy_id=baseline.vacancy_id, page_size=100)
        as_caseworker = stack.call(MATCHING_SERVICE.methods_by_name["ListMatchingProfiles"], request, CASEWORKER)
        as_service = stack.call(MATCHING_SERVICE.methods_by_name["ListMatchingProfiles"], request, SERVICE)
        assert {m.client_id for m in as_service.responses[0].matches} == {"c-1", "c-2"}
        assert {m.client_id for m in as_caseworker.responses[0].matches} == {"c-1"}

    @pytest.mark.parametrize(
        "attempt",
        [
            a
            for a in NOT_FOR_CLIENTS
            if a.service in (VACANCY_SERVICE, PRIVACY_SERVICE)
            and a.name != "UpsertVacancy"
            and a.name != "WithdrawVacancy"
        ]
        + CLIENT_DATA[9:],
        ids=lambda a: a.id,
    )
    def test_system_functions_and_the_processing_log_are_refused(
        self, attempt: Attempt, stack: Stack, baseline: Baseline
    ) -> None:
        assert attempt.call(stack, baseline, "c-1", CASEWORKER).code == DENIED


SCOPED = [
    # (scopes, attempt, allowed)
    (("vacancies:read",), NOT_FOR_CLIENTS[4], False),  # IngestVacancies
    (("vacancies:read",), NOT_FOR_CLIENTS[5], False),  # UpsertVacancy
    (("vacancies:read",), NOT_FOR_CLIENTS[6], False),  # WithdrawVacancy
    (
        ("vacancies:read",),
        Attempt("SearchVacancies", VACANCY_SERVICE, "SearchVacancies", lambda b, c: vsv.SearchVacanciesRequest()),
        True,
    ),
    (
        ("vacancies:write",),
        Attempt("SearchVacancies", VACANCY_SERVICE, "SearchVacancies", lambda b, c: vsv.SearchVacanciesRequest()),
        False,
    ),
    (("vacancies:write",), CLIENT_DATA[0], False),  # GetFeed: another area
    (("matching:read",), CLIENT_DATA[2], False),  # SetSearchProfile
    (("matching:read",), CLIENT_DATA[3], False),  # RecordFeedback
    (("matching:read",), CLIENT_DATA[0], True),  # GetFeed
    (("activities:read",), CLIENT_DATA[4], False),  # LogActivity
    (("activities:read",), CLIENT_DATA[7], True),  # ListActivities
    (("activities:write",), NOT_FOR_CLIENTS[8], False),  # EraseClientData@activities needs privacy:write
    (("privacy:read",), NOT_FOR_CLIENTS[7], False),  # EraseClientData@matching
    (("privacy:read",), CLIENT_DATA[9], True),  # ListProcessingLog@matching
    ((), CLIENT_DATA[8], False),  # no scope at all
]


class TestServiceTokensReachOnlyTheirScopes:
    @pytest.mark.parametrize(
        ("scopes", "attempt", "allowed"), SCOPED, ids=[f"{'+'.join(s) or 'no-scope'}->{a.id}" for s, a, _ in SCOPED]
    )
    def test_scope_decides(
        self, scopes: tuple[str, ...], attempt: Attempt, allowed: bool, stack: Stack, baseline: Baseline
    ) -> None:
        caller = Caller("service", "integration", scopes=scopes)
        before = stack.snapshot()
        outcome = attempt.call(stack, baseline, "c-1", caller)
        if allowed:
            assert outcome.code == grpc.StatusCode.OK, outcome
        else:
            assert outcome.code == DENIED, outcome
            assert changed_tables(before, stack.snapshot()) == []


def _claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    import time

    claims: dict[str, Any] = {
        "sub": "c-1",
        "role": "client",
        "aud": settings.token_audience,
        "iss": settings.token_issuer,
        "iat": int(time.time()),
        "exp": int(time.time()) + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _secret(settings: Settings) -> str:
    return settings.token_secret.get_secret_value()


BAD_CREDENTIALS: list[tuple[str, Callable[[Settings], tuple[tuple[str, str], ...]]]] = [
    ("no-authorization", lambda s: ()),
    ("basic-scheme", lambda s: (("authorization", "Basic YzE6cGFzc3dvcmQ="),)),
    ("bearer-without-token", lambda s: (("authorization", "Bearer "),)),
    ("garbage-token", lambda s: (("authorization", "Bearer not.a.jwt"),)),
    (
        "expired",
        lambda s: (("authorization", "Bearer " + mint_token(s, subject="c-1", role="client", ttl_seconds=-60)),),
    ),
    ("unsigned-alg-none", lambda s: (("authorization", "Bearer " + jwt.encode(_claims(s), None, algorithm="none")),)),
    (
        "unsigned-service-alg-none",
        lambda s: (
            (
                "authorization",
                "Bearer " + jwt.encode(_claims(s, sub="x", role="service", scope="*"), None, algorithm="none"),
            ),
        ),
    ),
    (
        "wrong-secret",
        lambda s: (
            (
                "authorization",
                "Bearer " + jwt.encode(_claims(s), "another-secret-of-32-bytes!!!!!!", algorithm="HS256"),
            ),
        ),
    ),
    (
        "wrong-audience",
        lambda s: (
            ("authorization", "Bearer " + mint_token(s, subject="c-1", role="client", audience="another-system")),
        ),
    ),
    (
        "wrong-issuer",
        lambda s: (
            ("authorization", "Bearer " + jwt.encode(_claims(s, iss="someone-else"), _secret(s), algorithm="HS256")),
        ),
    ),
    (
        "other-algorithm-hs512",
        lambda s: (("authorization", "Bearer " + jwt.encode(_claims(s), _secret(s), algorithm="HS512")),),
    ),
    (
        "unknown-role",
        lambda s: (("authorization", "Bearer " + jwt.encode(_claims(s, role="admin"), _secret(s), algorithm="HS256")),),
    ),
    (
        "no-subject",
        lambda s: (("authorization", "Bearer " + jwt.encode(_claims(s, sub=None), _secret(s), algorithm="HS256")),),
    ),
    (
        "no-expiry",
        lambda s: (("authorization", "Bearer " + jwt.encode(_claims(s, exp=None), _secret(s), algorithm="HS256")),),
    ),
    (
        "caseload-not-a-list",
        lambda s: (
            (
                "authorization",
                "Bearer "
                + jwt.encode(_claims(s, sub="cw-1", role="caseworker", caseload="c-2"), _secret(s), algorithm="HS256"),
            ),
        ),
    ),
    (
        "signature-stripped",
        lambda s: (("authorization", "Bearer " + mint_token(s, subject="c-1", role="client").rsplit(".", 1)[0] + "."),),
    ),
]
TARGETS = [
    CLIENT_DATA[7],
    CLIENT_DATA[4],
    CLIENT_DATA[0],
    CLIENT_DATA[9],
    Attempt("GetVacancy", VACANCY_SERVICE, "GetVacancy", lambda b, c: vsv.GetVacancyRequest(vacancy_id=b.vacancy_id)),
    NOT_FOR_CLIENTS[5],
]


class TestBadTokensAreRefused:
    @pytest.mark.parametrize(("name", "credentials"), BAD_CREDENTIALS, ids=[n for n, _ in BAD_CREDENTIALS])
    def test_unauthenticated_everywhere_and_nothing_changes(
        self, name: str, credentials: Any, stack: Stack, baseline: Baseline
    ) -> None:
        metadata = credentials(stack.settings)
        before = stack.snapshot()
        for attempt in TARGETS:
            method = attempt.service.methods_by_name[attempt.name]
            outcome = stack.call(
                method, attempt.build(baseline, "c-1"), metadata=metadata, service=_process_of(stack, attempt)
            )
            assert outcome.code == UNAUTHENTICATED, (attempt.id, outcome)
            # A plain message in Dutch and in English, kept apart; the status message in Dutch.
            assert set(outcome.localized) == {"nl-NL", "en-GB"}, outcome
            assert outcome.localized["nl-NL"] != outcome.localized["en-GB"]
            assert outcome.details == outcome.localized["nl-NL"] and "(EN" not in outcome.details
        assert changed_tables(before, stack.snapshot()) == []

    def test_the_status_message_is_in_the_language_the_caller_asks_for(self, stack: Stack, baseline: Baseline) -> None:
        attempt = CLIENT_DATA[7]
        method = attempt.service.methods_by_name[attempt.name]
        for header, locale in (("en-GB,en;q=0.9", "en-GB"), ("nl-NL", "nl-NL"), ("fr-FR", "nl-NL")):
            metadata = (*BAD_CREDENTIALS[0][1](stack.settings), ("accept-language", header))
            outcome = stack.call(
                method, attempt.build(baseline, "c-1"), metadata=metadata, service=_process_of(stack, attempt)
            )
            assert outcome.code == UNAUTHENTICATED
            assert outcome.details == outcome.localized[locale], (header, outcome)

    @pytest.mark.parametrize(("name", "credentials"), BAD_CREDENTIALS, ids=[n for n, _ in BAD_CREDENTIALS])
    def test_the_refused_attempt_is_in_the_clients_processing_log_as_denied(
        self, name: str, credentials: Any, stack: Stack, baseline: Baseline
    ) -> None:
        attempt = CLIENT_DATA[7]
        process = _process_of(stack, attempt)
        denied_before = len(denied_records(stack, process, "c-1"))
        outcome = stack.call(
            attempt.service.methods_by_name[attempt.name],
            attempt.build(baseline, "c-1"),
            metadata=credentials(stack.settings),
            service=process,
        )
        assert outcome.code == UNAUTHENTICATED
        records = denied_records(stack, process, "c-1")
        assert len(records) == denied_before + 1
        assert records[-1].actor == "anonymous" and records[-1].name == attempt.name

    def test_a_good_token_is_accepted(self, stack: Stack, baseline: Baseline) -> None:
        # The same calls as above with a proper token, so the refusals above mean something.
        assert CLIENT_DATA[7].call(stack, baseline, "c-1", CLIENT).code == grpc.StatusCode.OK


class TestUndecodableRequests:
    def test_an_undecodable_request_without_a_token_is_unauthenticated_first(self, stack: Stack) -> None:
        from reliability_support import RawBytes

        outcome = stack.call(VACANCY_SERVICE.methods_by_name["GetVacancy"], RawBytes(b"\x0a\x02\xff\xfe"), metadata=())
        assert outcome.code == UNAUTHENTICATED


class TestMethodsOutsideTheAccessTable:
    def test_a_method_the_access_table_does_not_name_is_refused_for_every_role(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from jobmatch.activities.v1 import activities_pb2_grpc
        from services.activities.bootstrap import build_app
        from services.activities.entrypoints.grpc_servicer import ACCESS, ActivityServicer
        from services.common.grpc_server import create_grpc_server

        settings = Settings(data_dir=tmp_path / "data", kafka_bootstrap_servers=None)
        app = build_app(settings)
        method = "/jobmatch.activities.v1.ActivityService/GetCaseload"
        access = {name: policy for name, policy in ACCESS.items() if name != method}
        servicer = ActivityServicer(app.activities, app.obligations)
        server, port = create_grpc_server(
            "127.0.0.1:0",
            settings=settings,
            service_names=["jobmatch.activities.v1.ActivityService"],
            register=lambda s: activities_pb2_grpc.add_ActivityServiceServicer_to_server(servicer, s),
            access=access,
            processing_log=app.processing_log,
        )
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            stub = activities_pb2_grpc.ActivityServiceStub(channel)
            for role, subject in (("service", "svc"), ("caseworker", "cw-1"), ("client", "c-1")):
                token = mint_token(settings, subject=subject, role=role, caseload=["c-1"])
                with pytest.raises(grpc.RpcError) as refused:
                    stub.GetCaseload(
                        act.GetCaseloadRequest(caseworker_id="cw-1"),
                        metadata=(("authorization", f"Bearer {token}"),),
                        timeout=30,
                    )
                assert refused.value.code() == DENIED, role
        finally:
            channel.close()
            server.stop(None).wait()
            app.close()
