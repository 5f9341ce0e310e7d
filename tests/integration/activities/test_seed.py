"""The sample data: cw-demo with 20 demo clients, realistic and idempotent."""

from __future__ import annotations

from services.activities.domain.model import ActivityType, Verification
from services.activities.domain.periods import PeriodStatus
from services.activities.seed import CASEWORKER, CLIENTS, seed_sample_data
from services.common import demo_story


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
        everything = [
            a for c in CLIENTS for a in offline_app.store.list_activities(c, from_date=None, to_date=None, limit=10_000)
        ]
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

    def test_every_demo_activity_is_for_a_job_of_the_clients_occupation_at_one_of_their_sample_employers(
        self, offline_app
    ):
        seed_sample_data(offline_app)
        for client in demo_story.demo_clients():
            towns = [p.name for p in demo_story.job_places(client)]
            employers = {demo_story.employer_name(client.occupation.isco_code, town) for town in towns}
            agencies = {demo_story.agency_name(town) for town in towns}
            logged = offline_app.store.list_activities(client.client_id, from_date=None, to_date=None, limit=10_000)
            assert logged
            for activity in logged:
                assert activity.position == client.occupation.label_nl
                expected = agencies if activity.type is ActivityType.AGENCY_REGISTRATION else employers
                assert activity.employer in expected, (client.client_id, activity.employer)
