"""The HMAC secret behind development tokens, and the start-up check on it.

`jobmatch up` generates a secret per data dir on first start (`<data dir>/token-secret`,
mode 0600) and hands it to its services; `jobmatch token` and the other CLIs read it from
there. `jobmatch serve …` and the container image take only JOBMATCH_TOKEN_SECRET and refuse
to start when it is missing, shorter than 32 bytes or public (it appeared in this
repository), unless the organisation's identity provider (OIDC) is configured.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from services.common.settings import Settings

SECRET_FILE = "token-secret"
MIN_SECRET_BYTES = 32
# SHA-256 of every token secret that has appeared in this repository (the old built-in
# default, the deploy example, test values). Digests: the check must know them, the source
# need not spell them out. tests/integration/common/test_token_secret.py keeps this list complete.
PUBLIC_SECRET_DIGESTS = frozenset(
    {
        "4ca81254e21365e979798e9d2e43db56da4ac567457ddbf7847d8751635d2cc1",  # old default in settings.py
        "41c7049f1537e006a99ec2de20b014c8ceabda41505d9f6ab599f7b5e2d10a1d",  # old deploy/.env.example
        "bf9ec82d5b9022528e18aafbed6a29ad5fd851755642902240af108190f116d3",  # old unit test value
        "98f78a1ca55b821dbaecd66c2e876309b3aad4cb5c974b61ab6c6e619199a556",  # old "forged" test value
    }
)
# Placeholder words: a value that says "change me" was never changed.
_PLACEHOLDERS = ("change-me", "changeme", "change_me", "replace-me", "your-secret", "example")
_GENERATE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def dev_secret_path(data_dir: Path) -> Path:
    return data_dir / SECRET_FILE


def read_dev_secret(data_dir: Path) -> str | None:
    """The development secret `jobmatch up` generated for this data dir, if any."""
    try:
        value = dev_secret_path(data_dir).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return value or None


def ensure_dev_secret(data_dir: Path) -> str:
    """The development secret of `data_dir`, generated (random, 0600) on first use."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = dev_secret_path(data_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        existing = read_dev_secret(data_dir)
        if existing is not None and secret_problem(existing) is None:
            return existing
        path.unlink()  # empty or unusable: start over
        return ensure_dev_secret(data_dir)
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as file:
        file.write(value + "\n")
    return value


def secret_problem(secret: str | None) -> tuple[str, str] | None:
    """Why `secret` may not sign tokens (Dutch, English), or None when it may."""
    if not secret:
        return "ontbreekt", "is not set"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return (f"is korter dan {MIN_SECRET_BYTES} bytes", f"is shorter than {MIN_SECRET_BYTES} bytes")
    lowered = secret.lower()
    if digest(secret) in PUBLIC_SECRET_DIGESTS or any(word in lowered for word in _PLACEHOLDERS):
        return (
            "is openbaar (het staat in de broncode of een voorbeeld)",
            "is public (it appears in the source code or an example)",
        )
    if len(set(secret)) < 8:
        return "is niet willekeurig genoeg", "is not random enough"
    return None


def startup_refusal(settings: Settings) -> str | None:
    """The bilingual reason a service may not start with these settings, or None."""
    if settings.oidc_jwks_url and not settings.oidc_issuer:
        return (
            "jobmatch start niet: JOBMATCH_OIDC_JWKS_URL is gezet, maar JOBMATCH_OIDC_ISSUER niet. "
            "Zet ook JOBMATCH_OIDC_ISSUER (de uitgever die in elk token staat).\n"
            "jobmatch will not start: JOBMATCH_OIDC_JWKS_URL is set but JOBMATCH_OIDC_ISSUER is not. "
            "Set JOBMATCH_OIDC_ISSUER too (the issuer every token names)."
        )
    if not settings.token_secret_configured and settings.oidc_enabled:
        return None  # the organisation's tokens only; no HMAC token is accepted
    secret = settings.token_secret.get_secret_value() if settings.token_secret_configured else None
    problem = secret_problem(secret)
    if problem is None:
        return None
    nl, en = problem
    return (
        f"jobmatch start niet: JOBMATCH_TOKEN_SECRET {nl}. Zet JOBMATCH_TOKEN_SECRET op een eigen, "
        f"willekeurig geheim van minstens {MIN_SECRET_BYTES} bytes (maak er een met: {_GENERATE}), "
        "of laat tokens van uw identity provider toe met JOBMATCH_OIDC_ISSUER "
        "(en zo nodig JOBMATCH_OIDC_JWKS_URL, JOBMATCH_OIDC_AUDIENCE).\n"
        f"jobmatch will not start: JOBMATCH_TOKEN_SECRET {en}. Set JOBMATCH_TOKEN_SECRET to a random "
        f"secret of your own, at least {MIN_SECRET_BYTES} bytes (make one with: {_GENERATE}), "
        "or accept your identity provider's tokens with JOBMATCH_OIDC_ISSUER "
        "(and if needed JOBMATCH_OIDC_JWKS_URL, JOBMATCH_OIDC_AUDIENCE)."
    )
