"""The `jobmatch` command: run the stack, mint development tokens, tail events, and the
operator commands each service contributes (vacancies import/search, feed, reports)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from services import privacy_cli, search_cli
from services.activities.entrypoints import cli as activities_cli
from services.common.settings import Settings
from services.matching.entrypoints import cli as matching_cli
from services.vacancies.entrypoints import cli as vacancies_cli

# Each service adds its own subcommands through `register(subparsers)`. Plain imports, not
# module names in strings, so that the import contracts (lint-imports) see every edge.
SERVICE_COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    vacancies_cli.register,
    matching_cli.register,
    activities_cli.register,
    privacy_cli.register,
    search_cli.register,
)


def _serve_vacancies() -> None:
    from services.vacancies.bootstrap import main

    main()


def _serve_matching() -> None:
    from services.matching.bootstrap import main

    main()


def _serve_activities() -> None:
    from services.activities.bootstrap import main

    main()


# `jobmatch serve <service>`: each imported only when it is the one to run.
SERVERS: dict[str, Callable[[], None]] = {
    "vacancies": _serve_vacancies,
    "matching": _serve_matching,
    "activities": _serve_activities,
}


def _cmd_up(args: argparse.Namespace) -> int:
    from services.stack import run_stack

    settings = Settings()
    return run_stack(settings, seed=not args.no_seed, store=args.store, replicas=args.replicas)


def _cmd_serve(args: argparse.Namespace) -> int:
    SERVERS[args.service]()
    return 0


def _cmd_token(args: argparse.Namespace) -> int:
    """A development token signed with JOBMATCH_TOKEN_SECRET, else with the secret `jobmatch up`
    generated in JOBMATCH_DATA_DIR."""
    from services.common.auth import NoTokenSecret, mint_token

    caseload = [c for c in (args.caseload or "").split(",") if c]
    scopes = [x for part in (args.scope or ["*"]) for x in part.replace(",", " ").split()]
    try:
        token = mint_token(
            Settings(), subject=args.subject, role=args.role, caseload=caseload, ttl_seconds=args.ttl, scopes=scopes
        )
    except NoTokenSecret as missing:
        print(missing, file=sys.stderr)
        return 2
    if args.json:
        import json

        print(json.dumps({"token": token, "role": args.role, "subject": args.subject, "ttl_seconds": args.ttl}))
    else:
        print(token)
    return 0


def _cmd_events_tail(args: argparse.Namespace) -> int:
    from services.common.bus.tail import tail_events
    from services.common.bus.topics import ALL_TOPICS

    import_event_types()
    from services.stack import broker_address_file

    settings = Settings()
    bootstrap = args.bootstrap or settings.kafka_bootstrap_servers
    address_file = broker_address_file(settings)
    if not bootstrap and address_file.exists():
        bootstrap = address_file.read_text().strip()
    if not bootstrap:
        print(
            "Geen broker gevonden. Start eerst `jobmatch up`, of geef --bootstrap HOST:PORT.\n"
            "No broker found. Start `jobmatch up` first, or pass --bootstrap HOST:PORT.",
            file=sys.stderr,
        )
        return 2
    topics = args.topic or list(ALL_TOPICS)
    try:
        tail_events(bootstrap, topics, from_beginning=not args.new_only, max_events=args.max_events)
    except KeyboardInterrupt:
        pass
    return 0


def import_event_types() -> None:
    """Load every generated event module so payloads can be decoded by their schema name."""
    import pkgutil

    import jobmatch.events.v1 as events

    for info in pkgutil.iter_modules(events.__path__):
        if info.name.endswith("_pb2"):
            # Generated code found by name: a new event schema needs no edit here.
            importlib.import_module(f"jobmatch.events.v1.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobmatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the whole stack on embedded defaults with sample data")
    up.add_argument("--no-seed", action="store_true", help="do not load sample data")
    up.add_argument(
        "--store",
        choices=["sqlite", "search"],
        default="sqlite",
        help="sqlite: embedded files (default); search: the search-engine adapters on an embedded "
        "OpenSearch-API server (osmem), or on JOBMATCH_SEARCH_URL when set",
    )
    up.add_argument(
        "--replicas",
        type=int,
        default=1,
        metavar="N",
        help="N processes per service on the same port (SO_REUSEPORT); N > 1 needs --store search",
    )
    up.set_defaults(func=_cmd_up)

    serve = sub.add_parser("serve", help="run one service (its settings come from the environment)")
    serve.add_argument("service", choices=list(SERVERS))
    serve.set_defaults(func=_cmd_serve)

    token = sub.add_parser(
        "token",
        help="mint a development token (JOBMATCH_TOKEN_SECRET, else the secret "
        "`jobmatch up` generated in JOBMATCH_DATA_DIR)",
    )
    token.add_argument("--role", required=True, choices=["client", "caseworker", "service"])
    token.add_argument("--subject", required=True, help="client id, caseworker id or service name")
    token.add_argument("--caseload", help="comma-separated client ids (caseworker tokens)")
    token.add_argument(
        "--scope",
        action="append",
        help='service tokens: what the system may do, e.g. "vacancies:write matching:read" (default: *)',
    )
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds the token stays valid")
    token.add_argument("--json", action="store_true", help="print one JSON object with the token")
    token.set_defaults(func=_cmd_token)

    events = sub.add_parser("events", help="the event bus")
    events_sub = events.add_subparsers(dest="events_command", required=True)
    tail = events_sub.add_parser("tail", help="print decoded events from the bus")
    tail.add_argument("--topic", action="append", help="topic to read (repeatable; default: all)")
    tail.add_argument("--bootstrap", help="Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS)")
    tail.add_argument("--new-only", action="store_true", help="only events from now on")
    tail.add_argument("--max-events", type=int, default=None, help="stop after this many events")
    tail.add_argument("--json", action="store_true", help="one JSON object per line (what tail always prints)")
    tail.set_defaults(func=_cmd_events_tail)

    for register in SERVICE_COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`jobmatch vacancies search --json | head -1`): not an error of
        # ours. Point stdout at /dev/null so the interpreter's own final flush stays quiet too.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as a process ended by SIGPIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
