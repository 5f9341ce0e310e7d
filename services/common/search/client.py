"""One way to build a `SearchEngine` from Settings, the start-up check, and the index prefix.

Which engine: `JOBMATCH_SEARCH_ENGINE=elasticsearch|opensearch` with `JOBMATCH_SEARCH_URL`;
`ELASTICSEARCH_URL` alone keeps meaning Elasticsearch. Security for both: an API key
(`JOBMATCH_SEARCH_API_KEY`), or basic auth (`JOBMATCH_SEARCH_USERNAME`/`_PASSWORD`), a CA
file (`JOBMATCH_SEARCH_CA_FILE`) and certificate checks (`JOBMATCH_SEARCH_VERIFY_CERTS`).

The prefix (env `JOBMATCH_ES_INDEX_PREFIX`, default "jobmatch") lets several stacks or test
runs share one cluster: indices are `<prefix>-<name>-v<version>`, aliases `<prefix>-<name>`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.common.settings import Settings

from .engine import EngineKind, EngineRejected, EngineUnavailable, SearchEngine, SearchEngineStartupError
from .engines import ElasticsearchEngine, OpenSearchEngine
from .retry import RetryPolicy

REQUEST_TIMEOUT_SECONDS = 30.0
STARTUP_DEADLINE_SECONDS = 20.0  # Settings.search_startup_seconds (JOBMATCH_SEARCH_STARTUP_SECONDS)
PROBE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Connection:
    """How to reach the engine; secrets stay out of repr()."""

    url: str
    kind: EngineKind = "elasticsearch"
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    verify_certs: bool = True
    startup_seconds: float = STARTUP_DEADLINE_SECONDS  # how long connect_checked waits for it

    def __repr__(self) -> str:
        return f"Connection(url={self.url!r}, kind={self.kind!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> Connection:
        url = settings.search_engine_url
        if not url:
            raise ValueError("JOBMATCH_SEARCH_URL (or ELASTICSEARCH_URL) is not set")
        return cls(
            url=url,
            kind=settings.search_engine_kind,
            api_key=settings.search_api_key.get_secret_value() if settings.search_api_key else None,
            username=settings.search_username,
            password=settings.search_password.get_secret_value() if settings.search_password else None,
            ca_file=settings.search_ca_file,
            verify_certs=settings.search_verify_certs,
            startup_seconds=settings.search_startup_seconds,
        )


def create_engine(connection: Connection, *, timeout: float = REQUEST_TIMEOUT_SECONDS) -> SearchEngine:
    """The engine for `connection`; the client's own retries are off (the engine decides)."""
    tls: dict[str, Any] = {"verify_certs": connection.verify_certs}
    if connection.ca_file:
        tls["ca_certs"] = str(connection.ca_file)
    if connection.kind == "opensearch":
        from opensearchpy import OpenSearch

        auth: dict[str, Any] = {}
        if connection.api_key:
            auth["headers"] = {"Authorization": f"ApiKey {connection.api_key}"}
        elif connection.username:
            auth["http_auth"] = (connection.username, connection.password or "")
        return OpenSearchEngine(
            OpenSearch(hosts=[connection.url], timeout=timeout, max_retries=0, retry_on_timeout=False, **tls, **auth)
        )
    from elasticsearch import Elasticsearch

    es_auth: dict[str, Any] = {}
    if connection.api_key:
        es_auth["api_key"] = connection.api_key
    elif connection.username:
        es_auth["basic_auth"] = (connection.username, connection.password or "")
    if not connection.url.startswith("https"):
        tls = {}
    return ElasticsearchEngine(
        Elasticsearch(connection.url, request_timeout=timeout, max_retries=0, retry_on_timeout=False, **tls, **es_auth)
    )


def engine_kind_of(info: dict[str, Any]) -> EngineKind:
    return "opensearch" if info.get("version", {}).get("distribution") == "opensearch" else "elasticsearch"


def connect_checked(connection: Connection, *, deadline: float | None = None) -> SearchEngine:
    """An engine that answered, is of the configured kind and accepted the credentials.

    Keeps asking an unreachable engine until `deadline` seconds (default: the connection's `startup_seconds`)
    have passed, then gives up with a message that says which setting to look at; wrong
    credentials or the wrong kind give up at once. Each question is one request (no retries)
    with a timeout of at most the time left, so an engine that hangs cannot stretch the wait.
    """
    deadline = connection.startup_seconds if deadline is None else deadline
    with _quiet_client_logs():
        info = _probe(connection, deadline)
    actual = engine_kind_of(info)
    if actual != connection.kind:
        raise SearchEngineStartupError(
            f"Op {connection.url} draait {actual}, maar JOBMATCH_SEARCH_ENGINE is {connection.kind}; zet "
            f"JOBMATCH_SEARCH_ENGINE={actual}. / {connection.url} runs {actual}, but JOBMATCH_SEARCH_ENGINE is "
            f"{connection.kind}; set JOBMATCH_SEARCH_ENGINE={actual}."
        )
    return create_engine(connection)


def _probe(connection: Connection, deadline: float) -> dict[str, Any]:
    """The engine's `info()` answer, asked until `deadline` seconds have passed."""
    started = time.monotonic()
    while True:
        left = max(0.5, deadline - (time.monotonic() - started))
        probe = create_engine(connection, timeout=min(PROBE_TIMEOUT_SECONDS, left))
        probe.retry = RetryPolicy(attempts=1)  # type: ignore[attr-defined]
        try:
            return probe.info()
        except EngineRejected as refused:
            raise SearchEngineStartupError(
                f"De zoekmachine op {connection.url} weigert de inlog (HTTP {refused.status}); controleer "
                "JOBMATCH_SEARCH_API_KEY of JOBMATCH_SEARCH_USERNAME/JOBMATCH_SEARCH_PASSWORD. / "
                f"The search engine at {connection.url} refuses the credentials (HTTP {refused.status}); "
                "check JOBMATCH_SEARCH_API_KEY or JOBMATCH_SEARCH_USERNAME/JOBMATCH_SEARCH_PASSWORD."
            ) from refused
        except EngineUnavailable as down:
            if time.monotonic() - started + 0.5 >= deadline:
                raise SearchEngineStartupError(
                    f"De zoekmachine op {connection.url} is niet bereikbaar; controleer JOBMATCH_SEARCH_URL "
                    f"(of ELASTICSEARCH_URL). / The search engine at {connection.url} cannot be reached; "
                    f"check JOBMATCH_SEARCH_URL (or ELASTICSEARCH_URL). ({down})"
                ) from down
            time.sleep(0.5)
        finally:
            probe.close()


@contextmanager
def _quiet_client_logs() -> Iterator[None]:
    """The clients log every failed probe with a traceback; the check reports the outcome itself."""
    loggers = [logging.getLogger(name) for name in ("opensearch", "elastic_transport", "elasticsearch")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def engine_from_settings(settings: Settings) -> SearchEngine:
    return connect_checked(Connection.from_settings(settings))
