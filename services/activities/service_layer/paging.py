"""Opaque page tokens and page sizes shared by the list use cases."""

from __future__ import annotations

import base64

from services.common.errors import FieldViolation, InvalidArgument, t

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    if requested < 0:
        raise InvalidArgument([FieldViolation("page_size", t("Gebruik 0 of meer.", "Use 0 or more."))])
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_token(*parts: str) -> str:
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode()


def decode_token(token: str, parts: int) -> list[str] | None:
    if not token:
        return None
    try:
        values = base64.urlsafe_b64decode(token.encode()).decode().split("|")
    except (ValueError, UnicodeDecodeError):
        values = []
    if len(values) != parts:
        raise InvalidArgument([FieldViolation("page_token", t(
            "Deze paginacode klopt niet. Begin opnieuw zonder paginacode.",
            "This page token is not valid. Start again without a page token."))])
    return values
