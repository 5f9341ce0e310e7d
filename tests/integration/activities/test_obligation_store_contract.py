"""Contract of the ObligationStore port (policies, caseload, signals), run against every adapter."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from test_activity_store_contract import store  # noqa: F401 - the same adapters (SQLite, Elasticsearch)

from services.activities.domain.model import ActivityType
from services.activities.domain.policy import TEMPLATES, Exemption, ExemptionReason, PolicyVersion
from services.common.errors import Aborted

START = date(2026, 1, 5)


def version(n: int, client: str = "c-1", **changes) -> PolicyVersion:
    base = dict(
        client_id=client,
        version=n,
        template="uwv-ww",
        rule=TEMPLATES["uwv-ww"],
        start_date=START,
        set_by="cw-1",
        set_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return PolicyVersion(**(base | changes))


class TestObligationStoreContract:
    def test_versions_read_back_equal_in_version_order(self, store):
        custom = TEMPLATES["uwv-ww"].model_copy(update={"caps": {ActivityType.NETWORKING_CONTACT: 1}})
        second = version(
            2,
            template="custom",
            rule=custom,
            deviation_reason="deeltijd",
            exemptions=(Exemption(start_date=START, end_date=START, reason=ExemptionReason.ILLNESS),),
        )
        store.add_policy_version(second, "cw-1")
        store.add_policy_version(version(1), "cw-1")
        assert store.policy_versions(["c-1", "c-2"]) == {"c-1": [version(1), second], "c-2": []}

    def test_a_version_number_is_stored_once(self, store):
        store.add_policy_version(version(1), None)
        with pytest.raises(Aborted):
            store.add_policy_version(version(1, start_date=date(2026, 2, 2)), None)
        assert store.policy_versions(["c-1"])["c-1"] == [version(1)]

    def test_setting_a_policy_puts_the_client_in_the_caseload(self, store):
        store.add_policy_version(version(1), "cw-1")
        store.add_policy_version(version(1, client="c-2"), None)
        store.assign("cw-1", "c-3")
        assert store.caseload("cw-1") == ["c-1", "c-3"]
        assert store.caseload("cw-2") == []
        assert store.clients_with_policy() == ["c-1", "c-2"]

    def test_a_signal_is_recorded_once_per_period_and_kind(self, store):
        assert store.record_signal("c-1", START, "at_risk", [])
        assert not store.record_signal("c-1", START, "at_risk", [])
        assert store.record_signal("c-1", START, "assessed", [])
        assert store.recorded_signals(["c-1", "c-2"]) == {
            "c-1": {(START, "at_risk"), (START, "assessed")},
            "c-2": set(),
        }


class TestCaseloadAssignmentContract:
    def test_an_assignment_is_stored_once_and_a_removal_once(self, store):
        assert store.assign("cw-1", "c-1") and not store.assign("cw-1", "c-1")
        assert store.is_assigned("cw-1", "c-1") and not store.is_assigned("cw-2", "c-1")
        assert store.unassign("cw-1", "c-1") and not store.unassign("cw-1", "c-1")
        assert not store.is_assigned("cw-1", "c-1") and store.caseload("cw-1") == []
