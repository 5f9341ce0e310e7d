"""Feed ranking, pages and explanations (pure domain, no I/O)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_matching_rules import NOW, TODAY, profile, vacancy

from services.common.errors import InvalidArgument
from services.common.page_tokens import PageTokens
from services.matching.domain import feed
from services.matching.domain.model import Criterion, FeedbackKind, OccupationMatch
from services.matching.domain.rules import compile_profile, compile_vacancy
from services.matching.domain.vacancy_index import VacancyIndex

TOKENS = PageTokens(b"feed-test-secret")


def index_of(*vacancies) -> VacancyIndex:
    index = VacancyIndex()
    for v in vacancies:
        index.upsert(compile_vacancy(v))
    return index


def ranked_ids(p, index, feedback=None, previous=None) -> list[str]:
    criteria = compile_profile(p)
    return [
        r.vac.vacancy.vacancy_id for r in feed.rank(criteria, index.matches(criteria), feedback or {}, TODAY, previous)
    ]


class TestRanking:
    def test_equal_scores_are_ordered_by_newest_posting_then_id(self) -> None:
        index = index_of(
            vacancy(vacancy_id="vac-b"),
            vacancy(vacancy_id="vac-a"),
            vacancy(vacancy_id="vac-c", date_posted="2026-11-24"),
        )
        assert ranked_ids(profile(), index) == ["vac-c", "vac-a", "vac-b"]

    def test_dismissed_vacancies_are_left_out(self) -> None:
        index = index_of(vacancy(vacancy_id="vac-a"), vacancy(vacancy_id="vac-b"))
        assert ranked_ids(profile(), index, {"vac-a": {FeedbackKind.DISMISS, FeedbackKind.SAVE}}) == ["vac-b"]

    def test_applied_vacancies_sink_below_equal_ones(self) -> None:
        index = index_of(vacancy(vacancy_id="vac-a"), vacancy(vacancy_id="vac-b"))
        assert ranked_ids(profile(), index, {"vac-a": {FeedbackKind.APPLIED}}) == ["vac-b", "vac-a"]

    def test_closed_vacancies_leave_the_index(self) -> None:
        index = index_of(vacancy(vacancy_id="vac-a"), vacancy(vacancy_id="vac-b", remote=True))
        index.remove("vac-b")
        assert ranked_ids(profile(remote_acceptable=True), index) == ["vac-a"] and "vac-b" not in index

    def test_an_answer_keeps_its_vacancies_while_the_index_retires_grows_and_compacts(self) -> None:
        index = index_of(*(vacancy(vacancy_id=f"vac-{n:02d}", title=f"Functie {n}") for n in range(12)))
        criteria = compile_profile(profile())
        early = index.matches(criteria)
        for n in range(12):  # every answered vacancy retires, replaced by a new version
            index.upsert(compile_vacancy(vacancy(vacancy_id=f"vac-{n:02d}", title=f"Nieuw {n}")))
        late = index.matches(criteria)
        for n in range(3_000):  # the columns grow, and retired rows outnumber open ones: a compaction
            index.upsert(compile_vacancy(vacancy(vacancy_id="vac-churn", title=f"Churn {n}")))
        assert [early.vacancy(i).vacancy.title for i in range(len(early))] == [f"Functie {n}" for n in range(12)]
        assert [late.vacancy(i).vacancy.title for i in range(len(late))] == [f"Nieuw {n}" for n in range(12)]
        # Feedback finds an answer's vacancy by its row: a vacancy replaced since is not found.
        assert early.positions_of(["vac-03"]) == {} and late.positions_of(["vac-03", "vac-xx"]) == {"vac-03": 3}
        now = [vac.vacancy.title for vac, _ in index.matches(criteria) if vac.vacancy.vacancy_id != "vac-churn"]
        assert now == [f"Nieuw {n}" for n in range(12)]

    def test_only_vacancies_received_after_the_previous_visit_are_new(self) -> None:
        index = index_of(
            vacancy(vacancy_id="vac-old", received_at=NOW - timedelta(days=2)),
            vacancy(vacancy_id="vac-new", received_at=NOW),
        )
        criteria = compile_profile(profile())
        ranked = feed.rank(criteria, index.matches(criteria), {}, TODAY, NOW - timedelta(days=1))
        assert {r.vac.vacancy.vacancy_id for r in ranked if r.is_new} == {"vac-new"}


class TestPages:
    def test_a_token_carries_offset_and_visit_and_bad_tokens_are_refused(self) -> None:
        cursor = feed.FeedCursor(40, NOW)
        assert feed.decode_cursor(feed.encode_cursor(cursor, TOKENS), TOKENS) == cursor
        for bad in (
            "x",
            "eyJvIjogLTF9",
            feed.encode_cursor(feed.FeedCursor(0, None), TOKENS)[:-4],
            feed.encode_cursor(cursor, PageTokens(b"another-deployment")),
        ):
            with pytest.raises(InvalidArgument):
                feed.decode_cursor(bad, TOKENS)

    def test_a_negative_page_size_is_refused(self) -> None:
        with pytest.raises(InvalidArgument) as caught:
            feed.check_page_size(-1)
        assert caught.value.violations[0].field == "page_size"

    @pytest.mark.parametrize("size", [101, 10_000])
    def test_a_page_size_above_100_is_lowered_to_100(self, size: int) -> None:
        assert feed.check_page_size(size) == feed.MAX_PAGE_SIZE == 100

    def test_zero_means_the_default_page_size(self) -> None:
        assert feed.check_page_size(0) == feed.DEFAULT_PAGE_SIZE


class TestExplanation:
    def test_explanation_names_criteria_distance_and_skills_in_dutch_and_english(self) -> None:
        criteria = compile_profile(profile(skills=["Python"]))
        index = index_of(vacancy(place="Zeist", required_skills=("Python", "Kubernetes")))
        ranked = feed.rank(criteria, index.matches(criteria), {}, TODAY, None)
        item = feed.page(criteria, "Utrecht", ranked, feed.FeedCursor(0, None), 10, TODAY, TOKENS).items[0]
        e = item.explanation
        assert {Criterion.OCCUPATION, Criterion.TRAVEL_DISTANCE, Criterion.HOURS} <= set(e.matched_criteria)
        assert e.skills_in_common == ("Python",) and e.skills_missing == ("Kubernetes",)
        assert "km van Utrecht" in e.text_nl
        assert "Deze vaardigheid (naam in het Engels) vragen ze ook: \u201cKubernetes\u201d." in e.text_nl
        assert "km from Utrecht" in e.text_en and "Skill you have: \u201cPython\u201d." in e.text_en

    @pytest.mark.parametrize("match", [OccupationMatch.UNIT_GROUP, OccupationMatch.MINOR_GROUP])
    def test_a_near_occupation_is_explained_without_isco_codes(self, match: OccupationMatch) -> None:
        from services.matching.domain.explanation import _occupation_text

        nl, en = _occupation_text(vacancy(place="Zeist"), match)
        assert "ISCO" not in nl + en and not any(ch.isdigit() for ch in nl + en)

    def test_an_isco_wish_gets_a_dutch_label_from_the_esco_occupations_in_that_group(self) -> None:
        from services.common.reference import occupations

        label = occupations.isco_group_label_nl("2512")
        assert "software" in label and "Software developers" not in label and label.count(" of ") == 1

    def test_a_vacancy_in_the_home_town_is_less_than_a_kilometre_away_not_zero(self) -> None:
        criteria = compile_profile(profile())
        index = index_of(vacancy(place="Utrecht"))
        ranked = feed.rank(criteria, index.matches(criteria), {}, TODAY, None)
        e = feed.page(criteria, "Utrecht", ranked, feed.FeedCursor(0, None), 10, TODAY, TOKENS).items[0].explanation
        assert "minder dan 1 km van Utrecht" in e.text_nl and "less than 1 km from Utrecht" in e.text_en
        assert " 0 km" not in e.text_nl

    def test_a_remote_match_says_so_instead_of_a_distance(self) -> None:
        criteria = compile_profile(profile(remote_acceptable=True))
        index = index_of(vacancy(place="Groningen", remote=True))
        ranked = feed.rank(criteria, index.matches(criteria), {}, TODAY, None)
        e = feed.page(criteria, "Utrecht", ranked, feed.FeedCursor(0, None), 10, TODAY, TOKENS).items[0].explanation
        assert Criterion.REMOTE in e.matched_criteria and "op afstand" in e.text_nl and "remotely" in e.text_en


class TestFeedScore:
    def test_the_feed_score_equals_the_documented_score_parts_plus_feedback(self) -> None:
        from services.matching.domain.ranking import score_rule_match

        criteria = compile_profile(profile(skills=["Python", "SQL"]))
        index = index_of(
            vacancy(place="Zeist", required_skills=("Python", "Kubernetes"), optional_skills=("SQL",)),
            vacancy(vacancy_id="vac-2", place="Amersfoort", hours_min=20, hours_max=40),
        )
        ranked = feed.rank(criteria, index.matches(criteria), {"vac-2": {FeedbackKind.SAVE}}, TODAY, None)
        for r in ranked:
            bonus = 0.05 if r.saved else 0.0
            assert r.score == score_rule_match(criteria, r.vac, r.match, TODAY, bonus).total
