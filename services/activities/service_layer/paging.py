"""Opaque page tokens and page sizes shared by the list use cases.

A token carries the query it belongs to and a digest of its content: a token from another
query (another client, date range or caseworker) or a changed token is refused with
INVALID_ARGUMENT on `page_token` instead of quietly giving some other page.
"""

from __future__ import annotations

import base64
import hashlib
import json

from services.common.errors import FieldViolation, InvalidArgument, t

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    if requested < 0:
        raise InvalidArgument([FieldViolation("page_size", t("Gebruik 0 of meer.", "Use 0 or more."))])
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _digest(values: list[str]) -> str:
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]


def encode_token(*parts: str, query: str = "") -> str:
    values = [query, *parts]
    return base64.urlsafe_b64encode(json.dumps([*values, _digest(values)]).encode()).decode()


def decode_token(token: str, parts: int, query: str = "") -> list[str] | None:
    if not token:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token.encode()).decode())
    except (ValueError, UnicodeDecodeError):  # bad base64 and bad JSON are ValueErrors too
        values = None
    if (not isinstance(values, list) or len(values) != parts + 2 or not all(isinstance(v, str) for v in values)
            or values[0] != query or values[-1] != _digest(values[:-1])):
        raise InvalidArgument([FieldViolation("page_token", t(
            "Deze paginacode klopt niet. Begin opnieuw zonder paginacode.",
            "This page token is not valid. Start again without a page token."))])
    return values[1:-1]
