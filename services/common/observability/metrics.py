"""The Prometheus metrics of every service process, and its one `/metrics` endpoint.

Every series lives in prometheus-client's default registry, so one endpoint per process shows
them all. Labels are bounded sets only: service, RPC method (the registered ones), status code,
consumer group, topic, partition, store adapter and operation. Never a client id, a
vacancy id or anything else that grows with the data: that would be personal data in the
monitoring system and an unbounded number of series.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

# RPCs are milliseconds normally; a slow search-engine call or a big ingest batch takes seconds.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

RPC_REQUESTS = Counter(
    "jobmatch_rpc_requests", "RPCs finished, by method and status code", ["service", "method", "code"]
)
RPC_DURATION = Histogram(
    "jobmatch_rpc_duration_seconds",
    "RPC latency, by method and status code",
    ["service", "method", "code"],
    buckets=_LATENCY_BUCKETS,
)

CONSUMER_EVENTS = Counter(
    "jobmatch_consumer_events",
    "Events a consumer took in, by outcome: handled, duplicate (skipped), failed (one handler "
    "attempt failed), dead_lettered",
    ["group", "topic", "outcome"],
)
CONSUMER_HANDLER_DURATION = Histogram(
    "jobmatch_consumer_handler_duration_seconds",
    "Time an event handler took (successful attempts)",
    ["group", "topic"],
    buckets=_LATENCY_BUCKETS,
)
CONSUMER_LAG = Gauge(
    "jobmatch_consumer_lag",
    "Records on the broker this consumer has not processed yet",
    ["group", "topic", "partition"],
)

OUTBOX_PENDING = Gauge(
    "jobmatch_outbox_pending_events", "Events in the outbox not yet acked by the broker", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "jobmatch_outbox_oldest_pending_age_seconds",
    "Age of the oldest unpublished outbox event (0 when none is waiting)",
    ["service"],
)
RELAY_PUBLISHED = Counter("jobmatch_relay_published_events", "Outbox events the relay published (acked)", ["service"])
RELAY_ERRORS = Counter("jobmatch_relay_errors", "Relay rounds that failed (broker down, timeouts)", ["service"])

STORE_DURATION = Histogram(
    "jobmatch_store_duration_seconds",
    "Store call latency, by adapter and operation",
    ["service", "store", "operation"],
    buckets=_LATENCY_BUCKETS,
)

MATCHES_PER_VACANCY = Histogram(
    "jobmatch_matching_matches_per_vacancy",
    "Clients a new or changed vacancy was matched to",
    buckets=(0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000),
)

ACTIVITIES_CLIENTS = Gauge(
    "jobmatch_activities_clients",
    "Clients with an obligation policy by the status of their current period (none: no period runs); "
    "counted by the period sweep, so only the replica running it reports",
    ["status"],
)

MATCHING_PROFILES = Gauge("jobmatch_matching_profiles", "Search profiles the reverse match looks through")


def read_at_scrape(gauge: Gauge, read: Callable[[], float]) -> None:
    """Let `gauge` ask `read` at every scrape. A store that is closed or down answers NaN
    ("unknown") rather than failing the whole scrape."""

    def safely() -> float:
        try:
            return float(read())
        except Exception:  # noqa: BLE001 - a closed or unreachable store: no value, the rest still shows
            return float("nan")

    gauge.set_function(safely)


# What the deploy/ rules and dashboard may name: the series above as Prometheus exposes them.
EXPOSED_NAMES: frozenset[str] = frozenset(
    {f"{metric._name}_total" for metric in (RPC_REQUESTS, CONSUMER_EVENTS, RELAY_PUBLISHED, RELAY_ERRORS)}
    | {
        f"{metric._name}_{suffix}"
        for metric in (RPC_DURATION, CONSUMER_HANDLER_DURATION, STORE_DURATION, MATCHES_PER_VACANCY)
        for suffix in ("bucket", "count", "sum")
    }
    | {
        metric._name
        for metric in (CONSUMER_LAG, OUTBOX_PENDING, OUTBOX_OLDEST_AGE, MATCHING_PROFILES, ACTIVITIES_CLIENTS)
    }
)


def service_of_source(source: str) -> str:
    """ "urn:nld:oin:…:systeem:jobmatch-matching:replica-2" -> "matching": the service, not the
    replica (Prometheus tells replicas apart by their scrape target)."""
    system = source.split(":systeem:", 1)[-1].split(":", 1)[0]
    return system.removeprefix("jobmatch-")


def start_metrics_endpoint(port: int, host: str) -> int | None:
    """Serve /metrics on `host:port` in a daemon thread; port 0 means off. Returns the port."""
    if port <= 0:
        return None
    server, _thread = start_http_server(port, addr=host)
    bound = int(server.server_address[1])
    log.info("metrics endpoint", extra={"address": f"{host}:{bound}", "path": "/metrics"})
    return bound


class OutboxGauges:
    """Backlog and age of the oldest pending event, read from the outbox at most once per
    `interval`: the relay calls `observe` every round and must not pay a query per round."""

    def __init__(self, source: str, interval: float = 1.0) -> None:
        service = service_of_source(source)
        self._pending = OUTBOX_PENDING.labels(service)
        self._age = OUTBOX_OLDEST_AGE.labels(service)
        self.published = RELAY_PUBLISHED.labels(service)
        self.errors = RELAY_ERRORS.labels(service)
        self._interval = interval
        self._next = 0.0

    def observe(self, outbox: Any, conn: Any) -> None:
        """Read the backlog through the outbox port (pending rows come oldest first)."""
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + self._interval
        self._pending.set(outbox.pending_count(conn))
        oldest = outbox.pending(conn, 1)
        self._age.set(max(0.0, time.time() - oldest[0].event.time.timestamp()) if oldest else 0.0)


class TimedStore:
    """A store adapter whose public method calls are timed by operation (the port's method
    names: a bounded set). The service layer gets this stand-in; attributes pass through."""

    def __init__(self, store: Any, service: str, adapter: str) -> None:
        object.__setattr__(self, "_store", store)
        object.__setattr__(self, "_labels", (service, adapter))
        object.__setattr__(self, "_timed", {})

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if name.startswith("_") or not callable(value):
            return value
        timed = self._timed.get(name)
        if timed is None:
            histogram = STORE_DURATION.labels(*self._labels, name)
            store = self._store

            def timed(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return getattr(store, name)(*args, **kwargs)
                finally:
                    histogram.observe(time.perf_counter() - started)

            self._timed[name] = timed
        return timed

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._store, name, value)
