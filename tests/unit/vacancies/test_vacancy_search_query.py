from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.vacancies.domain.search import SearchCriteria, TextTerm, check_criteria, parse_text_query


class TestParseTextQuery:
    def test_words_must_all_match(self) -> None:
        query = parse_text_query("python ontwikkelaar")
        assert query.include == (TextTerm(words=("python",)), TextTerm(words=("ontwikkelaar",)))

    def test_a_quoted_phrase_is_one_term(self) -> None:
        assert parse_text_query('"agile coach"').include == (TextTerm(words=("agile", "coach")),)

    def test_a_minus_excludes_a_word_or_a_phrase(self) -> None:
        query = parse_text_query('zorg -nacht -"in de weekenden"')
        assert query.include == (TextTerm(words=("zorg",)),)
        assert query.exclude == (TextTerm(words=("nacht",)), TextTerm(words=("in", "de", "weekenden")))

    def test_a_trailing_star_is_a_prefix(self) -> None:
        assert parse_text_query("ontwikkel*").include == (TextTerm(words=("ontwikkel",), prefix=True),)

    def test_punctuation_and_quotes_cannot_break_out_of_a_term(self) -> None:
        query = parse_text_query('c++ "a" OR NEAR( ) "unclosed')
        assert all(word.isalnum() for term in query.include for word in term.words)

    def test_case_is_folded(self) -> None:
        assert parse_text_query("Python").include[0].words == ("python",)

    def test_a_very_long_query_is_refused_on_query(self) -> None:
        with pytest.raises(InvalidArgument) as error:
            parse_text_query("x" * 501)
        assert error.value.violations[0].field == "query"


class TestCheckCriteria:
    def test_a_non_numeric_isco_prefix_is_refused(self) -> None:
        with pytest.raises(InvalidArgument) as error:
            check_criteria(SearchCriteria(isco_prefixes=("25a",)))
        assert error.value.violations[0].field == "isco_prefixes"

    def test_an_hour_window_upside_down_is_refused(self) -> None:
        with pytest.raises(InvalidArgument) as error:
            check_criteria(SearchCriteria(hours_min=40, hours_max=20))
        assert error.value.violations[0].field == "hours_min"

    def test_sane_criteria_pass(self) -> None:
        check_criteria(SearchCriteria(isco_prefixes=("25",), hours_min=20, hours_max=32, contract_types=("permanent",)))
