"""Wire the matching service from Settings: store + indexes, outbox, handlers, consumer, server."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc

from jobmatch.matching.v1 import matching_service_pb2_grpc
from services.common.bus.outbox import SqliteOutbox
from services.common.bus.topics import ACTIVITIES, VACANCIES
from services.common.privacy import ErasureReport, erased_event
from services.common.processing_log import SqliteProcessingLog
from services.common.settings import Settings
from services.matching.adapters.sqlite_store import SqliteMatchingStore
from services.matching.entrypoints.events import MatchingEventHandler
from services.matching.entrypoints.grpc_servicer import ACCESS, SERVICE_NAME, MatchingServicer
from services.matching.service_layer.handlers import MatchingHandlers

log = logging.getLogger("jobmatch.matching")
Clock = Callable[[], datetime]
SOURCE_SYSTEM = "jobmatch-matching"
CONSUMER_GROUP = "jobmatch-matching"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    store: SqliteMatchingStore
    outbox: SqliteOutbox
    processing_log: SqliteProcessingLog
    handlers: MatchingHandlers
    clock: Clock
    background: list[Any] = field(default_factory=list)

    def event_handler(self) -> MatchingEventHandler:
        return MatchingEventHandler(self.handlers, self.clock)

    def start_background(self) -> None:
        """Outbox relay and the vacancy/activity consumer, when a broker is configured."""
        bootstrap = self.settings.kafka_bootstrap_servers
        if not bootstrap:
            return
        from services.common.bus.consumer import EventConsumer, SqliteProcessedEvents
        from services.common.bus.relay import OutboxRelay

        relay = OutboxRelay.from_settings(self.outbox, self.settings)
        relay.start()
        self.background.append(relay)
        consumer = EventConsumer(bootstrap, [VACANCIES, ACTIVITIES], CONSUMER_GROUP, self.event_handler(),
                                 SqliteProcessedEvents(self.store.path))
        consumer.start()
        self.background.append(consumer)

    def relay(self) -> Any | None:
        return next((b for b in self.background if hasattr(b, "flush")), None)

    def consumer(self) -> Any | None:
        return next((b for b in self.background if hasattr(b, "wait_until_assigned")), None)

    def close(self) -> None:
        for part in reversed(self.background):
            try:
                part.stop()
            except Exception:  # noqa: BLE001 - keep closing the rest
                log.exception("error while stopping %s", part)
        self.background.clear()
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


def build_app(settings: Settings, *, clock: Clock | None = None) -> App:
    clock = clock or utc_now
    data_dir = settings.service_data_dir("matching")
    outbox = SqliteOutbox(data_dir / "matching.db", settings.source_urn(SOURCE_SYSTEM), settings.outbox_retention_days)
    store: Any
    processing_log: Any
    if settings.elasticsearch_url:
        # Elasticsearch stores; the outbox (and processed-event ids) stay in the local file.
        from services.common.elasticsearch import processing_log as es_processing_log
        from services.common.elasticsearch.client import client_from_settings, index_prefix
        from services.common.elasticsearch.indices import require_current
        from services.common.elasticsearch.processing_log import ElasticsearchProcessingLog
        from services.matching.adapters.elasticsearch_mappings import INDEX_SPECS
        from services.matching.adapters.elasticsearch_store import ElasticsearchMatchingStore

        es = client_from_settings(settings)
        require_current(es, [*INDEX_SPECS, *es_processing_log.INDEX_SPECS], index_prefix())
        store = ElasticsearchMatchingStore(es, index_prefix(), outbox)
        processing_log = ElasticsearchProcessingLog(es, index_prefix())
    else:
        store = SqliteMatchingStore(data_dir / "matching.db", outbox)
        processing_log = SqliteProcessingLog(data_dir / "processing_log.db")
    handlers = MatchingHandlers(store, store, store, clock)
    return App(settings, store, outbox, processing_log, handlers, clock)


def create_server(settings: Settings, address: str = "127.0.0.1:0",
                  app: App | None = None) -> tuple[grpc.Server, int, App]:
    from services.common.grpc_server import create_grpc_server
    from services.common.privacy import PrivacyServicer

    app = app or build_app(settings)
    servicer = MatchingServicer(app.handlers)
    server, port = create_grpc_server(
        address, settings=settings, service_names=[SERVICE_NAME],
        register=lambda s: matching_service_pb2_grpc.add_MatchingServiceServicer_to_server(servicer, s),
        access=ACCESS, processing_log=app.processing_log,
        privacy=PrivacyServicer(app.processing_log, MatchingEraser(app.store)))
    return server, port, app


def main() -> None:
    from services.common.grpc_server import serve_forever
    from services.common.logs import configure_logging

    settings = Settings()
    configure_logging("matching", settings.log_level)
    app = build_app(settings)
    if settings.seed_sample_data:
        from services.matching.seed import seed_sample_data

        seed_sample_data(app)
    app.start_background()
    server, port, _ = create_server(settings, f"{settings.bind_host}:{settings.matching_port}", app)
    serve_forever(server, port, "matching", grace=settings.grace_seconds, on_stop=[app.close])
