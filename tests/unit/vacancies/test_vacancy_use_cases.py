"""Use cases against an in-memory fake of the VacancyStore port (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from services.common.errors import InvalidArgument, NotFound
from services.vacancies.domain.ingest import IngestPlan, KnownSource
from services.vacancies.domain.model import Location, Vacancy, VacancyContent
from services.vacancies.service_layer.ingest import IngestVacancies, UpsertVacancy
from services.vacancies.service_layer.lifecycle import ExpireVacancies, GetVacancy, WithdrawVacancy


class FakeVacancyStore:
    """Just enough of the port for the write use cases."""

    def __init__(self) -> None:
        self.vacancies: dict[str, Vacancy] = {}
        self.sources: dict[tuple[str, str], KnownSource] = {}
        self.plans: list[IngestPlan] = []
        self.expired_before: list[str] = []

    def known_sources(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], KnownSource]:
        return {key: self.sources[key] for key in keys if key in self.sources}

    def open_by_fingerprint(self, fingerprints: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        for v in self.vacancies.values():
            if v.is_open and v.fingerprint in fingerprints:
                found.setdefault(v.fingerprint, []).append((v.vacancy_id, v.content.source))
        return found

    def apply_ingest(self, plan: IngestPlan, now: datetime) -> None:
        self.plans.append(plan)
        for new in plan.new:
            self.vacancies[new.vacancy_id] = Vacancy(
                vacancy_id=new.vacancy_id,
                content=new.item.content,
                fingerprint=new.item.fingerprint,
                created_at=now,
                updated_at=now,
            )
            self.sources[new.item.content.key] = KnownSource(new.vacancy_id, new.item.content_hash, True, True)

    def get(self, vacancy_id: str) -> Vacancy | None:
        return self.vacancies.get(vacancy_id)

    def close(self, vacancy_id: str, reason: str, now: datetime) -> Vacancy | None:
        vacancy = self.vacancies.get(vacancy_id)
        if vacancy is not None and vacancy.is_open:
            vacancy = vacancy.model_copy(update={"status": "closed", "closed_reason": reason})
            self.vacancies[vacancy_id] = vacancy
        return vacancy

    def expire(self, today: str, now: datetime) -> list[str]:
        self.expired_before.append(today)
        return []


def content(external_id: str, **changes: object) -> VacancyContent:
    values: dict[str, object] = {
        "source": "werkbank",
        "external_id": external_id,
        "title": "Kok",
        "employer": f"Restaurant {external_id}",
        "location": Location(place_name="Zwolle"),
    }
    values.update(changes)
    return VacancyContent(**values)  # type: ignore[arg-type]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def store() -> FakeVacancyStore:
    return FakeVacancyStore()


class TestIngestVacancies:
    def test_results_come_back_in_batch_order_with_rejections_in_place(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest = IngestVacancies(store, lambda: at("2026-11-25T10:00+00:00"))
        results = ingest([content("1"), content("2", title=""), content("3")])
        assert [(r.index, r.status) for r in results] == [(0, "accepted"), (1, "rejected"), (2, "accepted")]
        assert [v.field for v in results[1].violations] == ["vacancies[1].title"]

    def test_nothing_of_a_rejected_item_reaches_the_store(self, store) -> None:  # type: ignore[no-untyped-def]
        IngestVacancies(store, lambda: at("2026-11-25T10:00+00:00"))([content("bad", contract_type="vast")])
        assert store.vacancies == {} and all(plan.is_empty() for plan in store.plans)

    def test_the_closing_date_is_judged_on_the_dutch_calendar_day(self, store) -> None:  # type: ignore[no-untyped-def]
        # 23:30 UTC on 30 November is already 1 December in the Netherlands.
        late = IngestVacancies(store, lambda: at("2026-11-30T23:30+00:00"))
        (result,) = late([content("1", valid_through="2026-11-30")])
        assert [v.field for v in result.violations] == ["vacancies[0].valid_through"]


class TestUpsertVacancy:
    def test_an_invalid_vacancy_is_an_invalid_argument_on_vacancy_fields(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest = IngestVacancies(store, lambda: at("2026-11-25T10:00+00:00"))
        with pytest.raises(InvalidArgument) as error:
            UpsertVacancy(ingest, store)(content("1", title="", hours_min=-1))
        assert [v.field for v in error.value.violations] == ["vacancy.title", "vacancy.hours_min"]

    def test_a_valid_vacancy_comes_back_stored(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest = IngestVacancies(store, lambda: at("2026-11-25T10:00+00:00"))
        result = UpsertVacancy(ingest, store)(content("1"))
        assert (result.status, result.vacancy.content.location.province_code) == ("accepted", "15")


class TestLifecycle:
    def test_getting_or_withdrawing_an_unknown_vacancy_is_not_found(self, store) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(NotFound):
            GetVacancy(store)("vac_x")
        with pytest.raises(NotFound):
            WithdrawVacancy(store, lambda: at("2026-11-25T10:00+00:00"))("vac_x")

    def test_an_empty_id_is_an_invalid_argument(self, store) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(InvalidArgument) as error:
            GetVacancy(store)(" ")
        assert error.value.violations[0].field == "vacancy_id"

    def test_a_withdrawal_reason_with_control_characters_is_refused(self, store) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(InvalidArgument) as error:
            WithdrawVacancy(store, lambda: at("2026-11-25T10:00+00:00"))("vac_x", "vervuld\x00")
        assert error.value.violations[0].field == "reason"

    def test_expiry_uses_the_dutch_date_of_now(self, store) -> None:  # type: ignore[no-untyped-def]
        ExpireVacancies(store, lambda: at("2026-11-30T23:30+00:00"))()
        assert store.expired_before == ["2026-12-01"]


class TestConcurrentIngest:
    def test_two_batches_never_look_up_and_write_at_the_same_time(self, store) -> None:  # type: ignore[no-untyped-def]
        import threading

        inside, peak, second_arrived = [0], [0], threading.Event()
        lookup = store.known_sources

        def slow_lookup(keys):  # type: ignore[no-untyped-def]
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
            if inside[0] == 1:
                # Give the other batch every chance to come in while this one is between look-up and write.
                second_arrived.wait(timeout=0.5)
            else:
                second_arrived.set()
            try:
                return lookup(keys)
            finally:
                inside[0] -= 1

        store.known_sources = slow_lookup
        ingest = IngestVacancies(store, lambda: at("2026-11-25T10:00+00:00"))
        threads = [threading.Thread(target=ingest, args=([content("same")],)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert peak[0] == 1
        assert len(store.vacancies) == 1
