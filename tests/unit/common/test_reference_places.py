"""Hand-checked facts about the shipped GeoNames places and woonplaatsen and the province mapping."""

from __future__ import annotations

import pydantic
import pytest

from services.common.reference import places
from services.common.reference.geo import haversine_km as distance_km


class TestPlaceLookup:
    def test_utrecht_has_its_known_coordinates_and_province(self) -> None:
        utrecht = places.lookup("Utrecht")
        assert utrecht is not None
        assert utrecht.latitude == pytest.approx(52.09, abs=0.01)
        assert utrecht.longitude == pytest.approx(5.12, abs=0.01)
        assert utrecht.province_code == "09"
        assert utrecht.province_name == "Utrecht"

    @pytest.mark.parametrize("name", ["den haag", "Den Haag", "'s-Gravenhage", "s gravenhage", "The Hague"])
    def test_every_common_name_of_the_hague_finds_it(self, name: str) -> None:
        found = places.lookup(name)
        assert found is not None
        assert found.geonameid == 2747373
        assert found.province_code == "11"

    @pytest.mark.parametrize(
        "name", ["'s-Hertogenbosch", "'s Hertogenbosch", "\u2019s-Hertogenbosch", "s-hertogenbosch", "Den Bosch"]
    )
    def test_s_hertogenbosch_is_found_however_the_prefix_is_written(self, name: str) -> None:
        found = places.lookup(name)
        assert found is not None and found.name == "'s-Hertogenbosch"

    def test_case_accents_and_spaces_do_not_matter(self) -> None:
        found = places.lookup("  sint   ODILIENBERG ")
        assert found is not None and found.name == "Sint Odiliënberg"

    def test_an_ambiguous_name_gives_the_most_populous_place(self) -> None:
        # Hengelo (Overijssel, ~82 000) and Hengelo (Gelderland, ~4 500).
        found = places.lookup("Hengelo")
        assert found is not None
        assert found.province_code == "15"

    def test_den_haag_is_shown_by_its_dutch_name_which_geonames_has_among_its_alternate_names(self) -> None:
        found = places.lookup("The Hague")
        assert found is not None and found.name == "Den Haag" and "The Hague" in found.alternate_names
        assert not any(place.name == "The Hague" for place in places.all_places())

    def test_places_of_under_1000_inhabitants_are_known_too(self) -> None:
        small = [place for place in places.all_places() if 0 < place.population < 1000]
        assert len(small) > 300 and places.lookup(small[0].name) is not None

    @pytest.mark.parametrize(
        ("typed", "meant"), [("Rotterdm", "Rotterdam"), ("Eindhovn", "Eindhoven"), ("Zwole", "Zwolle")]
    )
    def test_a_misspelt_place_gets_the_nearest_names_as_suggestions(self, typed: str, meant: str) -> None:
        assert places.lookup(typed) is None and places.suggest(typed)[0] == meant
        assert places.did_you_mean(typed) == (f" Bedoelt u {meant}?", f" Did you mean {meant}?")

    def test_a_name_like_no_place_gets_no_suggestion(self) -> None:
        assert places.suggest("Atlantis") == [] and places.did_you_mean("Atlantis") == ("", "")

    def test_almere_means_almere_stad(self) -> None:
        found = places.lookup("Almere")
        assert found is not None and found.province_name == "Flevoland"

    @pytest.mark.parametrize("name", ["", "   ", "Atlantis", "Antwerpen"])
    def test_an_unknown_or_empty_name_finds_nothing(self, name: str) -> None:
        assert places.lookup(name) is None


