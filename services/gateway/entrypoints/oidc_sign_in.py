"""Production sign-in: the authorization code flow with PKCE at the municipality's OpenID
Connect broker (DigiD). The access token it returns is what the services accept
(JOBMATCH_OIDC_ISSUER, _AUDIENCE and the claim settings); it becomes the session cookie.

Settings (README, "Web module"): JOBMATCH_GATEWAY_OIDC_CLIENT_ID, _CLIENT_SECRET (if the
broker wants one), _REDIRECT_URL (this gateway's https://…/inloggen/terug), _SCOPES, _TOKEN.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from services.common.auth import verify_token
from services.common.errors import DomainError
from services.common.settings import Settings
from services.gateway.entrypoints import session
from services.gateway.settings import GatewaySettings

FLOW_COOKIE = "jobmatch_inlog"


def _discovery(settings: Settings) -> dict[str, Any]:
    url = settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"  # type: ignore[union-attr]
    reply = httpx.get(url, timeout=10)
    reply.raise_for_status()
    document: dict[str, Any] = reply.json()
    return document


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def add_oidc_routes(app: FastAPI, settings: Settings, gateway: GatewaySettings) -> None:
    from services.gateway.entrypoints.web_app import redirect, render
    from services.gateway.entrypoints.web_texts import words

    @app.get("/inloggen/digid", include_in_schema=False)
    def start() -> RedirectResponse:
        state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": gateway.oidc_client_id,
                "redirect_uri": gateway.oidc_redirect_url,
                "scope": gateway.oidc_scopes,
                "state": state,
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        response = RedirectResponse(f"{_discovery(settings)['authorization_endpoint']}?{query}", status_code=303)
        response.set_cookie(
            FLOW_COOKIE,
            f"{state}.{verifier}",
            max_age=600,
            httponly=True,
            secure=gateway.cookie_secure,
            samesite="lax",
            path="/inloggen",
        )
        return response

    @app.get("/inloggen/terug", include_in_schema=False)
    def finish(request: Request, code: str = "", state: str = "") -> Any:
        expected, _, verifier = (request.cookies.get(FLOW_COOKIE) or "").partition(".")
        language = session.language(request)
        if not code or not expected or not secrets.compare_digest(expected, state):
            return render(
                request, "error.html", 400, title=words(language)["error_title"], detail=words(language)["form_expired"]
            )
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": gateway.oidc_redirect_url,
            "client_id": gateway.oidc_client_id,
            "code_verifier": verifier,
        }
        if gateway.oidc_client_secret is not None:
            form["client_secret"] = gateway.oidc_client_secret.get_secret_value()
        reply = httpx.post(_discovery(settings)["token_endpoint"], data=form, timeout=10)
        token = reply.json().get(gateway.oidc_token) if reply.status_code == 200 else None
        try:
            verify_token(settings, token or "")
        except DomainError:
            return render(
                request, "error.html", 401, title=words(language)["error_title"], detail=words(language)["sign_in_off"]
            )
        response = redirect("/vacatures")
        response.delete_cookie(FLOW_COOKIE, path="/inloggen")
        session.start_session(response, token, secure=gateway.cookie_secure)  # type: ignore[arg-type]
        return response
