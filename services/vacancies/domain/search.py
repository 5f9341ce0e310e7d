"""Search criteria and the free-text query language (words, "phrases", -exclusions, prefix*)."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from services.common import pagination
from services.common.errors import FieldViolation, InvalidArgument, t

from .model import CONTRACT_TYPES, EDUCATION_LEVELS, WORKPLACE_TYPES, Vacancy

SearchSort = Literal["relevance", "date_posted", "valid_through", "distance"]  # distance: nearest first
MAX_QUERY_LENGTH = 500
MAX_RADIUS_KM = 500.0
FACETS = ("isco_major_group", "province", "contract_type")

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextTerm(_Frozen):
    """One or more words that must appear next to each other; `prefix`: last word is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


class TextQuery(_Frozen):
    include: tuple[TextTerm, ...] = ()
    exclude: tuple[TextTerm, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.include and not self.exclude


def parse_text_query(text: str) -> TextQuery:
    """`ict "agile coach" -stage ontwikkel*` -> include ict, "agile coach", ontwikkel*; exclude stage.

    Punctuation separates words (as in the index); an unclosed quote runs to the end.
    """
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidArgument(
            [
                FieldViolation(
                    "query",
                    t(
                        f"De zoektekst is te lang: maximaal {MAX_QUERY_LENGTH} tekens.",
                        f"The search text is too long: at most {MAX_QUERY_LENGTH} characters.",
                    ),
                )
            ]
        )
    include: list[TextTerm] = []
    exclude: list[TextTerm] = []
    for match in _TOKEN.finditer(text):
        quoted_minus, phrase, bare = match.groups()
        negate = bool(quoted_minus)
        prefix = False
        if phrase is None:
            negate = bare.startswith("-") and len(bare) > 1
            raw = bare[1:] if negate else bare
            prefix = raw.endswith("*")
            words = tuple(w.casefold() for w in _WORD.findall(raw))
        else:
            words = tuple(w.casefold() for w in _WORD.findall(phrase))
        if not words:
            continue
        (exclude if negate else include).append(TextTerm(words=words, prefix=prefix))
    return TextQuery(include=tuple(include), exclude=tuple(exclude))


class GeoFilter(_Frozen):
    latitude: float
    longitude: float
    radius_km: float


class SearchCriteria(_Frozen):
    text: TextQuery = TextQuery()
    esco_uris: tuple[str, ...] = ()
    isco_prefixes: tuple[str, ...] = ()
    geo: GeoFilter | None = None
    province_codes: tuple[str, ...] = ()
    workplace_types: tuple[str, ...] = ()
    hours_min: float | None = None
    hours_max: float | None = None
    contract_types: tuple[str, ...] = ()
    education_levels: tuple[str, ...] = ()
    driving_licence_required: bool | None = None
    posted_since: str = ""
    sort: SearchSort = "date_posted"
    include_facets: bool = False


def check_query_text(text: str) -> None:
    """Control characters in a search text are a mistake (or an attack), never a search."""
    if _CONTROL.search(text):
        raise InvalidArgument(
            [
                FieldViolation(
                    "query",
                    t("Gebruik geen stuurtekens in de zoektekst.", "Do not use control characters in the search text."),
                )
            ]
        )


def check_sort(sort: str | None) -> None:
    """An unknown sort order is refused rather than quietly replaced by the default."""
    if sort is not None and sort not in get_args(SearchSort):
        raise InvalidArgument([FieldViolation("sort", t("Onbekende sortering.", "Unknown sort order."))])


def check_criteria(criteria: SearchCriteria) -> None:
    """Raise InvalidArgument naming every filter that cannot be right."""
    v: list[FieldViolation] = []
    for prefix in criteria.isco_prefixes:
        if not (prefix.isdigit() and 1 <= len(prefix) <= 4):
            v.append(
                FieldViolation(
                    "isco_prefixes",
                    t(
                        f"'{prefix[:10]}' is geen ISCO-code: 1 tot 4 cijfers.",
                        f"'{prefix[:10]}' is not an ISCO code: 1 to 4 digits.",
                    ),
                )
            )
    for name, values, allowed in (
        ("workplace_types", criteria.workplace_types, WORKPLACE_TYPES),
        ("contract_types", criteria.contract_types, CONTRACT_TYPES),
        ("education_levels", criteria.education_levels, EDUCATION_LEVELS),
    ):
        if any(value not in allowed for value in values):
            v.append(FieldViolation(name, t("Onbekende waarde in dit filter.", "Unknown value in this filter.")))
    geo = criteria.geo
    if criteria.sort == "distance" and geo is None:
        v.append(
            FieldViolation(
                "sort",
                t(
                    "Sorteren op afstand kan alleen met een plaats of coördinaten.",
                    "Sorting by distance needs a place or coordinates.",
                ),
            )
        )
    if geo is not None:
        if not (-90 <= geo.latitude <= 90 and -180 <= geo.longitude <= 180):
            v.append(FieldViolation("latitude", t("Coördinaten buiten bereik.", "Coordinates out of range.")))
        if not (0 < geo.radius_km <= MAX_RADIUS_KM):
            v.append(
                FieldViolation(
                    "radius_km",
                    t(
                        f"De straal moet tussen 0 en {MAX_RADIUS_KM:g} km liggen.",
                        f"The radius must be between 0 and {MAX_RADIUS_KM:g} km.",
                    ),
                )
            )
    for name, value in (("hours_min", criteria.hours_min), ("hours_max", criteria.hours_max)):
        if value is not None and not (0 <= value <= 168):
            v.append(FieldViolation(name, t("Uren per week tussen 0 en 168.", "Hours per week between 0 and 168.")))
    if criteria.hours_min is not None and criteria.hours_max is not None and criteria.hours_min > criteria.hours_max:
        v.append(
            FieldViolation(
                "hours_min", t("Het minimum is hoger dan het maximum.", "The minimum is higher than the maximum.")
            )
        )
    if criteria.posted_since and not re.match(r"^\d{4}-\d{2}-\d{2}$", criteria.posted_since):
        v.append(FieldViolation("posted_since", t("Gebruik een datum als JJJJ-MM-DD.", "Use a date like YYYY-MM-DD.")))
    if v:
        raise InvalidArgument(v)


class SearchHit(_Frozen):
    vacancy: Vacancy
    score: float = 0.0
    distance_km: float | None = None
    sort_key: tuple[float, float]  # position in the result order (used for page tokens)


class FacetCount(_Frozen):
    value: str
    label: str
    count: int


class SearchPosition(_Frozen):
    """Where the next page starts, as the store that issued it wrote it (it travels in the page token).

    `after`: the sort values of the last hit. A search engine adds the point in time the pages
    are read from (`pit`: a snapshot, so writes while paging neither skip nor repeat hits) and
    the count taken on the first page (`total`: the snapshot's count does not change).
    """

    after: tuple[int | float, ...]
    pit: str = ""
    total: int | None = None


class SearchPage(_Frozen):
    hits: tuple[SearchHit, ...]
    total_count: int
    facets: dict[str, tuple[FacetCount, ...]] = {}
    has_more: bool = False
    next_position: SearchPosition | None = None  # set when has_more


def invalid_page_token() -> InvalidArgument:
    return pagination.invalid_page_token()


def expired_page_token() -> InvalidArgument:
    return InvalidArgument(
        [
            FieldViolation(
                "page_token",
                t(
                    "Deze zoekresultaten zijn verlopen (na 5 minuten zonder volgende pagina). Zoek opnieuw zonder token.",
                    "These search results have expired (5 minutes without a next page). Search again without a token.",
                ),
            )
        ]
    )
