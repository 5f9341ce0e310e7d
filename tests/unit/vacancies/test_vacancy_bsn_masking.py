"""A BSN-shaped number (11-proof) in a job ad is masked at ingest: the ad is public and goes onto
the vacancy topic as it is (found by the privacy scan, tests/e2e/test_privacy_scan.py)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.vacancies.domain.model import Location, Occupation, VacancyContent
from services.vacancies.domain.personal_numbers import (
    _NINE_DIGITS_NEARBY,
    BSN_MASK,
    mask_bsn,
    may_hold_bsn,
    passes_elfproef,
)
from services.vacancies.domain.rules import check_content

TODAY = date(2026, 11, 25)
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


class TestElfproef:
    def test_a_valid_bsn_passes_and_one_changed_digit_fails(self) -> None:
        assert passes_elfproef("123456782") and passes_elfproef("111222333")
        assert not passes_elfproef("123456783") and not passes_elfproef("000000000")


class TestMaskingInText:
    def test_a_bsn_plain_with_dots_or_spaces_is_masked(self) -> None:
        for written in ("123456782", "1234.56.782", "1234 56 782"):
            assert mask_bsn(f"Kandidaat BSN {written}, graag bellen.") == f"Kandidaat BSN {BSN_MASK}, graag bellen."

    def test_numbers_that_fail_the_11_proof_or_belong_to_a_longer_token_stay(self) -> None:
        for text in ("vacaturenummer 123456789", "bel 0612345678", "ref ABC123456782", "code 123456782X"):
            assert mask_bsn(text) == text


class TestJobAdAtIngest:
    def test_a_bsn_in_the_description_is_masked_before_the_ad_is_stored_and_the_rest_stays(self) -> None:
        ad = VacancyContent(
            source="werk.nl",
            external_id="1",
            title="Softwareontwikkelaar",
            description="Vragen? Mail Jan (jan@bedrijf.nl). Kandidaat BSN 1112.22.333.",
            employer="ICT-bedrijf Utrecht",
            occupation=Occupation(esco_uri=SOFTWARE_DEVELOPER),
            location=Location(place_name="Utrecht"),
        )
        cleaned, violations = check_content(ad, today=TODAY)
        assert violations == [] and cleaned is not None
        assert cleaned.description == f"Vragen? Mail Jan (jan@bedrijf.nl). Kandidaat BSN {BSN_MASK}."


class TestTheCheapLook:
    """`may_hold_bsn` finds what `_NINE_DIGITS_NEARBY` finds without the regex engine; it may
    say True for a text with digits of another script (mask_bsn then looks closely)."""

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from("0123456789. x\n€é٣１\ud800"), max_size=40))
    def test_it_says_true_for_every_text_the_regex_look_finds_something_in(self, text: str) -> None:
        found = _NINE_DIGITS_NEARBY.search(text) is not None
        if text.isascii():
            assert may_hold_bsn(text) == found
        else:
            assert may_hold_bsn(text) or not found

    def test_digits_of_another_script_count(self) -> None:
        assert may_hold_bsn("nummer ١٢٣٤٥٦٧٨٩")
        assert not may_hold_bsn("café 12 uur, 1.5 km, €3")
