"""Sample search profiles for a demo stack: clients c-demo-001 ... c-demo-020 (pseudonymous ids
only), built from real ESCO occupations and Dutch places with a seeded RNG. Vacancies arrive
through the vacancies topic, as in production."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from services.matching.domain.model import OccupationWishInput, SearchProfileInput
from services.matching.sample_data import random_profile_input

if TYPE_CHECKING:
    from services.matching.bootstrap import App

SEED = 20261125
DEMO_CLIENTS = [f"c-demo-{i:03d}" for i in range(1, 21)]


def demo_profile_inputs() -> list[SearchProfileInput]:
    rng = random.Random(SEED)
    drafts = [random_profile_input(rng, client_id) for client_id in DEMO_CLIENTS]
    # The acceptance client: ISCO 2512 (software developers) within 25 km of Utrecht, 24-36 h.
    drafts[0] = SearchProfileInput(
        client_id="c-demo-001",
        occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
        skills=["Python", "SQL", "Git"],
        home_place_name="Utrecht",
        max_travel_km=25,
        hours_min=24,
        hours_max=36,
        languages=["nl", "en"],
        status=1,
    )
    for draft in drafts:
        draft.status = 1  # demo clients are all looking
    return drafts


def seed_sample_data(app: App) -> None:
    """Idempotent: does nothing when any demo profile already exists."""
    if any(app.store.get_profile(client_id) is not None for client_id in DEMO_CLIENTS):
        return
    for draft in demo_profile_inputs():
        app.handlers.set_search_profile(draft)
