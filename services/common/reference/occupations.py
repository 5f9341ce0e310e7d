"""ESCO occupations with Dutch labels, linked to their ISCO-08 unit group, and the ISCO-08 groups."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict

from services.common.reference._data import read_tsv
from services.common.reference._text import fold

OCCUPATIONS_FILE = "esco_occupations_nl.tsv.gz"
ISCO_GROUPS_FILE = "isco08_groups.tsv"


class Occupation(BaseModel):
    model_config = ConfigDict(frozen=True)

    uri: str
    isco_code: str  # ISCO-08 unit group, always 4 digits, e.g. "2512"
    esco_code: str  # e.g. "2512.4"
    label_nl: str
    alt_labels_nl: tuple[str, ...]
    label_en: str | None  # missing for 68 of the 3 007 occupations
    description_nl: str


class IscoGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str  # 1 to 4 digits; leading zeros matter ("0110")
    label_en: str
    uri: str


@cache
def all_occupations() -> tuple[Occupation, ...]:
    """Every occupation, in URI order."""
    occupations = [
        Occupation(
            uri=row["uri"],
            isco_code=row["isco_group"],
            esco_code=row["esco_code"],
            label_nl=row["label_nl"],
            alt_labels_nl=tuple(label for label in row["alt_labels_nl"].split("|") if label),
            label_en=row["label_en"] or None,
            description_nl=row["description_nl"],
        )
        for row in read_tsv(OCCUPATIONS_FILE)
    ]
    occupations.sort(key=lambda occupation: occupation.uri)
    return tuple(occupations)


@cache
def _by_uri() -> dict[str, Occupation]:
    return {occupation.uri: occupation for occupation in all_occupations()}


def by_uri(uri: str) -> Occupation | None:
    return _by_uri().get(uri.strip())


def by_isco_prefix(prefix: str) -> tuple[Occupation, ...]:
    """Occupations whose ISCO unit group starts with `prefix` ("25" = ICT professionals).

    A prefix that is not 1-4 digits matches nothing.
    """
    prefix = prefix.strip()
    if not (1 <= len(prefix) <= 4 and prefix.isdigit()):
        return ()
    return _by_isco_prefix(prefix)


@cache
def _by_isco_prefix(prefix: str) -> tuple[Occupation, ...]:
    return tuple(o for o in all_occupations() if o.isco_code.startswith(prefix))


@cache
def isco_groups() -> dict[str, IscoGroup]:
    """ISCO-08 code (any level) -> group."""
    return {
        row["code"]: IscoGroup(code=row["code"], label_en=row["label_en"], uri=row["uri"])
        for row in read_tsv(ISCO_GROUPS_FILE)
    }


def isco_group_label(code: str) -> str | None:
    """English label of an ISCO-08 group at any level: "2512" -> "Software developers"."""
    group = isco_groups().get(code.strip())
    return group.label_en if group else None


def isco_group_label_nl(code: str) -> str:
    """A Dutch name for an ISCO-08 unit group, from the Dutch ESCO labels in it (ISCO groups have no
    Dutch labels of their own): "2512" -> "software analist, ingenieur clouddiensten of
    software architect". Empty when the group holds no occupation."""
    members = sorted(by_isco_prefix(code.strip()), key=lambda o: (o.esco_code.count("."), o.esco_code))
    labels = list(dict.fromkeys(o.label_nl for o in members if o.label_nl))[:3]
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} of {labels[-1]}"


def is_valid_isco_code(code: str) -> bool:
    """True when `code` is an existing ISCO-08 group (major, sub-major, minor or unit)."""
    return code.strip() in isco_groups()


@cache
def _search_keys() -> tuple[tuple[Occupation, tuple[str, ...], tuple[str, ...]], ...]:
    """Per occupation: folded preferred labels (NL, EN) and folded Dutch alternative labels."""
    keyed = []
    for occupation in all_occupations():
        preferred = tuple(fold(label) for label in (occupation.label_nl, occupation.label_en) if label)
        alternative = tuple(fold(label) for label in occupation.alt_labels_nl)
        keyed.append((occupation, preferred, alternative))
    return tuple(keyed)


def _rank(needle: str, preferred: tuple[str, ...], alternative: tuple[str, ...]) -> int | None:
    # Lower is better: a preferred label beats an alternative one at each level of
    # exact match, match at the start, match anywhere.
    checks = (
        lambda key: key == needle,
        lambda key: key.startswith(needle),
        lambda key: needle in key,
    )
    for level, matches in enumerate(checks):
        if any(matches(key) for key in preferred):
            return 2 * level
        if any(matches(key) for key in alternative):
            return 2 * level + 1
    return None


def search_labels(text: str, limit: int = 20) -> tuple[Occupation, ...]:
    """Occupations with a Dutch or English label containing `text` (case- and accent-insensitive).

    Best first (see `_rank`), ties by Dutch label. Empty text finds nothing.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    needle = fold(text)
    if not needle:
        return ()
    ranked: list[tuple[int, str, str, Occupation]] = []
    for occupation, preferred, alternative in _search_keys():
        rank = _rank(needle, preferred, alternative)
        if rank is not None:
            ranked.append((rank, preferred[0], occupation.uri, occupation))
    ranked.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in ranked[:limit])
