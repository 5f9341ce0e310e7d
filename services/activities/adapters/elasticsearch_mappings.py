"""Index mappings and every request body of the activities Elasticsearch adapter (pure).

The adapter (`elasticsearch_store.py`) only sends what these functions build; the unit tests
in tests/unit/es/ pin them. The whole domain object is kept in `doc` (not indexed); the other
fields are copies for filtering and sorting.

Commit documents (services/common/search/outbox.py: the one document per change that carries its
events in `pending_events` / `pending_since`): the request claim of a logged activity, the
activity of a change to it, the caseload assignment (kept as a tombstone when lifted, so the
lifting has a document to ride in), the period signal and the erasure record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from services.common.search.indices import IndexSpec
from services.common.search.outbox import PENDING_FIELDS, outbox_index_spec

KEYWORD = {"type": "keyword"}
DAY = {"type": "date", "format": "strict_date"}
STORED_ONLY = {"type": "object", "enabled": False}
SMALL_INDEX = {"number_of_shards": 1}

ACTIVITIES = IndexSpec(
    "activities",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "activity_id": KEYWORD,
            "client_id": KEYWORD,
            "request_id": KEYWORD,
            "type": KEYWORD,
            "date": DAY,
            "logged_on": DAY,
            "verification": KEYWORD,
            "withdrawn": {"type": "boolean"},
            "doc": STORED_ONLY,
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 3},
)
# (client_id, request_id) -> activity_id, written with op_type=create: the idempotency key
# that two instances logging the same request cannot both claim. The commit document of a
# logged activity: it holds the activity as first logged (`doc`) and its events, so the
# activity document is derived from it when a crash came between the two writes.
ACTIVITY_REQUESTS = IndexSpec(
    "activity-requests",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "request_id": KEYWORD,
            "activity_id": KEYWORD,
            "date": DAY,
            "doc": STORED_ONLY,
            **PENDING_FIELDS,
        },
    },
    {"number_of_shards": 3},
)
POLICY_VERSIONS = IndexSpec(
    "policy-versions",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "version": {"type": "integer"},
            "start_date": DAY,
            "doc": STORED_ONLY,
        },
    },
    SMALL_INDEX,
)
# `assigned: false` is a lifted assignment (a tombstone); documents of v1 have no field: assigned.
CASELOAD = IndexSpec(
    "caseload",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "caseworker_id": KEYWORD,
            "client_id": KEYWORD,
            "assigned": {"type": "boolean"},
            **PENDING_FIELDS,
        },
    },
    SMALL_INDEX,
)
PERIOD_SIGNALS = IndexSpec(
    "period-signals",
    2,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "period_start": DAY,
            "kind": KEYWORD,
            **PENDING_FIELDS,
        },
    },
    SMALL_INDEX,
)
VACANCY_PROJECTION = IndexSpec(
    "activities-vacancy-projection",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "vacancy_id": KEYWORD,
            "title": {"type": "text"},
            "employer": {"type": "text"},
            "channel": KEYWORD,
            "open": {"type": "boolean"},
        },
    },
    SMALL_INDEX,
)

# Objection, appeal or recovery per client: retention deletes nothing of a held client.
LEGAL_HOLDS = IndexSpec(
    "activities-legal-holds",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "kind": KEYWORD,
        },
    },
    SMALL_INDEX,
)

# Erasure on request, one per client and cutoff day: the commit document of ClientDataErased;
# the deletes it asks for are derived (and done again by the retention sweep, same cutoff).
ERASURES = IndexSpec(
    "activities-erasures",
    1,
    {
        "dynamic": "strict",
        "properties": {
            "client_id": KEYWORD,
            "cutoff": DAY,
            **PENDING_FIELDS,
        },
    },
    SMALL_INDEX,
)

INDEX_SPECS = (
    ACTIVITIES,
    ACTIVITY_REQUESTS,
    POLICY_VERSIONS,
    CASELOAD,
    PERIOD_SIGNALS,
    VACANCY_PROJECTION,
    LEGAL_HOLDS,
    ERASURES,
)
# The service's outbox index (created with the common indices by `jobmatch search migrate`).
OUTBOX_SERVICE = "activities"
OUTBOX = outbox_index_spec(OUTBOX_SERVICE)
# The indices whose documents may hold pending events (the outbox sweeper looks there).
COMMIT_SPECS = (ACTIVITY_REQUESTS, ACTIVITIES, CASELOAD, PERIOD_SIGNALS, ERASURES)
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


def erasure_doc_id(client_id: str, cutoff: date) -> str:
    return f"{client_id}\x1f{cutoff.isoformat()}"


def epoch_millis(day: date) -> int:
    """A date as Elasticsearch sorts it (ms since 1970-01-01 UTC), for `search_after`."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def activity_document(activity_json: dict[str, Any]) -> dict[str, Any]:
    """`activity_json`: Activity.model_dump(mode="json")."""
    return {
        "activity_id": activity_json["activity_id"],
        "client_id": activity_json["client_id"],
        "request_id": activity_json["request_id"],
        "type": activity_json["type"],
        "date": activity_json["date"],
        "logged_on": activity_json["logged_at"][:10],
        "verification": activity_json["verification"],
        "withdrawn": activity_json["withdrawn_at"] is not None,
        "doc": activity_json,
    }


