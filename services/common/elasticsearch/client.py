"""One way to build the Elasticsearch client from Settings, and the index-name prefix.

The prefix (env `JOBMATCH_ES_INDEX_PREFIX`, default "jobmatch") lets several stacks or test
runs share one cluster: indices are `<prefix>-<name>-v<version>`, aliases `<prefix>-<name>`.
"""

from __future__ import annotations

import os
from typing import Any

from services.common.settings import Settings

DEFAULT_PREFIX = "jobmatch"
PREFIX_ENV = "JOBMATCH_ES_INDEX_PREFIX"
REQUEST_TIMEOUT_SECONDS = 30.0


def index_prefix() -> str:
    return os.environ.get(PREFIX_ENV, DEFAULT_PREFIX)


def create_client(url: str, **options: Any) -> Any:
    """An `elasticsearch.Elasticsearch` with retries on timeouts and connection errors."""
    from elasticsearch import Elasticsearch

    options.setdefault("request_timeout", REQUEST_TIMEOUT_SECONDS)
    options.setdefault("retry_on_timeout", True)
    options.setdefault("max_retries", 3)
    return Elasticsearch(url, **options)


def client_from_settings(settings: Settings) -> Any:
    if not settings.elasticsearch_url:
        raise ValueError("ELASTICSEARCH_URL is not set")
    return create_client(settings.elasticsearch_url)
