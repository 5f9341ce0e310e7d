"""Each service's `build_app` takes its parts from the caller when given — a store, a search
engine client, a clock, a page-token signer — and otherwise builds them from the settings; the
page-token signer is the app's own, derived from the token secret, so replicas sharing the
secret accept each other's tokens and a deployment with another secret does not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.memory_activities import MemoryActivitiesStore
from fakes.memory_matching import MemoryMatchingStore
from pydantic import SecretStr
from search_legs import migrated_cluster

from services.activities import bootstrap as activities
from services.activities.domain.model import ActivityDraft, ActivityType, Channel
from services.activities.service_layer import commands as c
from services.common.errors import InvalidArgument
from services.common.page_tokens import PageTokens
from services.common.reference import occupations, places
from services.common.search.client import Connection, create_engine
from services.common.settings import Settings
from services.matching import bootstrap as matching
from services.matching.domain.model import OccupationWishInput, OpenVacancy, SearchProfileInput
from services.matching.service_layer.handlers import GetFeed
from services.vacancies import bootstrap as vacancies

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def replica(settings: Settings, tmp_path: Path, name: str, **changes: object) -> Settings:
    return settings.model_copy(update={"data_dir": tmp_path / name, **changes})


def profile_input(client_id: str) -> SearchProfileInput:
    return SearchProfileInput(
        client_id=client_id,
        occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
        home_place_name="Utrecht",
        max_travel_km=25,
        hours_min=24,
        hours_max=36,
    )


def developer_in_utrecht(vacancy_id: str) -> OpenVacancy:
    occupation = occupations.by_isco_prefix("2512")[0]
    where = places.lookup("Utrecht")
    assert where is not None
    return OpenVacancy(
        vacancy_id=vacancy_id,
        title=occupation.label_nl,
        employer="Voorbeeld B.V.",
        esco_uri=occupation.uri,
        isco_code=occupation.isco_code,
        place_name=where.name,
        latitude=where.latitude,
        longitude=where.longitude,
        has_coordinates=True,
        hours_min=32,
        hours_max=36,
        date_posted="2026-11-20",
        received_at=NOW,
    )


def test_replicas_on_one_store_accept_each_others_feed_tokens_and_another_secret_is_refused(
    offline_settings: Settings, tmp_path: Path
) -> None:
    shared = MemoryMatchingStore()  # what replicas on one search engine share
    first, second, stranger = (
        matching.build_app(replica(offline_settings, tmp_path, name, **extra), store=shared, clock=lambda: NOW)
        for name, extra in (
            ("one", {}),
            ("two", {}),
            ("other", {"token_secret": SecretStr("another deployment's secret " * 2)}),
        )
    )
    try:
        first.handlers.set_search_profile(profile_input("c-1"))
        for n in range(3):
            first.handlers.vacancy_opened_or_changed(developer_in_utrecht(f"vac-{n}"))
        token = first.handlers.get_feed(GetFeed("c-1", page_size=2)).next_page_token
        rest = second.handlers.get_feed(GetFeed("c-1", page_size=2, page_token=token))
        assert len(rest.items) == 1 and rest.next_page_token == ""
        with pytest.raises(InvalidArgument):
            stranger.handlers.get_feed(GetFeed("c-1", page_size=2, page_token=token))
    finally:
        for app in (first, second, stranger):
            app.close()


def test_a_given_store_and_signer_are_the_ones_the_activities_use_cases_use(offline_settings: Settings) -> None:
    store = MemoryActivitiesStore()
    tokens = PageTokens(b"the test's own key")
    app = activities.build_app(offline_settings, store=store, clock=lambda: NOW, tokens=tokens)
    try:
        app.obligations.set_policy(c.SetObligationPolicy("cw-1", "c-1", "uwv-ww", start_date=NOW.date()))
        for n in range(2):
            app.activities.log_activity(
                c.LogActivity(
                    "c-1",
                    ActivityDraft(
                        request_id=f"r-{n}",
                        type=ActivityType.OPEN_APPLICATION,
                        date=NOW.date(),
                        employer="Werkgever B.V.",
                        position="Monteur",
                        channel=Channel.LETTER,
                    ),
                )
            )
        assert store.count_for_client("c-1") == 2 and app.outbox is store.outbox
        _, token = app.activities.list_activities(c.ListActivities("c-1", page_size=1))
        assert tokens.read(token, '["c-1", "", ""]')  # signed by the given signer, for this query
    finally:
        app.close()


@pytest.mark.parametrize("module", [vacancies, matching, activities], ids=lambda m: m.__name__.split(".")[1])
def test_a_given_search_engine_client_is_used_instead_of_the_settings_url(module, offline_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with migrated_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        try:
            app = module.build_app(
                offline_settings.model_copy(update={"search_index_prefix": "jobmatch"}),
                client=engine,
                clock=lambda: NOW,
            )
            try:
                assert offline_settings.search_engine_url is None
                assert app.store._es is engine and app.processing_log is not None
            finally:
                app.close()
        finally:
            engine.close()