def list_activities_request(
    client_id: str, from_date: date | None, to_date: date | None, limit: int, after: tuple[date, str] | None
) -> dict[str, Any]:
    """Not withdrawn, newest first (date, activity_id descending), strictly after the cursor."""
    filters: list[dict[str, Any]] = [{"term": {"client_id": client_id}}, {"term": {"withdrawn": False}}]
    window = {}
    if from_date:
        window["gte"] = from_date.isoformat()
    if to_date:
        window["lte"] = to_date.isoformat()
    if window:
        filters.append({"range": {"date": window}})
    body: dict[str, Any] = {
        "query": {"bool": {"filter": filters}},
        "sort": [{"date": "desc"}, {"activity_id": "desc"}],
        "size": limit,
        "track_total_hits": False,
        "source": ["doc"],
    }
    if after is not None:
        body["search_after"] = [epoch_millis(after[0]), after[1]]
    return body


def facts_query(client_ids: Sequence[str], since: date) -> dict[str, Any]:
    recent_or_agency = {
        "bool": {
            "should": [{"range": {"date": {"gte": since.isoformat()}}}, {"terms": {"type": AGENCY_TYPE_VALUES}}],
            "minimum_should_match": 1,
        }
    }
    return {
        "bool": {
            "filter": [{"terms": {"client_id": list(client_ids)}}, recent_or_agency, {"term": {"withdrawn": False}}]
        }
    }


FACT_FIELDS = [
    "client_id",
    "activity_id",
    "type",
    "date",
    "logged_on",
    "verification",
    "doc.employer",
    "doc.vacancy_id",
]
BY_ACTIVITY_ID = [{"activity_id": "asc"}]


def last_dates_request(client_ids: Sequence[str]) -> dict[str, Any]:
    """Per client the latest date of an activity that counts (not withdrawn, not rejected)."""
    return {
        "size": 0,
        "query": {
            "bool": {
                "filter": [{"terms": {"client_id": list(client_ids)}}, {"term": {"withdrawn": False}}],
                "must_not": [{"term": {"verification": "rejected"}}],
            }
        },
        "aggs": {
            "per_client": {
                "terms": {"field": "client_id", "size": max(1, len(client_ids))},
                "aggs": {"last": {"max": {"field": "date", "format": "strict_date"}}},
            }
        },
    }


def dated_before_query(cutoff: date, client_id: str | None = None, held: Sequence[str] = ()) -> dict[str, Any]:
    """What retention and erasure delete. A document with events still pending stays until they
    are settled (the next sweep takes it): deleting it would drop the events with it."""
    filters: list[dict[str, Any]] = [{"range": {"date": {"lt": cutoff.isoformat()}}}]
    if client_id is not None:
        filters.insert(0, {"term": {"client_id": client_id}})
    must_not: list[dict[str, Any]] = [PENDING]
    if held:
        must_not.insert(0, {"terms": {"client_id": list(held)}})
    return {"bool": {"filter": filters, "must_not": must_not}}


def client_query(client_ids: Sequence[str] | str) -> dict[str, Any]:
    if isinstance(client_ids, str):
        return {"term": {"client_id": client_ids}}
    return {"terms": {"client_id": list(client_ids)}}


UNASSIGNED = {"term": {"assigned": False}}
PENDING = {"exists": {"field": "pending_since"}}
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
    return {"bool": {"filter": [{"term": {"caseworker_id": caseworker_id}}], "must_not": [UNASSIGNED]}}


def claim_document(activity_json: dict[str, Any]) -> dict[str, Any]:
    """The request claim of a new activity; `activity_json`: Activity.model_dump(mode="json")."""
    return {
        "client_id": activity_json["client_id"],
        "request_id": activity_json["request_id"],
        "activity_id": activity_json["activity_id"],
        "date": activity_json["date"],
        "doc": activity_json,
    }
