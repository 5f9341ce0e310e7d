from __future__ import annotations

from datetime import date

import pytest

from services.vacancies.domain.fingerprints import content_hash, fingerprint
from services.vacancies.domain.model import Location, Occupation, VacancyContent
from services.vacancies.domain.rules import check_content

TODAY = date(2026, 11, 25)
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


def content(**changes: object) -> VacancyContent:
    base = VacancyContent(
        source="werkbank",
        external_id="WB-1",
        title="Softwareontwikkelaar (m/v/x)",
        description="Bouw mee aan onze API's.",
        employer="ICT-bedrijf Utrecht",
        occupation=Occupation(esco_uri=SOFTWARE_DEVELOPER),
        location=Location(place_name="Utrecht"),
        contract_type="permanent",
        hours_min=32,
        hours_max=40,
        date_posted="2026-11-20",
        valid_through="2026-12-31",
    )
    return base.model_copy(update=changes)


def fields_of(vacancy: VacancyContent) -> list[str]:
    cleaned, violations = check_content(vacancy, today=TODAY)
    assert (cleaned is None) == bool(violations)
    return [v.field for v in violations]


class TestCheckContentAcceptsAndEnriches:
    def test_a_complete_vacancy_passes_without_violations(self) -> None:
        assert fields_of(content()) == []

    def test_the_isco_code_and_dutch_label_come_from_the_esco_occupation(self) -> None:
        cleaned, _ = check_content(content(), today=TODAY)
        assert cleaned is not None
        assert cleaned.occupation.isco_code == "2512"
        assert cleaned.occupation.label

    def test_a_known_dutch_place_without_coordinates_is_placed_with_its_province(self) -> None:
        cleaned, _ = check_content(content(), today=TODAY)
        assert cleaned is not None
        assert cleaned.location.has_coordinates
        assert cleaned.location.latitude == pytest.approx(52.09, abs=0.01)
        assert cleaned.location.province_code == "09"

    def test_a_foreign_place_keeps_its_address_and_gets_no_coordinates(self) -> None:
        foreign = content(location=Location(place_name="Antwerpen", country_code="BE"))
        cleaned, _ = check_content(foreign, today=TODAY)
        assert cleaned is not None
        assert cleaned.location.place_name == "Antwerpen"
        assert not cleaned.location.has_coordinates

    def test_an_unknown_place_is_never_guessed(self) -> None:
        cleaned, _ = check_content(content(location=Location(place_name="Nergenshuizen")), today=TODAY)
        assert cleaned is not None and not cleaned.location.has_coordinates

    def test_one_given_end_of_the_hours_range_fills_the_other(self) -> None:
        cleaned, _ = check_content(content(hours_min=None, hours_max=36), today=TODAY)
        assert cleaned is not None and (cleaned.hours_min, cleaned.hours_max) == (36, 36)

    def test_a_missing_date_posted_becomes_today(self) -> None:
        cleaned, _ = check_content(content(date_posted=""), today=TODAY)
        assert cleaned is not None and cleaned.date_posted == "2026-11-25"

    def test_surrounding_spaces_are_trimmed(self) -> None:
        cleaned, _ = check_content(content(title="  Kok  "), today=TODAY)
        assert cleaned is not None and cleaned.title == "Kok"


