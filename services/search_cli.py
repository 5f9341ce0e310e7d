"""`jobmatch search migrate` (alias `jobmatch es migrate`): create or upgrade every index.

Run once before the services start (the compose file runs it as a one-shot service they
depend on), and again after an upgrade that brings new index versions. Idempotent. An
upgrade copies the old index with a reindex *task* that is polled to completion and never
re-sent; writes are refused (retryable) while the copy runs, then the alias moves once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from services.activities.adapters import elasticsearch_mappings as activities_indices
from services.common.search import counters, processed, processing_log
from services.common.search import outbox as engine_outbox
from services.common.search.capabilities import has_dutch_stemmer
from services.common.search.client import Connection, SearchEngineStartupError, connect_checked
from services.common.search.indices import IndexSpec, ReindexWatch, migrate
from services.common.settings import Settings
from services.matching.adapters import elasticsearch_mappings as matching_indices
from services.vacancies.adapters import elasticsearch_mappings as vacancies_indices


def index_spec_groups(*, dutch_stemmer: bool = True) -> tuple[tuple[IndexSpec, ...], ...]:
    """Every index the search adapters use, service by service."""
    return (
        tuple(processing_log.INDEX_SPECS),
        tuple(counters.INDEX_SPECS),
        tuple(processed.INDEX_SPECS),
        tuple(engine_outbox.outbox_index_spec(service) for service in ("vacancies", "matching", "activities")),
        tuple(vacancies_indices.index_specs(dutch_stemmer=dutch_stemmer)),
        tuple(matching_indices.INDEX_SPECS),
        tuple(activities_indices.INDEX_SPECS),
    )


def all_index_specs(*, dutch_stemmer: bool = True) -> list[IndexSpec]:
    specs = [spec for group in index_spec_groups(dutch_stemmer=dutch_stemmer) for spec in group]
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"index names defined twice: {sorted(duplicates)}")
    return specs


def migrate_all(
    connection: Connection, prefix: str | None = None, progress: Callable[[str], None] = print
) -> list[str]:
    """Create or upgrade every index the search adapters use; returns what was done."""
    engine = connect_checked(connection)
    try:
        stemmer = has_dutch_stemmer(engine)
        if not stemmer:
            progress("this engine has no Dutch stemmer: the .nl text fields are created without stemming")
        specs = all_index_specs(dutch_stemmer=stemmer)
        prefix = prefix or Settings().search_index_prefix
        return list(migrate(engine, specs, prefix, ReindexWatch(progress=progress)))
    finally:
        engine.close()


def _cmd_migrate(args: argparse.Namespace) -> int:
    settings = Settings()
    overrides = {k: v for k, v in (("search_url", args.url), ("search_engine", args.engine)) if v}
    if overrides:
        settings = settings.model_copy(update=overrides)
    if not settings.search_engine_url:
        print(
            "Geen zoekmachine-adres: zet JOBMATCH_SEARCH_URL (of ELASTICSEARCH_URL) of geef --url.\n"
            "No search engine address: set JOBMATCH_SEARCH_URL (or ELASTICSEARCH_URL) or pass --url.",
            file=sys.stderr,
        )
        return 2
    try:
        lines = migrate_all(Connection.from_settings(settings), args.prefix)
    except SearchEngineStartupError as error:
        print(error, file=sys.stderr)
        return 2
    print(json.dumps({"migrated": lines}, ensure_ascii=False) if args.json else "\n".join(lines))
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    prefix = args.prefix or Settings().search_index_prefix
    pairs = [(spec.alias(prefix), spec.index(prefix)) for spec in all_index_specs()]
    if args.json:
        print(json.dumps([{"alias": alias, "index": index} for alias, index in pairs]))
    else:
        for alias, index in pairs:
            print(f"{alias} -> {index}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    for name in ("search", "es"):
        parser = subparsers.add_parser(
            name,
            help="search-engine indices (Elasticsearch or OpenSearch)"
            + (" — alias of 'search'" if name == "es" else ""),
        )
        commands = parser.add_subparsers(dest="search_command", required=True)
        migrate_cmd = commands.add_parser(
            "migrate", help="create missing indices/aliases; upgrade changed ones (reindex task + alias swap)"
        )
        migrate_cmd.add_argument("--url", help="engine URL (default: JOBMATCH_SEARCH_URL or ELASTICSEARCH_URL)")
        migrate_cmd.add_argument(
            "--engine",
            choices=["elasticsearch", "opensearch"],
            help="engine kind (default: JOBMATCH_SEARCH_ENGINE or elasticsearch)",
        )
        migrate_cmd.add_argument("--prefix", help="index name prefix (default: JOBMATCH_ES_INDEX_PREFIX or 'jobmatch')")
        migrate_cmd.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
        migrate_cmd.set_defaults(func=_cmd_migrate)
        listing = commands.add_parser("indices", help="print every alias and the index version this code expects")
        listing.add_argument("--prefix", help="index name prefix")
        listing.add_argument("--json", action="store_true", help="print JSON instead of lines")
        listing.set_defaults(func=_cmd_list)
