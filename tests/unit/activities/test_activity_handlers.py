"""The activities use cases on the in-memory fake of their ports (tests/fakes), which the store
contract suite holds to the SQLite and search-engine adapters' behaviour."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from fakes.memory_activities import MemoryActivitiesStore

from services.activities.domain.model import ActivityDraft, ActivityType, Channel
from services.activities.domain.vacancy import VacancySummary
from services.activities.service_layer import commands as c
from services.activities.service_layer import events
from services.activities.service_layer.activity_handlers import ActivityHandlers
from services.activities.service_layer.obligation_handlers import ObligationHandlers
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.page_tokens import PageTokens

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
SECRET = "a deployment's token secret"


@pytest.fixture
def store() -> MemoryActivitiesStore:
    """A store where client c-1 has a job-search obligation (activities are logged against it)."""
    store = MemoryActivitiesStore()
    ObligationHandlers(store, store, lambda: NOW).set_policy(
        c.SetObligationPolicy("cw-intake", "c-1", "uwv-ww", start_date=NOW.date() - timedelta(days=30))
    )
    return store


def handlers_on(store: MemoryActivitiesStore, secret: str = SECRET) -> ActivityHandlers:
    numbers = itertools.count(1)
    return ActivityHandlers(
        store,
        store,
        store,
        lambda: NOW,
        new_id=lambda: f"act-{next(numbers):03d}",
        record=lambda activity, subjects: None,
        tokens=PageTokens.derived(secret, "list"),
    )


def draft(request_id: str, day: date = TODAY, **changes: object) -> ActivityDraft:
    fields: dict[str, object] = dict(
        request_id=request_id,
        type=ActivityType.OPEN_APPLICATION,
        date=day,
        employer="Werkgever B.V.",
        position="Monteur",
        channel=Channel.LETTER,
    )
    return ActivityDraft(**(fields | changes))  # type: ignore[arg-type]


def logged(store: MemoryActivitiesStore) -> list[str]:
    return [e.key for e in store.outbox.events if e.event_type == events.ACTIVITY_LOGGED]


class TestLogging:
    def test_a_retried_request_logs_and_announces_the_activity_once(self, store) -> None:
        handlers = handlers_on(store)
        first, created = handlers.log_activity(c.LogActivity("c-1", draft("r-1")))
        again, created_again = handlers.log_activity(c.LogActivity("c-1", draft("r-1")))
        assert (created, created_again) == (True, False) and again == first
        assert logged(store) == ["c-1"]

    def test_a_known_vacancy_fills_employer_position_and_channel(self, store) -> None:
        store.upsert_vacancy(
            VacancySummary(vacancy_id="v-1", title="Lasser", employer="Metaal B.V.", channel=Channel.ONLINE)
        )
        activity, _ = handlers_on(store).log_activity(
            c.LogActivity("c-1", ActivityDraft(request_id="r-1", type=None, date=None, vacancy_id="v-1"))
        )
        assert (activity.employer, activity.position, activity.channel) == ("Metaal B.V.", "Lasser", Channel.ONLINE)
        assert activity.type is ActivityType.VACANCY_APPLICATION and activity.date == NOW.date()

    def test_an_unknown_vacancy_without_an_employer_is_refused_on_the_vacancy_id(self, store) -> None:
        with pytest.raises(InvalidArgument) as caught:
            handlers_on(store).log_activity(
                c.LogActivity("c-1", ActivityDraft(request_id="r-1", type=None, date=None, vacancy_id="v-unknown"))
            )
        assert [v.field for v in caught.value.violations] == ["vacancy_id"]


class TestListing:
    def test_pages_follow_newest_first_and_a_token_works_on_every_replica_with_the_secret(self, store) -> None:
        handlers = handlers_on(store)
        for n in range(5):
            handlers.log_activity(c.LogActivity("c-1", draft(f"r-{n}", NOW.date() - timedelta(days=n))))
        first, token = handlers.list_activities(c.ListActivities("c-1", page_size=3))
        rest, end = handlers_on(store).list_activities(c.ListActivities("c-1", page_size=3, page_token=token))
        assert [a.request_id for a in (*first, *rest)] == ["r-0", "r-1", "r-2", "r-3", "r-4"] and end == ""
        with pytest.raises(InvalidArgument):
            handlers_on(store, "another secret").list_activities(c.ListActivities("c-1", page_size=3, page_token=token))
        with pytest.raises(InvalidArgument):
            handlers.list_activities(c.ListActivities("c-2", page_size=3, page_token=token))

    def test_a_withdrawn_activity_leaves_the_list_and_cannot_be_changed(self, store) -> None:
        handlers = handlers_on(store)
        activity, _ = handlers.log_activity(c.LogActivity("c-1", draft("r-1")))
        handlers.withdraw(c.WithdrawActivity("c-1", activity.activity_id))
        assert handlers.list_activities(c.ListActivities("c-1"))[0] == []
        with pytest.raises(NotFound):
            handlers.withdraw(c.WithdrawActivity("c-1", activity.activity_id))


class TestVerification:
    def test_only_a_caseworker_of_the_client_verifies(self, store) -> None:
        handlers = handlers_on(store)
        activity, _ = handlers.log_activity(c.LogActivity("c-1", draft("r-1")))
        with pytest.raises(PermissionDenied):
            handlers.verify(c.VerifyActivity("cw-1", "c-1", activity.activity_id, approve=True))
        store.assign("cw-1", "c-1")
        verified = handlers.verify(c.VerifyActivity("cw-1", "c-1", activity.activity_id, approve=True))
        assert store.get_activity("c-1", activity.activity_id) == verified and verified.verified_by == "cw-1"
        assert [e.event_type for e in store.outbox.events][-1] == events.ACTIVITY_VERIFIED
