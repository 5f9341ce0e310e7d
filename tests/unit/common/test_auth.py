"""Tokens and the one authorization rule."""

from __future__ import annotations

import jwt
import pytest

from services.common.auth import (
    Principal,
    check_caseworker_access,
    check_client_access,
    mint_token,
    principal_from_metadata,
    verify_token,
)
from services.common.errors import PermissionDenied, Unauthenticated
from services.common.settings import Settings

SETTINGS = Settings(token_secret="unit-test-secret-of-sufficient-length")


class TestTokens:
    def test_minted_token_round_trips_subject_role_and_caseload(self) -> None:
        token = mint_token(SETTINGS, subject="cw-1", role="caseworker", caseload=["c-2", "c-1"])
        assert verify_token(SETTINGS, token) == Principal("cw-1", "caseworker", frozenset({"c-1", "c-2"}))

    def test_wrong_audience_is_refused(self) -> None:
        token = mint_token(SETTINGS, subject="c-1", role="client", audience="another-system")
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, token)

    def test_unsigned_token_is_refused(self) -> None:
        unsigned = jwt.encode({"sub": "c-1", "role": "client", "aud": "jobmatch", "exp": 4_000_000_000}, None, algorithm="none")
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, unsigned)

    def test_unknown_role_is_refused(self) -> None:
        forged = jwt.encode(
            {"sub": "x", "role": "admin", "aud": "jobmatch", "exp": 4_000_000_000},
            SETTINGS.token_secret.get_secret_value(),
            algorithm="HS256",
        )
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, forged)

    def test_metadata_without_bearer_scheme_is_refused(self) -> None:
        with pytest.raises(Unauthenticated):
            principal_from_metadata(SETTINGS, [("authorization", "Basic dXNlcjpwdw==")])

    def test_minting_rejects_an_unknown_role(self) -> None:
        with pytest.raises(ValueError):
            mint_token(SETTINGS, subject="x", role="admin")


class TestClientRule:
    @pytest.mark.parametrize(
        ("principal", "client_id", "allowed"),
        [
            (Principal("c-1", "client"), "c-1", True),
            (Principal("c-1", "client"), "c-2", False),
            (Principal("cw-1", "caseworker", frozenset({"c-1"})), "c-1", True),
            (Principal("cw-1", "caseworker", frozenset({"c-1"})), "c-2", False),
            (Principal("matching", "service"), "c-2", True),
        ],
    )
    def test_who_reaches_which_client(self, principal: Principal, client_id: str, allowed: bool) -> None:
        if allowed:
            check_client_access(principal, client_id)
        else:
            with pytest.raises(PermissionDenied):
                check_client_access(principal, client_id)

    def test_caseworker_sees_only_own_caseload(self) -> None:
        check_caseworker_access(Principal("cw-1", "caseworker"), "cw-1")
        with pytest.raises(PermissionDenied):
            check_caseworker_access(Principal("cw-1", "caseworker"), "cw-2")
        with pytest.raises(PermissionDenied):
            check_caseworker_access(Principal("c-1", "client"), "cw-1")


class TestServiceScopes:
    def test_service_token_carries_only_the_scopes_it_was_given(self) -> None:
        token = mint_token(SETTINGS, subject="job-board", role="service", scopes=["vacancies:write"])
        principal = verify_token(SETTINGS, token)
        assert principal.has_scope("vacancies:write")
        assert not principal.has_scope("activities:read")

    def test_service_token_without_scope_claim_may_do_nothing(self) -> None:
        bare = jwt.encode(
            {"sub": "svc", "role": "service", "aud": "jobmatch", "exp": 4_000_000_000},
            SETTINGS.token_secret.get_secret_value(),
            algorithm="HS256",
        )
        assert not verify_token(SETTINGS, bare).has_scope("vacancies:read")

    @pytest.mark.parametrize(
        ("method", "scope"),
        [
            ("/jobmatch.vacancies.v1.VacancyService/IngestVacancies", "vacancies:write"),
            ("/jobmatch.vacancies.v1.VacancyService/SearchVacancies", "vacancies:read"),
            ("/jobmatch.matching.v1.MatchingService/ListMatchingProfiles", "matching:read"),
            ("/jobmatch.privacy.v1.PrivacyService/EraseClientData", "privacy:write"),
        ],
    )
    def test_scope_follows_from_the_method(self, method: str, scope: str) -> None:
        from services.common.interceptor import required_scope

        assert required_scope(method) == scope
