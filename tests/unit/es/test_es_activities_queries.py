"""Every mapping and request body the activities Elasticsearch adapter sends."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.activities.adapters import elasticsearch_mappings as m
from services.activities.domain.model import Activity, ActivityType, Channel


def activity(**changes) -> Activity:  # type: ignore[no-untyped-def]
    base = dict(
        activity_id="a-1",
        client_id="c-1",
        request_id="r-1",
        type=ActivityType.OPEN_APPLICATION,
        date=date(2026, 3, 2),
        employer="Werkgever B.V.",
        channel=Channel.LETTER,
        logged_at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
    )
    return Activity(**(base | changes))


class TestActivityIndices:
    def test_every_index_is_strict_so_a_typo_in_a_field_fails_loudly(self) -> None:
        assert {spec.name for spec in m.INDEX_SPECS} == {
            "activities",
            "activity-requests",
            "policy-versions",
            "caseload",
            "period-signals",
            "activities-vacancy-projection",
            "activities-legal-holds",
            "activities-erasures",
        }
        assert all(spec.mappings["dynamic"] == "strict" for spec in m.INDEX_SPECS)

    def test_every_commit_document_index_maps_the_pending_events_and_was_bumped_to_get_them(self) -> None:
        pending = {"pending_events": {"type": "object", "enabled": False}, "pending_since": {"type": "date"}}
        for spec in m.COMMIT_SPECS:
            assert {k: spec.mappings["properties"][k] for k in pending} == pending
        assert {spec.name: spec.version for spec in m.COMMIT_SPECS} == {
            "activity-requests": 2,
            "activities": 2,
            "caseload": 2,
            "period-signals": 2,
            "activities-erasures": 1,
        }
        assert m.ACTIVITY_REQUESTS.mappings["properties"]["doc"] == {"type": "object", "enabled": False}
        assert m.OUTBOX.name == "activities-outbox" and m.OUTBOX not in m.INDEX_SPECS

    def test_ids_and_dates_are_keywords_and_days_and_the_domain_object_is_stored_not_indexed(self) -> None:
        props = m.ACTIVITIES.mappings["properties"]
        assert props["client_id"] == props["activity_id"] == {"type": "keyword"}
        assert props["date"] == {"type": "date", "format": "strict_date"}
        assert props["doc"] == {"type": "object", "enabled": False}

    def test_an_activity_document_copies_the_filter_fields_from_the_domain_object(self) -> None:
        dumped = activity(withdrawn_at=datetime(2026, 3, 4, tzinfo=UTC)).model_dump(mode="json")
        document = m.activity_document(dumped)
        assert {k: v for k, v in document.items() if k != "doc"} == {
            "activity_id": "a-1",
            "client_id": "c-1",
            "request_id": "r-1",
            "type": "open_application",
            "date": "2026-03-02",
            "logged_on": "2026-03-03",
            "verification": dumped["verification"],
            "withdrawn": True,
        }
        assert Activity.model_validate(document["doc"]) == activity(withdrawn_at=datetime(2026, 3, 4, tzinfo=UTC))

    def test_uniqueness_keys_are_deterministic_ids(self) -> None:
        assert m.request_doc_id("c-1", "r-1") == "c-1\x1fr-1"
        assert m.policy_doc_id("c-1", 2) == "c-1\x1f2"
        assert m.signal_doc_id("c-1", date(2026, 1, 5), "at_risk") == "c-1\x1f2026-01-05\x1fat_risk"
        assert m.caseload_doc_id("cw-1", "c-1") == "cw-1\x1fc-1"
        assert m.erasure_doc_id("c-1", date(2024, 3, 2)) == "c-1\x1f2024-03-02"


class TestActivityQueries:
    def test_the_list_is_a_client_filter_newest_first_without_withdrawn(self) -> None:
        assert m.list_activities_request("c-1", None, None, 20, None) == {
            "query": {"bool": {"filter": [{"term": {"client_id": "c-1"}}, {"term": {"withdrawn": False}}]}},
            "sort": [{"date": "desc"}, {"activity_id": "desc"}],
            "size": 20,
            "track_total_hits": False,
            "source": ["doc"],
        }

    def test_the_date_range_is_inclusive_and_the_cursor_is_search_after_in_epoch_millis(self) -> None:
        body = m.list_activities_request("c-1", date(2026, 2, 1), date(2026, 2, 28), 2, (date(2026, 2, 10), "a-9"))
        assert body["query"]["bool"]["filter"][2] == {"range": {"date": {"gte": "2026-02-01", "lte": "2026-02-28"}}}
        assert body["search_after"] == [1770681600000, "a-9"]
        assert m.epoch_millis(date(1970, 1, 2)) == 86_400_000

    def test_facts_are_the_not_withdrawn_activities_since_a_day_and_every_agency_registration(self) -> None:
        # Agency registrations of every date: a new agency counts once across all periods.
        since_or_agency = {
            "bool": {
                "should": [
                    {"range": {"date": {"gte": "2026-01-05"}}},
                    {"terms": {"type": ["agency_registration", "staffing_pool"]}},
                ],
                "minimum_should_match": 1,
            }
        }
        assert m.facts_query(["c-1", "c-2"], date(2026, 1, 5)) == {
            "bool": {
                "filter": [{"terms": {"client_id": ["c-1", "c-2"]}}, since_or_agency, {"term": {"withdrawn": False}}]
            }
        }
        assert m.BY_ACTIVITY_ID == [{"activity_id": "asc"}]

    def test_last_dates_are_a_max_per_client_leaving_out_rejected_and_withdrawn(self) -> None:
        assert m.last_dates_request(["c-1", "c-2"]) == {
            "size": 0,
            "query": {
                "bool": {
                    "filter": [{"terms": {"client_id": ["c-1", "c-2"]}}, {"term": {"withdrawn": False}}],
                    "must_not": [{"term": {"verification": "rejected"}}],
                }
            },
            "aggs": {
                "per_client": {
                    "terms": {"field": "client_id", "size": 2},
                    "aggs": {"last": {"max": {"field": "date", "format": "strict_date"}}},
                }
            },
        }

    def test_erasure_deletes_what_is_dated_before_the_cutoff_for_everyone_or_one_client_unless_events_are_pending(
        self,
    ) -> None:
        not_pending = {"exists": {"field": "pending_since"}}
        assert m.dated_before_query(date(2024, 3, 2)) == {
            "bool": {"filter": [{"range": {"date": {"lt": "2024-03-02"}}}], "must_not": [not_pending]}
        }
        assert m.dated_before_query(date(2024, 3, 2), "c-1") == {
            "bool": {
                "filter": [{"term": {"client_id": "c-1"}}, {"range": {"date": {"lt": "2024-03-02"}}}],
                "must_not": [not_pending],
            }
        }
        assert m.dated_before_query(date(2024, 3, 2), held=["c-9"])["bool"]["must_not"] == [
            {"terms": {"client_id": ["c-9"]}},
            not_pending,
        ]

    def test_client_queries_take_one_id_or_many(self) -> None:
        assert m.client_query("c-1") == {"term": {"client_id": "c-1"}}
        assert m.client_query(["c-1"]) == {"terms": {"client_id": ["c-1"]}}


class TestObligationQueries:
    def test_clients_with_a_policy_are_paged_by_a_composite_aggregation(self) -> None:
        first = m.clients_with_policy_request(None, 500)
        assert first == {
            "size": 0,
            "aggs": {
                "clients": {"composite": {"size": 500, "sources": [{"client_id": {"terms": {"field": "client_id"}}}]}}
            },
        }
        assert m.clients_with_policy_request({"client_id": "c-9"})["aggs"]["clients"]["composite"]["after"] == {
            "client_id": "c-9"
        }

    def test_versions_caseload_and_signals_read_in_a_stable_order(self) -> None:
        assert m.POLICY_SORT == [{"client_id": "asc"}, {"version": "asc"}]
        assert m.caseload_query("cw-1") == {
            "bool": {"filter": [{"term": {"caseworker_id": "cw-1"}}], "must_not": [{"term": {"assigned": False}}]}
        }
        assert m.CASELOAD_SORT == [{"client_id": "asc"}]
        assert m.SIGNAL_SORT == [{"client_id": "asc"}, {"period_start": "asc"}, {"kind": "asc"}]
