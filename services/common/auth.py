"""Bearer tokens carrying subject, role and — for caseworkers — the caseload.

Two kinds are accepted: tokens of the organisation's identity provider (OpenID Connect,
asymmetric signatures checked against its JWKS, `services/common/oidc.py`) when
JOBMATCH_OIDC_ISSUER is set, and HS256 development/integration tokens signed with
JOBMATCH_TOKEN_SECRET when that is set. The header's algorithm decides which check applies;
`none`, HS* other than HS256, and anything the settings do not allow are refused.

The authorization rule lives here, in one place: a client reaches only its own data, a
caseworker only the clients in their caseload (stored by activities; the token's caseload
claim while JOBMATCH_ACCEPT_CASELOAD_CLAIM allows it), a service token reaches any client.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable
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


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("jobmatch_principal", default=None)


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


class NoTokenSecret(ValueError):
    """No secret to sign development tokens with (bilingual message)."""


def signing_secret(settings: Settings) -> str:
    """The HS256 secret to mint with: JOBMATCH_TOKEN_SECRET, else the one `jobmatch up`
    generated in the data dir. Never a built-in value."""
    from services.common.token_secret import dev_secret_path, read_dev_secret

    if settings.token_secret_configured:
        return settings.token_secret.get_secret_value()
    generated = read_dev_secret(settings.data_dir)
    if generated is None:
        raise NoTokenSecret(
            t(
                f"Geen geheim om tokens mee te tekenen: zet JOBMATCH_TOKEN_SECRET, of start eerst `jobmatch up` "
                f"(dat maakt {dev_secret_path(settings.data_dir)} aan; JOBMATCH_DATA_DIR wijst de map aan).",
                f"No secret to sign tokens with: set JOBMATCH_TOKEN_SECRET, or run `jobmatch up` first "
                f"(it creates {dev_secret_path(settings.data_dir)}; JOBMATCH_DATA_DIR names the folder).",
            )
        )
    return generated


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
    return jwt.encode(claims, signing_secret(settings), algorithm=ALGORITHM)


_REFUSED = t(
    "Uw toegangsbewijs (token) is niet geldig. Log opnieuw in.",
    "Your access token is not valid. Sign in again.",
)
_EXPIRED = t("Uw sessie is verlopen. Log opnieuw in.", "Your session expired. Sign in again.")


def refused(*, expired: bool = False) -> Unauthenticated:
    return Unauthenticated(_EXPIRED if expired else _REFUSED)


def verify_token(settings: Settings, token: str) -> Principal:
    """The caller a bearer token names; Unauthenticated for anything not provably ours."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise refused() from None
    algorithm = header.get("alg")
    if algorithm == ALGORITHM and settings.token_secret_configured:
        return _verify_hmac_token(settings, token)
    if settings.oidc_enabled and algorithm in settings.oidc_algorithm_list:
        from services.common.oidc import verify_oidc_token

        kid = header.get("kid")
        return verify_oidc_token(settings, token, algorithm, kid if isinstance(kid, str) else None)
    raise refused()


def _verify_hmac_token(settings: Settings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.token_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.token_audience,
            issuer=settings.token_issuer,
            leeway=settings.token_leeway_seconds,
            options={"require": ["sub", "exp", "aud", "iss", "role"]},
        )
    except jwt.ExpiredSignatureError:
        raise refused(expired=True) from None
    except jwt.PyJWTError:
        raise refused() from None
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


# Whether a caseworker is assigned a client, from the service's own store or projection of
# the caseloads the caseworker platform keeps (activities: AssignClients, jobmatch.caseload.v1).
CaseloadLookup = Callable[[str, str], bool]


def check_client_access(
    principal: Principal, client_id: str, assigned: CaseloadLookup | None = None, *, accept_claim: bool = True
) -> None:
    """A client reaches its own data, a caseworker the clients assigned to them (the stored
    caseload; a token's caseload claim too while `accept_claim`), a service any client."""
    if principal.role == "service":
        return
    if principal.role == "client" and principal.subject == client_id:
        return
    if principal.role == "caseworker":
        if accept_claim and client_id in principal.caseload:
            return
        if assigned is not None and assigned(principal.subject, client_id):
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
