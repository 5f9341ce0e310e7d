"""Seed data for a demo stack, and erasing one client's data."""

from __future__ import annotations

from matching_support import make_vacancy

from jobmatch.events.v1.privacy_events_pb2 import ClientDataErased
from services.common.privacy import EVENT_TYPE_ERASED
from services.matching.bootstrap import App, MatchingEraser
from services.matching.domain.model import OccupationWishInput, SearchProfileInput
from services.matching.domain.rules import compile_vacancy
from services.matching.seed import DEMO_CLIENTS, seed_sample_data


class TestSeed:
    def test_seeding_creates_the_twenty_demo_profiles_once(self, matching_app: App) -> None:
        seed_sample_data(matching_app)
        first = {p.client_id: p for p in matching_app.store.all_profiles()}
        seed_sample_data(matching_app)
        assert sorted(first) == DEMO_CLIENTS and matching_app.store.profile_count() == 20
        assert {p.client_id: p for p in matching_app.store.all_profiles()} == first

    def test_the_acceptance_client_wants_isco_2512_within_25_km_of_utrecht_for_24_to_36_hours(
        self, matching_app: App
    ) -> None:
        seed_sample_data(matching_app)
        p = matching_app.store.get_profile("c-demo-001")
        assert [(w.isco_code, w.esco_uri) for w in p.occupations] == [("2512", "")]
        assert (p.home_place_name, p.max_travel_km, p.hours_min, p.hours_max, p.active) == ("Utrecht", 25, 24, 36, True)


class TestErasure:
    def test_erasing_a_client_removes_profile_feedback_and_visits_and_stops_matching(self, matching_app: App) -> None:
        matching_app.handlers.set_search_profile(
            SearchProfileInput(
                client_id="c-1",
                occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
                home_place_name="Utrecht",
                max_travel_km=25,
                hours_min=24,
                hours_max=36,
            )
        )
        matching_app.handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht"))
        matching_app.handlers.client_applied("c-1", "vac-1")
        matching_app.store.record_visit("c-1", matching_app.clock())
        report = MatchingEraser(matching_app.store).erase_client_data("c-1", "verzoek van de klant")
        assert report.erased == {"search_profile": 1, "feedback": 1, "feed_state": 1, "vacancy_match": 1}
        assert matching_app.store.get_profile("c-1") is None
        assert matching_app.store.feedback_of("c-1") == {}
        vacancy = compile_vacancy(matching_app.store.get_vacancy("vac-1"))
        assert matching_app.store.find_matching(vacancy, matching_app.clock().date()) == []

    def test_erasing_a_client_announces_it_on_the_privacy_topic_without_personal_data(self, matching_app: App) -> None:
        matching_app.handlers.set_search_profile(
            SearchProfileInput(
                client_id="c-2",
                occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
                home_place_name="Utrecht",
                max_travel_km=25,
                hours_min=24,
                hours_max=36,
            )
        )
        MatchingEraser(matching_app.store).erase_client_data("c-2", "verzoek van de klant")
        conn = matching_app.outbox.connect()
        try:
            erased = [e.event for e in matching_app.outbox.pending(conn) if e.event.type == EVENT_TYPE_ERASED]
        finally:
            conn.close()
        [event] = erased
        message = ClientDataErased.FromString(event.data)
        assert (message.client_id, message.system) == ("c-2", "jobmatch-matching")
        assert "search_profile" in message.erased_kinds
        assert "verzoek" not in event.data.decode(errors="ignore")  # the reason stays out of the event
