"""The caseload assesses from `assessment_facts` (of the earlier agency registrations one per
agency name) and gives the rows that all earlier registrations (`facts_for`) give."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from services.activities.adapters.sqlite_store import SqliteActivitiesStore
from services.activities.domain.model import Activity, ActivityType, Channel, Verification
from services.activities.service_layer import commands as c
from services.activities.service_layer.obligation_handlers import ObligationHandlers

TODAY = datetime(2026, 3, 2, 10, tzinfo=UTC)
AGENCIES = ["Randstad B.V.", " randstad ", "Tempo-Team", "Tempo Team", "Adecco", ""]


class EveryEarlierRegistration:
    """The store, with the assessment reading every earlier registration."""

    def __init__(self, store: SqliteActivitiesStore) -> None:
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def assessment_facts(self, client_ids, since):
        return self._store.facts_for(client_ids, since)


def test_rows_from_one_registration_per_agency_equal_rows_from_all(tmp_path):
    store = SqliteActivitiesStore(tmp_path / "activities.db")
    rng = random.Random(7)
    clients = [f"c-{i:02d}" for i in range(30)]
    setup = ObligationHandlers(store, store, lambda: TODAY - timedelta(days=400))
    for client in clients:
        setup.set_policy(
            c.SetObligationPolicy(caseworker_id="cw", client_id=client, template=rng.choice(["uwv-ww", "weekly"]))
        )
        for n in range(rng.randrange(5, 40)):
            day = (TODAY - timedelta(days=rng.randrange(0, 400))).date()
            agency = rng.random() < 0.6
            store.add_activity(
                Activity(
                    activity_id=f"a-{client}-{n}",
                    client_id=client,
                    request_id=f"r-{n}",
                    type=rng.choice([ActivityType.AGENCY_REGISTRATION, ActivityType.STAFFING_POOL])
                    if agency
                    else rng.choice(list(ActivityType)),
                    date=day,
                    employer=rng.choice(AGENCIES) if agency else "Werkgever",
                    position="Monteur",
                    channel=Channel.ONLINE,
                    verification=rng.choice(list(Verification)),
                    logged_at=datetime.combine(day + timedelta(days=rng.randrange(0, 10)), datetime.min.time(), UTC),
                ),
                [],
            )
    every = EveryEarlierRegistration(store)
    compared = 0
    for days_back in range(0, 120, 4):
        today = TODAY - timedelta(days=days_back)
        ours = ObligationHandlers(store, store, lambda today=today: today).current_rows(clients, today.date())
        reference = ObligationHandlers(every, every, lambda today=today: today).current_rows(clients, today.date())
        assert ours == reference, f"{today.date()}"
        compared += sum(1 for row in ours if row.current is not None and row.current.counted)
    store.close()
    assert compared > 100  # the assessments compared counted activities, not only empty periods
