"""Bearer tokens (JWT, HS256) carrying subject, role and — for caseworkers — the caseload.

The authorization rule lives here, in one place: a client reaches only its own data, a
caseworker only the clients in their caseload, a service token reaches any client.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

import jwt

from services.common.errors import PermissionDenied, Unauthenticated, t
from services.common.settings import Settings

Role = Literal["client", "caseworker", "service"]
ROLES: frozenset[str] = frozenset(get_args(Role))
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    caseload: frozenset[str] = field(default_factory=frozenset)
    # Service tokens name what they may do ("vacancies:write", "matching:read", or "*").
    scopes: frozenset[str] = field(default_factory=frozenset)

    def has_scope(self, scope: str) -> bool:
        return "*" in self.scopes or scope in self.scopes

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.subject}"


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "jobmatch_principal", default=None
)


def current_principal() -> Principal:
    """The caller of the running RPC (set by the auth interceptor)."""
    principal = _current.get()
    if principal is None:
        raise Unauthenticated()
    return principal


def set_current_principal(principal: Principal | None) -> contextvars.Token[Principal | None]:
    return _current.set(principal)


def reset_current_principal(token: contextvars.Token[Principal | None]) -> None:
    _current.reset(token)


def mint_token(
    settings: Settings,
    *,
    subject: str,
    role: str,
    caseload: Iterable[str] = (),
    ttl_seconds: int = 8 * 3600,
    audience: str | None = None,
    scopes: Iterable[str] = ("*",),
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {sorted(ROLES)}")
    if not subject:
        raise ValueError("subject must not be empty")
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": subject,
        "role": role,
        "aud": audience or settings.token_audience,
        "iss": settings.token_issuer,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if role == "caseworker":
        claims["caseload"] = sorted(set(caseload))
    if role == "service":
        claims["scope"] = " ".join(sorted(set(scopes)))
    return jwt.encode(claims, settings.token_secret.get_secret_value(), algorithm=ALGORITHM)


_REFUSED = t(
    "Uw toegangsbewijs (token) is niet geldig. Log opnieuw in.",
    "Your access token is not valid. Sign in again.",
)


def verify_token(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.token_audience,
            options={"require": ["sub", "exp", "aud", "role"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated(
            t("Uw sessie is verlopen. Log opnieuw in.", "Your session expired. Sign in again.")
        ) from None
    except jwt.PyJWTError:
        raise Unauthenticated(_REFUSED) from None
    role = claims.get("role")
    subject = claims.get("sub")
    caseload = claims.get("caseload", [])
    if role not in ROLES or not isinstance(subject, str) or not subject:
        raise Unauthenticated(_REFUSED)
    if not isinstance(caseload, list) or not all(isinstance(c, str) for c in caseload):
        raise Unauthenticated(_REFUSED)
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        raise Unauthenticated(_REFUSED)
    return Principal(subject=subject, role=role, caseload=frozenset(caseload), scopes=frozenset(scope.split()))


def principal_from_metadata(settings: Settings, metadata: Iterable[tuple[str, str | bytes]]) -> Principal:
    for key, value in metadata:
        if key.lower() == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            scheme, _, token = text.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthenticated(_REFUSED)
            return verify_token(settings, token.strip())
    raise Unauthenticated(
        t(
            "U bent niet ingelogd. Stuur een toegangsbewijs mee (Authorization: Bearer …).",
            "You are not signed in. Send an access token (Authorization: Bearer …).",
        )
    )


def check_client_access(principal: Principal, client_id: str) -> None:
    """A client reaches its own data, a caseworker their caseload, a service any client."""
    if principal.role == "service":
        return
    if principal.role == "client" and principal.subject == client_id:
        return
    if principal.role == "caseworker" and client_id in principal.caseload:
        return
    raise PermissionDenied(
        t(
            "U mag de gegevens van deze klant niet zien of wijzigen.",
            "You may not see or change this client's data.",
        )
    )


def check_caseworker_access(principal: Principal, caseworker_id: str) -> None:
    if principal.role == "service":
        return
    if principal.role == "caseworker" and principal.subject == caseworker_id:
        return
    raise PermissionDenied(
        t(
            "U mag alleen uw eigen caseload zien.",
            "You may only see your own caseload.",
        )
    )
