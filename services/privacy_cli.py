"""`jobmatch privacy log --client ID`: one client's processing log gathered from every service
(for an inzageverzoek / subject access request)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import grpc
from google.protobuf import json_format

from jobmatch.privacy.v1 import privacy_pb2, privacy_pb2_grpc
from services.common.auth import mint_token
from services.common.cli_errors import failure_lines
from services.common.grpc_server import open_channel
from services.common.i18n import cli_metadata
from services.common.settings import Settings

SERVICES = ("vacancies", "matching", "activities")


def gather_processing_log(
    settings: Settings, client_id: str, host: str = "localhost"
) -> tuple[list[privacy_pb2.ProcessingLogRecord], list[str]]:
    """All records of one client from every service, oldest first, and the services that did not answer."""
    token = mint_token(settings, subject="privacy-desk", role="service", ttl_seconds=300)
    metadata = (("authorization", f"Bearer {token}"), cli_metadata())
    ports = {name: settings.port_of(name) for name in SERVICES}
    records: list[privacy_pb2.ProcessingLogRecord] = []
    unreachable: list[str] = []
    for name in SERVICES:
        address = f"{host}:{settings.port_of(name)}"
        with open_channel(settings, address) as channel:
            stub = privacy_pb2_grpc.PrivacyServiceStub(channel)
            token_page = ""
            try:
                while True:
                    reply = stub.ListProcessingLog(
                        privacy_pb2.ListProcessingLogRequest(
                            client_id=client_id, page_size=1000, page_token=token_page
                        ),
                        metadata=metadata,
                        timeout=10,
                    )
                    records.extend(reply.records)
                    token_page = reply.next_page_token
                    if not token_page:
                        break
            except grpc.RpcError as error:
                unreachable.append(" ".join(failure_lines(error, name, address, ports)))
    records.sort(key=lambda r: (r.start_time.ToDatetime(), r.service))
    return records, unreachable


def render_log(client_id: str, records: list[Any], console: Any = None) -> None:
    """The records as a table that fits 80 columns: when, who and the status whole; what and why
    (the operation and the processing activity) folded into one column."""
    from services.common.cli_tables import print_rows

    columns = (("wanneer / when", True), ("wie / who", True), ("wat en waarom / what and why", False), ("status", True))
    rows = [
        (
            r.start_time.ToDatetime().strftime("%Y-%m-%d %H:%M"),
            r.actor,
            f"{r.service}: {r.name.rsplit('/', 1)[-1]}\n{r.processing_activity_name_nl or r.processing_activity_id}",
            r.status,
        )
        for r in records
    ]
    print_rows(f"Verwerkingen van / processing of {client_id}", columns, rows, console)


def _cmd_log(args: argparse.Namespace) -> int:
    records, unreachable = gather_processing_log(Settings(), args.client, args.host)
    if args.json:
        print(
            json.dumps(
                {
                    "client_id": args.client,
                    "records": [json_format.MessageToDict(r) for r in records],
                    "unreachable": unreachable,
                },
                indent=2,
            )
        )
    else:
        render_log(args.client, records)
    for problem in unreachable:
        print(problem, file=sys.stderr)
    return 1 if unreachable else 0


def register(sub: argparse._SubParsersAction) -> None:
    privacy = sub.add_parser("privacy", help="privacy: processing log per client")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    log = privacy_sub.add_parser("log", help="one client's processing log from every service")
    log.add_argument("--client", required=True, help="pseudonymous client id")
    log.add_argument("--host", default="localhost")
    log.add_argument("--json", action="store_true", help="print JSON instead of a table")
    log.set_defaults(func=_cmd_log)
