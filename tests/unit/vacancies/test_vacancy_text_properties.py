"""Property tests: the free-text parser and the HTML converter accept anything safely."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.vacancies.adapters.sqlite_search import match_expressions
from services.vacancies.domain.html_text import html_to_text
from services.vacancies.domain.search import parse_text_query


class TestTextQueryProperties:
    @given(st.text(max_size=200))
    def test_every_query_parses_into_word_terms_only(self, text: str) -> None:
        query = parse_text_query(text)
        for term in (*query.include, *query.exclude):
            assert term.words and all(word and all(ch.isalnum() or ch == "_" for ch in word) for word in term.words)

    @given(st.text(max_size=200))
    def test_the_fts_expression_only_quotes_words(self, text: str) -> None:
        include, exclude = match_expressions(parse_text_query(text))
        for expression in (include or "", exclude or ""):
            # Outside the quoted words only the operators we put there can appear.
            outside = expression.split('"')[::2]
            assert all(set(part) <= set(" ANDOR*") for part in outside)


class TestHtmlToTextProperties:
    @given(st.text(max_size=300))
    def test_any_text_converts_to_trimmed_text_without_runs_of_blank_lines(self, text: str) -> None:
        result = html_to_text(text)
        assert "\n\n\n" not in result and result == result.strip()

    @given(
        st.lists(st.sampled_from(["<p>", "</p>", "<li>", "<b>", "</b>", "<br>", "woord", " ", "&amp;"]), max_size=30)
    )
    def test_markup_soup_becomes_text_without_tags(self, parts: list[str]) -> None:
        result = html_to_text("".join(parts))
        assert "<" not in result and ">" not in result
