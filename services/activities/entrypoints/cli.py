"""CLI subcommands of the activities service: `jobmatch report caseload --caseworker ID --out FILE.html`.

The report reads through the front door: the running activities service, with a token (given
with --token, else minted for the caseworker from the settings' secret), so the access rule
applies and every client read is processing-logged."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _subcommands_of(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> argparse._SubParsersAction:
    """The sub-subcommands of `name`, shared with other services that add reports too."""
    parser = subparsers.choices.get(name)
    if parser is None:
        parser = subparsers.add_parser(name, help=help_text)
        parser.add_subparsers(dest=f"{name}_command", required=True)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=f"{name}_command", required=True)


def register(subparsers: argparse._SubParsersAction) -> None:
    reports = _subcommands_of(subparsers, "report", "reports for people (HTML)")
    caseload = reports.add_parser("caseload", help="caseload timeline of a caseworker as one HTML page (SVG)")
    caseload.add_argument("--caseworker", required=True, help="caseworker id, e.g. cw-demo")
    caseload.add_argument("--out", required=True, type=Path, help="HTML file to write")
    caseload.add_argument("--json", action="store_true", help="print one JSON object about what was written")
    caseload.add_argument("--token", default=None, help="bearer token (default: one minted for the caseworker)")
    caseload.add_argument("--target", default=None, help="HOST:PORT of the activities service")
    caseload.set_defaults(func=_cmd_report_caseload)


def _cmd_report_caseload(args: argparse.Namespace) -> int:
    from datetime import date

    import grpc

    from services.activities.entrypoints.report import render
    from services.activities.entrypoints.report_data import CaseloadReader
    from services.common.auth import NoTokenSecret, mint_token
    from services.common.cli_errors import SERVICES, failure_lines
    from services.common.errors import t
    from services.common.grpc_server import open_channel
    from services.common.i18n import cli_language, cli_metadata, localize
    from services.common.settings import Settings

    settings = Settings()
    target = args.target or f"{settings.bind_host}:{settings.activities_port}"
    try:
        token = args.token or mint_token(settings, subject=args.caseworker, role="caseworker")
    except NoTokenSecret as error:
        print(error, file=sys.stderr)
        return 2
    metadata = (("authorization", f"Bearer {token}"), cli_metadata())
    with open_channel(settings, target) as channel:
        try:
            timelines = CaseloadReader(channel, metadata).collect(args.caseworker)
        except grpc.RpcError as error:
            ports = {name: settings.port_of(name) for name in SERVICES}
            for line in failure_lines(error, "activities", target, ports):
                print(line, file=sys.stderr)
            return 1
    if not timelines:
        print(
            localize(
                t(
                    f"Klantmanager {args.caseworker} heeft geen klanten. Er is niets geschreven.",
                    f"Caseworker {args.caseworker} has no clients. Nothing was written.",
                ),
                cli_language(),
            ),
            file=sys.stderr,
        )
        return 1
    html = render(timelines, args.caseworker, date.today())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(html, encoding="utf-8")
    if args.json:
        import json

        print(
            json.dumps(
                {
                    "out": str(args.out),
                    "caseworker_id": args.caseworker,
                    "clients": len(timelines),
                    "bytes": len(html.encode()),
                }
            )
        )
    else:
        print(f"{args.out} geschreven / written")
    return 0
