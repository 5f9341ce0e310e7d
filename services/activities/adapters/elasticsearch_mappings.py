"""Index mappings and every request body of the activities Elasticsearch adapter (pure).

The adapter (`elasticsearch_store.py`) only sends what these functions build; the unit tests
in tests/unit/es/ pin them. The whole domain object is kept in `doc` (not indexed); the other
fields are copies for filtering and sorting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from services.common.search.indices import IndexSpec

KEYWORD = {"type": "keyword"}
DAY = {"type": "date", "format": "strict_date"}
STORED_ONLY = {"type": "object", "enabled": False}
SMALL_INDEX = {"number_of_shards": 1}

ACTIVITIES = IndexSpec("activities", 1, {"dynamic": "strict", "properties": {
    "activity_id": KEYWORD, "client_id": KEYWORD, "request_id": KEYWORD, "type": KEYWORD, "date": DAY,
    "logged_on": DAY, "verification": KEYWORD, "withdrawn": {"type": "boolean"}, "doc": STORED_ONLY,
}}, {"number_of_shards": 3})
# (client_id, request_id) -> activity_id, written with op_type=create: the idempotency key
# that two instances logging the same request cannot both claim.
ACTIVITY_REQUESTS = IndexSpec("activity-requests", 1, {"dynamic": "strict", "properties": {
    "client_id": KEYWORD, "request_id": KEYWORD, "activity_id": KEYWORD, "date": DAY,
}}, {"number_of_shards": 3})
POLICY_VERSIONS = IndexSpec("policy-versions", 1, {"dynamic": "strict", "properties": {
    "client_id": KEYWORD, "version": {"type": "integer"}, "start_date": DAY, "doc": STORED_ONLY,
}}, SMALL_INDEX)
CASELOAD = IndexSpec("caseload", 1, {"dynamic": "strict", "properties": {
    "caseworker_id": KEYWORD, "client_id": KEYWORD,
}}, SMALL_INDEX)
PERIOD_SIGNALS = IndexSpec("period-signals", 1, {"dynamic": "strict", "properties": {
    "client_id": KEYWORD, "period_start": DAY, "kind": KEYWORD,
}}, SMALL_INDEX)
VACANCY_PROJECTION = IndexSpec("activities-vacancy-projection", 1, {"dynamic": "strict", "properties": {
    "vacancy_id": KEYWORD, "title": {"type": "text"}, "employer": {"type": "text"}, "channel": KEYWORD,
    "open": {"type": "boolean"},
}}, SMALL_INDEX)

# Objection, appeal or recovery per client: retention deletes nothing of a held client.
LEGAL_HOLDS = IndexSpec("activities-legal-holds", 1, {"dynamic": "strict", "properties": {
    "client_id": KEYWORD, "kind": KEYWORD,
}}, SMALL_INDEX)

INDEX_SPECS = (ACTIVITIES, ACTIVITY_REQUESTS, POLICY_VERSIONS, CASELOAD, PERIOD_SIGNALS, VACANCY_PROJECTION,
               LEGAL_HOLDS)
# Registrations that count once per agency: their facts are read whatever their date.
AGENCY_TYPE_VALUES = ["agency_registration", "staffing_pool"]


def request_doc_id(client_id: str, request_id: str) -> str:
    # \x1f (unit separator) cannot occur in either id, so the pair is unambiguous.
    return f"{client_id}\x1f{request_id}"


def policy_doc_id(client_id: str, version: int) -> str:
    return f"{client_id}\x1f{version}"


def caseload_doc_id(caseworker_id: str, client_id: str) -> str:
    return f"{caseworker_id}\x1f{client_id}"


def signal_doc_id(client_id: str, period_start: date, kind: str) -> str:
    return f"{client_id}\x1f{period_start.isoformat()}\x1f{kind}"


def epoch_millis(day: date) -> int:
    """A date as Elasticsearch sorts it (ms since 1970-01-01 UTC), for `search_after`."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def activity_document(activity_json: dict[str, Any]) -> dict[str, Any]:
    """`activity_json`: Activity.model_dump(mode="json")."""
    return {
        "activity_id": activity_json["activity_id"], "client_id": activity_json["client_id"],
        "request_id": activity_json["request_id"], "type": activity_json["type"], "date": activity_json["date"],
        "logged_on": activity_json["logged_at"][:10], "verification": activity_json["verification"],
        "withdrawn": activity_json["withdrawn_at"] is not None, "doc": activity_json,
    }


