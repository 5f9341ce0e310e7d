"""Contract of the VacancyProjection port, run against every adapter."""

from __future__ import annotations

from test_activity_store_contract import store  # noqa: F401 - the same adapters (SQLite, Elasticsearch)

from services.activities.domain.model import Channel
from services.activities.domain.vacancy import VacancySummary


class TestVacancyProjectionContract:
    def test_an_upserted_vacancy_reads_back_and_updates_replace_it(self, store):
        store.upsert_vacancy(VacancySummary(vacancy_id="v-1", title="Kok", employer="Restaurant Aan Zee"))
        store.upsert_vacancy(
            VacancySummary(vacancy_id="v-1", title="Chef-kok", employer="Restaurant Aan Zee", channel=Channel.LETTER)
        )
        assert store.vacancy("v-1") == VacancySummary(
            vacancy_id="v-1", title="Chef-kok", employer="Restaurant Aan Zee", channel=Channel.LETTER
        )

    def test_a_closed_vacancy_is_kept_but_no_longer_open(self, store):
        store.upsert_vacancy(VacancySummary(vacancy_id="v-1", title="Kok", employer="Restaurant Aan Zee"))
        store.close_vacancy("v-1")
        store.close_vacancy("v-unknown")
        assert store.vacancy("v-1").open is False
        assert store.vacancy("v-unknown") is None
