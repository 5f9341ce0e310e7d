from __future__ import annotations

from collections.abc import Iterator

from services.vacancies.domain.ingest import KnownSource, PreparedItem, plan_ingest
from services.vacancies.domain.model import VacancyContent


def item(
    index: int, source: str = "werkbank", external_id: str = "1", fp: str = "fp-a", hash_: str = "h1"
) -> PreparedItem:
    content = VacancyContent(source=source, external_id=external_id, title="Kok")
    return PreparedItem(index, content, fp, hash_)


def ids() -> Iterator[str]:
    n = 0
    while True:
        n += 1
        yield f"vac_{n}"


def plan(items: list[PreparedItem], known: dict | None = None, by_fp: dict | None = None):  # type: ignore[type-arg]
    counter = ids()
    return plan_ingest(items, known or {}, by_fp or {}, lambda: next(counter))


class TestPlanIngest:
    def test_a_new_vacancy_is_accepted_with_a_new_id(self) -> None:
        decided, results = plan([item(0)])
        assert [(r.status, r.vacancy_id) for r in results] == [("accepted", "vac_1")]
        assert [n.vacancy_id for n in decided.new] == ["vac_1"]

    def test_the_same_content_again_is_unchanged_and_plans_nothing(self) -> None:
        known = {("werkbank", "1"): KnownSource("vac_9", "h1", canonical=True, is_open=True)}
        decided, results = plan([item(0)], known)
        assert [(r.status, r.vacancy_id) for r in results] == [("unchanged", "vac_9")]
        assert decided.is_empty()

    def test_changed_content_from_the_same_source_is_an_update_of_that_vacancy(self) -> None:
        known = {("werkbank", "1"): KnownSource("vac_9", "old", canonical=True, is_open=True)}
        decided, results = plan([item(0)], known)
        assert results[0].status == "updated"
        assert [(c.vacancy_id, c.is_open) for c in decided.changed] == [("vac_9", True)]

    def test_an_expired_vacancy_with_new_content_is_planned_to_open_again(self) -> None:
        known = {("werkbank", "1"): KnownSource("vac_9", "old", canonical=True, is_open=False, closed_reason="expired")}
        decided, _ = plan([item(0)], known)
        assert [(c.is_open, c.reopen) for c in decided.changed] == [(False, True)]

    def test_a_withdrawn_vacancy_with_new_content_is_not_opened_again(self) -> None:
        known = {("werkbank", "1"): KnownSource("vac_9", "old", canonical=True, is_open=False, closed_reason="vervuld")}
        decided, _ = plan([item(0)], known)
        assert [c.reopen for c in decided.changed] == [False]

    def test_the_same_fingerprint_from_another_source_is_linked_as_duplicate(self) -> None:
        decided, results = plan([item(0, source="jobboard")], by_fp={"fp-a": [("vac_9", "werkbank")]})
        assert [(r.status, r.duplicate_of) for r in results] == [("duplicate", "vac_9")]
        assert [link.vacancy_id for link in decided.links] == ["vac_9"]
        assert decided.new == []

    def test_the_same_fingerprint_from_the_same_source_is_a_separate_vacancy(self) -> None:
        _, results = plan([item(0, external_id="2")], by_fp={"fp-a": [("vac_9", "werkbank")]})
        assert results[0].status == "accepted"

    def test_duplicates_within_one_batch_from_two_sources_are_linked_to_the_first(self) -> None:
        decided, results = plan([item(0), item(1, source="jobboard", external_id="x")])
        assert [(r.status, r.duplicate_of) for r in results] == [("accepted", ""), ("duplicate", "vac_1")]
        assert len(decided.new) == 1

    def test_the_same_key_twice_in_one_batch_rejects_the_second_on_external_id(self) -> None:
        _, results = plan([item(0), item(1)])
        assert [r.status for r in results] == ["accepted", "rejected"]
        assert results[1].violations[0].field == "vacancies[1].external_id"

    def test_a_resent_duplicate_is_unchanged_and_still_points_at_the_canonical_vacancy(self) -> None:
        known = {("jobboard", "1"): KnownSource("vac_9", "h1", canonical=False, is_open=True)}
        _, results = plan([item(0, source="jobboard")], known)
        assert [(r.status, r.duplicate_of) for r in results] == [("unchanged", "vac_9")]

    def test_a_linked_copy_that_changes_after_its_vacancy_closed_becomes_a_vacancy_of_its_own(self) -> None:
        known = {
            ("jobboard", "1"): KnownSource("vac_9", "old", canonical=False, is_open=False, closed_reason="vervuld")
        }
        decided, results = plan([item(0, source="jobboard")], known)
        assert [(r.status, r.vacancy_id, r.duplicate_of) for r in results] == [("accepted", "vac_1", "")]
        assert [n.vacancy_id for n in decided.new] == ["vac_1"]
