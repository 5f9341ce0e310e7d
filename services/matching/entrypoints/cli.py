"""CLI of the matching service: `jobmatch feed --client ID [--json] [--target HOST:PORT]`.

Calls the running service over gRPC with a token minted for a caseworker who has the client
in their caseload (development tokens; the secret comes from the settings).
"""

from __future__ import annotations

import argparse
import json
import sys

from google.protobuf.json_format import MessageToDict

from jobmatch.matching.v1 import matching_service_pb2


def register(subparsers: argparse._SubParsersAction) -> None:
    feed = subparsers.add_parser("feed", help="tailored vacancy feed of one client (via gRPC)")
    feed.add_argument("--client", required=True, help="pseudonymous client id, e.g. c-demo-001")
    feed.add_argument("--json", action="store_true", help="print the raw response as JSON")
    feed.add_argument("--target", default=None, help="HOST:PORT of the matching service")
    feed.add_argument("--page-size", type=int, default=20)
    feed.set_defaults(func=_cmd_feed)


def _cmd_feed(args: argparse.Namespace) -> int:
    import grpc

    from jobmatch.matching.v1 import matching_service_pb2 as pb
    from jobmatch.matching.v1 import matching_service_pb2_grpc as pb_grpc
    from services.common.auth import mint_token
    from services.common.cli_errors import SERVICES, failure_lines
    from services.common.grpc_server import open_channel
    from services.common.i18n import cli_metadata
    from services.common.settings import Settings

    settings = Settings()
    target = args.target or f"{settings.bind_host}:{settings.matching_port}"
    token = mint_token(settings, subject="cw-cli", role="caseworker", caseload=[args.client])
    with open_channel(settings, target) as channel:
        stub = pb_grpc.MatchingServiceStub(channel)
        try:
            response = stub.GetFeed(
                pb.GetFeedRequest(client_id=args.client, page_size=args.page_size),
                metadata=(("authorization", f"Bearer {token}"), cli_metadata()),
                timeout=10,
            )
        except grpc.RpcError as error:
            ports = {name: settings.port_of(name) for name in SERVICES}
            for line in failure_lines(error, "matching", target, ports):
                print(line, file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(MessageToDict(response, preserving_proto_field_name=True), ensure_ascii=False, indent=2))
        return 0
    print(render_feed(args.client, response))
    return 0


def render_feed(client_id: str, response: matching_service_pb2.GetFeedResponse, language: str | None = None) -> str:
    """A plain-text feed for people, in one language (`JOBMATCH_LANGUAGE`, Dutch by default):
    one block per vacancy, best first."""
    from services.common.i18n import cli_language, plural

    en = (language or cli_language()) == "en"
    items = list(response.items)
    total, new_count = response.total_size, response.new_count
    if en:
        lines = [f"Vacancies for {client_id}: {plural(total, 'vacancy', 'vacancies')}, {new_count} new"]
    else:
        lines = [f"Vacatures voor {client_id}: {plural(total, 'vacature', 'vacatures')}, {new_count} nieuw"]
    for rank, item in enumerate(items, start=1):
        v = item.vacancy
        new = (" [NEW]" if en else " [NIEUW]") if item.is_new else ""
        marks = ((" [saved]" if en else " [bewaard]") if item.saved else "") + (
            (" [applied]" if en else " [gesolliciteerd]") if item.applied else ""
        )
        where = v.place_name or ("remote" if en else "op afstand")
        lines.append(f"{rank:>3}. {v.title} — {v.employer}, {where} (score {item.score:.3f}){new}{marks}")
        explanation = item.explanation.explanation_en if en else item.explanation.explanation_nl
        lines.append(f"     {explanation}")
    if not items:
        lines.append("No matching vacancies yet." if en else "Nog geen passende vacatures.")
    return "\n".join(lines)
