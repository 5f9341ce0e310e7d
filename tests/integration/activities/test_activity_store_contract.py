"""Contract of the ActivityStore port, run against every adapter and the unit tests' in-memory fake (tests/fakes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes.memory_activities import MemoryActivitiesStore
from search_legs import SEARCH_LEGS, search_leg

from services.activities.domain.model import Activity, ActivityType, Channel, Evidence, Outcome, Verification

DAY = date(2026, 3, 2)


def activity(n: int, client: str = "c-1", *, day: date = DAY, **changes) -> Activity:
    base = dict(
        activity_id=f"a-{client}-{n:03d}",
        client_id=client,
        request_id=f"r-{n}",
        type=ActivityType.OPEN_APPLICATION,
        date=day,
        employer="Werkgever B.V.",
        position="Monteur",
        channel=Channel.LETTER,
        logged_at=datetime.combine(day, datetime.min.time(), UTC),
    )
    return Activity(**(base | changes))


@pytest.fixture(params=["memory", "sqlite", "osmem", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Every adapter of the activities store ports. The Elasticsearch leg runs with
    ELASTICSEARCH_URL set or under testcontainers with Docker; otherwise it is skipped with why."""
    if request.param == "memory":
        yield MemoryActivitiesStore()
        return
    if request.param in SEARCH_LEGS:
        from services.activities.adapters.elasticsearch_mappings import INDEX_SPECS, OUTBOX, OUTBOX_SERVICE
        from services.activities.adapters.elasticsearch_store import ElasticsearchActivitiesStore
        from services.common.search.outbox import EngineOutbox

        with search_leg(request.param, [*INDEX_SPECS, OUTBOX]) as (client, prefix):
            outbox = EngineOutbox(
                client, prefix, OUTBOX_SERVICE, "urn:nld:oin:00000000000000000000:systeem:jobmatch-activities"
            )
            adapter: Any = ElasticsearchActivitiesStore(client, prefix, outbox)
            yield adapter
            adapter.close()
        return
    from services.activities.adapters.sqlite_store import SqliteActivitiesStore

    adapter = SqliteActivitiesStore(tmp_path / "activities.db")
    yield adapter
    adapter.close()


class TestActivityStoreContract:
    def test_an_added_activity_reads_back_equal(self, store):
        original = activity(
            1,
            evidence=Evidence(document_name="brief.pdf", sha256_digest="0" * 64),
            note="notitie",
            contact_role="recruiter",
            vacancy_id="v-1",
        )
        stored, created = store.add_activity(original, [])
        assert created and stored == original
        assert store.get_activity("c-1", original.activity_id) == original

    def test_the_same_request_id_returns_the_first_activity(self, store):
        first, _ = store.add_activity(activity(1), [])
        again, created = store.add_activity(activity(2, request_id="r-1"), [])
        assert (again, created) == (first, False)
        assert store.get_activity("c-1", "a-c-1-002") is None

    def test_another_client_may_use_the_same_request_id(self, store):
        assert store.add_activity(activity(1, client="c-2"), [])[1]
        assert store.add_activity(activity(1), [])[1]

    def test_an_activity_is_read_only_by_its_own_client(self, store):
        store.add_activity(activity(1), [])
        assert store.get_activity("c-2", "a-c-1-001") is None

    def test_saved_changes_read_back(self, store):
        original, _ = store.add_activity(activity(1), [])
        changed = original.model_copy(
            update={
                "outcome": Outcome.INVITED,
                "verification": Verification.REJECTED,
                "verification_reason": "onvindbaar",
                "verified_by": "cw-1",
            }
        )
        store.save_activity(changed, [])
        assert store.get_activity("c-1", original.activity_id) == changed

    def test_list_is_newest_first_within_range_without_withdrawn_and_pages_by_cursor(self, store):
        for n in range(6):
            store.add_activity(activity(n, day=DAY - timedelta(days=n)), [])
        gone = store.get_activity("c-1", "a-c-1-002")
        store.save_activity(gone.model_copy(update={"withdrawn_at": datetime.now(UTC)}), [])
        listed = store.list_activities(
            "c-1", from_date=DAY - timedelta(days=4), to_date=DAY - timedelta(days=1), limit=10
        )
        assert [a.activity_id for a in listed] == ["a-c-1-001", "a-c-1-003", "a-c-1-004"]
        page = store.list_activities("c-1", from_date=None, to_date=None, limit=2, after=(listed[0].date, "a-c-1-001"))
        assert [a.activity_id for a in page] == ["a-c-1-003", "a-c-1-004"]

    def test_facts_and_last_dates_cover_only_what_counts_as_done(self, store):
        store.add_activity(activity(1, day=DAY - timedelta(days=10)), [])
        store.add_activity(activity(2, day=DAY - timedelta(days=3)), [])
        rejected, _ = store.add_activity(activity(3, day=DAY), [])
        store.save_activity(rejected.model_copy(update={"verification": Verification.REJECTED}), [])
        facts = store.facts_for(["c-1", "c-9"], DAY - timedelta(days=5))
        assert sorted(f.activity_id for f in facts["c-1"]) == ["a-c-1-002", "a-c-1-003"]
        assert facts["c-9"] == []
        assert store.last_activity_dates(["c-1", "c-9"]) == {"c-1": DAY - timedelta(days=3)}

    def test_assessment_facts_hold_the_facts_since_and_an_earlier_registration_per_agency(self, store):
        agency = ActivityType.AGENCY_REGISTRATION
        store.add_activity(activity(1, day=DAY - timedelta(days=90), type=agency, employer="Randstad"), [])
        store.add_activity(activity(2, day=DAY - timedelta(days=60), type=agency, employer="Randstad"), [])
        refused, _ = store.add_activity(activity(3, day=DAY - timedelta(days=80), type=agency, employer="Tempo"), [])
        store.save_activity(refused.model_copy(update={"verification": Verification.REJECTED}), [])
        store.add_activity(activity(4, day=DAY - timedelta(days=70), type=agency, employer="Tempo"), [])
        store.add_activity(activity(5, day=DAY - timedelta(days=40)), [])  # not an agency: before since
        store.add_activity(activity(6, day=DAY - timedelta(days=2), type=agency, employer="Randstad"), [])
        store.add_activity(activity(7, day=DAY - timedelta(days=1)), [])
        facts = store.assessment_facts(["c-1", "c-9"], DAY - timedelta(days=5))
        ids = {f.activity_id for f in facts["c-1"]}
        assert {"a-c-1-006", "a-c-1-007", "a-c-1-001", "a-c-1-004"} <= ids  # an adapter may give 002 and 003 too
        assert ids <= {f.activity_id for f in store.facts_for(["c-1"], DAY - timedelta(days=5))["c-1"]}
        assert facts["c-9"] == []

    def test_retention_erases_activities_dated_before_the_cutoff(self, store):
        store.add_activity(activity(1, day=DAY - timedelta(days=800)), [])
        store.add_activity(activity(2, day=DAY), [])
        assert store.erase_before(DAY - timedelta(days=730)) == 1
        assert store.get_activity("c-1", "a-c-1-001") is None
        assert store.get_activity("c-1", "a-c-1-002") is not None


