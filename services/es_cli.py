"""`jobmatch es migrate`: create or upgrade every Elasticsearch index behind its alias.

Run once before the services start (the compose file runs it as a one-shot service they
depend on), and again after an upgrade that brings new index versions. Idempotent.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from services.common.elasticsearch.indices import IndexSpec

# Each module exposes INDEX_SPECS: the indices its ES adapters use.
SPEC_MODULES = (
    "services.common.elasticsearch.processing_log",
    "services.common.elasticsearch.counters",
    "services.vacancies.adapters.elasticsearch_mappings",
    "services.matching.adapters.elasticsearch_mappings",
    "services.activities.adapters.elasticsearch_mappings",
)


def all_index_specs() -> list[IndexSpec]:
    specs: list[IndexSpec] = []
    for name in SPEC_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name == name:
                continue  # that service has no ES adapter (yet)
            raise
        specs.extend(getattr(module, "INDEX_SPECS", ()))
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"index names defined twice: {sorted(duplicates)}")
    return specs


def migrate_all(url: str, prefix: str | None = None) -> list[str]:
    """Create or upgrade every index the ES adapters use; returns what was done."""
    from services.common.elasticsearch.client import create_client, index_prefix
    from services.common.elasticsearch.indices import migrate

    client: Any = create_client(url)
    try:
        return list(migrate(client, all_index_specs(), prefix or index_prefix()))
    finally:
        client.close()


def _cmd_migrate(args: argparse.Namespace) -> int:
    from services.common.settings import Settings

    url = args.url or Settings().elasticsearch_url
    if not url:
        print("Geen Elasticsearch-adres: zet ELASTICSEARCH_URL of geef --url.\n"
              "No Elasticsearch address: set ELASTICSEARCH_URL or pass --url.", file=sys.stderr)
        return 2
    for line in migrate_all(url, args.prefix):
        print(line)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from services.common.elasticsearch.client import index_prefix

    prefix = args.prefix or index_prefix()
    for spec in all_index_specs():
        print(f"{spec.alias(prefix)} -> {spec.index(prefix)}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    es = subparsers.add_parser("es", help="Elasticsearch indices")
    es_sub = es.add_subparsers(dest="es_command", required=True)
    migrate = es_sub.add_parser("migrate", help="create missing indices/aliases; upgrade changed ones (reindex + alias swap)")
    migrate.add_argument("--url", help="Elasticsearch URL (default: ELASTICSEARCH_URL)")
    migrate.add_argument("--prefix", help="index name prefix (default: JOBMATCH_ES_INDEX_PREFIX or 'jobmatch')")
    migrate.set_defaults(func=_cmd_migrate)
    listing = es_sub.add_parser("indices", help="print every alias and the index version this code expects")
    listing.add_argument("--prefix", help="index name prefix")
    listing.set_defaults(func=_cmd_list)
