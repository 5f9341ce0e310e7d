"""The web module's session: the bearer token in an HttpOnly cookie, the language in another,
and a per-session form token against cross-site form posts."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Request
from starlette.responses import Response

from services.common.i18n import DEFAULT_LANGUAGE, Language

SESSION_COOKIE = "jobmatch_sessie"
LANGUAGE_COOKIE = "taal"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def language(request: Request) -> Language:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return "en" if chosen == "en" else DEFAULT_LANGUAGE


def form_token(token: str | None) -> str:
    """Tied to the session's token: a page on another site cannot know it."""
    if not token:
        return ""
    return hmac.new(token.encode(), b"jobmatch-web-form", hashlib.sha256).hexdigest()[:32]


def form_token_valid(request: Request, sent: str | None) -> bool:
    expected = form_token(session_token(request))
    return bool(expected) and hmac.compare_digest(expected, sent or "")


def start_session(response: Response, token: str, *, secure: bool) -> None:
    # Lax, not Strict: the identity provider's redirect back is a cross-site navigation.
    response.set_cookie(SESSION_COOKIE, token, httponly=True, secure=secure, samesite="lax", path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def set_language(response: Response, chosen: Language, *, secure: bool) -> None:
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, secure=secure, samesite="lax", path="/")


def local_path(target: str | None, default: str = "/vacatures") -> str:
    """Only a path on this site: a `terug=` pointing elsewhere would make us an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
