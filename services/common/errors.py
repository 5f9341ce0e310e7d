"""Errors the domain and service layers raise; the gRPC boundary maps them to status codes.

Pure: no I/O. Messages for people are plain Dutch (B1) with the English kept apart, built with
`t` (a `Text`: `str()` is the Dutch); the gRPC boundary shows one language at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from services.common.i18n import Text

if TYPE_CHECKING:
    import pydantic


def t(nl: str, en: str) -> Text:
    """One message in plain Dutch and in English, kept apart (`str()` is the Dutch)."""
    return Text(nl, en)


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class DomainError(Exception):
    """Base of every error a caller can fix or must be told about."""

    default_message = t("Er ging iets mis.", "Something went wrong.")

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidArgument(DomainError):
    default_message = t(
        "Niet alle gegevens kloppen. Kijk bij de velden hieronder wat u moet aanpassen.",
        "Some data is not valid. See the fields below for what to fix.",
    )

    def __init__(self, violations: Iterable[FieldViolation], message: str | None = None) -> None:
        self.violations: list[FieldViolation] = list(violations)
        super().__init__(message)

    def __str__(self) -> str:
        details = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
        return f"{self.message} {details}".strip()


class NotFound(DomainError):
    default_message = t("Dit hebben we niet gevonden.", "Not found.")


class AlreadyExists(DomainError):
    default_message = t("Dit bestaat al.", "This already exists.")


class FailedPrecondition(DomainError):
    default_message = t("Dit kan nu niet.", "This cannot be done now.")

    def __init__(self, message: str | None = None, violations: Sequence[FieldViolation] = ()) -> None:
        self.violations = list(violations)
        super().__init__(message)


class PermissionDenied(DomainError):
    default_message = t("U mag deze gegevens niet zien of wijzigen.", "You may not see or change this data.")


class Unauthenticated(DomainError):
    default_message = t(
        "U bent niet ingelogd, of uw sessie is verlopen. Log opnieuw in.",
        "You are not signed in, or your session expired. Sign in again.",
    )


class ResourceExhausted(DomainError):
    default_message = t(
        "Te veel verzoeken tegelijk. Probeer het over een minuut opnieuw.",
        "Too many requests. Try again in a minute.",
    )


class Unavailable(DomainError):
    """A store or engine behind the service cannot be reached for a moment; nothing was changed."""

    default_message = t(
        "Dit lukt nu even niet. Er is niets opgeslagen of gewijzigd. Probeer het over een minuut opnieuw.",
        "This is not possible right now. Nothing was saved or changed. Try again in a minute.",
    )


class Aborted(DomainError):
    default_message = t(
        "Iemand anders wijzigde dit tegelijk met u. Probeer het opnieuw.",
        "Someone else changed this at the same time. Try again.",
    )


def violations_from_pydantic(exc: pydantic.ValidationError, prefix: str = "") -> list[FieldViolation]:
    """Translate pydantic's errors into field violations with a plain bilingual text."""
    violations = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error.get("loc", ()) if part != "__root__")
        field = ".".join(p for p in (prefix, loc) if p)
        violations.append(
            FieldViolation(
                field or prefix or "request",
                t(
                    f'Deze waarde klopt niet (melding in het Engels: "{error.get("msg", "")}").',
                    f"Invalid value: {error.get('msg', '')}.",
                ),
            )
        )
    return violations
