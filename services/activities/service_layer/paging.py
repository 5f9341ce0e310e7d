"""Opaque page tokens and page sizes shared by the list use cases.

A token is signed and bound to the query it belongs to (services/common/page_tokens.py): a
token from another query (another client, date range or caseworker) or a changed token is
refused with INVALID_ARGUMENT on `page_token` instead of quietly giving some other page.
"""

from __future__ import annotations

from services.common import pagination
from services.common.page_tokens import PageTokens

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int) -> int:
    return pagination.page_size(requested, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)


def encode_token(tokens: PageTokens, *parts: str, query: str = "") -> str:
    return tokens.issue(query, list(parts))


def decode_token(tokens: PageTokens, token: str, parts: int, query: str = "") -> list[str] | None:
    if not token:
        return None
    values = tokens.read(token, query)
    if not isinstance(values, list) or len(values) != parts or not all(isinstance(v, str) for v in values):
        raise pagination.invalid_page_token()
    return values
