"""Wire the activities service from Settings: store, outbox, handlers, consumers, sweeper, server."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc

from jobmatch.activities.v1 import activities_pb2_grpc
from services.activities.adapters.sqlite_store import SqliteActivitiesStore
from services.activities.domain.exemptions import working_days
from services.activities.domain.texts import day_en, day_nl
from services.activities.entrypoints.caseload_events import CaseloadEventHandler
from services.activities.entrypoints.grpc_servicer import (
    ACCESS,
    SERVICE_NAME,
    ActivityServicer,
)
from services.activities.entrypoints.matching_events import ActivitiesEventHandler, MatchingEventHandler
from services.activities.entrypoints.vacancy_events import VacancyEventHandler
from services.activities.service_layer.activity_handlers import ActivityHandlers
from services.activities.service_layer.caseload import CaseloadHandlers
from services.activities.service_layer.feed_applications import FeedApplications
from services.activities.service_layer.obligation_handlers import (
    ObligationHandlers,
    SweepReport,
)
from services.activities.service_layer.privacy import ActivitiesEraser
from services.common.bus import kafka_clients
from services.common.bus.consumer import EventConsumer, ProcessedEvents, SqliteProcessedEvents
from services.common.bus.leader import SingleWriter, owner_of
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.bus.topics import CASELOAD, MATCHING, VACANCIES
from services.common.observability.metrics import ACTIVITIES_CLIENTS, TimedStore
from services.common.page_tokens import PageTokens
from services.common.processing_log import (
    SqliteProcessingLog,
    background_context,
    record_processing_many,
)
from services.common.runtime import BackgroundWork, run_service
from services.common.settings import Settings

log = logging.getLogger("jobmatch.activities")
Clock = Callable[[], datetime]
SOURCE_SYSTEM = "jobmatch-activities"
SWEEP_INTERVAL_SECONDS = 60.0
OUTBOX_SWEEP_SECONDS = 5.0  # and how long a commit document may stay pending before it is swept
VACANCY_GROUP = "jobmatch-activities-vacancies"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    store: SqliteActivitiesStore
    # The relay's source: the service's SQLite outbox, or on the search path the engine's
    # outbox index (EngineOutbox, shared by the replicas; one of them relays and sweeps).
    outbox: Any
    processing_log: SqliteProcessingLog
    activities: ActivityHandlers
    obligations: ObligationHandlers
    caseloads: CaseloadHandlers
    clock: Clock
    tokens: PageTokens  # signs the list RPCs' page tokens (activities, caseload, processing log)
    background: BackgroundWork = field(default_factory=lambda: BackgroundWork("activities"))
    # On the search path the consumer dedupes in the engine, shared by every replica.
    search: Any = None  # SearchConnection | None
    sweep_job: SingleWriter | None = None
    outbox_sweep_job: SingleWriter | None = None

    def processed_events(self) -> ProcessedEvents:
        if self.search is not None:
            return self.search.processed_events(VACANCY_GROUP)
        return SqliteProcessedEvents(self.store.path)

    def event_handler(self) -> ActivitiesEventHandler:
        """Vacancy events feed the projection; "I applied" from the feed logs the activity;
        the caseworker platform's caseload events change the stored caseloads."""
        return ActivitiesEventHandler(
            VacancyEventHandler(self.store),
            MatchingEventHandler(FeedApplications(self.activities), self.clock),
            self._caseload_event,
        )

    def _caseload_event(self, event: object) -> None:
        with background_context(self.processing_log, "activities", "caseload-events"):
            CaseloadEventHandler(self.caseloads)(event)

    def sweep(self) -> SweepReport:
        with background_context(self.processing_log, "activities", "sweep"):
            return self.obligations.sweep()

    def start_background(
        self, *, sweep_interval: float = SWEEP_INTERVAL_SECONDS, outbox_sweep_interval: float = OUTBOX_SWEEP_SECONDS
    ) -> None:
        """Outbox relay and vacancy consumer (with a broker) and the period sweeper (at-risk,
        notice, assessment, retention), which runs on one replica only: the one owning partition
        0 of the vacancies topic in the consumer's group (every replica without a broker). On
        the search path that replica also relays the shared outbox and settles the events a
        dead replica left pending in its commit documents."""
        bootstrap = self.settings.kafka_bootstrap_servers
        consumer = None
        if bootstrap:
            consumer = self.background.start(
                EventConsumer(
                    bootstrap,
                    [VACANCIES, MATCHING, CASELOAD],
                    VACANCY_GROUP,
                    self.event_handler(),
                    self.processed_events(),
                    **self.settings.group_timing(),
                    fetch_max_wait_ms=self.settings.kafka_fetch_max_wait_ms,
                )
            )
        leads = owner_of(consumer, VACANCIES)
        if bootstrap:
            shared = self.search is not None  # the engine's outbox: one relay for every replica
            self.background.start(
                OutboxRelay.from_settings(self.outbox, self.settings, leads=leads if shared else None)
            )
        if sweep_interval > 0:
            self.sweep_job = SingleWriter("period sweep", leads, self._sweep_and_log)
            self.background.every(sweep_interval, "sweeper", self.sweep_job)
        if self.search is not None and outbox_sweep_interval > 0:
            self.outbox_sweep_job = SingleWriter("outbox sweep", leads, self.sweep_outbox)
            self.background.every(outbox_sweep_interval, "outbox-sweeper", self.outbox_sweep_job)

    def sweep_outbox(self, older_than_s: float = OUTBOX_SWEEP_SECONDS) -> int:
        """Settle commit documents whose writer died before it settled them (search path)."""
        indices = self.store.commit_indices  # type: ignore[attr-defined]  # the search store's (self.search is set)
        return int(self.outbox.sweep(indices, older_than_s))

    def _sweep_and_log(self) -> None:
        report = self.sweep()
        for status, count in self.obligations.status_census().items():
            ACTIVITIES_CLIENTS.labels(status).set(count)
        if report.at_risk_signals or report.assessed_signals or report.erased_activities:
            log.info(
                "period sweep",
                extra={
                    "at_risk": report.at_risk_signals,
                    "assessed": report.assessed_signals,
                    "erased": report.erased_activities,
                },
            )

    def relay(self) -> OutboxRelay | None:
        return self.background.find(OutboxRelay)

    def close(self) -> None:
        self.background.stop()
        self.store.close()
        self.processing_log.close()


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
    data_dir = settings.service_data_dir("activities")
    processing_log: Any
    es = None
    if settings.search_engine_url or client is not None:
        # Search-engine stores, processed-event ids and outbox: nothing on the replica's disk.
        from services.activities.adapters.elasticsearch_mappings import INDEX_SPECS, OUTBOX, OUTBOX_SERVICE
        from services.activities.adapters.elasticsearch_store import (
            ElasticsearchActivitiesStore,
        )
        from services.common.search.connect import connect
        from services.common.search.outbox import EngineOutbox

        es = connect(settings, [*INDEX_SPECS, OUTBOX], engine=client)
        if store is None:
            store = ElasticsearchActivitiesStore(
                es.engine,
                es.prefix,
                EngineOutbox(
                    es.engine,
                    es.prefix,
                    OUTBOX_SERVICE,
                    settings.source_urn(SOURCE_SYSTEM),
                    retention_days=settings.outbox_retention_days,
                ),
            )
        processing_log = es.processing_log
    else:
        if store is None:
            store = SqliteActivitiesStore(
                data_dir / "activities.db",
                SqliteOutbox(
                    data_dir / "activities.db", settings.source_urn(SOURCE_SYSTEM), settings.outbox_retention_days
                ),
            )
        processing_log = SqliteProcessingLog(data_dir / "processing_log.db")
    outbox = store._outbox  # the outbox the store writes its events to: the relay's source
    timed = TimedStore(store, "activities", "search" if es is not None else "sqlite")  # latency by operation
    activities = ActivityHandlers(timed, timed, timed, clock, tokens=tokens)
    obligations = ObligationHandlers(timed, timed, clock, record=record_processing_many, tokens=tokens)
    caseloads = CaseloadHandlers(timed, clock, record=record_processing_many)
    return App(settings, store, outbox, processing_log, activities, obligations, caseloads, clock, tokens, search=es)


