"""Wire the matching service from Settings: store + indexes, outbox, handlers, consumer, server."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc

from jobmatch.matching.v1 import matching_service_pb2_grpc
from services.common.bus import kafka_clients
from services.common.bus.consumer import EventConsumer, ProcessedEvents, SqliteProcessedEvents
from services.common.bus.leader import SingleWriter, owner_of
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.bus.topics import ACTIVITIES, VACANCIES
from services.common.observability.metrics import MATCHING_PROFILES, TimedStore, read_at_scrape
from services.common.page_tokens import PageTokens
from services.common.privacy import ErasureReport, erased_event
from services.common.processing_log import SqliteProcessingLog
from services.common.runtime import BackgroundWork, run_service
from services.common.settings import Settings
from services.matching.adapters.caseload_projection import ElasticsearchCaseloadProjection, SqliteCaseloadProjection
from services.matching.adapters.sqlite_store import SqliteMatchingStore
from services.matching.domain import feed_pass, reverse_query
from services.matching.entrypoints.events import MatchingEventHandler
from services.matching.entrypoints.grpc_servicer import (
    ACCESS,
    SERVICE_NAME,
    MatchingServicer,
)
from services.matching.service_layer.handlers import MatchingHandlers
from services.matching.service_layer.ports import CaseloadProjection

log = logging.getLogger("jobmatch.matching")
Clock = Callable[[], datetime]
SOURCE_SYSTEM = "jobmatch-matching"
CONSUMER_GROUP = "jobmatch-matching"
OUTBOX_NAME = "matching"  # the search path's outbox index: <prefix>-matching-outbox
# How often the leading replica settles what a dead replica left pending in the search store.
SWEEP_INTERVAL_SECONDS = 5.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    store: SqliteMatchingStore
    outbox: SqliteOutbox  # on the search path the engine's outbox (EngineOutbox), shared by the replicas
    processing_log: SqliteProcessingLog
    handlers: MatchingHandlers
    clock: Clock
    caseloads: CaseloadProjection
    tokens: PageTokens  # signs the list RPCs' page tokens (feed, reverse match, processing log)
    background: BackgroundWork = field(default_factory=lambda: BackgroundWork("matching"))
    # On the search path the consumer dedupes in the engine, shared by every replica.
    search: Any = None  # SearchConnection | None

    def processed_events(self) -> ProcessedEvents:
        if self.search is not None:
            return self.search.processed_events(CONSUMER_GROUP)
        return SqliteProcessedEvents(self.store.path)

    def event_handler(self) -> MatchingEventHandler:
        return MatchingEventHandler(self.handlers, self.clock, self.caseloads)

    def start_background(self) -> None:
        """Outbox relay and the vacancy/activity consumer, when a broker is configured."""
        bootstrap = self.settings.kafka_bootstrap_servers
        if not bootstrap:
            return
        consumer = EventConsumer(
            bootstrap,
            [VACANCIES, ACTIVITIES],
            CONSUMER_GROUP,
            self.event_handler(),
            self.processed_events(),
            **self.settings.group_timing(),
            fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
        )
        if self.search is None:
            self.background.start(OutboxRelay.from_settings(self.outbox, self.settings))
        else:  # one outbox for all replicas: the owner of vacancies partition 0 relays and sweeps it
            leads = owner_of(consumer, VACANCIES)
            self.background.start(OutboxRelay.from_settings(self.outbox, self.settings, leads=leads))
            settle = self.store.settle_abandoned  # type: ignore[attr-defined]  # the search store's
            self.background.every(SWEEP_INTERVAL_SECONDS, "outbox sweep", SingleWriter("outbox sweep", leads, settle))
        self.background.start(consumer)

    def relay(self) -> OutboxRelay | None:
        return self.background.find(OutboxRelay)

    def consumer(self) -> EventConsumer | None:
        return self.background.find(EventConsumer)

    def close(self) -> None:
        self.background.stop()
        self.caseloads.close()
        self.store.close()
        self.processing_log.close()


@dataclass
class MatchingEraser:
    store: SqliteMatchingStore

    def erase_client_data(self, client_id: str, reason: str) -> ErasureReport:
        erased = {k: v for k, v in self.store.erase_client(client_id, self._announcement(client_id)).items() if v}
        return ErasureReport(erased=erased)

    @staticmethod
    def _announcement(client_id: str) -> Any:
        return erased_event(client_id, SOURCE_SYSTEM, ["search_profile", "feedback", "feed_state", "vacancy_match"])


def build_app(
    settings: Settings,
    *,
    store: Any = None,
    client: Any = None,
    clock: Clock | None = None,
    tokens: PageTokens | None = None,
) -> App:
    """The app from `settings`; a test may hand in its own parts instead of the ones the
    settings name: `store` (built with its outbox, which the relay then reads), `client` (the
    search engine the search path uses instead of connecting to the settings' URL), `clock`,
    and `tokens` (the page-token signer; by default derived from the token secret, so every
    replica with the same secret accepts the others' tokens)."""
    clock = clock or utc_now
    tokens = tokens or PageTokens.derived(settings.token_secret.get_secret_value(), "list")
    kafka_clients.configure(settings)
    data_dir = settings.service_data_dir("matching")
    source = settings.source_urn(SOURCE_SYSTEM)
    outbox: Any
    processing_log: Any
    es = None
    if settings.search_engine_url or client is not None:
        # Search-engine stores, processed-event ids and outbox: nothing on the replica's disk.
        from services.common.search import outbox as engine_outbox
        from services.common.search.connect import connect
        from services.matching.adapters.elasticsearch_mappings import INDEX_SPECS
        from services.matching.adapters.elasticsearch_store import (
            ElasticsearchMatchingStore,
        )

        es = connect(settings, [*INDEX_SPECS, engine_outbox.outbox_index_spec(OUTBOX_NAME)], engine=client)
        if store is None:
            outbox = engine_outbox.EngineOutbox(
                es.engine, es.prefix, OUTBOX_NAME, source, retention_days=settings.outbox_retention_days
            )
            store = ElasticsearchMatchingStore(es.engine, es.prefix, outbox)
        caseloads: CaseloadProjection = ElasticsearchCaseloadProjection(es.engine, es.prefix)
        processing_log = es.processing_log
    else:
        if store is None:
            store = SqliteMatchingStore(
                data_dir / "matching.db", SqliteOutbox(data_dir / "matching.db", source, settings.outbox_retention_days)
            )
            # Compiled (or loaded from numba's cache) now, not on the first vacancy or feed.
            reverse_query.warm_up()
            feed_pass.warm_up()
        caseloads = SqliteCaseloadProjection(data_dir / "matching.db")
        processing_log = SqliteProcessingLog(data_dir / "processing_log.db")
    outbox = store._outbox  # the outbox the store writes its events to: the relay's source
    # The service layer's store calls are timed by operation; the gauge asks the store at scrape time.
    timed = TimedStore(store, "matching", "search" if es is not None else "sqlite")
    read_at_scrape(MATCHING_PROFILES, store.profile_count)
    handlers = MatchingHandlers(timed, timed, timed, clock, tokens)
    return App(settings, store, outbox, processing_log, handlers, clock, caseloads, tokens, search=es)


def create_server(
    settings: Settings, address: str = "127.0.0.1:0", app: App | None = None
) -> tuple[grpc.Server, int, App]:
    from services.common.grpc_server import create_grpc_server
    from services.common.privacy import PrivacyServicer

    app = app or build_app(settings)
    servicer = MatchingServicer(app.handlers, app.caseloads, accept_caseload_claim=settings.accept_caseload_claim)
    server, port = create_grpc_server(
        address,
        settings=settings,
        service_names=[SERVICE_NAME],
        register=lambda s: matching_service_pb2_grpc.add_MatchingServiceServicer_to_server(servicer, s),
        access=ACCESS,
        processing_log=app.processing_log,
        caseload=app.caseloads.is_assigned,
        privacy=PrivacyServicer(app.processing_log, MatchingEraser(app.store), app.tokens),
    )
    return server, port, app


def main() -> None:
    from services.matching.seed import seed_sample_data

    run_service("matching", build_app, create_server, seed_sample_data)
