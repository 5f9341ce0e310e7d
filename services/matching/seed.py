"""Sample search profiles for a demo stack: clients c-demo-001 ... c-demo-020 (pseudonymous ids
only), from the demo story (`services.common.demo_story`): each wants their ESCO occupation
near home in their hours and lists ESCO skills of it. Vacancies arrive through the vacancies
topic, as in production."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.common import demo_story
from services.matching.domain.model import OccupationBreadth, OccupationWishInput, SearchProfileInput

if TYPE_CHECKING:
    from services.matching.bootstrap import App

DEMO_CLIENTS = list(demo_story.CLIENT_IDS)


def _wish(client: demo_story.DemoClient) -> OccupationWishInput:
    if client.client_id == DEMO_CLIENTS[0]:
        # The acceptance client asks for the ISCO group (software developers), as a caseworker would.
        return OccupationWishInput(isco_code=client.occupation.isco_code, breadth=int(OccupationBreadth.EXACT))
    return OccupationWishInput(esco_uri=client.occupation.uri, breadth=int(OccupationBreadth.UNIT_GROUP))


def demo_profile_inputs() -> list[SearchProfileInput]:
    return [
        SearchProfileInput(
            client_id=client.client_id,
            occupations=[_wish(client)],
            skills=list(client.skills),
            home_place_name=client.home.name,
            max_travel_km=client.max_travel_km,
            hours_min=client.hours_min,
            hours_max=client.hours_max,
            languages=["nl", "en"] if client.skills else ["nl"],
            has_driving_licence=client.has_driving_licence,
            status=1,  # demo clients are all looking
        )
        for client in demo_story.demo_clients()
    ]


def seed_sample_data(app: App) -> None:
    """Idempotent: does nothing when any demo profile already exists."""
    if any(app.store.get_profile(client_id) is not None for client_id in DEMO_CLIENTS):
        return
    for draft in demo_profile_inputs():
        app.handlers.set_search_profile(draft)