def create_server(
    settings: Settings, address: str = "127.0.0.1:0", app: App | None = None
) -> tuple[grpc.Server, int, App]:
    from services.common.grpc_server import create_grpc_server
    from services.common.privacy import PrivacyServicer

    app = app or build_app(settings)
    # The holiday calendars and Babel's date patterns load on first use (tens of milliseconds):
    # now, not in the first caseload call.
    today = app.clock().date()
    working_days(today, today)
    day_nl(today), day_en(today)
    servicer = ActivityServicer(
        app.activities, app.obligations, app.caseloads, accept_caseload_claim=settings.accept_caseload_claim
    )
    privacy = PrivacyServicer(app.processing_log, ActivitiesEraser(app.store, app.clock), app.tokens)
    server, port = create_grpc_server(
        address,
        settings=settings,
        service_names=[SERVICE_NAME],
        register=lambda s: activities_pb2_grpc.add_ActivityServiceServicer_to_server(servicer, s),
        access=ACCESS,
        processing_log=app.processing_log,
        privacy=privacy,
        caseload=app.caseloads.is_assigned,
    )
    return server, port, app


def settle_startup_heap() -> None:
    """Take what start-up built (modules, gRPC, the app, the warmed calendars: ~90 000 objects)
    out of the cyclic collector's view. They live as long as the process, yet each full (gen-2)
    collection walked them all: ~50 ms, about once every hundred caseload calls, which set the
    caseload's p99 (issue 20, P7). The collection first, so no garbage is frozen with them."""
    gc.collect()
    gc.freeze()


def _create_server_and_settle(settings: Settings, address: str, app: App) -> tuple[grpc.Server, int, App]:
    created = create_server(settings, address, app)
    settle_startup_heap()
    return created


def main() -> None:
    from services.activities.seed import seed_sample_data

    run_service("activities", build_app, _create_server_and_settle, seed_sample_data)
