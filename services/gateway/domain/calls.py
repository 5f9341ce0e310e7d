"""What the entrypoints and the gRPC adapter share: who calls (token and language), what a
refused call said, and the port the entrypoints call the services through. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from services.common.i18n import DEFAULT_LANGUAGE, LOCALES, Language

Reply = TypeVar("Reply")


@dataclass(frozen=True)
class Caller:
    """Who is asking (their bearer token, if any) and in which language they read."""

    token: str | None
    language: Language = DEFAULT_LANGUAGE

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        language = (("accept-language", LOCALES[self.language]),)
        return (("authorization", f"Bearer {self.token}"), *language) if self.token else language


@dataclass
class ServiceError(Exception):
    """A call a service refused or could not answer, with what it said."""

    code: str  # the gRPC status code's name, e.g. "INVALID_ARGUMENT"
    message: str  # the status message, in the caller's language
    localized: dict[str, str] = field(default_factory=dict)  # "nl-NL" / "en-GB" -> text
    violations: list[tuple[str, str]] = field(default_factory=list)  # (proto field path, description)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class Services(Protocol):
    """The three services' stubs, and one way to call them as a caller (ServiceError on refusal)."""

    vacancies: Any
    matching: Any
    activities: Any
    privacy: dict[str, Any]

    def call(self, method: Callable[..., Reply], request: Any, caller: Caller) -> Reply: ...
