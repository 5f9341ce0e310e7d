"""Hard criteria, profile validation and score of one profile against one vacancy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.common.errors import InvalidArgument
from services.common.reference import occupations, places
from services.matching.domain.model import (
    Criterion,
    OccupationMatch,
    OccupationWishInput,
    OpenVacancy,
    SearchProfile,
    SearchProfileInput,
    make_search_profile,
)
from services.matching.domain.ranking import score_rule_match
from services.matching.domain.rules import compile_profile, compile_vacancy, evaluate

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
SOFTWARE_DEVELOPER = next(o for o in occupations.by_isco_prefix("2512"))
OTHER_2512 = next(o for o in occupations.by_isco_prefix("2512") if o.uri != SOFTWARE_DEVELOPER.uri)
SAME_MINOR_2513 = occupations.by_isco_prefix("2513")[0]
NURSE = occupations.by_isco_prefix("2221")[0]


def profile(**overrides: Any) -> SearchProfile:
    fields: dict[str, Any] = dict(
        client_id="c-demo-001",
        occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
        home_place_name="Utrecht",
        max_travel_km=25,
        hours_min=24,
        hours_max=36,
    )
    fields.update(overrides)
    return make_search_profile(SearchProfileInput(**fields), now=NOW)


def vacancy(
    place: str = "Utrecht", occupation: occupations.Occupation = SOFTWARE_DEVELOPER, **overrides: Any
) -> OpenVacancy:
    where = places.lookup(place)
    assert where is not None
    fields: dict[str, Any] = dict(
        vacancy_id="vac-1",
        title=occupation.label_nl,
        employer="Gemeente Utrecht",
        esco_uri=occupation.uri,
        isco_code=occupation.isco_code,
        place_name=where.name,
        latitude=where.latitude,
        longitude=where.longitude,
        has_coordinates=True,
        hours_min=32,
        hours_max=36,
        date_posted="2026-11-20",
        received_at=NOW,
    )
    fields.update(overrides)
    return OpenVacancy(**fields)


def match(p: SearchProfile, v: OpenVacancy):
    return evaluate(compile_profile(p), compile_vacancy(v))


class TestProfileValidation:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            (
                {"occupations": [OccupationWishInput(esco_uri="http://data.europa.eu/esco/occupation/nope")]},
                "profile.occupations[0].esco_uri",
            ),
            ({"occupations": [OccupationWishInput(isco_code="25X2")]}, "profile.occupations[0].isco_code"),
            ({"occupations": [OccupationWishInput(isco_code="9999")]}, "profile.occupations[0].isco_code"),
            (
                {"occupations": [OccupationWishInput(esco_uri=SOFTWARE_DEVELOPER.uri, isco_code="2221")]},
                "profile.occupations[0].isco_code",
            ),
            ({"occupations": []}, "profile.occupations"),
            ({"max_travel_km": 0}, "profile.max_travel_km"),
            ({"max_travel_km": -5}, "profile.max_travel_km"),
            ({"max_travel_km": 301}, "profile.max_travel_km"),
            ({"hours_min": 36, "hours_max": 24}, "profile.hours_min"),
            ({"hours_max": 90}, "profile.hours_max"),
            ({"home_place_name": "Atlantis"}, "profile.home_place_name"),
            ({"languages": ["dutch"]}, "profile.languages[0]"),
            ({"client_id": "jan jansen"}, "client_id"),
        ],
    )
    def test_bad_input_names_the_field(self, overrides: dict[str, Any], field: str) -> None:
        with pytest.raises(InvalidArgument) as caught:
            profile(**overrides)
        assert field in [v.field for v in caught.value.violations]

    def test_all_violations_are_reported_at_once(self) -> None:
        with pytest.raises(InvalidArgument) as caught:
            profile(max_travel_km=0, hours_min=40, hours_max=30, occupations=[])
        assert {v.field for v in caught.value.violations} >= {
            "profile.max_travel_km",
            "profile.hours_min",
            "profile.occupations",
        }

    def test_a_paused_profile_may_have_no_occupations(self) -> None:
        assert not profile(occupations=[], status=2).active

    def test_an_esco_uri_gets_its_isco_unit_group_and_dutch_label(self) -> None:
        wish = profile(occupations=[OccupationWishInput(esco_uri=NURSE.uri, breadth=2)]).occupations[0]
        assert (wish.isco_code, wish.label_nl) == (NURSE.isco_code, NURSE.label_nl)

    def test_home_place_is_resolved_to_geonames_coordinates(self) -> None:
        p = profile(home_place_name="den haag")
        assert p.home_place_name == "Den Haag" and 52.0 < p.home_latitude < 52.2


class TestOccupationCriterion:
    def test_a_bare_isco_code_matches_every_occupation_in_that_unit_group_as_exact(self) -> None:
        assert match(profile(), vacancy(occupation=OTHER_2512)).occupation_match == OccupationMatch.EXACT

    def test_an_exact_esco_wish_does_not_match_a_sibling_occupation(self) -> None:
        p = profile(occupations=[OccupationWishInput(esco_uri=SOFTWARE_DEVELOPER.uri, breadth=1)])
        assert match(p, vacancy(occupation=OTHER_2512)) is None
        assert match(p, vacancy()).occupation_match == OccupationMatch.EXACT

    def test_unit_group_breadth_matches_siblings_as_unit_group(self) -> None:
        p = profile(occupations=[OccupationWishInput(esco_uri=SOFTWARE_DEVELOPER.uri, breadth=2)])
        assert match(p, vacancy(occupation=OTHER_2512)).occupation_match == OccupationMatch.UNIT_GROUP
        assert match(p, vacancy(occupation=SAME_MINOR_2513)) is None

    def test_minor_group_breadth_matches_the_minor_group_but_not_other_groups(self) -> None:
        p = profile(occupations=[OccupationWishInput(esco_uri=SOFTWARE_DEVELOPER.uri, breadth=3)])
        assert match(p, vacancy(occupation=SAME_MINOR_2513)).occupation_match == OccupationMatch.MINOR_GROUP
        assert match(p, vacancy(occupation=NURSE)) is None


class TestPlaceCriterion:
    def test_a_vacancy_beyond_the_travel_distance_does_not_match(self) -> None:
        assert match(profile(), vacancy(place="Amsterdam")) is None  # ~35 km
        assert match(profile(max_travel_km=40), vacancy(place="Amsterdam")) is not None

    def test_a_remote_vacancy_matches_far_away_only_when_remote_work_is_acceptable(self) -> None:
        far_remote = vacancy(place="Groningen", remote=True)
        assert match(profile(), far_remote) is None
        found = match(profile(remote_acceptable=True), far_remote)
        assert found is not None and Criterion.REMOTE in found.criteria

    def test_a_vacancy_without_coordinates_that_is_not_remote_never_matches(self) -> None:
        assert match(profile(), vacancy(has_coordinates=False)) is None


class TestOtherCriteria:
    def test_hours_must_overlap_the_window(self) -> None:
        assert match(profile(), vacancy(hours_min=38, hours_max=40)) is None
        assert Criterion.HOURS in match(profile(), vacancy(hours_min=16, hours_max=24)).criteria

    def test_unknown_hours_do_not_exclude(self) -> None:
        found = match(profile(), vacancy(hours_min=0, hours_max=0))
        assert found is not None and Criterion.HOURS not in found.criteria

    def test_contract_education_language_licence_and_salary_exclude_when_both_sides_know(self) -> None:
        assert match(profile(contract_types=[1]), vacancy(contract_type=2)) is None
        assert match(profile(education_level=7), vacancy(education_level=10)) is None
        assert match(profile(languages=["nl"]), vacancy(languages=("nl", "en"))) is None
        assert match(profile(), vacancy(driving_licence_required=True)) is None
        assert match(profile(min_salary_monthly=3500), vacancy(salary_min=2800, salary_max=3200)) is None
        found = match(
            profile(
                contract_types=[1],
                education_level=10,
                languages=["nl", "en"],
                has_driving_licence=True,
                min_salary_monthly=3000,
            ),
            vacancy(
                contract_type=1, education_level=7, languages=("en",), driving_licence_required=True, salary_max=3200
            ),
        )
        assert set(found.criteria) >= {
            Criterion.CONTRACT_TYPE,
            Criterion.EDUCATION,
            Criterion.LANGUAGES,
            Criterion.DRIVING_LICENCE,
            Criterion.SALARY,
        }

    def test_a_paused_profile_matches_nothing(self) -> None:
        assert match(profile(status=2), vacancy()) is None


class TestScore:
    def test_closer_and_more_skilled_scores_higher(self) -> None:
        p = compile_profile(profile(skills=["Python", "SQL"]))
        near = compile_vacancy(vacancy(required_skills=("python", "SQL")))
        far = compile_vacancy(vacancy(place="Amersfoort", required_skills=("Python", "Java")))
        near_score = score_rule_match(p, near, evaluate(p, near), TODAY).total
        far_score = score_rule_match(p, far, evaluate(p, far), TODAY).total
        assert 0 < far_score < near_score <= 1.0

    def test_skills_are_compared_without_case_and_accents(self) -> None:
        p = compile_profile(profile(skills=["Klantgericht Werken"]))
        v = compile_vacancy(vacancy(required_skills=("klantgericht werken",)))
        assert score_rule_match(p, v, evaluate(p, v), TODAY).skills == 1.0
