"""Distances, search boxes and the seeded sampling helpers."""

from __future__ import annotations

import random

import pytest

from services.common.reference import geo, occupations, places, sampling


def _place(name: str) -> places.Place:
    found = places.lookup(name)
    assert found is not None
    return found


class TestHaversine:
    def test_amsterdam_to_rotterdam_is_about_57_km(self) -> None:
        amsterdam, rotterdam = _place("Amsterdam"), _place("Rotterdam")
        distance = geo.haversine_km(amsterdam.latitude, amsterdam.longitude, rotterdam.latitude, rotterdam.longitude)
        assert distance == pytest.approx(57.5, abs=1.0)

    def test_groningen_to_maastricht_is_about_270_km(self) -> None:
        # By hand: 2.37 degrees of latitude = 263 km, 0.88 degrees of longitude at 52 N = 60 km,
        # sqrt(263^2 + 60^2) = 270 km.
        groningen, maastricht = _place("Groningen"), _place("Maastricht")
        distance = geo.haversine_km(groningen.latitude, groningen.longitude, maastricht.latitude, maastricht.longitude)
        assert distance == pytest.approx(270, abs=5)

    def test_a_point_is_zero_km_from_itself(self) -> None:
        assert geo.haversine_km(52.09, 5.12, 52.09, 5.12) == 0.0

    def test_coordinates_out_of_range_are_refused(self) -> None:
        with pytest.raises(ValueError):
            geo.haversine_km(91.0, 5.0, 52.0, 5.0)


class TestBoundingBox:
    def test_the_box_holds_every_point_on_the_circle(self) -> None:
        utrecht = _place("Utrecht")
        box = geo.bounding_box(utrecht.latitude, utrecht.longitude, 25.0)
        rng = random.Random(7)
        for _ in range(200):
            lat, lon = sampling.random_point_near(rng, utrecht, 25.0)
            assert box.contains(lat, lon)

    def test_the_box_leaves_out_a_city_further_away(self) -> None:
        utrecht, groningen = _place("Utrecht"), _place("Groningen")
        box = geo.bounding_box(utrecht.latitude, utrecht.longitude, 50.0)
        assert not box.contains(groningen.latitude, groningen.longitude)

    def test_a_negative_radius_is_refused(self) -> None:
        with pytest.raises(ValueError):
            geo.bounding_box(52.0, 5.0, -1.0)


class TestSampling:
    def test_the_same_seed_gives_the_same_sample(self) -> None:
        first = sampling.weighted_places(random.Random(42), 20)
        second = sampling.weighted_places(random.Random(42), 20)
        assert first == second
        assert sampling.random_occupations(random.Random(1), 5) == sampling.random_occupations(random.Random(1), 5)

    def test_places_are_weighted_by_population(self) -> None:
        drawn = sampling.weighted_places(random.Random(3), 5000)
        assert all(place.population > 0 for place in drawn)
        # Amsterdam has ~1/30 of the listed population; a village of ~1 000 about 1/15 000.
        assert sum(place.name == "Amsterdam" for place in drawn) > 50

    def test_occupations_are_distinct_while_there_are_enough(self) -> None:
        drawn = sampling.random_occupations(random.Random(5), 100)
        assert len({o.uri for o in drawn}) == 100
        assert len(sampling.random_occupations(random.Random(5), len(occupations.all_occupations()) + 10)) > 3007

    def test_a_point_near_a_place_stays_within_the_radius(self) -> None:
        eindhoven = _place("Eindhoven")
        rng = random.Random(11)
        for _ in range(200):
            lat, lon = sampling.random_point_near(rng, eindhoven, 15.0)
            assert geo.haversine_km(eindhoven.latitude, eindhoven.longitude, lat, lon) <= 15.0 + 1e-6

    def test_negative_counts_and_radii_are_refused(self) -> None:
        with pytest.raises(ValueError):
            sampling.weighted_places(random.Random(0), -1)
        with pytest.raises(ValueError):
            sampling.random_point_near(random.Random(0), _place("Utrecht"), -5.0)
