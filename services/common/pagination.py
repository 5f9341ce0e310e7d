"""One page-size policy and one message for every list RPC (Google AIP-158):

- `page_size` 0 asks for the method's default;
- more than the method's maximum is lowered to the maximum, not refused;
- a negative size is refused with INVALID_ARGUMENT on `page_size`.

A page token that is not ours (changed, or from another query) is refused with one message,
`invalid_page_token`; the tokens themselves are signed in services/common/page_tokens.py."""

from __future__ import annotations

from services.common.errors import FieldViolation, InvalidArgument, t


def page_size(requested: int, *, default: int, maximum: int, field: str = "page_size") -> int:
    """The number of items to return for a requested page size."""
    if requested < 0:
        raise InvalidArgument(
            [
                FieldViolation(
                    field,
                    t(
                        f"Kies een paginagrootte van 1 tot {maximum}, of 0 voor {default}.",
                        f"Choose a page size from 1 to {maximum}, or 0 for {default}.",
                    ),
                )
            ]
        )
    return min(requested or default, maximum)


def invalid_page_token(field: str = "page_token") -> InvalidArgument:
    return InvalidArgument(
        [
            FieldViolation(
                field,
                t(
                    "Deze paginatoken hoort niet bij deze vraag of is aangepast. Begin opnieuw zonder paginatoken.",
                    "This page token does not belong to this query or was changed. Start again without a page token.",
                ),
            )
        ]
    )
