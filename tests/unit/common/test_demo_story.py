"""The demo sample data tells one story: each demo client's profile, skills and feed fit each other.

The sample vacancies go through the vacancies service's own checks and protobuf codec and the
matching service's projection and rules, as they do in a running stack.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common import demo_story
from services.common.reference import places
from services.common.reference.geo import haversine_km
from services.common.reference.skills import normalise_skill
from services.matching.domain.model import OpenVacancy, make_search_profile
from services.matching.domain.rules import RuleMatch, compile_profile, compile_vacancy, evaluate
from services.matching.entrypoints.mapping import open_vacancy
from services.matching.seed import demo_profile_inputs
from services.vacancies.adapters.proto_codec import content_to_proto
from services.vacancies.domain.rules import check_content
from services.vacancies.seed import SAMPLE_COUNT, sample_vacancies

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CLIENTS = demo_story.demo_clients()


def _as_matching_sees_it(index: int, content: object) -> OpenVacancy:
    checked, violations = check_content(content, today=TODAY)  # type: ignore[arg-type]
    assert checked is not None and not violations
    message = content_to_proto(checked)
    message.vacancy_id = f"vac-{index}"
    return open_vacancy(message, NOW)


@pytest.fixture(scope="module")
def vacancies() -> list[OpenVacancy]:
    return [_as_matching_sees_it(i, c) for i, c in enumerate(sample_vacancies(SAMPLE_COUNT, today=TODAY))]


@pytest.fixture(scope="module")
def feeds(vacancies: list[OpenVacancy]) -> dict[str, list[tuple[OpenVacancy, RuleMatch]]]:
    """Per demo client, every sample vacancy their profile matches (what their feed ranks)."""
    compiled = [(v, compile_vacancy(v)) for v in vacancies]
    found: dict[str, list[tuple[OpenVacancy, RuleMatch]]] = {}
    for draft in demo_profile_inputs():
        profile = compile_profile(make_search_profile(draft, now=NOW))
        found[draft.client_id] = [(v, m) for v, c in compiled if (m := evaluate(profile, c)) is not None]
    return found


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.client_id)
def test_every_demo_client_finds_vacancies_of_their_own_occupation_within_reach(client, feeds) -> None:  # type: ignore[no-untyped-def]
    own = [(v, m) for v, m in feeds[client.client_id] if v.esco_uri == client.occupation.uri]
    assert len(own) >= demo_story.JOBS_PER_CLIENT
    assert all(m.distance_km is not None and m.distance_km <= client.max_travel_km for _, m in own)


@pytest.mark.parametrize("client", [c for c in CLIENTS if c.skills], ids=lambda c: c.client_id)
def test_a_client_with_esco_skills_shares_skills_with_every_vacancy_of_their_occupation(client, feeds) -> None:  # type: ignore[no-untyped-def]
    theirs = {normalise_skill(s) for s in client.skills}
    own = [v for v, _ in feeds[client.client_id] if v.esco_uri == client.occupation.uri]
    assert own and all(theirs & {normalise_skill(s) for s in v.required_skills} for v in own)


def test_the_ict_clients_have_esco_skills_and_the_others_none_since_esco_links_only_ict_skills() -> None:
    with_skills = {c.occupation.isco_code[:2] for c in CLIENTS if c.skills}
    assert with_skills == {"25", "35"}
    assert all(c.skills for c in CLIENTS if c.occupation.isco_code[:2] in ("25", "35"))


def test_the_acceptance_client_is_a_software_developer_in_utrecht() -> None:
    first = CLIENTS[0]
    assert (first.client_id, first.occupation.isco_code, first.home.name) == ("c-demo-001", "2512", "Utrecht")


def test_a_demo_clients_home_is_the_place_its_name_means() -> None:
    # The profile keeps only the name; it must lead back to the same place.
    assert all(places.lookup(c.home.name) == c.home for c in CLIENTS)


def test_demo_employers_name_a_sector_and_a_place_not_a_place_alone(vacancies) -> None:  # type: ignore[no-untyped-def]
    for vacancy in vacancies[:200]:
        sector, _, place = vacancy.employer.partition(" in ")
        assert sector in demo_story.SECTORS.values() and place == vacancy.place_name
        assert places.lookup(vacancy.employer) is None


def test_a_demo_clients_job_places_lie_within_half_their_travel_distance() -> None:
    for client in CLIENTS:
        for place in demo_story.job_places(client):
            km = haversine_km(client.home.latitude, client.home.longitude, place.latitude, place.longitude)
            assert km <= client.max_travel_km / 2


@pytest.mark.parametrize(
    ("isco", "sector"),
    [
        ("2512", "ICT-bedrijf"),
        ("5120", "Horecabedrijf"),
        ("5223", "Winkelbedrijf"),
        ("7231", "Garagebedrijf"),
        ("0110", "Defensieonderdeel"),
    ],
)
def test_the_longest_isco_prefix_picks_the_sector(isco: str, sector: str) -> None:
    assert demo_story.sector(isco) == sector
