"""Hand-checked facts about the shipped ESCO occupations and ISCO-08 groups."""

from __future__ import annotations

import pytest

from services.common.reference import occupations

SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


class TestOccupationByUri:
    def test_the_software_developer_belongs_to_isco_2512(self) -> None:
        occupation = occupations.by_uri(SOFTWARE_DEVELOPER)
        assert occupation is not None
        assert occupation.isco_code == "2512"
        assert occupation.esco_code == "2512.4"
        assert occupation.label_nl == "software ontwikkelaar"
        assert occupation.label_en == "software developer"
        assert "programmeur" in occupation.alt_labels_nl

    def test_an_unknown_uri_finds_nothing(self) -> None:
        assert occupations.by_uri("http://data.europa.eu/esco/occupation/does-not-exist") is None

    def test_all_occupations_of_the_file_are_there_with_a_4_digit_isco_group(self) -> None:
        every = occupations.all_occupations()
        assert len(every) == 3007
        assert all(len(o.isco_code) == 4 and occupations.is_valid_isco_code(o.isco_code) for o in every)

    def test_a_missing_english_label_is_none_not_an_empty_string(self) -> None:
        missing = [o for o in occupations.all_occupations() if o.label_en is None]
        assert len(missing) == 68
        assert all(o.label_en != "" for o in occupations.all_occupations())


class TestIscoGroups:
    @pytest.mark.parametrize(
        ("code", "label"),
        [
            ("2512", "Software developers"),
            ("251", "Software and applications developers and analysts"),
            ("25", "Information and communications technology professionals"),
            ("0", "Armed forces occupations"),
        ],
    )
    def test_a_group_label_is_found_at_every_level(self, code: str, label: str) -> None:
        assert occupations.isco_group_label(code) == label

    @pytest.mark.parametrize("code", ["0110", "2", "2512", "9629"])
    def test_existing_codes_are_valid(self, code: str) -> None:
        assert occupations.is_valid_isco_code(code)

    @pytest.mark.parametrize("code", ["110", "9999", "25120", "", "abcd"])
    def test_codes_that_do_not_exist_are_invalid(self, code: str) -> None:
        assert not occupations.is_valid_isco_code(code)
        assert occupations.isco_group_label(code) is None


class TestByIscoPrefix:
    def test_the_unit_group_contains_the_software_developer_and_nothing_else(self) -> None:
        found = occupations.by_isco_prefix("2512")
        assert SOFTWARE_DEVELOPER in {o.uri for o in found}
        assert all(o.isco_code == "2512" for o in found)

    def test_a_shorter_prefix_widens_the_group(self) -> None:
        assert set(occupations.by_isco_prefix("2512")) < set(occupations.by_isco_prefix("25"))

    @pytest.mark.parametrize("prefix", ["", "x", "25a", "25120"])
    def test_a_prefix_that_is_not_1_to_4_digits_matches_nothing(self, prefix: str) -> None:
        assert occupations.by_isco_prefix(prefix) == ()


class TestSearchLabels:
    def test_an_exact_dutch_label_comes_first(self) -> None:
        found = occupations.search_labels("Software Ontwikkelaar", limit=3)
        assert found[0].uri == SOFTWARE_DEVELOPER

    def test_an_english_label_is_found_too(self) -> None:
        assert SOFTWARE_DEVELOPER in {o.uri for o in occupations.search_labels("software developer")}

    def test_accents_do_not_matter(self) -> None:
        found = occupations.search_labels("inspicient")
        assert any(o.label_nl == "inspiciënt" for o in found)

    def test_the_limit_caps_the_results(self) -> None:
        assert len(occupations.search_labels("kok", limit=2)) == 2

    def test_empty_text_finds_nothing(self) -> None:
        assert occupations.search_labels("  ") == ()

    def test_a_limit_below_one_is_refused(self) -> None:
        with pytest.raises(ValueError):
            occupations.search_labels("kok", limit=0)
