"""The caseload keeps each client's row between calls while the client's revision and the day
stay the same (issue 20, P7): the SQLite store raises a client's revision with every change of
its activities or policy versions, and rows kept that way equal rows assessed afresh."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from jobmatch.activities.v1 import activities_pb2 as pb
from services.activities.adapters.sqlite_store import SqliteActivitiesStore
from services.activities.domain.model import Activity, ActivityType, Channel, Verification
from services.activities.domain.policy import Exemption, ExemptionReason
from services.activities.service_layer import commands as c
from services.activities.service_layer.obligation_handlers import ObligationHandlers

CW = "cw-memo"


def activity(client: str, n: int, day: date, kind: ActivityType = ActivityType.VACANCY_APPLICATION) -> Activity:
    return Activity(
        activity_id=f"a-{client}-{n}",
        client_id=client,
        request_id=f"r-{n}",
        type=kind,
        date=day,
        employer=f"Werkgever {n % 3}",
        position="Monteur",
        channel=Channel.ONLINE,
        logged_at=datetime.combine(day, datetime.min.time(), UTC),
    )


def set_policy(app, client: str, start: date, exemptions: tuple[Exemption, ...] = ()) -> None:
    app.obligations.set_policy(
        c.SetObligationPolicy(
            caseworker_id=CW, client_id=client, template="uwv-ww", start_date=start, exemptions=exemptions
        )
    )


def fresh_rows(app, today: date):
    """The rows as a handler that has kept none assesses them."""
    return ObligationHandlers(app.store, app.store, app.clock).caseload_rows(CW, today)


class TestRevisions:
    def test_every_change_of_a_clients_activities_or_policy_raises_its_revision_and_no_one_elses(self, tmp_path):
        store = SqliteActivitiesStore(tmp_path / "activities.db")
        day = date(2026, 3, 2)
        seen = []

        def step() -> None:
            seen.append(store.revisions(["c-1", "c-2"]))

        step()
        store.add_activity(activity("c-1", 1, day), [])
        step()
        store.add_activity(activity("c-1", 2, day - timedelta(days=400)), [])
        step()
        store.save_activity(activity("c-1", 1, day).model_copy(update={"verification": Verification.APPROVED}), [])
        step()
        store.get_activity("c-1", "a-c-1-1")  # a read changes nothing
        store.facts_for(["c-1"], day)
        step()
        assert store.erase_client_before("c-1", day - timedelta(days=300), []) == 1
        step()
        store.add_activity(activity("c-1", 3, day - timedelta(days=500)), [])
        step()
        assert store.erase_before(day - timedelta(days=300)) == 1
        step()
        set_policy_store = ObligationHandlers(store, store, lambda: datetime(2026, 3, 2, 10, tzinfo=UTC))
        set_policy_store.set_policy(c.SetObligationPolicy(caseworker_id=CW, client_id="c-1", template="uwv-ww"))
        step()
        store.close()
        ones = [r.get("c-1", 0) for r in seen]
        rose = [after > before for before, after in pairwise(ones)]
        assert rose == [True, True, True, False, True, True, True, True]  # each change, not the reads
        assert all(r.get("c-2", 0) == 0 for r in seen)


class TestKeptRows:
    def test_an_unchanged_caseload_is_not_assessed_again(self, offline_app, clock):
        for i in range(3):
            set_policy(offline_app, f"c-{i}", clock.today - timedelta(days=10))
        first = offline_app.obligations.caseload_rows(CW, clock.today)
        again = offline_app.obligations.caseload_rows(CW, clock.today)
        assert [a is b for a, b in zip(first, again, strict=True)] == [True, True, True]

    def test_an_activity_logged_after_a_caseload_call_shows_in_the_next(self, offline_app, clock):
        set_policy(offline_app, "c-1", clock.today - timedelta(days=10))
        set_policy(offline_app, "c-2", clock.today - timedelta(days=10))
        before = {r.client_id: r for r in offline_app.obligations.caseload_rows(CW, clock.today)}
        offline_app.store.add_activity(activity("c-1", 1, clock.today), [])
        after = {r.client_id: r for r in offline_app.obligations.caseload_rows(CW, clock.today)}
        assert (before["c-1"].current.counted, after["c-1"].current.counted) == (0, 1)
        assert after["c-1"].last_activity == clock.today
        assert after["c-2"] is before["c-2"]

    def test_a_new_day_assesses_every_client_again(self, offline_app, clock):
        set_policy(offline_app, "c-1", clock.today - timedelta(days=10))
        before = offline_app.obligations.caseload_rows(CW, clock.today)[0]
        clock.advance(days=1)
        after = offline_app.obligations.caseload_rows(CW, clock.today)[0]
        assert after is not before and after == fresh_rows(offline_app, clock.today)[0]

    def test_kept_rows_equal_rows_assessed_afresh_through_a_run_of_changes(self, offline_app, clock):
        rng = random.Random(20)
        clients = [f"c-{i:02d}" for i in range(12)]
        for i, client in enumerate(clients):
            holiday = (
                (
                    Exemption(
                        start_date=clock.today + timedelta(days=i),
                        end_date=clock.today + timedelta(days=i + 4),
                        reason=ExemptionReason.HOLIDAY,
                    ),
                )
                if i % 3 == 0
                else ()
            )
            set_policy(offline_app, client, clock.today - timedelta(days=rng.randrange(0, 60)), holiday)
        logged: list[Activity] = []
        kinds = list(ActivityType)
        for step in range(40):
            client = rng.choice(clients)
            action = rng.randrange(5)
            if action <= 1 or not logged:
                new = activity(client, step, clock.today - timedelta(days=rng.randrange(0, 30)), rng.choice(kinds))
                offline_app.store.add_activity(new, [])
                logged.append(new)
            elif action == 2:
                done = rng.choice(logged)
                offline_app.activities.verify(
                    c.VerifyActivity(CW, done.client_id, done.activity_id, approve=True, reason="gezien")
                )
            elif action == 3:  # withdrawn or rejected, straight in the store (the rules allow either late)
                done = logged.pop(rng.randrange(len(logged)))
                change = {"withdrawn_at": clock.now} if rng.random() < 0.5 else {"verification": Verification.REJECTED}
                stored = offline_app.store.get_activity(done.client_id, done.activity_id)
                offline_app.store.save_activity(stored.model_copy(update=change), [])
            else:
                clock.advance(days=rng.randrange(1, 4))
            kept = offline_app.obligations.caseload_rows(CW, clock.today)
            assert kept == fresh_rows(offline_app, clock.today), f"step {step}"

    def test_a_repeated_caseload_comes_in_the_kept_order_and_a_change_reorders_it(self, offline_app, clock):
        for client in ("c-1", "c-2", "c-3"):
            set_policy(offline_app, client, clock.today - timedelta(days=10))
        first = offline_app.obligations.caseload_rows(CW, clock.today)
        shown = [row.client_id for row in first]
        first.reverse()  # the caller's list is its own: the kept order stays
        again = offline_app.obligations.caseload_rows(CW, clock.today)
        assert [row.client_id for row in again] == shown and again == fresh_rows(offline_app, clock.today)
        offline_app.store.add_activity(activity(shown[0], 1, clock.today), [])
        after = offline_app.obligations.caseload_rows(CW, clock.today)
        assert after == fresh_rows(offline_app, clock.today) and [r.client_id for r in after] != shown


class TestKeptEntries:
    def test_repeated_caseload_calls_answer_alike_in_each_language_and_show_a_change(self, served, token_for, clock):
        stub, app = served
        for client in ("c-1", "c-2"):
            set_policy(app, client, clock.today - timedelta(days=3))
        me = token_for("caseworker", CW)
        english = (*me, ("accept-language", "en"))
        request = pb.GetCaseloadRequest(caseworker_id=CW)
        dutch_first, english_first = stub.GetCaseload(request, metadata=me), stub.GetCaseload(request, metadata=english)
        assert dutch_first.entries[0].current.needed[0].startswith("Nog ")
        assert "activities more up to and including" in english_first.entries[0].current.needed[0]
        assert stub.GetCaseload(request, metadata=me) == dutch_first
        assert stub.GetCaseload(request, metadata=english) == english_first
        app.store.add_activity(activity("c-1", 1, clock.today), [])
        after = {e.client_id: e for e in stub.GetCaseload(request, metadata=english).entries}
        assert after["c-1"].current.counted == 1 and after["c-1"].last_activity_date == clock.today.isoformat()
        assert after["c-2"] == {e.client_id: e for e in english_first.entries}["c-2"]
