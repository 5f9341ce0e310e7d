"""Wire the vacancies service from Settings: store + outbox, use cases, relay, expiry sweeper, server."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import grpc

from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.bus import kafka_clients
from services.common.bus.leader import GroupLease, SingleWriter, owner_of
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.bus.topics import VACANCIES
from services.common.observability.metrics import TimedStore
from services.common.page_tokens import PageTokens
from services.common.processing_log import SqliteProcessingLog
from services.common.runtime import BackgroundWork, run_service
from services.common.settings import Settings

from .adapters.sqlite_store import SqliteVacancyStore
from .entrypoints.grpc_servicer import ACCESS, SERVICE_NAME, VacancyServicer
from .service_layer.ingest import IngestVacancies, UpsertVacancy
from .service_layer.lifecycle import ExpireVacancies, GetVacancy, WithdrawVacancy
from .service_layer.search import ListVacancyChanges, SearchVacancies

if TYPE_CHECKING:
    from .relay_process import RelayProcess

log = logging.getLogger("jobmatch.vacancies")
Clock = Callable[[], datetime]
SOURCE_SYSTEM = "jobmatch-vacancies"
EXPIRY_INTERVAL_SECONDS = 60.0
EXPIRY_INTERVAL_ENV = "JOBMATCH_VACANCY_EXPIRY_INTERVAL_SECONDS"
# The SQLite outbox's relay runs in a process of its own (see relay_process), so bulk ingest
# stores on one core while the relay publishes on another; "0": a thread of this process.
RELAY_PROCESS_ENV = "JOBMATCH_VACANCIES_RELAY_PROCESS"
# Vacancies consume no topic, so the expiry sweep's lease is a group of its own on the
# vacancies topic (members never read it): the owner of partition 0 sweeps.
LEASE_GROUP = "jobmatch-vacancies-jobs"
OUTBOX_NAME = "vacancies"  # the search path's outbox index: <prefix>-vacancies-outbox
# How often the leading replica settles what a dead replica left pending in the search store.
SWEEP_INTERVAL_SECONDS = 5.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    store: SqliteVacancyStore
    outbox: SqliteOutbox  # on the search path the engine's outbox (EngineOutbox), shared by the replicas
    processing_log: SqliteProcessingLog
    clock: Clock
    tokens: PageTokens  # signs the list RPCs' page tokens (search, changes, processing log)
    ingest: IngestVacancies
    upsert: UpsertVacancy
    get: GetVacancy
    withdraw: WithdrawVacancy
    expire: ExpireVacancies
    search: SearchVacancies
    changes: ListVacancyChanges
    background: BackgroundWork = field(default_factory=lambda: BackgroundWork("vacancies"))
    expiry_job: SingleWriter | None = None

    def start_background(self, *, expiry_interval: float | None = None, relay_process: bool | None = None) -> None:
        """The outbox relay (when a broker is configured) and the expiry sweeper, which runs on
        one replica only: the one holding the group lease (every replica without a broker). On
        the search path the outbox is the engine's, shared by the replicas: the lease holder
        also relays it and sweeps what a replica that died left pending. The SQLite outbox's
        relay runs in a child process unless `relay_process` is False (by default: unless
        JOBMATCH_VACANCIES_RELAY_PROCESS is 0)."""
        if expiry_interval is None:
            expiry_interval = float(os.environ.get(EXPIRY_INTERVAL_ENV, EXPIRY_INTERVAL_SECONDS))
        shared = not isinstance(self.outbox, SqliteOutbox)
        lease = None
        bootstrap = self.settings.kafka_bootstrap_servers
        if bootstrap and (expiry_interval > 0 or shared):
            lease = self.background.start(GroupLease(bootstrap, VACANCIES, LEASE_GROUP, **self.settings.group_timing()))
        leads = owner_of(lease, VACANCIES)
        if relay_process is None:
            relay_process = os.environ.get(RELAY_PROCESS_ENV, "1").strip() != "0"
        if bootstrap and relay_process and isinstance(self.outbox, SqliteOutbox):
            from .relay_process import RelayProcess

            self.background.start(RelayProcess(self.outbox, self.settings))
        elif bootstrap:
            self.background.start(
                OutboxRelay.from_settings(self.outbox, self.settings, leads=leads if shared else None)
            )
        if shared:
            settle = self.store.settle_abandoned  # type: ignore[attr-defined]  # the search store's (shared)
            self.background.every(SWEEP_INTERVAL_SECONDS, "outbox sweep", SingleWriter("outbox sweep", leads, settle))
        if expiry_interval > 0:
            self.expiry_job = SingleWriter("expiry sweep", leads, self._expire_and_log)
            self.background.every(expiry_interval, "expiry", self.expiry_job)

    def _expire_and_log(self) -> None:
        closed = self.expire()
        if closed:
            log.info("expired vacancies closed", extra={"count": len(closed)})

    def relay(self) -> OutboxRelay | RelayProcess | None:
        from .relay_process import RelayProcess

        return self.background.find(OutboxRelay) or self.background.find(RelayProcess)

    def close(self) -> None:
        self.background.stop()
        self.store.close_store()
        self.processing_log.close()


def tune_garbage_collection() -> None:
    """Ingest makes many short-lived objects; with the default threshold (700 allocations) the
    cyclic collector runs every few vacancies and costs about a quarter of the ingest time.
    Freeze what startup built and collect less often (nothing here relies on prompt cycle collection)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)


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
    # Page tokens are signed with keys derived from the token secret (not the secret itself).
    tokens = tokens or PageTokens.derived(settings.token_secret.get_secret_value(), "vacancies")
    kafka_clients.configure(settings)
    data_dir = settings.service_data_dir("vacancies")
    db_path = data_dir / "vacancies.db"
    source = settings.source_urn(SOURCE_SYSTEM)
    processing_log: Any
    on_search = bool(settings.search_engine_url) or client is not None
    if on_search:
        # Search-engine stores and outbox: nothing on the replica's disk.
        from services.common.search import counters as es_counters
        from services.common.search import outbox as engine_outbox
        from services.common.search.connect import connect

        from .adapters.elasticsearch_mappings import INDEX_SPECS
        from .adapters.elasticsearch_store import ElasticsearchVacancyStore

        es = connect(
            settings,
            [*INDEX_SPECS, *es_counters.INDEX_SPECS, engine_outbox.outbox_index_spec(OUTBOX_NAME)],
            engine=client,
        )
        if store is None:
            store = ElasticsearchVacancyStore(
                es.engine,
                es.prefix,
                engine_outbox.EngineOutbox(
                    es.engine, es.prefix, OUTBOX_NAME, source, retention_days=settings.outbox_retention_days
                ),
            )
        processing_log = es.processing_log
    else:
        if store is None:
            store = SqliteVacancyStore(db_path, SqliteOutbox(db_path, source, settings.outbox_retention_days))
        processing_log = SqliteProcessingLog(data_dir / "processing_log.db")
    outbox = store._outbox  # the outbox the store writes its events to: the relay's source
    timed = TimedStore(store, "vacancies", "search" if on_search else "sqlite")  # latency by operation
    ingest = IngestVacancies(timed, clock)
    return App(
        settings=settings,
        store=store,
        outbox=outbox,
        processing_log=processing_log,
        clock=clock,
        tokens=tokens,
        ingest=ingest,
        upsert=UpsertVacancy(ingest, timed),
        get=GetVacancy(timed),
        withdraw=WithdrawVacancy(timed, clock),
        expire=ExpireVacancies(timed, clock),
        search=SearchVacancies(timed, tokens),
        changes=ListVacancyChanges(timed, tokens),
    )


class NoClientData:
    """Vacancies hold no client data (ads are not about clients), so erasure has nothing to do;
    the privacy service still answers, so one request can go to every service."""

    def erase_client_data(self, client_id: str, reason: str) -> Any:
        from services.common.privacy import ErasureReport

        return ErasureReport()


def create_server(
    settings: Settings, address: str = "127.0.0.1:0", app: App | None = None
) -> tuple[grpc.Server, int, App]:
    from services.common.grpc_server import create_grpc_server
    from services.common.privacy import PrivacyServicer

    app = app or build_app(settings)
    servicer = VacancyServicer(app)
    server, port = create_grpc_server(
        address,
        settings=settings,
        service_names=[SERVICE_NAME],
        register=lambda s: vacancy_service_pb2_grpc.add_VacancyServiceServicer_to_server(servicer, s),
        access=ACCESS,
        processing_log=app.processing_log,
        privacy=PrivacyServicer(app.processing_log, NoClientData(), app.tokens),
    )
    return server, port, app


def main() -> None:
    from .seed import seed_sample_data

    tune_garbage_collection()
    run_service("vacancies", build_app, create_server, seed_sample_data)
