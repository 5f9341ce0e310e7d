"""Refresh policy of the matching and activities search adapters, on osmem: writes from
consumed events never ask for a refresh; each place where an RPC must read its own write
(by a search) refreshes once, and the places that read by id use a realtime GET.

osmem shows every write to searches at once, so the engine is wrapped in a recorder of the
refresh option each write asked for; the reads are checked on the real engine beside it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from search_legs import osmem_leg
from search_support import RecordingEngine

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
URN = "urn:nld:oin:00000000000000000000:systeem:jobmatch-test"


@pytest.fixture
def matching(tmp_path: Path) -> Iterator[tuple[object, RecordingEngine]]:
    from services.common.search.outbox import EngineOutbox, outbox_index_spec
    from services.matching.adapters.elasticsearch_mappings import INDEX_SPECS
    from services.matching.adapters.elasticsearch_store import ElasticsearchMatchingStore

    with osmem_leg([*INDEX_SPECS, outbox_index_spec("matching")]) as (engine, prefix):
        recorder = RecordingEngine(engine)
        # The outbox on the engine itself: its own refresh (reading the outbox) is not the store's.
        store = ElasticsearchMatchingStore(recorder, prefix, EngineOutbox(engine, prefix, "matching", URN))  # type: ignore[arg-type]
        yield store, recorder
        store.close()


@pytest.fixture
def activities(tmp_path: Path) -> Iterator[tuple[object, RecordingEngine]]:
    from services.activities.adapters.elasticsearch_mappings import INDEX_SPECS, OUTBOX, OUTBOX_SERVICE
    from services.activities.adapters.elasticsearch_store import ElasticsearchActivitiesStore
    from services.common.search.outbox import EngineOutbox

    with osmem_leg([*INDEX_SPECS, OUTBOX]) as (engine, prefix):
        recorder = RecordingEngine(engine)
        outbox = EngineOutbox(recorder, prefix, OUTBOX_SERVICE, URN)  # type: ignore[arg-type]
        store = ElasticsearchActivitiesStore(recorder, prefix, outbox)  # type: ignore[arg-type]
        yield store, recorder
        store.close()


def profile(client_id: str = "c-1"):  # type: ignore[no-untyped-def]
    from services.matching.domain.model import OccupationWishInput, SearchProfileInput, make_search_profile

    return make_search_profile(
        SearchProfileInput(
            client_id=client_id,
            occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
            home_place_name="Utrecht",
            max_travel_km=25,
            hours_min=24,
            hours_max=36,
        ),
        now=NOW,
    )


def open_vacancy(vacancy_id: str = "vac-1", hours_max: float = 36.0):  # type: ignore[no-untyped-def]
    from services.matching.domain.model import OpenVacancy

    return OpenVacancy(
        vacancy_id=vacancy_id,
        esco_uri="",
        isco_code="2512",
        latitude=52.09,
        longitude=5.12,
        has_coordinates=True,
        hours_min=32.0,
        hours_max=hours_max,
        received_at=NOW,
    )


class TestMatchingRefresh:
    def test_a_saved_profile_refreshes_once_so_the_next_reverse_match_finds_it(self, matching) -> None:  # type: ignore[no-untyped-def]
        from services.matching.domain.rules import compile_vacancy

        store, recorder = matching
        store.save_profile(profile())
        assert recorder.refreshed() == [("index", store._profiles, True)]
        assert [m.client_id for m in store.find_matching(compile_vacancy(open_vacancy()), NOW.date())] == ["c-1"]

    def test_vacancy_events_never_refresh_and_an_update_still_sees_the_previous_match_set(self, matching) -> None:  # type: ignore[no-untyped-def]
        from services.matching.service_layer.handlers import MatchingHandlers

        store, recorder = matching
        store.save_profile(profile())
        handlers = MatchingHandlers(store, store, store, lambda: NOW)
        recorder.clear()
        handlers.vacancy_opened_or_changed(open_vacancy())
        handlers.vacancy_opened_or_changed(open_vacancy(hours_max=38.0))
        handlers.vacancy_closed("vac-1")
        assert recorder.refreshed() == []  # the match set rides in the vacancy document: a realtime GET
        types = [e.event.type for e in store._outbox.pending(store._outbox.connect())]
        assert types == ["nl.werk.vacancy-matched.v1", "nl.werk.vacancy-matched.v1", "nl.werk.vacancy-unmatched.v1"]
        assert store.get_vacancy("vac-1") is None

    def test_feedback_refreshes_once_so_the_next_feed_leaves_a_dismissed_vacancy_out(self, matching) -> None:  # type: ignore[no-untyped-def]
        from services.matching.domain.model import FeedbackKind

        store, recorder = matching
        store.add_feedback("c-1", "vac-1", FeedbackKind.DISMISS, NOW)
        assert recorder.refreshed() == [("index", store._feedback, True)]
        assert store.feedback_of("c-1") == {"vac-1": {FeedbackKind.DISMISS}}

    def test_a_feed_visit_is_read_back_by_id_without_any_refresh(self, matching) -> None:  # type: ignore[no-untyped-def]
        store, recorder = matching
        assert store.record_visit("c-1", NOW) is None
        assert store.record_visit("c-1", NOW.replace(hour=10)) == NOW
        assert recorder.refreshed() == []


def activity(activity_id: str = "a-1", request_id: str = "r-1"):  # type: ignore[no-untyped-def]
    from services.activities.domain.model import Activity, ActivityType, Channel

    return Activity(
        activity_id=activity_id,
        client_id="c-1",
        request_id=request_id,
        type=ActivityType.OPEN_APPLICATION,
        date=date(2026, 3, 2),
        employer="Werkgever B.V.",
        channel=Channel.LETTER,
        logged_at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
    )


class TestActivitiesRefresh:
    def test_a_logged_activity_refreshes_once_so_the_clients_list_shows_it_and_its_claim_is_read_by_id(
        self, activities
    ) -> None:  # type: ignore[no-untyped-def]
        store, recorder = activities
        store.add_activity(activity(), [])
        assert recorder.refreshed() == [("index", store._activities, True)]  # the claim: none
        assert [a.activity_id for a in store.list_activities("c-1", from_date=None, to_date=None, limit=10)] == ["a-1"]
        recorder.clear()
        stored, created = store.add_activity(activity("a-2"), [])  # the same request again: the claim answers
        assert (stored.activity_id, created) == ("a-1", False) and recorder.refreshed() == []

    def test_a_changed_activity_and_a_caseload_assignment_refresh_once_each(self, activities) -> None:  # type: ignore[no-untyped-def]
        store, recorder = activities
        store.add_activity(activity(), [])
        recorder.clear()
        store.save_activity(activity().model_copy(update={"employer": "Ander B.V."}), [])
        store.assign("cw-1", "c-1")
        assert recorder.refreshed() == [("index", store._activities, True), ("index", store._caseload, True)]
        assert store.caseload("cw-1") == ["c-1"]

    def test_the_vacancy_projection_from_events_and_period_signals_never_refresh(self, activities) -> None:  # type: ignore[no-untyped-def]
        from services.activities.domain.model import Channel
        from services.activities.domain.vacancy import VacancySummary

        store, recorder = activities
        store.upsert_vacancy(
            VacancySummary(vacancy_id="v-1", title="Kok", employer="Hotel B.V.", channel=Channel.ONLINE, open=True)
        )
        store.close_vacancy("v-1")
        assert store.record_signal("c-1", date(2026, 3, 2), "at_risk", [])
        assert not store.record_signal("c-1", date(2026, 3, 2), "at_risk", [])  # decided by the engine, not a read
        assert recorder.refreshed() == []
        assert store.vacancy("v-1").open is False  # read back by id (realtime)
