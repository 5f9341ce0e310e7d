"""Plain-language text pieces in Dutch (B1) and English: dates, numbers, lists, who to contact.

Dates and decimal commas come from Babel's CLDR data ("zondag 1 februari 2026", "12,5"); a
deadline always says "tot en met" because its last day still counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from functools import lru_cache

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal


class Organisation(StrEnum):
    """Who sets the obligation: UWV (WW) or a municipality (Participatiewet)."""

    UWV = "uwv"
    MUNICIPALITY = "municipality"


# UWV calls its caseworker "adviseur werk"; municipalities say "klantmanager".
ADVISER: dict[Organisation | None, tuple[str, str]] = {
    Organisation.UWV: ("adviseur werk", "work adviser"),
    Organisation.MUNICIPALITY: ("klantmanager", "caseworker"),
    None: ("adviseur werk of klantmanager", "work adviser or caseworker"),
}


# Memoised: Babel looks the locale's patterns up on every call, and a caseload's texts name
# the same few dates (period ends, week starts) for hundreds of clients.
@lru_cache(maxsize=4096)
def day_nl(day: date) -> str:
    return format_date(day, "EEEE d MMMM y", locale="nl")


@lru_cache(maxsize=4096)
def day_en(day: date) -> str:
    return format_date(day, "EEEE d MMMM y", locale="en")


def number_nl(value: float) -> str:
    return format_decimal(value, locale="nl")


def and_nl(items: Sequence[str]) -> str:
    return format_list(list(items), locale="nl") if items else ""


def and_en(items: Sequence[str]) -> str:
    return format_list(list(items), locale="en") if items else ""


def activities_nl(n: int) -> str:
    return f"{n} activiteit" if n == 1 else f"{n} activiteiten"


def activities_en(n: int) -> str:
    return f"{n} activity" if n == 1 else f"{n} activities"


def until_nl(day: date) -> str:
    return f"tot en met {day_nl(day)}"


def until_en(day: date) -> str:
    return f"up to and including {day_en(day)}"