class TestWoonplaatsen:
    def test_krommenie_a_woonplaats_geonames_files_only_as_part_of_zaanstad_is_found(self) -> None:
        krommenie, zaandam = places.lookup("Krommenie"), places.lookup("Zaandam")
        assert krommenie is not None and zaandam is not None
        assert krommenie.name == "Krommenie" and krommenie.province_name == "Noord-Holland"
        # Krommenie's centre is at about 52.50 N, 4.76 E, some 8 km north-west of Zaandam.
        assert krommenie.latitude == pytest.approx(52.50, abs=0.01)
        assert krommenie.longitude == pytest.approx(4.76, abs=0.01)
        assert 7 < distance_km(krommenie.latitude, krommenie.longitude, zaandam.latitude, zaandam.longitude) < 9

    def test_a_woonplaats_that_is_a_geonames_city_is_that_city_once(self) -> None:
        # The postcodes say "'s-Gravenhage"; GeoNames' city Den Haag has that alternate name.
        assert [p.name for p in places.all_places() if p.name in ("Den Haag", "'s-Gravenhage")] == ["Den Haag"]

    def test_two_woonplaatsen_of_one_name_in_one_province_are_both_there(self) -> None:
        # Eursinge near Pesse and Eursinge near Westerbork, both in Drenthe, some 12 km apart.
        found = [p for p in places.all_places() if p.name == "Eursinge" and p.province_code == "01"]
        assert sorted(round(p.longitude, 1) for p in found) == [6.4, 6.6]

    def test_a_woonplaats_known_only_from_its_postcodes_has_no_population_and_no_geonames_id(self) -> None:
        krommenie = places.lookup("Krommenie")
        assert krommenie is not None and krommenie.population == 0 and krommenie.geonameid is None


class TestAllPlaces:
    def test_all_places_are_there_most_populous_first(self) -> None:
        every = places.all_places()
        # GeoNames cities500 and the woonplaatsen no city stands for (see PROVENANCE.md).
        assert sum(1 for place in every if place.geonameid is not None) == 1966
        assert len(every) == 2992
        assert every[0].name == "Rotterdam"
        populations = [place.population for place in every]
        assert populations == sorted(populations, reverse=True)

    def test_every_place_lies_in_the_netherlands_and_a_known_province(self) -> None:
        for place in places.all_places():
            assert 50.7 < place.latitude < 53.7
            assert 3.3 < place.longitude < 7.3
            assert place.province_code in places.provinces()

    def test_places_cannot_be_changed(self) -> None:
        utrecht = places.lookup("Utrecht")
        assert utrecht is not None
        with pytest.raises(pydantic.ValidationError):
            utrecht.population = 0  # type: ignore[misc]


class TestProvinces:
    def test_there_are_twelve_provinces(self) -> None:
        assert len(places.provinces()) == 12
        assert places.provinces()["06"] == "Noord-Brabant"

    @pytest.mark.parametrize(
        ("code", "largest_place"),
        [
            ("01", "Assen"),
            ("02", "Leeuwarden"),
            ("05", "Maastricht"),
            ("07", "Amsterdam"),
            ("10", "Middelburg"),
            ("15", "Enschede"),
            ("16", "Almere Stad"),
        ],
    )
    def test_the_code_mapping_matches_the_largest_place_of_each_province(self, code: str, largest_place: str) -> None:
        in_province = [p for p in places.all_places() if p.province_code == code]
        assert max(in_province, key=lambda p: p.population).name == largest_place

    @pytest.mark.parametrize("value", ["02", "2", "Friesland", "Fryslân", "fryslan", "NL-FR"])
    def test_friesland_is_found_by_code_dutch_or_frisian_name(self, value: str) -> None:
        province = places.province_by_name_or_code(value)
        assert province is not None
        assert (province.code, province.name, province.iso_code) == ("02", "Friesland", "NL-FR")

    def test_a_hyphenated_name_is_found_without_the_hyphen(self) -> None:
        province = places.province_by_name_or_code("noord holland")
        assert province is not None and province.code == "07"

    @pytest.mark.parametrize("value", ["08", "", "Vlaanderen", "NL-XX"])
    def test_an_unknown_province_finds_nothing(self, value: str) -> None:
        assert places.province_by_name_or_code(value) is None
