"""The sample data: cw-demo with 20 demo clients, realistic and idempotent."""

from __future__ import annotations

from services.activities.domain.model import Verification
from services.activities.domain.periods import PeriodStatus
from services.activities.seed import CASEWORKER, CLIENTS, seed_sample_data


class TestSeed:
    def test_every_demo_client_is_in_the_caseload_with_a_mix_of_statuses(self, offline_app, clock):
        seed_sample_data(offline_app)
        rows = offline_app.obligations.caseload_rows(CASEWORKER, clock.today)
        assert sorted(r.client_id for r in rows) == list(CLIENTS)
        statuses = {r.current.status for r in rows}
        assert PeriodStatus.AT_RISK in statuses and PeriodStatus.MET in statuses
        assert rows[0].current.status is PeriodStatus.AT_RISK

    def test_activities_are_verified_rejected_or_open_and_never_in_the_future(self, offline_app, clock):
        seed_sample_data(offline_app)
        everything = [a for c in CLIENTS for a in offline_app.store.list_activities(
            c, from_date=None, to_date=None, limit=10_000)]
        assert len(everything) > 20 * 10
        assert {a.verification for a in everything} == set(Verification)
        assert all(a.date <= clock.today and a.logged_at <= clock.now for a in everything)
        assert all(a.verification_reason for a in everything if a.verification is Verification.REJECTED)

    def test_seeding_twice_adds_nothing(self, offline_app):
        seed_sample_data(offline_app)
        before = offline_app.store.count_for_client(CLIENTS[0])
        seed_sample_data(offline_app)
        assert offline_app.store.count_for_client(CLIENTS[0]) == before
        assert [v.version for v in offline_app.store.policy_versions([CLIENTS[0]])[CLIENTS[0]]] == [1]
