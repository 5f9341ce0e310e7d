"""Search and the change stream: turning a request into criteria, and paging with tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from pydantic import BaseModel, ConfigDict, ValidationError

from services.common import pagination
from services.common.errors import FieldViolation, InvalidArgument, t
from services.common.page_tokens import PageTokens, scope_of
from services.common.reference import places

from ..domain.search import (
    GeoFilter,
    SearchCriteria,
    SearchPage,
    SearchPosition,
    SearchSort,
    check_criteria,
    check_query_text,
    check_sort,
    invalid_page_token,
    parse_text_query,
)
from .ports import VacancyChange, VacancyStore

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
DEFAULT_CHANGES_PAGE = 100
MAX_CHANGES_PAGE = 1000


class SearchRequest(BaseModel):
    """What a caller asks (gRPC or CLI), before place names and the text query are resolved."""

    model_config = ConfigDict(frozen=True)

    query: str = ""
    esco_uris: tuple[str, ...] = ()
    isco_prefixes: tuple[str, ...] = ()
    near_place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = 0.0
    province_codes: tuple[str, ...] = ()
    workplace_types: tuple[str, ...] = ()
    hours_min: float | None = None
    hours_max: float | None = None
    contract_types: tuple[str, ...] = ()
    education_levels: tuple[str, ...] = ()
    driving_licence_required: bool | None = None
    posted_since: str = ""
    sort: str | None = None  # a SearchSort; anything else is refused by check_sort
    include_facets: bool = False
    page_size: int = 0
    page_token: str = ""


def _page_size(value: int, default: int, maximum: int) -> int:
    return pagination.page_size(value, default=default, maximum=maximum)


def _geo(request: SearchRequest) -> GeoFilter | None:
    v: list[FieldViolation] = []
    point: tuple[float, float] | None = None
    if request.near_place.strip():
        place = places.lookup(request.near_place)
        if place is None:
            hint_nl, hint_en = places.did_you_mean(request.near_place[:60])
            v.append(
                FieldViolation(
                    "near_place",
                    t(
                        f"Plaats '{request.near_place[:60]}' kennen we niet.{hint_nl or ' Kies een Nederlandse plaats.'}",
                        f"Unknown place '{request.near_place[:60]}'.{hint_en or ' Choose a Dutch place.'}",
                    ),
                )
            )
        else:
            point = (place.latitude, place.longitude)
    elif request.latitude is not None or request.longitude is not None:
        if request.latitude is None or request.longitude is None:
            v.append(
                FieldViolation(
                    "longitude" if request.longitude is None else "latitude",
                    t("Geef zowel breedte- als lengtegraad.", "Give both latitude and longitude."),
                )
            )
        else:
            point = (request.latitude, request.longitude)
    if point is None and request.radius_km and not v:
        v.append(
            FieldViolation(
                "radius_km",
                t("Een straal werkt alleen met een plaats of coördinaten.", "A radius needs a place or coordinates."),
            )
        )
    if point is not None and request.radius_km <= 0:
        v.append(FieldViolation("radius_km", t("Geef een straal in km.", "Give a radius in km.")))
    if v:
        raise InvalidArgument(v)
    return None if point is None else GeoFilter(latitude=point[0], longitude=point[1], radius_km=request.radius_km)


def _province_codes(values: tuple[str, ...]) -> tuple[str, ...]:
    codes = []
    for value in values:
        province = places.province_by_name_or_code(value)
        if province is None:
            raise InvalidArgument(
                [
                    FieldViolation(
                        "province_codes", t(f"Onbekende provincie '{value[:40]}'.", f"Unknown province '{value[:40]}'.")
                    )
                ]
            )
        codes.append(province.code)
    return tuple(codes)


def _default_sort(has_text: bool, request: SearchRequest) -> SearchSort:
    """Near a place: nearest first; with words: best match first; else newest first."""
    if request.near_place.strip() or (request.latitude is not None and request.longitude is not None):
        return "distance"
    return "relevance" if has_text else "date_posted"


class SearchVacancies:
    def __init__(self, store: VacancyStore, tokens: PageTokens) -> None:
        self._store = store
        self._tokens = tokens

    def criteria(self, request: SearchRequest) -> SearchCriteria:
        check_query_text(request.query)
        text = parse_text_query(request.query)
        check_sort(request.sort)
        criteria = SearchCriteria(
            text=text,
            esco_uris=tuple(u.strip() for u in request.esco_uris if u.strip()),
            isco_prefixes=tuple(p.strip() for p in request.isco_prefixes if p.strip()),
            geo=_geo(request),
            province_codes=_province_codes(request.province_codes),
            workplace_types=request.workplace_types,
            hours_min=request.hours_min,
            hours_max=request.hours_max,
            contract_types=request.contract_types,
            education_levels=request.education_levels,
            driving_licence_required=request.driving_licence_required,
            posted_since=request.posted_since.strip(),
            sort=cast(SearchSort, request.sort) or _default_sort(bool(text.include), request),
            include_facets=request.include_facets,
        )
        check_criteria(criteria)
        return criteria

    def __call__(self, request: SearchRequest) -> tuple[SearchPage, str]:
        """The page and the token for the next one ("" when this is the last)."""
        page_size = _page_size(request.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        criteria = self.criteria(request)
        # The page size may change from page to page (keyset positions do not depend on it).
        scope = scope_of("search", criteria.model_dump_json(exclude={"include_facets"}))
        after = None
        if request.page_token:
            # The position is the store's own (see SearchPosition); the signature vouches for it.
            try:
                after = SearchPosition.model_validate(self._tokens.read(request.page_token, scope))
            except ValidationError:
                raise invalid_page_token() from None
        page = self._store.search(criteria, page_size, after)
        position = page.next_position if page.has_more and page.hits else None
        next_token = self._tokens.issue(scope, position.model_dump(mode="json")) if position is not None else ""
        return page, next_token


@dataclass(frozen=True)
class ChangesPage:
    changes: list[VacancyChange]
    cursor: str
    next_page_token: str


def _parse_cursor(value: str) -> int:
    if not value:
        return 0
    if not value.isdigit() or len(value) > 18:
        raise InvalidArgument(
            [
                FieldViolation(
                    "since_cursor",
                    t(
                        "Deze cursor kennen we niet. Gebruik de cursor uit een eerder antwoord.",
                        "Unknown cursor. Use the cursor from an earlier response.",
                    ),
                )
            ]
        )
    return int(value)


class ListVacancyChanges:
    """Changes after a cursor, in order, each once; or a snapshot of every open vacancy."""

    def __init__(self, store: VacancyStore, tokens: PageTokens) -> None:
        self._store = store
        self._tokens = tokens

    def __call__(
        self, since_cursor: str = "", snapshot: bool = False, page_size: int = 0, page_token: str = ""
    ) -> ChangesPage:
        size = _page_size(page_size, DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE)
        since = _parse_cursor(since_cursor)
        if snapshot:
            return self._snapshot(since_cursor, size, page_token)
        scope = scope_of("changes", since_cursor)
        after = since
        if page_token:
            after = self._int_position(self._tokens.read(page_token, scope))
        changes = self._store.changes_after(after, size + 1)
        more = len(changes) > size
        changes = changes[:size]
        last = changes[-1].sequence if changes else after
        token = self._tokens.issue(scope, last) if more else ""
        return ChangesPage(changes, str(last), token)

    def _snapshot(self, since_cursor: str, size: int, page_token: str) -> ChangesPage:
        scope = scope_of("snapshot", since_cursor)
        if page_token:
            position = self._tokens.read(page_token, scope)
            if not (isinstance(position, list) and len(position) == 2):
                raise pagination.invalid_page_token()
            after, as_of = self._int_position(position[0]), self._int_position(position[1])
        else:
            # Read the cursor first: anything that changes while paging is replayed afterwards.
            after, as_of = 0, self._store.last_change_sequence()
        rows = self._store.open_vacancies_after(after, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        changes = [VacancyChange(as_of, "published", v.vacancy_id, v.updated_at, v) for _, v in rows]
        token = self._tokens.issue(scope, [rows[-1][0], as_of]) if more else ""
        return ChangesPage(changes, str(as_of), token)

    @staticmethod
    def _int_position(value: object) -> int:
        if not isinstance(value, int) or value < 0:
            raise pagination.invalid_page_token()
        return value
