"""Searching near a place: a misspelt place gets a suggestion, results come nearest first."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.vacancies.service_layer.search import SearchRequest, SearchVacancies

SEARCH = SearchVacancies(store=None, tokens=None)  # type: ignore[arg-type]  # criteria() needs neither


def test_a_misspelt_place_is_refused_with_the_nearest_place_names_as_a_suggestion() -> None:
    with pytest.raises(InvalidArgument) as refused:
        SEARCH.criteria(SearchRequest(near_place="Rotterdm", radius_km=10))
    (violation,) = refused.value.violations
    assert violation.field == "near_place"
    assert violation.description == "Plaats 'Rotterdm' kennen we niet. Bedoelt u Rotterdam?"
    assert violation.description.en == "Unknown place 'Rotterdm'. Did you mean Rotterdam?"


def test_near_krommenie_a_woonplaats_without_its_own_geonames_city_searches_around_krommenie() -> None:
    geo = SEARCH.criteria(SearchRequest(near_place="Krommenie", radius_km=5)).geo
    assert geo is not None
    assert (round(geo.latitude, 2), round(geo.longitude, 2), geo.radius_km) == (52.50, 4.76, 5)


def test_near_a_place_the_results_are_sorted_nearest_first_unless_another_order_is_asked() -> None:
    assert SEARCH.criteria(SearchRequest(near_place="Den Haag", radius_km=10)).sort == "distance"
    assert SEARCH.criteria(SearchRequest(near_place="Den Haag", radius_km=10, query="kok")).sort == "distance"
    assert SEARCH.criteria(SearchRequest(near_place="Den Haag", radius_km=10, sort="date_posted")).sort == "date_posted"
    assert SEARCH.criteria(SearchRequest(query="kok")).sort == "relevance"


def test_sorting_by_distance_without_a_place_is_refused() -> None:
    with pytest.raises(InvalidArgument) as refused:
        SEARCH.criteria(SearchRequest(sort="distance"))
    assert [v.field for v in refused.value.violations] == ["sort"]
