"""Tokens of the organisation's identity provider (OpenID Connect), verified with its JWKS.

The provider's keys come from `jwks_uri` in its discovery document
(`<issuer>/.well-known/openid-configuration`) or from JOBMATCH_OIDC_JWKS_URL. PyJWT's
`PyJWKClient` fetches and caches them; a token naming a key id the cache lacks (the provider
rotated its keys) makes it fetch again, at most once per JOBMATCH_OIDC_JWKS_REFRESH_SECONDS.
Only the asymmetric algorithms the settings allow are accepted; `iss`, `aud`, `exp` and `nbf`
are checked with JOBMATCH_TOKEN_LEEWAY_SECONDS. Which claims hold the subject, role, scopes
and caseload is configuration (`oidc_*_claim`, `oidc_role_map`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient

from services.common.auth import ROLES, Principal, refused
from services.common.errors import Unavailable, t
from services.common.settings import Settings

log = logging.getLogger("jobmatch.oidc")

HTTP_TIMEOUT_SECONDS = 5.0
JWKS_CACHE_SECONDS = 300.0
_UNREACHABLE = t(
    "We kunnen uw inlog nu niet controleren (identity provider onbereikbaar). Probeer het over een minuut opnieuw.",
    "We cannot check your sign-in right now (identity provider unreachable). Try again in a minute.",
)


class ProviderKeys:
    """The signing keys of one provider: discovery once, then PyJWKClient's cache."""

    def __init__(self, issuer: str, jwks_url: str | None, refresh_seconds: float) -> None:
        self.issuer = issuer
        self._jwks_url = jwks_url
        self._refresh_seconds = refresh_seconds
        self._client: PyJWKClient | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    def _discover(self) -> str:
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as response:  # http(s) issuer
            document = json.load(response)
        if document.get("issuer") != self.issuer:
            raise ValueError(f"discovery at {url} names issuer {document.get('issuer')!r}, not {self.issuer!r}")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
            raise ValueError(f"discovery at {url} has no usable jwks_uri")
        return jwks_uri

    def client(self) -> PyJWKClient:
        with self._lock:
            if self._client is not None:
                return self._client
            now = time.monotonic()
            if self._failed_at is not None and now - self._failed_at < self._refresh_seconds:
                raise Unavailable(_UNREACHABLE)
            try:
                uri = self._jwks_url or self._discover()
            except (OSError, ValueError) as error:
                self._failed_at = now
                log.warning("OIDC discovery failed: %s", error)
                raise Unavailable(_UNREACHABLE) from None
            self._client = PyJWKClient(
                uri,
                cache_jwk_set=True,
                lifespan=JWKS_CACHE_SECONDS,
                timeout=HTTP_TIMEOUT_SECONDS,
                cooldown_duration=self._refresh_seconds,
            )
            return self._client

    def signing_key(self, kid: str | None) -> PyJWK:
        client = self.client()
        try:
            if kid is not None:
                return client.get_signing_key(kid)
            keys = client.get_signing_keys()
        except jwt.PyJWKClientConnectionError as error:
            log.warning("JWKS fetch failed: %s", error)
            raise Unavailable(_UNREACHABLE) from None
        except jwt.PyJWKClientError:
            raise refused() from None
        if len(keys) != 1:  # without a key id only a provider with one key is unambiguous
            raise refused()
        return keys[0]


_providers: dict[tuple[str, str | None, float], ProviderKeys] = {}
_providers_lock = threading.Lock()


def provider_keys(settings: Settings) -> ProviderKeys:
    assert settings.oidc_issuer
    key = (settings.oidc_issuer, settings.oidc_jwks_url, settings.oidc_jwks_refresh_seconds)
    with _providers_lock:
        if key not in _providers:
            _providers[key] = ProviderKeys(*key)
        return _providers[key]


def verify_oidc_token(settings: Settings, token: str, algorithm: str, kid: str | None) -> Principal:
    """The caller named by a token of the identity provider; Unauthenticated when it is not one."""
    signing_key = provider_keys(settings).signing_key(kid)
    try:
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=[algorithm],
            audience=settings.oidc_audience or settings.token_audience,
            issuer=settings.oidc_issuer,
            leeway=settings.token_leeway_seconds,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise refused(expired=True) from None
    except jwt.PyJWTError:
        raise refused() from None
    return principal_from_claims(settings, claims)


def _claim(claims: dict[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _strings(value: Any) -> list[str] | None:
    """A claim that is one string (space-separated) or a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def looks_like_bsn(value: str) -> bool:
    """Nine digits passing the elfproef: a citizen service number, never a client id here."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True)) - int(value[8])
    return total % 11 == 0


def principal_from_claims(settings: Settings, claims: dict[str, Any]) -> Principal:
    """Map the provider's token shape onto subject, role, scopes and caseload (settings)."""
    subject = _claim(claims, settings.oidc_subject_claim)
    values = _strings(_claim(claims, settings.oidc_role_claim))
    scopes = _strings(_claim(claims, settings.oidc_scope_claim))
    caseload = _claim(claims, settings.oidc_caseload_claim) or []
    if not isinstance(subject, str) or not subject or values is None or scopes is None:
        raise refused()
    role_map = settings.oidc_role_map
    roles = {role_map[v] for v in values if v in role_map} if role_map else set(values) & ROLES
    if len(roles) != 1:  # no role of ours, or several: refuse rather than guess
        raise refused()
    role = roles.pop()
    if not isinstance(caseload, list) or not all(isinstance(c, str) for c in caseload):
        raise refused()
    if role == "client" and looks_like_bsn(subject):
        raise refused()  # the client id must be the pseudonymous subject, never a BSN
    return Principal(subject=subject, role=role, caseload=frozenset(caseload), scopes=frozenset(scopes))  # type: ignore[arg-type]
