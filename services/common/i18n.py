"""Texts for people in Dutch and English, kept apart: one language at a time.

A `Text` is a `str` whose value is the Dutch (so it goes anywhere a string goes) and that
carries the English next to it. Whoever shows it picks one language: the gRPC boundary from
the caller's `accept-language` header, the command line from `JOBMATCH_LANGUAGE`; Dutch by
default. Pure: no I/O.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Sequence
from typing import Literal

from services.common.settings import Settings

Language = Literal["nl", "en"]
DEFAULT_LANGUAGE: Language = "nl"
LOCALES: dict[Language, str] = {"nl": "nl-NL", "en": "en-GB"}


class Text(str):
    """A message in plain Dutch (B1), with the English kept apart; `str()` is the Dutch."""

    en: str

    def __new__(cls, nl: str, en: str) -> Text:
        text = super().__new__(cls, str(nl))
        text.en = str(en)
        return text

    @property
    def nl(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[type[Text], tuple[str, str]]:
        return (Text, (self.nl, self.en))

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.nl

    @staticmethod
    def joined(separator: str, parts: Iterable[str]) -> Text:
        """The parts joined per language (plain strings count for both). Not `join`: that
        would hide `str.join` on every Text with a different signature."""
        items = list(parts)
        return Text(separator.join(localize(p, "nl") for p in items), separator.join(localize(p, "en") for p in items))

    def prefixed(self, prefix: str) -> Text:
        """ "field: message" in both languages."""
        return Text(f"{prefix}{self.nl}", f"{prefix}{self.en}")


def localize(text: str, language: str | None = None) -> str:
    """`text` in one language: a `Text` gives that language, a plain string stays as it is."""
    chosen = language or current_language()
    return text.in_language(chosen) if isinstance(text, Text) else str(text)


def plural(count: int, one: str, many: str) -> str:
    """ "1 activiteit", "2 activiteiten": the count with the right form of the word."""
    return f"{count} {one if count == 1 else many}"


def language_from_header(value: str | None) -> Language:
    """The language an `accept-language` header asks for ("en-GB,en;q=0.9,nl;q=0.8" is
    English); anything else or nothing is Dutch."""
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate((value or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LOCALES:
            continue
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if weight <= 0:
            continue
        candidate = (weight, -position, primary)
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else DEFAULT_LANGUAGE


def language_from_metadata(metadata: Sequence[tuple[str, object]] | None) -> Language:
    for key, value in metadata or ():
        if key.lower() == "accept-language":
            return language_from_header(value if isinstance(value, str) else None)
    return DEFAULT_LANGUAGE


def cli_language() -> Language:
    """The command line's language: `JOBMATCH_LANGUAGE=en` for English, else Dutch."""
    return language_from_header(Settings().language)


def cli_metadata() -> tuple[str, str]:
    """The `accept-language` header a command sends, so the services answer in its language."""
    return ("accept-language", LOCALES[cli_language()])


_current: contextvars.ContextVar[Language] = contextvars.ContextVar("jobmatch_language", default=DEFAULT_LANGUAGE)


def current_language() -> Language:
    """The language of the call being served (set by the interceptor), Dutch outside a call."""
    return _current.get()


def set_language(language: Language) -> contextvars.Token[Language]:
    return _current.set(language)


def reset_language(token: contextvars.Token[Language]) -> None:
    _current.reset(token)
