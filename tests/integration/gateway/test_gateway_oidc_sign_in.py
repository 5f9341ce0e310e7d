"""Production sign-in through a real OpenID provider (oidc-provider-mock, in process): the
authorization code flow with PKCE ends in a session whose token the services accept; a wrong
state or a refused token ends without one. No development sign-in is offered there."""

from __future__ import annotations

import secrets
import urllib.parse
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from services.common.auth import verify_token
from services.common.settings import Settings
from services.gateway.bootstrap import build_app
from services.gateway.entrypoints.session import SESSION_COOKIE
from services.gateway.settings import GatewaySettings
from tests.integration.common.oidc_support import CLIENT_ID, mock_provider

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with mock_provider() as url:
        yield url


@pytest.fixture
def gateway(issuer: str) -> Iterator[tuple[TestClient, Settings]]:
    settings = Settings(token_secret=secrets.token_urlsafe(48), oidc_issuer=issuer, oidc_audience=CLIENT_ID)
    config = GatewaySettings(
        oidc_client_id=CLIENT_ID,
        oidc_redirect_url="http://testserver/inloggen/terug",
        oidc_client_secret="any",
        oidc_token="id_token",
        cookie_secure=False,
    )
    with TestClient(build_app(settings, config), follow_redirects=False) as client:
        yield client, settings


def provider_consents(issuer: str, authorize_url: str, subject: str) -> str:
    """What a browser does at the provider: the user signs in; the provider sends back a code."""
    httpx.put(f"{issuer}/users/{subject}", json={"roles": ["client"]}, timeout=10).raise_for_status()
    answer = httpx.post(authorize_url, data={"sub": subject}, timeout=10)
    assert answer.status_code in (302, 303), answer.text[:300]
    return answer.headers["location"]


def test_signing_in_at_the_broker_gives_a_session_the_services_accept(gateway: Any, issuer: str) -> None:
    client, settings = gateway
    page = client.get("/inloggen")
    assert "Inloggen met DigiD" in page.text and 'name="client"' not in page.text  # no development sign-in
    start = client.get("/inloggen/digid")
    authorize = start.headers["location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert authorize.startswith(issuer) and query["code_challenge_method"] == ["S256"]
    back = urllib.parse.urlsplit(provider_consents(issuer, authorize, "c-oidc-web"))
    done = client.get(f"/inloggen/terug?{back.query}")
    assert (done.status_code, done.headers["location"]) == (303, "/vacatures")
    principal = verify_token(settings, client.cookies[SESSION_COOKIE])
    assert (principal.subject, principal.role) == ("c-oidc-web", "client")


def test_a_callback_with_another_state_starts_no_session(gateway: Any, issuer: str) -> None:
    client, _ = gateway
    authorize = client.get("/inloggen/digid").headers["location"]
    back = urllib.parse.parse_qs(urllib.parse.urlsplit(provider_consents(issuer, authorize, "c-oidc-x")).query)
    done = client.get("/inloggen/terug", params={"code": back["code"][0], "state": "forged"})
    assert done.status_code == 400 and SESSION_COOKIE not in client.cookies


def test_the_development_sign_in_is_refused_where_it_is_off(gateway: Any) -> None:
    client, _ = gateway
    refused = client.post("/inloggen", data={"client": "c-demo-001"})
    assert refused.status_code == 400 and SESSION_COOKIE not in client.cookies
