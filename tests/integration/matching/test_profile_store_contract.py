"""Contract of the matching store ports (ProfileStore, VacancyProjectionStore, FeedStateStore),
run against every adapter and the unit tests' in-memory fake (tests/fakes): SQLite; Elasticsearch when ELASTICSEARCH_URL is set or Docker lets
testcontainers start it (skipped with the reason otherwise); and osmem, an OpenSearch-API
server from PyPI started once per session, which runs everywhere and is never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes.memory_matching import MemoryMatchingStore
from matching_support import make_vacancy
from search_legs import SEARCH_LEGS, search_leg

from services.common.bus.outbox import SqliteOutbox
from services.matching.adapters.sqlite_store import SqliteMatchingStore
from services.matching.domain.model import OccupationWishInput, SearchProfile, SearchProfileInput, make_search_profile
from services.matching.domain.rules import compile_vacancy
from services.matching.service_layer.ports import ProfileStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def profile(client_id: str, place: str = "Utrecht", km: int = 25, status: int = 1) -> SearchProfile:
    return make_search_profile(
        SearchProfileInput(
            client_id=client_id,
            occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
            home_place_name=place,
            max_travel_km=km,
            hours_min=24,
            hours_max=36,
            status=status,
        ),
        now=NOW,
    )


@pytest.fixture(params=["memory", "sqlite", "osmem", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProfileStore]:
    if request.param == "memory":
        yield MemoryMatchingStore()
        return
    outbox = SqliteOutbox(tmp_path / "matching.db", "urn:nld:oin:00000000000000000000:systeem:jobmatch-matching")
    if request.param in SEARCH_LEGS:
        from services.common.search import outbox as engine_outbox
        from services.matching.adapters.elasticsearch_mappings import INDEX_SPECS
        from services.matching.adapters.elasticsearch_store import ElasticsearchMatchingStore

        with search_leg(request.param, [*INDEX_SPECS, engine_outbox.outbox_index_spec("matching")]) as (client, prefix):
            es_store = ElasticsearchMatchingStore(
                client, prefix, engine_outbox.EngineOutbox(client, prefix, "matching", outbox.source)
            )
            yield es_store
            es_store.close()
        return
    sqlite_store = SqliteMatchingStore(tmp_path / "matching.db", outbox)
    yield sqlite_store
    sqlite_store.close()


class TestProfileStoreContract:
    def test_a_saved_profile_reads_back_equal(self, store: ProfileStore) -> None:
        saved = profile("c-1")
        store.save_profile(saved)
        assert store.get_profile("c-1") == saved
        assert store.get_profile("c-unknown") is None

    def test_saving_again_replaces_the_profile(self, store: ProfileStore) -> None:
        store.save_profile(profile("c-1", km=10))
        store.save_profile(profile("c-1", km=40))
        assert store.get_profile("c-1").max_travel_km == 40
        assert [p.client_id for p in store.all_profiles()] == ["c-1"]

    def test_find_matching_returns_the_active_profiles_in_reach_best_first(self, store: ProfileStore) -> None:
        store.save_profile(profile("c-near", "Utrecht"))
        store.save_profile(profile("c-zeist", "Zeist"))
        store.save_profile(profile("c-far", "Groningen"))
        store.save_profile(profile("c-paused", "Utrecht", status=2))
        found = store.find_matching(compile_vacancy(make_vacancy("vac-1", "Utrecht")), TODAY)
        assert [m.client_id for m in found] == ["c-near", "c-zeist"]
        assert found[0].score > found[1].score and found[0].distance_km == 0.0

    def test_a_changed_or_deleted_profile_no_longer_matches_as_before(self, store: ProfileStore) -> None:
        vacancy = compile_vacancy(make_vacancy("vac-1", "Amersfoort"))  # ~20 km from Utrecht
        store.save_profile(profile("c-1", km=10))
        assert store.find_matching(vacancy, TODAY) == []
        store.save_profile(profile("c-1", km=30))
        assert [m.client_id for m in store.find_matching(vacancy, TODAY)] == ["c-1"]
        assert store.delete_profile("c-1") and not store.delete_profile("c-1")
        assert store.find_matching(vacancy, TODAY) == [] and store.get_profile("c-1") is None

    def test_profiles_survive_a_restart_and_are_matched_again(self, store: ProfileStore, tmp_path: Path) -> None:
        store.save_profile(profile("c-1"))
        urn = "urn:nld:oin:0:systeem:jobmatch-matching"
        reopened: Any
        if isinstance(store, SqliteMatchingStore):  # the file again: the in-memory index is rebuilt from it
            reopened = SqliteMatchingStore(store.path, SqliteOutbox(store.path, urn))
        elif isinstance(store, MemoryMatchingStore):  # the same memory: its indexes are rebuilt from the documents
            reopened = MemoryMatchingStore(store.memory)
        else:  # a new process on the same engine and indices
            from services.matching.adapters.elasticsearch_mappings import SEARCH_PROFILES

            prefix = store._profiles.removesuffix(SEARCH_PROFILES.alias(""))  # type: ignore[attr-defined]
            reopened = type(store)(store._es, prefix, store._outbox)  # type: ignore[attr-defined]
        try:
            found = reopened.find_matching(compile_vacancy(make_vacancy("vac-1", "Utrecht")), TODAY)
            assert [m.client_id for m in found] == ["c-1"]
        finally:
            reopened.close()


class TestVacancyProjectionStoreContract:
    def test_an_applied_vacancy_reads_back_and_its_match_set_is_announced_as_a_difference(self, store) -> None:  # type: ignore[no-untyped-def]
        store.apply_vacancy(make_vacancy("vac-1", "Utrecht"), [], [], [])
        assert store.get_vacancy("vac-1") == make_vacancy("vac-1", "Utrecht")
        assert store.get_vacancy("vac-unknown") is None

    def test_matching_vacancies_are_exactly_those_the_rules_accept(self, store) -> None:  # type: ignore[no-untyped-def]
        from services.matching.domain.rules import compile_profile

        for vacancy_id, place in (("vac-utrecht", "Utrecht"), ("vac-zeist", "Zeist"), ("vac-groningen", "Groningen")):
            store.apply_vacancy(make_vacancy(vacancy_id, place), [], [], [])
        store.apply_vacancy(make_vacancy("vac-nurse", "Utrecht", isco="2221"), [], [], [])
        found = store.matching_vacancies(compile_profile(profile("c-1", km=25)))
        assert sorted(v.vacancy.vacancy_id for v, _ in found) == ["vac-utrecht", "vac-zeist"]

    def test_a_closed_vacancy_is_gone_and_closing_it_again_says_so(self, store) -> None:  # type: ignore[no-untyped-def]
        store.apply_vacancy(make_vacancy("vac-1", "Utrecht"), [], [], [])
        assert store.close_vacancy("vac-1", NOW, [], [])
        assert store.get_vacancy("vac-1") is None and not store.close_vacancy("vac-1", NOW, [], [])


class TestFeedStateStoreContract:
    def test_a_visit_returns_the_previous_one(self, store) -> None:  # type: ignore[no-untyped-def]
        from datetime import timedelta

        assert store.record_visit("c-1", NOW) is None
        assert store.record_visit("c-1", NOW + timedelta(hours=2)) == NOW
        assert store.record_visit("c-2", NOW) is None

    def test_feedback_is_kept_once_per_kind_and_per_client(self, store) -> None:  # type: ignore[no-untyped-def]
        from services.matching.domain.model import FeedbackKind

        store.add_feedback("c-1", "vac-1", FeedbackKind.SAVE, NOW)
        store.add_feedback("c-1", "vac-1", FeedbackKind.SAVE, NOW)
        store.add_feedback("c-1", "vac-1", FeedbackKind.APPLIED, NOW)
        store.add_feedback("c-1", "vac-2", FeedbackKind.DISMISS, NOW)
        assert store.feedback_of("c-1") == {
            "vac-1": {FeedbackKind.SAVE, FeedbackKind.APPLIED},
            "vac-2": {FeedbackKind.DISMISS},
        }
        assert store.feedback_of("c-2") == {}


def outbox_events(store: Any) -> list[tuple[str, str, str]]:
    """(event id, type, client) of every event in the store's outbox, in order: the SQLite
    file's, on the search legs the engine's outbox index, on the memory leg the fake's list."""
    if isinstance(store, MemoryMatchingStore):
        return [(e.event_id, e.event_type, e.key) for e in store.memory.outbox.events]
    outbox = store._outbox
    conn = outbox.connect()
    try:
        return [(entry.event.id, entry.event.type, entry.key) for entry in outbox.pending(conn, limit=10_000)]
    finally:
        conn.close()


