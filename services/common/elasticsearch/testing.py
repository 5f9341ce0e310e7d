"""Where the contract suites get a cluster for their Elasticsearch leg.

`JOBMATCH_TEST_ELASTICSEARCH_URL` or `ELASTICSEARCH_URL` set: that cluster. Otherwise, when the
`testcontainers` package and a Docker engine are available: one Elasticsearch container per test
session. Otherwise the reason is returned and the leg is skipped with it. Each test gets its own index prefix
(migrated fresh, deleted afterwards), so legs never see each other's documents.
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .client import create_client
from .indices import IndexSpec, migrate

ES_IMAGE = os.environ.get("JOBMATCH_TEST_ES_IMAGE", "docker.elastic.co/elasticsearch/elasticsearch:9.0.0")

_session: dict[str, Any] = {}


def _start_container() -> tuple[str | None, str]:
    try:
        from testcontainers.elasticsearch import ElasticSearchContainer  # type: ignore[import-not-found]
    except ImportError:
        return None, ("no ELASTICSEARCH_URL and the testcontainers package is not installed (set "
                      "JOBMATCH_TEST_ELASTICSEARCH_URL or ELASTICSEARCH_URL=http://host:9200 to run this leg)")
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
    """(url, "") when a cluster is available, else (None, why not). Started once per session."""
    if "url" not in _session:
        # JOBMATCH_TEST_ELASTICSEARCH_URL runs only these legs on a cluster; ELASTICSEARCH_URL
        # also switches every app that reads Settings from the environment to Elasticsearch.
        url = os.environ.get("JOBMATCH_TEST_ELASTICSEARCH_URL") or os.environ.get("ELASTICSEARCH_URL")
        reason = ""
        if not url:
            url, reason = _start_container()
        _session["url"], _session["reason"] = url, reason
    return _session["url"], _session["reason"]


@contextmanager
def isolated_indices(url: str, specs: list[IndexSpec]) -> Iterator[tuple[Any, str]]:
    """(client, prefix) with `specs` migrated under a fresh prefix; removed afterwards."""
    client = create_client(url)
    prefix = f"jobmatch-test-{uuid.uuid4().hex[:10]}"
    migrate(client, specs, prefix)
    try:
        yield client, prefix
    finally:
        # Wildcard deletes are refused by default (action.destructive_requires_name): name them.
        names = sorted(client.indices.get(index=f"{prefix}-*").body)
        if names:
            client.indices.delete(index=",".join(names))
        client.close()


@contextmanager
def elasticsearch_leg(specs: list[IndexSpec]) -> Iterator[tuple[Any, str]]:
    """For a contract suite's "elasticsearch" param: (client, prefix), or pytest.skip with the reason."""
    import pytest

    url, reason = cluster_url()
    if url is None:
        pytest.skip(f"Elasticsearch leg skipped: {reason}")
    with isolated_indices(url, specs) as (client, prefix):
        yield client, prefix


@contextmanager
def fake_leg(specs: list[IndexSpec]) -> Iterator[tuple[Any, str]]:
    """(FakeElasticsearch, prefix) with `specs` migrated: the adapters' code paths without a cluster."""
    from .fake import FakeElasticsearch

    client = FakeElasticsearch()
    prefix = "jobmatch-fake"
    migrate(client, specs, prefix)
    yield client, prefix


def adapter_leg(kind: str, specs: list[IndexSpec]) -> Any:
    """The context manager for a contract param: "elasticsearch" (a real cluster) or "es-fake"."""
    return fake_leg(specs) if kind == "es-fake" else elasticsearch_leg(specs)
