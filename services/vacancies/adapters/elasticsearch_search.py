"""Vacancy search as one Elasticsearch request (pure builders), and its answer as a SearchPage.

Same rules as `sqlite_search`:
- text: every included term must occur in the title or the description (a phrase when it has
  several words, a prefix when it ends in *); excluded terms must not; title hits weigh 5x.
  Beyond SQLite: a whole-word term also matches its Dutch stem (the `.nl` fields, "fietsen"
  finds "fiets"; an excluded one excludes its stem too). A word in the form asked matches both
  fields, so it scores above a stem-only match. Prefix terms stay on the folded fields (a
  prefix already covers the inflections; prefixes of stems would over-match);
- filters: open only; occupation = any of the ESCO URIs or ISCO prefixes; hours overlap
  (a vacancy without hours does not fit a window); radius = great-circle distance (ES `arc`
  uses the same haversine on a 6371008.77 m sphere as geo.haversine_km, 6371008.8 m: the
  difference is below a millimetre at 100 km);
- order: ties broken by storage position; facets as terms aggregations;
- paging: every page of one search reads the same point in time (PIT, opened with the first
  page, its keep-alive renewed by each page, closed after the last), continued with
  `search_after` on the engine's own sort values (Elasticsearch appends `_shard_doc`). So
  writes while paging neither skip nor repeat a hit. Only the first page counts the hits
  (`track_total_hits`); the count travels in the token, exact because the snapshot is fixed.
Known difference: a prefix term (`ontwikkel*`) expands to at most MAX_PREFIX_EXPANSIONS words.
"""

from __future__ import annotations

from typing import Any

from services.common.reference import geo

from ..domain.search import SearchCriteria, SearchPosition, TextTerm
from .sqlite_search import _facets_weighted

SortKey = tuple[float, float]
TITLE_BOOST = 5.0
MAX_PREFIX_EXPANSIONS = 1000
FACET_FIELDS = {"isco_major_group": "isco_major", "province": "province_code", "contract_type": "contract_type"}
HIT_FIELDS = ["vacancy_id", "position", "fingerprint", "location", "doc"]
TEXT_FIELDS: list[tuple[str, dict[str, float]]] = [("title", {"boost": TITLE_BOOST}), ("description", {})]
DUTCH_FIELDS: list[tuple[str, dict[str, float]]] = [("title.nl", {"boost": TITLE_BOOST}), ("description.nl", {})]
# How long a point in time lives without a next page (each page renews it). Long enough to read
# a page; short enough that abandoned searches free their snapshot soon (OpenSearch allows 300
# open PITs per node by default: search.max_open_pit_context).
PIT_KEEP_ALIVE = "5m"

_SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}, {"position": "asc"}],
    "date_posted": [{"posted_key": "desc"}, {"position": "desc"}],
    "valid_through": [{"closing_key": "asc"}, {"position": "asc"}],
}


def text_clause(term: TextTerm) -> dict[str, Any]:
    """The term in the title or in the description, as written or (whole words) as Dutch stems."""
    kind = "match_phrase_prefix" if term.prefix else "match_phrase"
    text = " ".join(term.words)
    extra = {"max_expansions": MAX_PREFIX_EXPANSIONS} if term.prefix else {}
    fields = TEXT_FIELDS if term.prefix else TEXT_FIELDS + DUTCH_FIELDS
    return {
        "bool": {
            "should": [{kind: {field: {"query": text, **boost, **extra}}} for field, boost in fields],
            "minimum_should_match": 1,
        }
    }


def search_query(c: SearchCriteria) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"term": {"is_open": True}}]
    occupation: list[dict[str, Any]] = []
    if c.esco_uris:
        occupation.append({"terms": {"esco_uri": list(c.esco_uris)}})
    occupation += [{"prefix": {"isco_code": prefix}} for prefix in c.isco_prefixes]
    if occupation:
        filters.append({"bool": {"should": occupation, "minimum_should_match": 1}})
    for field, values in (
        ("province_code", c.province_codes),
        ("workplace_type", c.workplace_types),
        ("contract_type", c.contract_types),
        ("education_level", c.education_levels),
    ):
        if values:
            filters.append({"terms": {field: list(values)}})
    if c.geo is not None:
        filters.append(
            {
                "geo_distance": {
                    "distance": f"{c.geo.radius_km}km",
                    "distance_type": "arc",
                    "location": {"lat": c.geo.latitude, "lon": c.geo.longitude},
                }
            }
        )
    if c.hours_min is not None:
        filters.append({"range": {"hours_max": {"gte": c.hours_min}}})
    if c.hours_max is not None:
        filters.append({"range": {"hours_min": {"lte": c.hours_max}}})
    if c.driving_licence_required is not None:
        filters.append({"term": {"driving_licence": c.driving_licence_required}})
    if c.posted_since:
        filters.append({"range": {"posted_key": {"gte": int(c.posted_since.replace("-", ""))}}})
    query: dict[str, Any] = {"filter": filters}
    if c.text.include:
        query["must"] = [text_clause(term) for term in c.text.include]
    if c.text.exclude:
        query["must_not"] = [text_clause(term) for term in c.text.exclude]
    return {"bool": query}


def _sort_of(c: SearchCriteria) -> list[dict[str, Any]]:
    if c.sort == "distance" and c.geo is not None:  # nearest first, the same great-circle distance as the filter
        point = {"lat": c.geo.latitude, "lon": c.geo.longitude}
        return [
            {"_geo_distance": {"location": point, "order": "asc", "unit": "km", "distance_type": "arc"}},
            {"position": "asc"},
        ]
    return _SORTS[c.sort]


def sort_key_of(sort: str, values: list[Any]) -> SortKey:
    first, second = float(values[0]), float(values[1])
    if sort == "relevance":
        return (-first, second)
    if sort == "date_posted":
        return (-first, -second)
    return (first, second)


def search_request(c: SearchCriteria, page_size: int, pit: str, after: SearchPosition | None) -> dict[str, Any]:
    """One page read from point in time `pit` (no index: the PIT names it); `after`: the page before's."""
    body: dict[str, Any] = {
        "query": search_query(c),
        "sort": _sort_of(c),
        "size": page_size + 1,
        "pit": {"id": pit, "keep_alive": PIT_KEEP_ALIVE},
        "track_total_hits": after is None,
        "source": HIT_FIELDS,
    }
    if after is not None:
        body["search_after"] = list(after.after)
    if c.include_facets:
        body["aggs"] = {name: {"terms": {"field": field, "size": 100}} for name, field in FACET_FIELDS.items()}
    return body


def facets_of(aggregations: dict[str, Any]) -> dict[str, Any]:
    """Bucket counts into the same FacetCount lists (labels, order) as the SQLite adapter."""
    rows: list[tuple[str, str, str, int]] = []
    for bucket in aggregations["isco_major_group"]["buckets"]:
        rows.append((bucket["key"], "", "", bucket["doc_count"]))
    for bucket in aggregations["province"]["buckets"]:
        rows.append(("", bucket["key"], "", bucket["doc_count"]))
    for bucket in aggregations["contract_type"]["buckets"]:
        rows.append(("", "", bucket["key"], bucket["doc_count"]))
    return _facets_weighted(rows)


def distance_of(c: SearchCriteria, source: dict[str, Any]) -> float | None:
    if c.geo is None or "location" not in source:
        return None
    point = source["location"]
    return round(geo.haversine_km(c.geo.latitude, c.geo.longitude, point["lat"], point["lon"]), 3)