class TestVacancyEventsDecidedOnce:
    """The match events are decided by the service layer, with ids derived from the incoming
    vacancy event, and no older state is written over a newer one (issue 14)."""

    @staticmethod
    def handlers(store):  # type: ignore[no-untyped-def]
        from services.matching.service_layer.handlers import MatchingHandlers

        return MatchingHandlers(store, store, store, lambda: NOW)

    def test_a_redelivered_vacancy_event_announces_nothing_twice(self, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        from services.common.bus.handling import handling

        store.save_profile(profile("c-1"))
        handlers = self.handlers(store)
        for _ in range(2):  # the same event handled again, as after a crash or on another replica
            with handling("incoming-event-1"):
                handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht"))
        events = outbox_events(store)
        assert [(kind, client) for _, kind, client in events] == [("nl.werk.vacancy-matched.v1", "c-1")]

    def test_an_older_version_after_a_newer_one_changes_and_announces_nothing(self, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        from datetime import timedelta

        store.save_profile(profile("c-1", km=10))
        handlers = self.handlers(store)
        newer = make_vacancy("vac-1", "Zeist", source_updated_at=NOW)  # 8 km from Utrecht: matches
        older = make_vacancy("vac-1", "Groningen", source_updated_at=NOW - timedelta(hours=1))
        assert [m.client_id for m in handlers.vacancy_opened_or_changed(newer)] == ["c-1"]
        assert handlers.vacancy_opened_or_changed(older) == []
        assert store.get_vacancy("vac-1") == newer and list(store.match_set("vac-1")) == ["c-1"]
        assert [kind for _, kind, _ in outbox_events(store)] == ["nl.werk.vacancy-matched.v1"]

    def test_a_version_from_before_the_closure_does_not_reopen_the_vacancy_and_a_later_one_does(self, store) -> None:  # type: ignore[no-untyped-def]
        from datetime import timedelta

        handlers = self.handlers(store)
        handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht", source_updated_at=NOW))
        assert handlers.vacancy_closed("vac-1", NOW + timedelta(hours=1))
        handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht", source_updated_at=NOW))
        assert store.get_vacancy("vac-1") is None
        reopened = make_vacancy("vac-1", "Utrecht", source_updated_at=NOW + timedelta(days=1))
        handlers.vacancy_opened_or_changed(reopened)
        assert store.get_vacancy("vac-1") == reopened

    def test_closing_tells_every_matched_client_once(self, store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        store.save_profile(profile("c-1"))
        store.save_profile(profile("c-2"))
        handlers = self.handlers(store)
        handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht"))
        assert handlers.vacancy_closed("vac-1") and not handlers.vacancy_closed("vac-1")
        unmatched = [client for _, kind, client in outbox_events(store) if kind == "nl.werk.vacancy-unmatched.v1"]
        assert unmatched == ["c-1", "c-2"] and store.match_set("vac-1") == {}
