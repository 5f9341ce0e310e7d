"""Operator commands: `jobmatch vacancies import FILE...` and `jobmatch vacancies search`.

Both talk gRPC to the running vacancies service with a service token.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc

from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc

from .feed_reader import FORMATS, ImportRecord, read_files

BATCH_SIZE = 500
STATUS_NAMES = {
    svc.INGEST_STATUS_ACCEPTED: "accepted",
    svc.INGEST_STATUS_UPDATED: "updated",
    svc.INGEST_STATUS_UNCHANGED: "unchanged",
    svc.INGEST_STATUS_DUPLICATE: "duplicate",
    svc.INGEST_STATUS_REJECTED: "rejected",
}
SUMMARY_ORDER = ("accepted", "updated", "unchanged", "duplicate", "rejected", "expired")
_STATUS_NL = {
    "accepted": "nieuw",
    "updated": "bijgewerkt",
    "unchanged": "ongewijzigd",
    "duplicate": "dubbel (gekoppeld)",
    "rejected": "afgewezen",
    "expired": "verlopen (niet geplaatst)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("vacancies", help="vacancies: import JSON-LD, search")
    sub = parser.add_subparsers(dest="vacancies_command", required=True)
    importing = sub.add_parser(
        "import", help="import JobPosting JSON-LD / NDJSON / HTML pages / Indeed-style XML feeds"
    )
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        help="file format (default: from the file name, else from its first bytes)",
    )
    importing.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    importing.add_argument("--target", help="HOST:PORT of the vacancies service (default localhost:<vacancies_port>)")
    importing.add_argument("--source", help="source name for every record (default: identifier name or URL host)")
    importing.set_defaults(func=_cmd_import)
    search = sub.add_parser("search", help="search open vacancies")
    search.add_argument("--text", default="", help='free text: words, "phrases", -excluded')
    search.add_argument("--near", default="", metavar="PLACE", help="Dutch place name")
    search.add_argument("--radius", type=float, default=None, metavar="KM", help="radius around --near (default 25)")
    search.add_argument("--isco", default="", metavar="CODE", help="ISCO-08 code or prefix, e.g. 25 or 2512")
    search.add_argument("--limit", type=int, default=20, help="number of results (max 100)")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--target", help="HOST:PORT of the vacancies service")
    search.set_defaults(func=_cmd_search)


def _target(target: str | None) -> str:
    from services.common.settings import Settings

    return target or f"localhost:{Settings().vacancies_port}"


def _connect(target: str | None, scope: str) -> tuple[Any, grpc.Channel, list[tuple[str, str]]]:
    from services.common.auth import mint_token
    from services.common.grpc_server import open_channel
    from services.common.i18n import cli_metadata
    from services.common.settings import Settings

    settings = Settings()
    channel = open_channel(settings, _target(target))
    # Only the scope the command needs ("vacancies:write" to import, "vacancies:read" to search).
    token = mint_token(settings, subject="cli", role="service", scopes=[scope])
    return (
        vacancy_service_pb2_grpc.VacancyServiceStub(channel),
        channel,
        [("authorization", f"Bearer {token}"), cli_metadata()],
    )


def _rpc_failure(error: grpc.RpcError, target: str | None = None) -> int:
    from services.common.cli_errors import SERVICES, failure_lines
    from services.common.settings import Settings

    settings = Settings()
    ports = {name: settings.port_of(name) for name in SERVICES}
    for line in failure_lines(error, "vacancies", _target(target), ports):
        print(line, file=sys.stderr)
    return 2


def import_records(
    stub: Any, records: list[ImportRecord], metadata: list[tuple[str, str]], progress: Any = None
) -> dict[str, Any]:
    """Send the good records in batches; the summary counts, every error with file + record (all
    problems of a record at once) and every record's warnings, in the command's language
    (`JOBMATCH_LANGUAGE`). Postings whose closing date has passed are counted as expired: not an
    error, nothing stored."""
    from services.common.i18n import cli_language, localize

    language = cli_language()
    counts: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    warnings = [
        {"file": r.file, "record": r.record, "warnings": [localize(w, language) for w in r.warnings]}
        for r in records
        if r.warnings
    ]
    for record in records:
        if record.vacancy is None:
            counts["rejected"] += 1
            errors.append(
                {
                    "file": record.file,
                    "record": record.record,
                    "reason": localize(record.error, language),
                    "problems": [localize(p, language) for p in record.problems or [record.error]],
                }
            )
    good = [r for r in records if r.vacancy is not None]
    batches = [good[i : i + BATCH_SIZE] for i in range(0, len(good), BATCH_SIZE)]

    def requests() -> Iterator[svc.IngestVacanciesRequest]:
        for number, batch in enumerate(batches):
            yield svc.IngestVacanciesRequest(
                batch_id=str(number), vacancies=[r.vacancy for r in batch if r.vacancy is not None]
            )

    for response in stub.IngestVacancies(requests(), metadata=metadata):
        batch = batches[int(response.batch_id)]
        for result in response.results:
            status = STATUS_NAMES.get(result.status, "rejected")
            if status == "rejected" and result.expired:
                status = "expired"
            counts[status] += 1
            if status == "rejected":
                record = batch[result.index]
                problems = [f"{v.field.split('.', 1)[-1]}: {v.description}" for v in result.violations]
                errors.append(
                    {"file": record.file, "record": record.record, "reason": "; ".join(problems), "problems": problems}
                )
        if progress is not None:
            progress(len(batch))
    summary: dict[str, Any] = {name: counts[name] for name in SUMMARY_ORDER}
    # Report problems in the order of the files and records given.
    file_order = {name: index for index, name in enumerate(dict.fromkeys(r.file for r in records))}
    summary["errors"] = sorted(errors, key=lambda e: (file_order.get(e["file"], 0), e["record"]))
    summary["warnings"] = warnings
    return summary


def _cmd_import(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    records = list(read_files(args.files, args.source, args.format))
    stub, channel, metadata = _connect(args.target, "vacancies:write")
    err = Console(stderr=True)
    try:
        with Progress(console=err, disable=args.json, transient=True) as progress:
            task = progress.add_task("Vacatures importeren / importing", total=sum(1 for r in records if r.vacancy))
            summary = import_records(stub, records, metadata, lambda n: progress.advance(task, n))
    except grpc.RpcError as error:
        return _rpc_failure(error, args.target)
    finally:
        channel.close()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0 if not summary["errors"] else 1
    out = Console()
    table = Table(title="Resultaat import / import result")
    table.add_column("status")
    table.add_column("aantal / count", justify="right")
    for name in SUMMARY_ORDER:
        table.add_row(f"{_STATUS_NL[name]} / {name}", str(summary[name]))
    out.print(table)
    if summary["errors"]:
        problems = Table(title="Afgewezen records / rejected records")
        for column in ("file", "record", "reason"):
            problems.add_column(column, overflow="fold")
        for rejected in summary["errors"]:
            problems.add_row(rejected["file"], str(rejected["record"]), "\n".join(rejected["problems"]))
        out.print(problems)
    if summary["warnings"]:
        told = Table(title="Waarschuwingen (wel geïmporteerd) / warnings (imported all the same)")
        for column in ("file", "record", "warning"):
            told.add_column(column, overflow="fold")
        for item in summary["warnings"]:
            told.add_row(item["file"], str(item["record"]), "\n".join(item["warnings"]))
        out.print(told)
    return 0 if not summary["errors"] else 1


def _cmd_search(args: argparse.Namespace) -> int:
    request = svc.SearchVacanciesRequest(query=args.text, page_size=args.limit)
    if args.near:
        request.near_place = args.near
        request.radius_km = args.radius if args.radius is not None else 25.0
    elif args.radius is not None:
        request.radius_km = args.radius  # the service explains that a radius needs a place
    if args.isco:
        request.isco_prefixes.append(args.isco)
    stub, channel, metadata = _connect(args.target, "vacancies:read")
    try:
        response = stub.SearchVacancies(request, metadata=metadata)
    except grpc.RpcError as error:
        return _rpc_failure(error, args.target)
    finally:
        channel.close()
    hits = [
        {
            "vacancy_id": h.vacancy.vacancy_id,
            "title": h.vacancy.title,
            "employer": h.vacancy.employer,
            "place_name": h.vacancy.location.place_name,
            "isco_code": h.vacancy.occupation.isco_code,
            "distance_km": h.distance_km if h.HasField("distance_km") else None,
            "date_posted": h.vacancy.date_posted,
            "valid_through": h.vacancy.valid_through,
            "score": h.score,
        }
        for h in response.hits
    ]
    if args.json:
        print(
            json.dumps(
                {"total_count": response.total_count, "hits": hits, "next_page_token": response.next_page_token},
                ensure_ascii=False,
            )
        )
        return 0
    render_search(response.total_count, hits)
    return 0


def render_search(total: int, hits: list[dict[str, Any]], console: Any = None) -> None:
    """The hits as a table that fits 80 columns: ids whole, texts folded (ISCO: `--json`)."""
    from services.common.cli_tables import print_rows

    columns = (("vacature / vacancy", False), ("km", True), ("datum / date", True), ("id", True))
    rows = [
        (
            f"{hit['title']}\n{', '.join(x for x in (hit['employer'], hit['place_name']) if x)}",
            "" if hit["distance_km"] is None else f"{hit['distance_km']:.0f}",
            hit["date_posted"],
            hit["vacancy_id"],
        )
        for hit in hits
    ]
    print_rows(f"{total} vacatures / vacancies", columns, rows, console)
