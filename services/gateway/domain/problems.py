"""Problem details (RFC 9457, `application/problem+json`) from what a service answered.

Pure. The title and detail are in the caller's language; `localized` carries both Dutch and
English, and `invalidParams` (the API Design Rules' name) the fields to fix, by their JSON
names (camelCase, as the API spells them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from services.common.i18n import LOCALES, Text

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:nl:jobmatch:problem:"

# gRPC status code name -> HTTP status (after google.rpc.Code's own HTTP mapping).
HTTP_STATUS: dict[str, int] = {
    "INVALID_ARGUMENT": 400,
    "OUT_OF_RANGE": 400,
    "FAILED_PRECONDITION": 409,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "ABORTED": 409,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
    "INTERNAL": 500,
    "UNKNOWN": 500,
    "DATA_LOSS": 500,
}

# Short titles per code; the detail is what the service said.
TITLES: dict[str, Text] = {
    "INVALID_ARGUMENT": Text("Niet alle gegevens kloppen", "Some data is not valid"),
    "OUT_OF_RANGE": Text("Niet alle gegevens kloppen", "Some data is not valid"),
    "FAILED_PRECONDITION": Text("Dit kan nu niet", "This cannot be done now"),
    "UNAUTHENTICATED": Text("U bent niet ingelogd", "You are not signed in"),
    "PERMISSION_DENIED": Text("Geen toegang", "No access"),
    "NOT_FOUND": Text("Niet gevonden", "Not found"),
    "ALREADY_EXISTS": Text("Dit bestaat al", "This already exists"),
    "ABORTED": Text("Tegelijk gewijzigd", "Changed at the same time"),
    "RESOURCE_EXHAUSTED": Text("Te veel verzoeken", "Too many requests"),
    "UNAVAILABLE": Text("Dit lukt nu even niet", "Not possible right now"),
    "DEADLINE_EXCEEDED": Text("Het antwoord duurde te lang", "The answer took too long"),
}
_FALLBACK_TITLE = Text("Er ging bij ons iets mis", "Something went wrong on our side")
# A detail for answers that carried none of their own (a service that is down, a timeout).
DETAILS: dict[str, Text] = {
    "INVALID_ARGUMENT": Text("Kijk bij de velden wat u moet aanpassen.", "See the fields for what to fix."),
    "UNAVAILABLE": Text(
        "Er is niets opgeslagen of gewijzigd. Probeer het over een minuut opnieuw.",
        "Nothing was saved or changed. Try again in a minute.",
    ),
    "DEADLINE_EXCEEDED": Text(
        "Misschien is het toch gelukt. Kijk het na en probeer het zo nodig opnieuw.",
        "It may have worked all the same. Check, and try again if needed.",
    ),
}
_FALLBACK_DETAIL = Text("Probeer het later opnieuw.", "Try again later.")


def camel_case(path: str) -> str:
    """A proto field path in the API's spelling: "evidence.sha256_digest" -> "evidence.sha256Digest"."""

    def one(segment: str) -> str:
        head, *rest = segment.split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)

    return ".".join(one(segment) for segment in path.split("."))


def kebab(code: str) -> str:
    return code.lower().replace("_", "-")


def problem(
    code: str,
    *,
    language: str,
    instance: str,
    localized: Mapping[str, str] | None = None,
    violations: Iterable[tuple[str, str]] = (),
    status: int | None = None,
) -> dict[str, Any]:
    """The problem document for a gRPC status `code` (its name) and what came with it."""
    title = TITLES.get(code, _FALLBACK_TITLE)
    fallback = DETAILS.get(code, _FALLBACK_DETAIL)
    texts = {lang: (localized or {}).get(locale) or fallback.in_language(lang) for lang, locale in LOCALES.items()}
    document: dict[str, Any] = {
        "type": TYPE_PREFIX + kebab(code),
        "title": title.in_language(language),
        "status": status or HTTP_STATUS.get(code, 500),
        "detail": texts["en" if language == "en" else "nl"],
        "instance": instance,
        "code": kebab(code),
        "localized": [
            {"locale": locale, "title": title.in_language(lang), "detail": texts[lang]}
            for lang, locale in LOCALES.items()
        ],
    }
    params = [{"name": camel_case(name), "reason": reason} for name, reason in violations]
    if params:
        document["invalidParams"] = params
    return document
