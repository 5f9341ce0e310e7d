"""Every mapping and query the matching Elasticsearch adapter sends, and the property that
makes its reverse match exact: the query never drops a profile the rules would match (checked
on osmem, an OpenSearch-API server, through the real client)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from search_legs import osmem_leg

from services.common.search.bulk import bulk_write, index_op
from services.common.search.engine import SearchEngine
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.domain.model import OpenVacancy
from services.matching.domain.ranking import brute_force_matches
from services.matching.domain.rules import compile_profile, compile_vacancy, distance_km, evaluate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "matching"))
from matching_strategies import NOW, TODAY, scenarios


def vacancy(**fields) -> OpenVacancy:  # type: ignore[no-untyped-def]
    base = dict(
        vacancy_id="vac-1",
        esco_uri="http://data.europa.eu/esco/occupation/x",
        isco_code="2512",
        latitude=52.09,
        longitude=5.12,
        has_coordinates=True,
        hours_min=32.0,
        hours_max=36.5,
        received_at=NOW,
    )
    return OpenVacancy(**(base | fields))


class TestMatchingMappings:
    def test_travel_area_is_a_geo_shape_hours_an_integer_range_and_occupations_keywords(self) -> None:
        props = m.SEARCH_PROFILES.mappings["properties"]
        assert props["travel_area"] == {"type": "geo_shape", "orientation": "right"}
        assert props["hours"] == {"type": "integer_range"}
        assert props["occupation_keys"] == {"type": "keyword"}
        assert props["doc"] == {"type": "object", "enabled": False}
        assert all(spec.mappings["dynamic"] == "strict" for spec in m.INDEX_SPECS)

    def test_occupation_keys_are_kind_and_code(self) -> None:
        keys = compile_vacancy(vacancy()).keys
        assert m.key_terms(keys) == ["g3|251", "g4|2512", "u|http://data.europa.eu/esco/occupation/x"]


class TestTravelPolygon:
    @pytest.mark.parametrize("radius", [1, 5, 25, 60, 150, 300])
    @pytest.mark.parametrize("home", [(50.75, 5.69), (52.09, 5.12), (53.45, 6.83)])
    def test_every_point_of_the_travel_circle_lies_inside_the_polygon(
        self, radius: int, home: tuple[float, float]
    ) -> None:
        ring = m.travel_polygon(*home, radius)["coordinates"][0]
        for step in range(720):
            lat, lon = m.destination(*home, step / 2, radius)
            assert _in_polygon(lon, lat, ring), (radius, step / 2)

    def test_the_ring_is_closed_counter_clockwise_and_not_much_larger_than_the_circle(self) -> None:
        ring = m.travel_polygon(52.09, 5.12, 25)["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) == m.CIRCLE_SIDES + 1
        area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
        assert area > 0  # counter-clockwise, as GeoJSON and orientation "right" expect
        assert max(distance_km(52.09, 5.12, lat, lon) for lon, lat in ring) < 25 * 1.05 + m.MARGIN_KM

    def test_destination_goes_the_given_distance(self) -> None:
        lat, lon = m.destination(52.09, 5.12, 73.0, 40.0)
        assert distance_km(52.09, 5.12, lat, lon) == pytest.approx(40.0, abs=1e-6)


class TestReverseMatchQuery:
    def test_a_vacancy_is_one_bool_filter_on_status_occupation_place_and_hours(self) -> None:
        query = m.reverse_match_query(compile_vacancy(vacancy()))
        assert query == {
            "bool": {
                "filter": [
                    {"term": {"active": True}},
                    {"terms": {"occupation_keys": ["g3|251", "g4|2512", "u|http://data.europa.eu/esco/occupation/x"]}},
                    {
                        "bool": {
                            "should": [
                                {
                                    "geo_shape": {
                                        "travel_area": {
                                            "shape": {"type": "point", "coordinates": [5.12, 52.09]},
                                            "relation": "intersects",
                                        }
                                    }
                                }
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    {"range": {"hours": {"gte": 32, "lte": 37, "relation": "intersects"}}},
                ]
            }
        }

    def test_a_remote_vacancy_also_reaches_profiles_that_accept_remote_work(self) -> None:
        place = m.reverse_match_query(compile_vacancy(vacancy(remote=True)))["bool"]["filter"][2]  # type: ignore[index]
        assert place["bool"]["should"][0] == {"term": {"remote_acceptable": True}}
        only_remote = m.reverse_match_query(compile_vacancy(vacancy(remote=True, has_coordinates=False)))
        assert only_remote["bool"]["filter"][2] == {
            "bool": {
                "should": [{"term": {"remote_acceptable": True}}],  # type: ignore[index]
                "minimum_should_match": 1,
            }
        }

    def test_no_place_or_no_occupation_means_no_query_at_all(self) -> None:
        assert m.reverse_match_query(compile_vacancy(vacancy(has_coordinates=False))) is None
        assert m.reverse_match_query(compile_vacancy(vacancy(esco_uri="", isco_code=""))) is None

    def test_contract_and_licence_filter_only_when_the_vacancy_names_them(self) -> None:
        query = m.reverse_match_query(
            compile_vacancy(vacancy(contract_type=1, driving_licence_required=True, hours_min=0, hours_max=0))
        )
        filters = query["bool"]["filter"]  # type: ignore[index]
        assert filters[3] == {
            "bool": {
                "should": [
                    {"bool": {"must_not": [{"exists": {"field": "contract_types"}}]}},
                    {"term": {"contract_types": 1}},
                ],
                "minimum_should_match": 1,
            }
        }
        assert filters[4] == {"term": {"has_driving_licence": True}}
        assert len(filters) == 5  # no hours given: no hours filter


class TestForwardMatchQuery:
    def test_a_profile_asks_for_its_occupations_within_reach_or_remote_with_overlapping_or_unknown_hours(self) -> None:
        from services.matching.domain.model import OccupationWishInput, SearchProfileInput, make_search_profile

        profile = compile_profile(
            make_search_profile(
                SearchProfileInput(
                    client_id="c-1",
                    occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
                    home_place_name="Utrecht",
                    max_travel_km=20,
                    hours_min=24,
                    hours_max=36,
                    remote_acceptable=True,
                ),
                now=NOW,
            )
        )
        query = m.forward_match_query(profile)
        assert query["bool"]["filter"][0] == {"terms": {"occupation_keys": ["g4|2512"]}}  # type: ignore[index]
        assert query["bool"]["filter"][1]["bool"]["should"] == [  # type: ignore[index]
            {"term": {"remote": True}},
            {
                "geo_distance": {
                    "distance": f"{20 * m.MARGIN_FACTOR + m.MARGIN_KM}km",
                    "distance_type": "arc",
                    "location": {"lat": profile.latitude, "lon": profile.longitude},
                }
            },
        ]
        assert query["bool"]["filter"][2] == {
            "bool": {
                "should": [  # type: ignore[index]
                    {"range": {"hours_high": {"lte": 0}}},
                    {
                        "bool": {
                            "filter": [{"range": {"hours_low": {"lte": 36}}}, {"range": {"hours_high": {"gte": 24}}}]
                        }
                    },
                ],
                "minimum_should_match": 1,
            }
        }


def _in_polygon(x: float, y: float, ring: list[list[float]]) -> bool:
    """Ray casting: whether (x, y) lies inside the closed ring."""
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


@pytest.fixture(scope="module")
def osmem() -> Iterator[tuple[SearchEngine, str]]:
    """One osmem clone for the module; each example empties the index it fills."""
    with osmem_leg([m.SEARCH_PROFILES, m.MATCHING_VACANCIES], prefix="t") as leg:
        yield leg


def _filled(leg: tuple[SearchEngine, str], index_spec, docs) -> SearchEngine:  # type: ignore[no-untyped-def]
    engine, prefix = leg
    alias = index_spec.alias(prefix)
    engine.delete_by_query(index=alias, query={"match_all": {}}, refresh=True)
    bulk_write(engine, [line for doc_id, doc in docs for line in index_op(alias, doc_id, doc)], refresh=True)
    return engine


class TestQueriesNeverDropAMatch:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios())
    def test_reverse_candidates_hold_every_match_so_rules_on_them_equal_brute_force(self, osmem, scenario) -> None:  # type: ignore[no-untyped-def]
        profiles, vacancies = scenario
        compiled = {p.client_id: compile_profile(p) for p in profiles}
        es = _filled(
            osmem, m.SEARCH_PROFILES, [(c, m.profile_document(p, {}, NOW.isoformat())) for c, p in compiled.items()]
        )
        for open_vacancy in vacancies:
            vac = compile_vacancy(open_vacancy)
            expected = brute_force_matches(list(compiled.values()), vac, TODAY)
            query = m.reverse_match_query(vac)
            hits = (
                [] if query is None else es.search(index="t-search-profiles", query=query, size=10_000)["hits"]["hits"]
            )
            candidates = [compiled[h["_id"]] for h in hits]
            assert brute_force_matches(candidates, vac, TODAY) == expected

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios())
    def test_forward_candidates_hold_every_vacancy_the_rules_match(self, osmem, scenario) -> None:  # type: ignore[no-untyped-def]
        profiles, vacancies = scenario
        compiled = {v.vacancy_id: compile_vacancy(v) for v in vacancies}
        es = _filled(osmem, m.MATCHING_VACANCIES, [(i, m.vacancy_document(v, {})) for i, v in compiled.items()])
        for profile in map(compile_profile, profiles):
            expected = {i for i, v in compiled.items() if evaluate(profile, v) is not None}
            query = m.forward_match_query(profile)
            hits = (
                []
                if query is None
                else es.search(index="t-matching-vacancies", query=query, size=10_000)["hits"]["hits"]
            )
            assert expected <= {h["_id"] for h in hits}
