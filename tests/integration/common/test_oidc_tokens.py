"""The organisation's tokens through a real gRPC server on loopback: a real OpenID provider
(`oidc-provider-mock`) signs them, discovery finds its JWKS; every forged or mis-addressed
token is refused with UNAUTHENTICATED and a "denied" record in the client's processing log."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from oidc_support import JwksServer, ProbeServer, hs256_signed_with, mock_provider, provider_id_token, provider_jwks

from services.common.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # authlib inside the provider
OK, UNAUTHENTICATED = grpc.StatusCode.OK, grpc.StatusCode.UNAUTHENTICATED


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with mock_provider() as url:
        yield url


@pytest.fixture(scope="module")
def probe(issuer: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbeServer]:
    # A token secret is set too: HS256 tokens are verifiable, so the key-confusion case below
    # really reaches the HMAC check and fails there.
    settings = Settings(token_secret=secrets.token_urlsafe(48), oidc_issuer=issuer, oidc_audience="jobmatch")
    server = ProbeServer(settings, tmp_path_factory.mktemp("oidc"))
    yield server
    server.close()


def client_claims(**extra: Any) -> dict[str, Any]:
    return {"roles": ["client"], **extra}


def refused_and_logged(probe: ProbeServer, client_id: str, token: str) -> None:
    before = len(probe.denied(client_id))
    assert probe.read(client_id, token) == UNAUTHENTICATED
    denied = probe.denied(client_id)
    assert len(denied) == before + 1
    assert denied[-1].actor == "anonymous"


class TestTheProvidersTokens:
    def test_a_valid_token_of_the_provider_is_accepted(self, issuer: str, probe: ProbeServer) -> None:
        token = provider_id_token(issuer, "c-oidc-1", client_claims())
        assert probe.read("c-oidc-1", token) == OK

    def test_the_client_reaches_only_its_own_data_with_the_providers_token(
        self, issuer: str, probe: ProbeServer
    ) -> None:
        token = provider_id_token(issuer, "c-oidc-2", client_claims())
        assert probe.read("c-oidc-3", token) == grpc.StatusCode.PERMISSION_DENIED

    def test_nested_role_claims_map_onto_our_roles_by_configuration(self, issuer: str, tmp_path: Path) -> None:
        settings = Settings(
            token_secret="",
            oidc_issuer=issuer,
            oidc_audience="jobmatch",
            oidc_role_claim="realm_access.roles",
            oidc_role_map={"klantmanager": "caseworker"},
        )
        server = ProbeServer(settings, tmp_path)
        try:
            token = provider_id_token(
                issuer, "cw-oidc", {"realm_access": {"roles": ["klantmanager", "offline"]}, "caseload": ["c-9"]}
            )
            assert server.read("c-9", token) == OK
            assert server.read("c-8", token) == grpc.StatusCode.PERMISSION_DENIED
        finally:
            server.close()

    @pytest.mark.parametrize(
        ("case", "claims"),
        [
            ("wrong issuer", {"iss": "https://login.elders.example"}),
            ("wrong audience", {"aud": "another-system"}),
            ("expired", {"exp": int(time.time()) - 3600}),
            ("not yet valid", {"nbf": int(time.time()) + 3600}),
        ],
    )
    def test_a_provider_signed_token_with_bad_claims_is_refused(
        self, issuer: str, probe: ProbeServer, case: str, claims: dict[str, Any]
    ) -> None:
        token = provider_id_token(issuer, "c-oidc-4", client_claims(**claims))
        refused_and_logged(probe, "c-oidc-4", token)


class TestForgedTokens:
    def valid_claims(self, issuer: str) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": issuer, "aud": "jobmatch", "sub": "c-oidc-5", "roles": ["client"], "iat": now, "exp": now + 600}

    def test_an_unsigned_token_alg_none_is_refused(self, issuer: str, probe: ProbeServer) -> None:
        refused_and_logged(probe, "c-oidc-5", jwt.encode(self.valid_claims(issuer), None, algorithm="none"))

    def test_hs256_signed_with_the_providers_public_key_is_refused(self, issuer: str, probe: ProbeServer) -> None:
        jwk = provider_jwks(issuer)["keys"][0]
        public_pem = jwt.PyJWK(jwk).key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        token = hs256_signed_with(
            public_pem, {"alg": "HS256", "typ": "JWT", "kid": jwk["kid"]}, self.valid_claims(issuer)
        )
        refused_and_logged(probe, "c-oidc-5", token)

    def test_a_token_signed_by_another_key_under_the_providers_key_id_is_refused(
        self, issuer: str, probe: ProbeServer
    ) -> None:
        kid = provider_jwks(issuer)["keys"][0]["kid"]
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = jwt.encode(self.valid_claims(issuer), other, algorithm="RS256", headers={"kid": kid})
        refused_and_logged(probe, "c-oidc-5", token)


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()


def public_jwk(key: Any, kid: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm
    return {**algorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig"}


class TestKeyRotation:
    ISSUER = "https://login.gemeente.test/realms/werk"

    def token(self, key: Any, kid: str, algorithm: str, subject: str = "c-rot-1") -> str:
        now = int(time.time())
        claims = {"iss": self.ISSUER, "aud": "jobmatch", "sub": subject, "roles": "client", "exp": now + 600}
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})

    def test_a_new_key_is_refused_until_the_jwks_has_it_then_accepted(self, jwks: JwksServer, tmp_path: Path) -> None:
        old = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        new = ec.generate_private_key(ec.SECP256R1())
        jwks.keys = [public_jwk(old, "2026-01")]
        settings = Settings(
            token_secret="", oidc_issuer=self.ISSUER, oidc_jwks_url=jwks.url, oidc_jwks_refresh_seconds=0
        )
        probe = ProbeServer(settings, tmp_path)
        try:
            assert probe.read("c-rot-1", self.token(old, "2026-01", "RS256")) == OK
            rotated = self.token(new, "2026-02", "ES256")
            refused_and_logged(probe, "c-rot-1", rotated)
            jwks.keys = [public_jwk(old, "2026-01"), public_jwk(new, "2026-02")]
            assert probe.read("c-rot-1", rotated) == OK
        finally:
            probe.close()

    def test_unknown_key_ids_do_not_make_the_service_fetch_the_jwks_more_than_the_refresh_rate_allows(
        self, jwks: JwksServer, tmp_path: Path
    ) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwks.keys = [public_jwk(key, "only")]
        settings = Settings(
            token_secret="", oidc_issuer=self.ISSUER, oidc_jwks_url=jwks.url, oidc_jwks_refresh_seconds=600
        )
        probe = ProbeServer(settings, tmp_path)
        try:
            assert probe.read("c-rot-2", self.token(key, "only", "RS256", "c-rot-2")) == OK
            for _ in range(10):
                assert (
                    probe.read("c-rot-2", self.token(key, secrets.token_hex(8), "RS256", "c-rot-2")) == UNAUTHENTICATED
                )
            assert jwks.fetches == 1
        finally:
            probe.close()