def list_activities_request(client_id: str, from_date: date | None, to_date: date | None, limit: int,
                            after: tuple[date, str] | None) -> dict[str, Any]:
    """Not withdrawn, newest first (date, activity_id descending), strictly after the cursor."""
    filters: list[dict[str, Any]] = [{"term": {"client_id": client_id}}, {"term": {"withdrawn": False}}]
    window = {}
    if from_date:
        window["gte"] = from_date.isoformat()
    if to_date:
        window["lte"] = to_date.isoformat()
    if window:
        filters.append({"range": {"date": window}})
    body: dict[str, Any] = {"query": {"bool": {"filter": filters}},
                            "sort": [{"date": "desc"}, {"activity_id": "desc"}], "size": limit,
                            "track_total_hits": False, "source": ["doc"]}
    if after is not None:
        body["search_after"] = [epoch_millis(after[0]), after[1]]
    return body


def facts_query(client_ids: Sequence[str], since: date) -> dict[str, Any]:
    recent_or_agency = {"bool": {"should": [{"range": {"date": {"gte": since.isoformat()}}},
                                            {"terms": {"type": AGENCY_TYPE_VALUES}}], "minimum_should_match": 1}}
    return {"bool": {"filter": [{"terms": {"client_id": list(client_ids)}}, recent_or_agency,
                                {"term": {"withdrawn": False}}]}}


FACT_FIELDS = ["client_id", "activity_id", "type", "date", "logged_on", "verification", "doc.employer",
               "doc.vacancy_id"]
BY_ACTIVITY_ID = [{"activity_id": "asc"}]


def last_dates_request(client_ids: Sequence[str]) -> dict[str, Any]:
    """Per client the latest date of an activity that counts (not withdrawn, not rejected)."""
    return {"size": 0, "query": {"bool": {
        "filter": [{"terms": {"client_id": list(client_ids)}}, {"term": {"withdrawn": False}}],
        "must_not": [{"term": {"verification": "rejected"}}]}},
        "aggs": {"per_client": {"terms": {"field": "client_id", "size": max(1, len(client_ids))},
                                "aggs": {"last": {"max": {"field": "date", "format": "strict_date"}}}}}}


def dated_before_query(cutoff: date, client_id: str | None = None, held: Sequence[str] = ()) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"range": {"date": {"lt": cutoff.isoformat()}}}]
    if client_id is not None:
        filters.insert(0, {"term": {"client_id": client_id}})
    query: dict[str, Any] = {"bool": {"filter": filters}}
    if held:
        query["bool"]["must_not"] = [{"terms": {"client_id": list(held)}}]
    return query


def client_query(client_ids: Sequence[str] | str) -> dict[str, Any]:
    if isinstance(client_ids, str):
        return {"term": {"client_id": client_ids}}
    return {"terms": {"client_id": list(client_ids)}}


POLICY_SORT = [{"client_id": "asc"}, {"version": "asc"}]
CASELOAD_SORT = [{"client_id": "asc"}]
SIGNAL_SORT = [{"client_id": "asc"}, {"period_start": "asc"}, {"kind": "asc"}]


def clients_with_policy_request(after: dict[str, Any] | None, page_size: int = 1000) -> dict[str, Any]:
    """Distinct client ids in order, paged with a composite aggregation."""
    composite: dict[str, Any] = {"size": page_size, "sources": [{"client_id": {"terms": {"field": "client_id"}}}]}
    if after is not None:
        composite["after"] = after
    return {"size": 0, "aggs": {"clients": {"composite": composite}}}


def caseload_query(caseworker_id: str) -> dict[str, Any]:
    return {"term": {"caseworker_id": caseworker_id}}
