"""The matching use cases on the in-memory fake of their ports (tests/fakes), which the store
contract suite holds to the SQLite and search-engine adapters' behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes.memory_matching import MemoryMatchingStore
from test_matching_rules import NOW, profile, vacancy

from services.common.errors import InvalidArgument, NotFound
from services.common.page_tokens import PageTokens
from services.matching.domain.model import FeedbackKind
from services.matching.service_layer import match_events
from services.matching.service_layer.handlers import GetFeed, ListMatchingProfiles, MatchingHandlers, RecordFeedback

TOKENS = PageTokens.derived("a deployment's token secret", "list")


@pytest.fixture
def store() -> MemoryMatchingStore:
    return MemoryMatchingStore()


def handlers_on(store: MemoryMatchingStore, tokens: PageTokens = TOKENS) -> MatchingHandlers:
    return MatchingHandlers(store, store, store, lambda: NOW, tokens)


def events(store: MemoryMatchingStore) -> list[tuple[str, str]]:
    return [(e.event_type, e.key) for e in store.memory.outbox.events]


class TestFeed:
    def test_a_feed_pages_through_the_matching_vacancies_and_the_token_works_on_another_replica(self, store) -> None:
        handlers = handlers_on(store)
        store.save_profile(profile())
        for n in range(3):
            handlers.vacancy_opened_or_changed(vacancy(vacancy_id=f"vac-{n}"))
        first = handlers.get_feed(GetFeed("c-demo-001", page_size=2))
        replica = handlers_on(store, PageTokens.derived("a deployment's token secret", "list"))
        second = replica.get_feed(GetFeed("c-demo-001", page_size=2, page_token=first.next_page_token))
        seen = [i.vacancy.vacancy_id for i in (*first.items, *second.items)]
        assert sorted(seen) == ["vac-0", "vac-1", "vac-2"] and first.total_size == 3 and second.next_page_token == ""

    def test_a_token_of_another_client_or_another_secret_is_refused(self, store) -> None:
        handlers = handlers_on(store)
        for client in ("c-1", "c-2"):
            store.save_profile(profile(client_id=client))
        for n in range(2):
            handlers.vacancy_opened_or_changed(vacancy(vacancy_id=f"vac-{n}"))
        token = handlers.get_feed(GetFeed("c-1", page_size=1)).next_page_token
        with pytest.raises(InvalidArgument):
            handlers.get_feed(GetFeed("c-2", page_size=1, page_token=token))
        with pytest.raises(InvalidArgument):
            handlers_on(store, PageTokens.derived("another secret", "list")).get_feed(
                GetFeed("c-1", page_size=1, page_token=token)
            )

    def test_a_vacancy_is_new_until_the_next_visit(self, store) -> None:
        handlers = handlers_on(store)
        store.save_profile(profile())
        store.record_visit("c-demo-001", NOW - timedelta(days=1))
        handlers.vacancy_opened_or_changed(vacancy(received_at=NOW - timedelta(hours=1)))
        assert handlers.get_feed(GetFeed("c-demo-001")).new_count == 1
        assert handlers.get_feed(GetFeed("c-demo-001")).new_count == 0

    def test_a_client_without_a_profile_is_told_to_make_one(self, store) -> None:
        with pytest.raises(NotFound):
            handlers_on(store).get_feed(GetFeed("c-unknown"))


class TestFeedback:
    def test_i_applied_is_announced_once_for_the_activities_service(self, store) -> None:
        handlers = handlers_on(store)
        store.save_profile(profile())
        handlers.vacancy_opened_or_changed(vacancy())
        for _ in range(2):
            assert handlers.record_feedback(RecordFeedback("c-demo-001", "vac-1", FeedbackKind.APPLIED)).activity_logged
        applied = [e for e in events(store) if e[0] == match_events.EVENT_CLIENT_APPLIED]
        assert applied == [(match_events.EVENT_CLIENT_APPLIED, "c-demo-001")]
        assert store.feedback_of("c-demo-001") == {"vac-1": {FeedbackKind.APPLIED}}

    def test_feedback_on_a_vacancy_that_is_not_open_is_refused(self, store) -> None:
        handlers = handlers_on(store)
        store.save_profile(profile())
        with pytest.raises(NotFound):
            handlers.record_feedback(RecordFeedback("c-demo-001", "vac-gone", FeedbackKind.SAVE))


class TestReverseMatch:
    def test_matching_profiles_page_within_the_caseload_and_closing_tells_each_client(self, store) -> None:
        handlers = handlers_on(store)
        for client in ("c-1", "c-2", "c-3"):
            store.save_profile(profile(client_id=client))
        handlers.vacancy_opened_or_changed(vacancy())
        page = handlers.list_matching_profiles(
            ListMatchingProfiles("vac-1", page_size=1, caseload=frozenset({"c-1", "c-3"}))
        )
        rest = handlers.list_matching_profiles(
            ListMatchingProfiles(
                "vac-1", page_size=1, page_token=page.next_page_token, caseload=frozenset({"c-1", "c-3"})
            )
        )
        assert page.total_size == 2 and {m.client_id for m in (*page.matches, *rest.matches)} == {"c-1", "c-3"}
        assert handlers.vacancy_closed("vac-1")
        unmatched = sorted(key for kind, key in events(store) if kind == match_events.EVENT_UNMATCHED)
        assert unmatched == ["c-1", "c-2", "c-3"]
