"""Match events are written to the outbox with the projection change (no broker needed)."""

from __future__ import annotations

from matching_support import make_vacancy

from jobmatch.events.v1 import matching_events_pb2 as ev
from services.matching.bootstrap import App
from services.matching.domain.model import OccupationWishInput, SearchProfileInput


def pending(app: App) -> list[tuple[str, str, object]]:
    conn = app.outbox.connect()
    try:
        entries = app.outbox.pending(conn)
    finally:
        conn.close()
    decoded = []
    for entry in entries:
        kind = ev.VacancyMatched if entry.event.type == "nl.werk.vacancy-matched.v1" else ev.VacancyUnmatched
        decoded.append((entry.key, entry.event.type, kind.FromString(entry.event.data)))
    return decoded


def add_profile(app: App, client_id: str, place: str, km: int) -> None:
    app.handlers.set_search_profile(
        SearchProfileInput(
            client_id=client_id,
            occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
            home_place_name=place,
            max_travel_km=km,
            hours_min=24,
            hours_max=36,
        )
    )


class TestMatchEventsInTheOutbox:
    def test_an_update_emits_updated_for_still_matching_and_unmatched_for_lost_profiles(
        self, matching_app: App
    ) -> None:
        add_profile(matching_app, "c-utrecht", "Utrecht", 25)
        add_profile(matching_app, "c-amersfoort", "Amersfoort", 10)
        matching_app.handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Amersfoort"))
        first = pending(matching_app)
        assert {(key, msg.change) for key, _, msg in first} == {
            ("c-utrecht", ev.VACANCY_MATCH_CHANGE_ADDED),
            ("c-amersfoort", ev.VACANCY_MATCH_CHANGE_ADDED),
        }
        matching_app.handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht"))  # ~20 km from Amersfoort
        second = pending(matching_app)[len(first) :]
        assert [(key, type_) for key, type_, _ in second] == [
            ("c-utrecht", "nl.werk.vacancy-matched.v1"),
            ("c-amersfoort", "nl.werk.vacancy-unmatched.v1"),
        ]
        assert second[0][2].change == ev.VACANCY_MATCH_CHANGE_UPDATED
        assert second[1][2].reason == ev.VACANCY_UNMATCH_REASON_NO_LONGER_MATCHES

    def test_closing_emits_unmatched_closed_for_every_matched_client_and_nothing_else(self, matching_app: App) -> None:
        add_profile(matching_app, "c-utrecht", "Utrecht", 25)
        add_profile(matching_app, "c-groningen", "Groningen", 25)
        matching_app.handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Utrecht"))
        before = len(pending(matching_app))
        assert matching_app.handlers.vacancy_closed("vac-1")
        closed = pending(matching_app)[before:]
        assert [(key, msg.reason) for key, _, msg in closed] == [("c-utrecht", ev.VACANCY_UNMATCH_REASON_CLOSED)]
        assert matching_app.store.get_vacancy("vac-1") is None