def policy(client: str, version: int, start: date = DAY) -> Any:
    from services.activities.domain.policy import PolicyVersion, build_rule

    template, rule = build_rule("uwv-ww", None)
    return PolicyVersion(
        client_id=client,
        version=version,
        template=template,
        rule=rule,
        start_date=start,
        set_by="cw-1",
        set_at=datetime.combine(start, datetime.min.time(), UTC),
    )


class TestObligationStoreContract:
    def test_policy_versions_read_back_in_order_and_a_version_number_is_stored_once(self, store):
        from services.common.errors import Aborted

        store.add_policy_version(policy("c-2", 1), None)
        store.add_policy_version(policy("c-1", 1), "cw-1")
        store.add_policy_version(policy("c-1", 2, DAY + timedelta(days=28)), None)
        with pytest.raises(Aborted):
            store.add_policy_version(policy("c-1", 2), None)
        versions = store.policy_versions(["c-1", "c-9"])
        assert [v.version for v in versions["c-1"]] == [1, 2] and versions["c-9"] == []
        assert versions["c-1"][1] == policy("c-1", 2, DAY + timedelta(days=28))
        assert store.clients_with_policy() == ["c-1", "c-2"] and store.caseload("cw-1") == ["c-1"]

    def test_a_client_joins_and_leaves_a_caseload_once(self, store):
        assert store.assign("cw-1", "c-2", []) and store.assign("cw-1", "c-1", [])
        assert not store.assign("cw-1", "c-1", [])
        assert store.caseload("cw-1") == ["c-1", "c-2"] and store.is_assigned("cw-1", "c-1")
        assert store.unassign("cw-1", "c-1", []) and not store.unassign("cw-1", "c-1", [])
        assert not store.is_assigned("cw-1", "c-1") and store.caseload("cw-2") == []

    def test_a_signal_is_recorded_once_per_period_and_kind(self, store):
        assert store.record_signal("c-1", DAY, "at-risk", [])
        assert not store.record_signal("c-1", DAY, "at-risk", [])
        assert store.record_signal("c-1", DAY, "assessed", [])
        assert store.recorded_signals(["c-1", "c-9"]) == {"c-1": {(DAY, "at-risk"), (DAY, "assessed")}, "c-9": set()}

    def test_a_legal_hold_keeps_a_clients_activities_from_retention_until_it_is_lifted(self, store):
        store.add_activity(activity(1, day=DAY - timedelta(days=800)), [])
        store.add_activity(activity(1, client="c-2", day=DAY - timedelta(days=800)), [])
        assert store.set_legal_hold("c-1", "appeal", True, "2026-03-01T00:00:00+00:00") == ["appeal"]
        assert store.set_legal_hold("c-1", "objection", True, "2026-03-01T00:00:00+00:00") == ["appeal", "objection"]
        assert store.erase_before(DAY - timedelta(days=730)) == 1 and store.count_for_client("c-1") == 1
        assert store.erase_client_before("c-1", DAY, []) == 0
        assert store.set_legal_hold("c-1", "appeal", False, "") == ["objection"] == store.legal_holds("c-1")
        store.set_legal_hold("c-1", "objection", False, "")
        assert store.erase_client_before("c-1", DAY, []) == 1 and store.count_for_client("c-1") == 0


class TestVacancyProjectionContract:
    def test_a_vacancy_reads_back_and_a_closed_one_stays_known_as_closed(self, store):
        from services.activities.domain.vacancy import VacancySummary

        summary = VacancySummary(vacancy_id="v-1", title="Lasser", employer="Metaal B.V.", channel=Channel.ONLINE)
        store.upsert_vacancy(summary)
        assert store.vacancy("v-1") == summary and store.vacancy("v-unknown") is None
        store.close_vacancy("v-1")
        assert store.vacancy("v-1") == summary.model_copy(update={"open": False})
