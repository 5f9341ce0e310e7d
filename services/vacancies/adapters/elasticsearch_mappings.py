"""Index mappings and every request body of the vacancies Elasticsearch adapter (pure).

The stored vacancy is the serialized proto `Vacancy` (base64 in `doc`, as the SQLite `doc`
column); the other fields are copies for search, filters, facets and order. Text fields use
one analyzer that lower-cases and folds accents (as FTS5 `unicode61 remove_diacritics 2`),
and carry a `.nl` multi-field that also drops Dutch stop words and stems (so "fietsen" finds
"fiets", "kok" finds "koks"). The stemmer is the Snowball Dutch one (`stemmer`, language
`dutch`: accepted by Elasticsearch 8/9 and OpenSearch 2/3 alike), preceded by the overrides
Elasticsearch's own `dutch` analyzer uses for words it would stem wrongly ("fiets" -> "fiet").
Changing an analyzer changes the index: bump VACANCIES' version, `jobmatch search migrate`
then reindexes behind the alias.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Any

from services.common.search.indices import IndexSpec
from services.common.search.outbox import PENDING_FIELDS

from ..domain.ingest import PreparedItem

KEYWORD = {"type": "keyword"}
FOLDED_TEXT = {"type": "text", "analyzer": "folded", "fields": {"nl": {"type": "text", "analyzer": "dutch_folded"}}}
TEXT_ANALYSIS: dict[str, Any] = {
    "filter": {
        "dutch_stop": {"type": "stop", "stopwords": "_dutch_"},
        # Before the stemmer: words marked here are kept as the rule says (Elasticsearch's defaults).
        "dutch_override": {
            "type": "stemmer_override",
            "rules": ["fiets=>fiets", "bromfiets=>bromfiets", "ei=>eier", "kind=>kinder"],
        },
        "dutch_stemmer": {"type": "stemmer", "language": "dutch"},
    },
    "analyzer": {
        "folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        # Not the built-in `dutch` analyzer: this one also folds accents ("café"), as the folded fields do.
        "dutch_folded": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "dutch_stop", "dutch_override", "dutch_stemmer"],
        },
    },
}
NO_END_DATE = 99_999_999  # closing_key of a vacancy without an end date: sorts last

# v2: the `.nl` multi-fields (v1 had the folded fields only).
# v3: the vacancy document is the commit document of its change: its events ride in it until
# settled (PENDING_FIELDS), with the change-stream entries derived from it (`pending_changes`).
VACANCIES = IndexSpec(
    "vacancies",
    3,
    {
        "dynamic": "strict",
        "properties": {
            "vacancy_id": KEYWORD,
            "position": {"type": "long"},
            "source": KEYWORD,
            "external_id": KEYWORD,
            "fingerprint": KEYWORD,
            "is_open": {"type": "boolean"},
            "closed_reason": KEYWORD,
            "title": FOLDED_TEXT,
            "description": FOLDED_TEXT,
            "esco_uri": KEYWORD,
            "isco_code": KEYWORD,
            "isco_major": KEYWORD,
            "province_code": KEYWORD,
            "location": {"type": "geo_point"},
            "workplace_type": KEYWORD,
            "hours_min": {"type": "float"},
            "hours_max": {"type": "float"},
            "contract_type": KEYWORD,
            "education_level": KEYWORD,
            "driving_licence": {"type": "boolean"},
            "date_posted": KEYWORD,
            "valid_through": KEYWORD,
            # Integer sort keys (yyyymmdd), always present, as the SQLite adapter's order expressions.
            "posted_key": {"type": "integer"},
            "closing_key": {"type": "integer"},
            "created_at": {"type": "date"},
            "doc": {"type": "binary"},
            "pending_changes": {"type": "object", "enabled": False},
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 3, "analysis": TEXT_ANALYSIS},
)
VACANCY_SOURCES = IndexSpec(
    "vacancy-sources",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "source": KEYWORD,
            "external_id": KEYWORD,
            "vacancy_id": KEYWORD,
            "content_hash": KEYWORD,
            "canonical": {"type": "boolean"},
        },
    },
    {"number_of_shards": 3},
)
VACANCY_CHANGES = IndexSpec(
    "vacancy-changes",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "sequence": {"type": "long"},
            "vacancy_id": KEYWORD,
            "change_type": KEYWORD,
            "changed_at": {"type": "date"},
        },
    },
    {"number_of_shards": 1},
)

INDEX_SPECS = (VACANCIES, VACANCY_SOURCES, VACANCY_CHANGES)


def index_specs(*, dutch_stemmer: bool = True) -> tuple[IndexSpec, ...]:
    """The specs to migrate; `dutch_stemmer=False` only for an engine without one.

    osmem (the embedded stack's OpenSearch-API server) has no Dutch stemmer and does not fail
    soft: a field analysed with one gets no terms and every `match` on it answers every
    document. For such an engine the `.nl` fields keep the stop words but skip the stemmer (a
    no-op filter in its place), so queries stay the same and answer like the folded fields.
    Same version: it is the same index layout, only less clever.
    """
    if dutch_stemmer:
        return INDEX_SPECS
    analysis = {**TEXT_ANALYSIS, "filter": {**TEXT_ANALYSIS["filter"], "dutch_stemmer": {"type": "lowercase"}}}
    unstemmed = replace(VACANCIES, settings={**VACANCIES.settings, "analysis": analysis})
    return (unstemmed, VACANCY_SOURCES, VACANCY_CHANGES)


POSITION_COUNTER = "vacancy-position"
CHANGE_COUNTER = "vacancy-change-sequence"


def source_doc_id(source: str, external_id: str) -> str:
    return f"{source}\x1f{external_id}"


def date_key(day: str, missing: int) -> int:
    return int(day.replace("-", "")) if day else missing


def vacancy_document(
    vacancy_id: str, position: int, item: PreparedItem, is_open: bool, closed_reason: str, created_at: str, doc: bytes
) -> dict[str, Any]:
    c = item.content
    loc = c.location
    document: dict[str, Any] = {
        "vacancy_id": vacancy_id,
        "position": position,
        "source": c.source,
        "external_id": c.external_id,
        "fingerprint": item.fingerprint,
        "is_open": is_open,
        "closed_reason": closed_reason,
        "title": c.title,
        "description": c.description,
        "esco_uri": c.occupation.esco_uri,
        "isco_code": c.occupation.isco_code,
        "isco_major": c.occupation.isco_code[:1],
        "province_code": loc.province_code,
        "workplace_type": c.workplace_type,
        "contract_type": c.contract_type,
        "education_level": c.education_level,
        "driving_licence": c.driving_licence_required,
        "date_posted": c.date_posted,
        "valid_through": c.valid_through,
        "posted_key": date_key(c.date_posted, 0),
        "closing_key": date_key(c.valid_through, NO_END_DATE),
        "created_at": created_at,
        "doc": base64.b64encode(doc).decode("ascii"),
    }
    if loc.latitude is not None and loc.longitude is not None:
        document["location"] = {"lat": loc.latitude, "lon": loc.longitude}
    # Unknown hours stay absent: a range filter never matches them (SQL NULL in the SQLite adapter).
    if c.hours_min is not None:
        document["hours_min"] = c.hours_min
    if c.hours_max is not None:
        document["hours_max"] = c.hours_max
    for facet in ("isco_major", "province_code", "contract_type"):
        if not document[facet]:
            del document[facet]  # no bucket for "unknown", as the SQLite facets
    return document


def source_document(
    source: str, external_id: str, vacancy_id: str, content_hash: str, canonical: bool
) -> dict[str, Any]:
    return {
        "source": source,
        "external_id": external_id,
        "vacancy_id": vacancy_id,
        "content_hash": content_hash,
        "canonical": canonical,
    }


def change_document(sequence: int, vacancy_id: str, change_type: str, changed_at: str) -> dict[str, Any]:
    return {"sequence": sequence, "vacancy_id": vacancy_id, "change_type": change_type, "changed_at": changed_at}


def pending_since_query(cutoff: str) -> dict[str, Any]:
    """Commit documents whose events have waited since `cutoff` or longer."""
    return {"range": {"pending_since": {"lte": cutoff}}}


def open_by_fingerprint_query(fingerprints: list[str]) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {"is_open": True}}, {"terms": {"fingerprint": fingerprints}}]}}


BY_POSITION = [{"position": "asc"}]


def links_query(vacancy_ids: list[str]) -> dict[str, Any]:
    return {"bool": {"filter": [{"terms": {"vacancy_id": vacancy_ids}}, {"term": {"canonical": False}}]}}


LINK_SORT = [{"vacancy_id": "asc"}, {"source": "asc"}, {"external_id": "asc"}]


def expired_query(today: str) -> dict[str, Any]:
    """Open, with an end date before `today` (no end date is NO_END_DATE: never before)."""
    return {
        "bool": {
            "filter": [{"term": {"is_open": True}}, {"range": {"closing_key": {"lt": date_key(today, NO_END_DATE)}}}]
        }
    }


def changes_after_request(sequence: int, limit: int) -> dict[str, Any]:
    return {
        "query": {"range": {"sequence": {"gt": sequence}}},
        "sort": [{"sequence": "asc"}],
        "size": limit,
        "track_total_hits": False,
    }


LAST_CHANGE_REQUEST = {"size": 0, "aggs": {"last": {"max": {"field": "sequence"}}}}


def open_after_request(position: int, limit: int) -> dict[str, Any]:
    return {
        "query": {"bool": {"filter": [{"term": {"is_open": True}}, {"range": {"position": {"gt": position}}}]}},
        "sort": BY_POSITION,
        "size": limit,
        "track_total_hits": False,
        "source": ["vacancy_id", "position"],
    }
