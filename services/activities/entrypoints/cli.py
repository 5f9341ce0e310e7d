"""CLI subcommands of the activities service: `jobmatch report caseload --caseworker ID --out FILE.html`."""

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
    caseload.set_defaults(func=_cmd_report_caseload)


def _cmd_report_caseload(args: argparse.Namespace) -> int:
    from services.activities.bootstrap import build_app
    from services.activities.entrypoints.report import caseload_report
    from services.common.settings import Settings

    app = build_app(Settings())
    try:
        if not app.store.caseload(args.caseworker):
            print(f"Klantmanager {args.caseworker} heeft geen klanten in deze gegevens; er is niets geschreven.\n"
                  f"Caseworker {args.caseworker} has no clients in this data; nothing was written.", file=sys.stderr)
            return 1
        html = caseload_report(app.store, app.obligations, args.caseworker, app.clock().date())
    finally:
        app.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(html, encoding="utf-8")
    if args.json:
        import json

        print(json.dumps({"out": str(args.out), "caseworker_id": args.caseworker, "bytes": len(html.encode())}))
    else:
        print(f"{args.out} geschreven / written")
    return 0
