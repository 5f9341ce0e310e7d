"""Tokens and the one authorization rule."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import jwt
import pytest

from services.common.auth import (
    NoTokenSecret,
    Principal,
    check_caseworker_access,
    check_client_access,
    mint_token,
    principal_from_metadata,
    verify_token,
)
from services.common.errors import PermissionDenied, Unauthenticated
from services.common.settings import Settings

SETTINGS = Settings(token_secret=secrets.token_urlsafe(48))
ISSUER = SETTINGS.token_issuer


class TestTokens:
    def test_minted_token_round_trips_subject_role_and_caseload(self) -> None:
        token = mint_token(SETTINGS, subject="cw-1", role="caseworker", caseload=["c-2", "c-1"])
        assert verify_token(SETTINGS, token) == Principal("cw-1", "caseworker", frozenset({"c-1", "c-2"}))

    def test_wrong_audience_is_refused(self) -> None:
        token = mint_token(SETTINGS, subject="c-1", role="client", audience="another-system")
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, token)

    def test_unsigned_token_is_refused(self) -> None:
        unsigned = jwt.encode(
            {"sub": "c-1", "role": "client", "aud": "jobmatch", "exp": 4_000_000_000}, None, algorithm="none"
        )
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, unsigned)

    def test_unknown_role_is_refused(self) -> None:
        forged = jwt.encode(
            {"sub": "x", "role": "admin", "aud": "jobmatch", "iss": ISSUER, "exp": 4_000_000_000},
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

    def test_a_development_token_from_another_issuer_is_refused(self) -> None:
        other = SETTINGS.model_copy(update={"token_issuer": "someone-else"})
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, mint_token(other, subject="c-1", role="client"))

    def test_a_development_token_without_an_issuer_is_refused(self) -> None:
        claims = {"sub": "c-1", "role": "client", "aud": "jobmatch", "exp": int(time.time()) + 60}
        with pytest.raises(Unauthenticated):
            verify_token(SETTINGS, jwt.encode(claims, SETTINGS.token_secret.get_secret_value(), algorithm="HS256"))

    def test_a_token_just_past_its_expiry_is_still_accepted_within_the_leeway(self) -> None:
        token = mint_token(SETTINGS, subject="c-1", role="client", ttl_seconds=-5)
        assert verify_token(SETTINGS, token).subject == "c-1"


class TestNoBuiltInSecret:
    def test_settings_without_a_secret_have_none_configured(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("JOBMATCH_TOKEN_SECRET", raising=False)
        assert not Settings().token_secret_configured
        assert not Settings(token_secret="").token_secret_configured

    def test_without_a_secret_no_development_token_is_accepted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("JOBMATCH_TOKEN_SECRET", raising=False)
        unset = Settings()
        forged = jwt.encode(
            {"sub": "c-1", "role": "client", "aud": "jobmatch", "iss": ISSUER, "exp": int(time.time()) + 60},
            unset.token_secret.get_secret_value(),
            algorithm="HS256",
        )
        with pytest.raises(Unauthenticated):
            verify_token(unset, forged)

    def test_minting_without_a_secret_anywhere_says_how_to_get_one(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.delenv("JOBMATCH_TOKEN_SECRET", raising=False)
        with pytest.raises(NoTokenSecret, match="JOBMATCH_TOKEN_SECRET"):
            mint_token(Settings(data_dir=tmp_path), subject="c-1", role="client")

    def test_minting_uses_the_secret_jobmatch_up_generated_in_the_data_dir(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from services.common.token_secret import ensure_dev_secret

        monkeypatch.delenv("JOBMATCH_TOKEN_SECRET", raising=False)
        generated = ensure_dev_secret(tmp_path)
        token = mint_token(Settings(data_dir=tmp_path), subject="c-1", role="client")
        assert verify_token(Settings(token_secret=generated), token).subject == "c-1"


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
            {"sub": "svc", "role": "service", "aud": "jobmatch", "iss": ISSUER, "exp": 4_000_000_000},
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
