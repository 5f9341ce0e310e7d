"""Where the contract suites get a search engine for their search legs.

- "osmem": an OpenSearch-API server (PyPI `osmem-server`, written by others), started once per
  test process; each test gets a fresh clone of it (its own port, empty). Runs in every run
  and is never skipped: if osmem cannot start, the test fails.
- "elasticsearch": a real cluster — `JOBMATCH_TEST_ELASTICSEARCH_URL` or `ELASTICSEARCH_URL`,
  else one testcontainers container per session when a Docker engine answers; otherwise the
  leg is skipped with the reason. Each test gets its own index prefix, deleted afterwards.
"""

from __future__ import annotations

import atexit
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from services.common.search.client import Connection, create_engine
from services.common.search.engine import SearchEngine
from services.common.search.indices import IndexSpec, migrate

ES_IMAGE = os.environ.get("JOBMATCH_TEST_ES_IMAGE", "docker.elastic.co/elasticsearch/elasticsearch:9.0.0")
SEARCH_LEGS = ("osmem", "elasticsearch")

_session: dict[str, Any] = {}
_lock = threading.Lock()


def osmem_server() -> Any:
    """The one osmem server of this test process (started on first use, stopped at exit)."""
    from osmem_server import OsmemServer

    with _lock:
        if "osmem" not in _session:
            server = OsmemServer.start(japanese=False)
            atexit.register(server.close)
            _session["osmem"] = server
        return _session["osmem"]


@contextmanager
def osmem_cluster() -> Iterator[str]:
    """The URL of a fresh, empty osmem clone; closed afterwards."""
    clone = osmem_server().clone()
    try:
        yield clone.url
    finally:
        clone.close()


@contextmanager
def migrated_cluster() -> Iterator[str]:
    """A fresh osmem clone with every index `jobmatch search migrate` creates, prefix "jobmatch"
    (what a service started with JOBMATCH_SEARCH_URL=<url> expects)."""
    from services.common.search.capabilities import has_dutch_stemmer
    from services.search_cli import all_index_specs

    with osmem_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        try:
            migrate(engine, all_index_specs(dutch_stemmer=has_dutch_stemmer(engine)), "jobmatch")
        finally:
            engine.close()
        yield url


@contextmanager
def osmem_leg(specs: list[IndexSpec], prefix: str = "jobmatch-test") -> Iterator[tuple[SearchEngine, str]]:
    with osmem_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        migrate(engine, specs, prefix)
        try:
            yield engine, prefix
        finally:
            engine.close()


def _start_container() -> tuple[str | None, str]:
    try:
        from testcontainers.elasticsearch import ElasticSearchContainer  # type: ignore[import-not-found]
    except ImportError:
        return None, (
            "no ELASTICSEARCH_URL and the testcontainers package is not installed (set "
            "JOBMATCH_TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL=http://host:9200 to run this leg)"
        )
    try:
        import docker  # type: ignore[import-not-found]

        docker.from_env().ping()
    except Exception as error:  # noqa: BLE001 - any failure means: no usable engine
        return None, f"no ELASTICSEARCH_URL and no Docker engine for testcontainers ({type(error).__name__})"
    container = ElasticSearchContainer(ES_IMAGE, mem_limit="1g").with_env("xpack.security.enabled", "false")
    container.start()
    atexit.register(container.stop)
    _session["container"] = container
    return container.get_url(), ""


def cluster_url() -> tuple[str | None, str]:
    """(url, "") when a real Elasticsearch is available, else (None, why not). Once per session."""
    if "url" not in _session:
        url = os.environ.get("JOBMATCH_TEST_ELASTICSEARCH_URL") or os.environ.get("ELASTICSEARCH_URL")
        reason = ""
        if not url:
            url, reason = _start_container()
        _session["url"], _session["reason"] = url, reason
    return _session["url"], _session["reason"]


@contextmanager
def elasticsearch_leg(specs: list[IndexSpec]) -> Iterator[tuple[SearchEngine, str]]:
    """(engine, prefix) on a real Elasticsearch, or pytest.skip with the reason."""
    import pytest

    url, reason = cluster_url()
    if url is None:
        pytest.skip(f"Elasticsearch leg skipped: {reason}")
    engine = create_engine(Connection(url=url, kind="elasticsearch"))
    prefix = f"jobmatch-test-{uuid.uuid4().hex[:10]}"
    migrate(engine, specs, prefix)
    try:
        yield engine, prefix
    finally:
        engine.delete_indices(engine.index_names(f"{prefix}-*"))
        engine.close()


def search_leg(kind: str, specs: list[IndexSpec]) -> Any:
    """The context manager for a contract param: "osmem" or "elasticsearch"."""
    if kind == "osmem":
        return osmem_leg(specs)
    if kind == "elasticsearch":
        return elasticsearch_leg(specs)
    raise ValueError(f"unknown search leg {kind!r}")


# What osmem (0.1.6) lacks, found by these suites; each is covered by the real-engine leg.
OSMEM_SCORE_TIE_BREAK = (
    "osmem ignores the tie-breaker after _score in search_after (pages skip equal scores); "
    "Elasticsearch and OpenSearch honour it — covered by the elasticsearch leg"
)


def osmem_lacks(request: Any, reason: str) -> None:
    """Mark this test as expected to fail on the osmem leg only (strict: a fixed osmem shows up)."""
    import pytest

    if getattr(request.node, "callspec", None) and request.node.callspec.params.get("store") == "osmem":
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
