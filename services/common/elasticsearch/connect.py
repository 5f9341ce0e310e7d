"""What every service's bootstrap needs to run on Elasticsearch: a client, the check that
`jobmatch es migrate` has created the indices this code expects, and the processing log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.common.elasticsearch import client as es_client
from services.common.elasticsearch import processing_log as es_processing_log
from services.common.elasticsearch.indices import IndexSpec, require_current
from services.common.elasticsearch.processing_log import ElasticsearchProcessingLog
from services.common.settings import Settings


@dataclass(frozen=True)
class ElasticsearchConnection:
    client: Any
    prefix: str
    processing_log: ElasticsearchProcessingLog


def connect(settings: Settings, index_specs: Sequence[IndexSpec]) -> ElasticsearchConnection:
    """Refuses to start (with what to run) when an index is missing or of another version."""
    client = es_client.client_from_settings(settings)
    prefix = es_client.index_prefix()
    require_current(client, [*index_specs, *es_processing_log.INDEX_SPECS], prefix)
    return ElasticsearchConnection(client, prefix, ElasticsearchProcessingLog(client, prefix))
