"""Index mappings and every request body of the matching Elasticsearch adapter (pure).

Reverse matching (which profiles does this vacancy match?) is one `bool` filter query, no
percolator and no scan: a profile is indexed with
- its travel area as a `geo_shape` polygon around home that contains the whole travel circle
  (Elasticsearch cannot index circles in geo_shape; CIRCLE_SIDES vertices on a circumscribed
  ring, widened by a margin so that straight polygon edges never cut into the circle);
- its hours window as an `integer_range`, queried with relation `intersects`;
- the occupation keys it accepts (ESCO URI, ISCO unit group, ISCO minor group) as keywords.
The query is a relaxation of the rules (the polygon is larger than the circle, hours are
widened to whole numbers; education, languages and salary are not in it), so the adapter
keeps the answer exact by evaluating `rules.evaluate` on the candidates: Elasticsearch
prefilters, Python decides and scores, exactly as `ranking.brute_force_matches`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from services.common.search.indices import IndexSpec
from services.common.search.outbox import PENDING_FIELDS
from services.matching.domain.rules import EARTH_RADIUS_KM, ProfileCriteria, VacancyCriteria

KEYWORD = {"type": "keyword"}
STORED_ONLY = {"type": "object", "enabled": False}
CIRCLE_SIDES = 32
# Polygon vertices lie this much further out than the circumscribed ring needs (relative and
# absolute), which covers the gap between straight edges and the curved circle on the sphere.
MARGIN_FACTOR = 1.02
MARGIN_KM = 0.5

SEARCH_PROFILES = IndexSpec(
    "search-profiles",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "active": {"type": "boolean"},
            "occupation_keys": KEYWORD,
            "home": {"type": "geo_point"},
            "travel_area": {"type": "geo_shape", "orientation": "right"},
            "max_travel_km": {"type": "integer"},
            "remote_acceptable": {"type": "boolean"},
            "hours": {"type": "integer_range"},
            "contract_types": {"type": "integer"},
            "has_driving_licence": {"type": "boolean"},
            "updated_at": {"type": "date"},
            "doc": STORED_ONLY,
        },
    },
    {"number_of_shards": 3},
)
# The vacancy document is the commit document of a vacancy event: it holds the match set the
# clients have been told (`announced`: client id -> score, and its keys as `announced_clients`
# to find a client's matches) and the events that told them until they are settled (v2; v1 kept
# the match set in a `vacancy-matches` index, written after the vacancy and lost in a crash).
MATCHING_VACANCIES = IndexSpec(
    "matching-vacancies",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "vacancy_id": KEYWORD,
            "occupation_keys": KEYWORD,
            "location": {"type": "geo_point"},
            "remote": {"type": "boolean"},
            "hours_low": {"type": "float"},
            "hours_high": {"type": "float"},
            "doc": STORED_ONLY,
            "announced": STORED_ONLY,
            "announced_clients": KEYWORD,
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 3},
)
# When each vacancy closed: an older version redelivered after the closure must not reopen it.
# The commit document of a closure (its VacancyUnmatched events ride in it, v2).
CLOSED_VACANCIES = IndexSpec(
    "matching-closed-vacancies",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "vacancy_id": KEYWORD,
            "closed_at": {"type": "date"},
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 1},
)
# The commit document of "I applied" (its ClientApplied rides in it, v2).
FEEDBACK = IndexSpec(
    "feedback",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "vacancy_id": KEYWORD,
            "kind": {"type": "integer"},
            "recorded_at": {"type": "date"},
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 1},
)
# An erasure in progress: the commit document of its ClientDataErased, deleted once the
# erasure is done and announced (so it keeps no client id longer than that).
ERASURES = IndexSpec(
    "matching-erasures",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "erased_at": {"type": "date"},
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 1},
)
FEED_STATE = IndexSpec(
    "feed-state",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "last_visit_at": {"type": "date"},
        },
    },
    {"number_of_shards": 1},
)

# Which caseworker is assigned which client, from activities' caseload events.
CASELOAD_PROJECTION = IndexSpec(
    "matching-caseload",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "caseworker_id": KEYWORD,
            "client_id": KEYWORD,
        },
    },
    {"number_of_shards": 1},
)

INDEX_SPECS = (
    SEARCH_PROFILES,
    MATCHING_VACANCIES,
    CLOSED_VACANCIES,
    FEEDBACK,
    FEED_STATE,
    ERASURES,
    CASELOAD_PROJECTION,
)


def key_terms(keys: Any) -> list[str]:
    """Occupation keys ("u", uri) / ("g4", "2512") / ("g3", "251") as keyword values."""
    return sorted(f"{kind}|{code}" for kind, code in keys)


def destination(lat: float, lon: float, bearing_deg: float, distance_km: float) -> tuple[float, float]:
    """The point `distance_km` from (lat, lon) along a great circle with the given bearing."""
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    delta = distance_km / EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lam2) + 540.0) % 360.0 - 180.0


def travel_polygon(lat: float, lon: float, radius_km: float, sides: int = CIRCLE_SIDES) -> dict[str, Any]:
    """A GeoJSON polygon (counter-clockwise, closed) that contains the circle of `radius_km`."""
    reach = radius_km / math.cos(math.pi / sides) * MARGIN_FACTOR + MARGIN_KM
    ring = []
    for i in range(sides):
        v_lat, v_lon = destination(lat, lon, -360.0 * i / sides, reach)  # decreasing bearing: counter-clockwise
        ring.append([round(v_lon, 7), round(v_lat, 7)])
    ring.append(ring[0])
    return {"type": "polygon", "coordinates": [ring]}


def profile_document(profile: ProfileCriteria, doc: dict[str, Any], updated_at: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "client_id": profile.client_id,
        "active": profile.active,
        "occupation_keys": key_terms(profile.keys),
        "home": {"lat": profile.latitude, "lon": profile.longitude},
        "travel_area": travel_polygon(profile.latitude, profile.longitude, profile.max_km),
        "max_travel_km": profile.max_km,
        "remote_acceptable": profile.remote_acceptable,
        "hours": {"gte": profile.hours_min, "lte": profile.hours_max},
        "has_driving_licence": profile.has_driving_licence,
        "updated_at": updated_at,
        "doc": doc,
    }
    if profile.contract_types:
        document["contract_types"] = sorted(profile.contract_types)
    return document


def reverse_match_query(vacancy: VacancyCriteria) -> dict[str, Any] | None:
    """Candidate profiles for one vacancy (a superset of the matches); None: nothing can match."""
    v = vacancy.vacancy
    if not vacancy.keys:
        return None
    point = {
        "geo_shape": {
            "travel_area": {
                "shape": {"type": "point", "coordinates": [v.longitude, v.latitude]},
                "relation": "intersects",
            }
        }
    }
    place: list[dict[str, Any]] = []
    if v.remote:
        place.append({"term": {"remote_acceptable": True}})
    if v.has_coordinates:
        place.append(point)
    if not place:
        return None  # not remote and no coordinates: no distance can be checked
    filters: list[dict[str, Any]] = [
        {"term": {"active": True}},
        {"terms": {"occupation_keys": key_terms(vacancy.keys)}},
        {"bool": {"should": place, "minimum_should_match": 1}},
    ]
    if vacancy.hours_high > 0:
        filters.append(
            {
                "range": {
                    "hours": {
                        "gte": math.floor(vacancy.hours_low),
                        "lte": math.ceil(vacancy.hours_high),
                        "relation": "intersects",
                    }
                }
            }
        )
    if v.contract_type:
        filters.append(
            {
                "bool": {
                    "should": [
                        {"bool": {"must_not": [{"exists": {"field": "contract_types"}}]}},
                        {"term": {"contract_types": int(v.contract_type)}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    if v.driving_licence_required:
        filters.append({"term": {"has_driving_licence": True}})
    return {"bool": {"filter": filters}}


def any_occupation_query(keys: Sequence[Any]) -> dict[str, Any]:
    """Active profiles wanting any of the occupation keys of several vacancies: a superset of
    the candidates of each of them (`reverse_match_query` adds place, hours, ... to this)."""
    wanted = sorted({term for vacancy_keys in keys for term in key_terms(vacancy_keys)})
    return {"bool": {"filter": [{"term": {"active": True}}, {"terms": {"occupation_keys": wanted}}]}}


BY_CLIENT = [{"client_id": "asc"}]
BY_VACANCY = [{"vacancy_id": "asc"}]


def vacancy_document(
    vacancy: VacancyCriteria, doc: dict[str, Any], announced: dict[str, float] | None = None
) -> dict[str, Any]:
    """The projection of one vacancy, with the match set its events announced (none by default)."""
    v = vacancy.vacancy
    announced = announced or {}
    document: dict[str, Any] = {
        "vacancy_id": v.vacancy_id,
        "occupation_keys": key_terms(vacancy.keys),
        "remote": v.remote,
        "hours_low": vacancy.hours_low,
        "hours_high": vacancy.hours_high,
        "doc": doc,
        "announced": announced,
        "announced_clients": sorted(announced),
    }
    if v.has_coordinates:
        document["location"] = {"lat": v.latitude, "lon": v.longitude}
    return document


def forward_match_query(profile: ProfileCriteria) -> dict[str, Any] | None:
    """Candidate open vacancies for one profile (a superset; the rules decide)."""
    if not profile.active or not profile.keys:
        return None
    place: list[dict[str, Any]] = [
        {
            "geo_distance": {
                "distance": f"{profile.max_km * MARGIN_FACTOR + MARGIN_KM}km",
                "distance_type": "arc",
                "location": {"lat": profile.latitude, "lon": profile.longitude},
            }
        }
    ]
    if profile.remote_acceptable:
        place.insert(0, {"term": {"remote": True}})
    hours = {
        "bool": {
            "should": [
                {"range": {"hours_high": {"lte": 0}}},
                {
                    "bool": {
                        "filter": [
                            {"range": {"hours_low": {"lte": profile.hours_max}}},
                            {"range": {"hours_high": {"gte": profile.hours_min}}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    return {
        "bool": {
            "filter": [
                {"terms": {"occupation_keys": key_terms(profile.keys)}},
                {"bool": {"should": place, "minimum_should_match": 1}},
                hours,
            ]
        }
    }


def announced_to_query(client_id: str) -> dict[str, Any]:
    """The vacancies whose announced match set holds the client."""
    return {"term": {"announced_clients": client_id}}


def feedback_doc_id(client_id: str, vacancy_id: str, kind: int) -> str:
    return f"{client_id}\x1f{vacancy_id}\x1f{kind}"


def client_query(client_id: str) -> dict[str, Any]:
    return {"term": {"client_id": client_id}}


FEEDBACK_SORT = [{"vacancy_id": "asc"}, {"kind": "asc"}]