class TestCheckContentRejectsBadInput:
    def test_an_empty_title_is_a_violation_on_title(self) -> None:
        assert fields_of(content(title="   ")) == ["title"]

    def test_an_unknown_contract_type_is_a_violation_on_contract_type(self) -> None:
        assert fields_of(content(contract_type="vast")) == ["contract_type"]

    def test_latitude_and_longitude_out_of_range_are_violations(self) -> None:
        fields = fields_of(content(location=Location(latitude=91.0, longitude=181.0)))
        assert fields == ["location.latitude", "location.longitude"]

    def test_only_one_coordinate_is_a_violation(self) -> None:
        assert fields_of(content(location=Location(latitude=52.0))) == ["location"]

    def test_valid_through_before_date_posted_is_a_violation(self) -> None:
        assert fields_of(content(date_posted="2026-11-20", valid_through="2026-11-19")) == ["valid_through"]

    def test_a_closing_date_that_has_passed_is_a_violation(self) -> None:
        assert fields_of(content(date_posted="2026-10-01", valid_through="2026-11-24")) == ["valid_through"]

    def test_a_date_that_is_not_iso_is_a_violation(self) -> None:
        assert fields_of(content(date_posted="20-11-2026")) == ["date_posted"]

    def test_salary_minimum_above_maximum_is_a_violation(self) -> None:
        assert fields_of(content(salary_min=5000, salary_max=3000)) == ["salary_min"]

    def test_hours_above_the_weekly_limit_are_a_violation(self) -> None:
        assert fields_of(content(hours_min=32, hours_max=100)) == ["hours_max"]

    def test_a_description_over_64_kib_is_a_violation(self) -> None:
        assert fields_of(content(description="a" * (64 * 1024 + 1))) == ["description"]

    def test_a_description_of_exactly_64_kib_passes(self) -> None:
        assert fields_of(content(description="a" * (64 * 1024))) == []

    def test_a_title_over_300_characters_is_a_violation(self) -> None:
        assert fields_of(content(title="x" * 301)) == ["title"]

    def test_control_characters_are_a_violation_on_their_field(self) -> None:
        assert fields_of(content(employer="ICT\x00bedrijf")) == ["employer"]

    def test_line_breaks_are_allowed_in_the_description_but_not_in_the_title(self) -> None:
        assert fields_of(content(description="regel 1\nregel 2\ttab")) == []
        assert fields_of(content(title="Kok\nchef")) == ["title"]

    def test_undecodable_bytes_are_reported_as_invalid_utf8(self) -> None:
        broken = b"Caf\xe9".decode("utf-8", errors="surrogateescape")
        _, violations = check_content(content(description=broken), today=TODAY)
        assert [v.field for v in violations] == ["description"]
        assert "UTF-8" in violations[0].description

    def test_an_esco_uri_of_another_kind_is_a_violation(self) -> None:
        occupation = Occupation(esco_uri="http://data.europa.eu/esco/skill/123")
        assert fields_of(content(occupation=occupation)) == ["occupation.esco_uri"]

    def test_an_isco_code_that_contradicts_the_esco_occupation_is_a_violation(self) -> None:
        occupation = Occupation(esco_uri=SOFTWARE_DEVELOPER, isco_code="2221")
        assert fields_of(content(occupation=occupation)) == ["occupation.isco_code"]

    def test_an_unknown_isco_code_is_a_violation(self) -> None:
        assert fields_of(content(occupation=Occupation(isco_code="9999"))) == ["occupation.isco_code"]

    def test_a_web_address_must_be_http(self) -> None:
        assert fields_of(content(application_url="javascript:alert(1)")) == ["application_url"]

    def test_several_problems_are_all_reported_with_the_prefix(self) -> None:
        _, violations = check_content(content(title="", contract_type="x"), today=TODAY, prefix="vacancies[3].")
        assert [v.field for v in violations] == ["vacancies[3].title", "vacancies[3].contract_type"]

    def test_messages_are_dutch_with_the_english_kept_apart(self) -> None:
        _, violations = check_content(content(title=""), today=TODAY)
        description = violations[0].description
        assert description == "Dit veld is verplicht." and description.en == "This field is required."


class TestFingerprint:
    def test_gender_markers_case_and_postcode_spacing_do_not_matter(self) -> None:
        a = content(
            title="Softwareontwikkelaar (m/v/x)", location=Location(place_name="Utrecht", postal_code="3511 AB")
        )
        b = content(
            title="SOFTWAREONTWIKKELAAR m/v",
            source="jobboard",
            location=Location(place_name="Utrecht", postal_code="3511AB"),
        )
        assert fingerprint(a) == fingerprint(b)

    def test_another_employer_is_another_vacancy(self) -> None:
        assert fingerprint(content()) != fingerprint(content(employer="Andere Werkgever"))

    def test_another_place_is_another_vacancy(self) -> None:
        assert fingerprint(content()) != fingerprint(content(location=Location(place_name="Zeist")))


class TestContentHash:
    def test_same_content_same_hash_and_any_change_changes_it(self) -> None:
        assert content_hash(content()) == content_hash(content())
        assert content_hash(content()) != content_hash(content(hours_max=38))
