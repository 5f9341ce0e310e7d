"""The feed from the index's arrays equals the feed from the plain rules, page by page:
order, scores, new/saved/applied and every explanation with its score parts."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_strategies import NOW, TODAY, scenarios

from services.common.page_tokens import PageTokens
from services.matching.domain import feed, vectorised
from services.matching.domain.model import FeedbackKind
from services.matching.domain.rules import compile_profile, compile_vacancy, evaluate
from services.matching.domain.vacancy_index import VacancyIndex

TOKENS = PageTokens.process_local()


def all_pages(criteria, ranked, previous_visit, page_size: int) -> list[feed.FeedItem]:  # type: ignore[no-untyped-def]
    items: list[feed.FeedItem] = []
    cursor = feed.FeedCursor(0, previous_visit, "client:c")
    while True:
        page = feed.page(criteria, "Utrecht", ranked, cursor, page_size, TODAY, TOKENS)
        items.extend(page.items)
        if not page.next_page_token:
            return items
        cursor = feed.decode_cursor(page.next_page_token, TOKENS, "client:c")


class TestFeedEquivalence:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios(), st.integers(0, 2**32 - 1), st.integers(1, 7))
    def test_every_page_of_the_indexed_feed_equals_the_feed_of_the_plain_rules(
        self, scenario, seed: int, page_size: int
    ) -> None:  # type: ignore[no-untyped-def]
        assert_same_pages(scenario, seed, page_size)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios(), st.integers(0, 2**32 - 1), st.integers(1, 7))
    def test_the_same_when_every_score_is_close_enough_to_a_half_to_be_decided_exactly(
        self, scenario, seed: int, page_size: int
    ) -> None:  # type: ignore[no-untyped-def]
        # A margin so wide that the exact path (the exact score next to a rounding half) runs
        # for every item: it is rare with the real margin. (Distances are always exact: feed_pass.)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(vectorised, "ROUNDING_MARGIN", 1.0)
            assert_same_pages(scenario, seed, page_size)


def assert_same_pages(scenario, seed: int, page_size: int) -> None:  # type: ignore[no-untyped-def]
    profile_list, vacancy_list = scenario
    rnd = random.Random(seed)
    # Copies under other ids tie with their original on score and date: the id decides, across pages.
    vacancy_list = [
        *vacancy_list,
        *(
            v.model_copy(update={"vacancy_id": f"{v.vacancy_id}-{n}"})
            for n in "zab"
            for v in vacancy_list
            if rnd.random() < 0.5
        ),
    ]
    rnd.shuffle(vacancy_list)
    compiled = [compile_vacancy(v) for v in vacancy_list]
    index = VacancyIndex()
    for vac in compiled:
        index.upsert(vac)
    kinds = [set(), {FeedbackKind.SAVE}, {FeedbackKind.APPLIED}, {FeedbackKind.DISMISS}, set(FeedbackKind)]
    feedback = {v.vacancy_id: rnd.choice(kinds) for v in vacancy_list if rnd.random() < 0.3}
    previous_visit = rnd.choice([None, NOW - timedelta(days=rnd.randrange(0, 20))])
    for criteria in map(compile_profile, profile_list):
        plain = [(vac, match) for vac in compiled if (match := evaluate(criteria, vac)) is not None]
        expected = feed.rank(criteria, plain, feedback, TODAY, previous_visit)
        ranked = feed.rank(criteria, index.matches(criteria), feedback, TODAY, previous_visit)
        assert isinstance(ranked, feed.RankedFeed)
        assert all_pages(criteria, ranked, previous_visit, page_size) == all_pages(
            criteria, expected, previous_visit, page_size
        )
