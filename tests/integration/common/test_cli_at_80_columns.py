"""The command line at 80 columns: tables fit and never break an id or an actor, every command
that prints something has `--json`, and a reader that goes away (`| head -1`) gives no traceback."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime

from google.protobuf import timestamp_pb2
from rich.console import Console

from jobmatch.privacy.v1 import privacy_pb2
from services.cli import build_parser
from services.privacy_cli import render_log
from services.vacancies.entrypoints.cli import render_search

VACANCY_ID = "3f2b8c1e-9d4a-4e7b-a1c2-7f6e5d4c3b2a"
ACTOR = "caseworker:cw-amsterdam-noord-0042"
# Servers, not output: they print a banner or logs and run until stopped.
SERVERS = {"up", "serve"}


def at_80_columns() -> Console:
    return Console(width=80, record=True, force_terminal=False, color_system=None)


def lines_of(console: Console) -> list[str]:
    return console.export_text().splitlines()


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield " ".join(path), parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from leaf_commands(sub, (*path, name))


class TestTablesAt80Columns:
    def test_the_vacancy_search_table_fits_and_shows_each_id_whole_on_one_line(self) -> None:
        hit = {
            "title": "Medewerker klantenservice energie en telecom (32-40 uur, vast contract)",
            "employer": "Energiebedrijf Stroomvast Nederland B.V.",
            "place_name": "Alphen aan den Rijn",
            "distance_km": 12.4,
            "date_posted": "2026-11-20",
            "vacancy_id": VACANCY_ID,
        }
        console = at_80_columns()
        render_search(1, [hit, {**hit, "distance_km": None}], console)
        lines = lines_of(console)
        assert max(len(line) for line in lines) <= 80
        assert sum(VACANCY_ID in line for line in lines) == 2
        text = "\n".join(lines)
        assert all(word in text for word in ("Medewerker", "klantenservice", "Energiebedrijf", "Stroomvast"))

    def test_the_processing_log_table_fits_and_shows_each_actor_whole(self) -> None:
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(datetime(2026, 11, 20, 9, 30))
        record = privacy_pb2.ProcessingLogRecord(
            start_time=stamp,
            service="activities",
            name="/jobmatch.activities.v1.ActivityService/GetCaseload",
            processing_activity_name_nl="Overzicht caseload klantmanager",
            actor=ACTOR,
            status="ok",
        )
        console = at_80_columns()
        render_log("c-demo-001", [record, record], console)
        lines = lines_of(console)
        assert max(len(line) for line in lines) <= 80
        assert sum(ACTOR in line for line in lines) == 2
        assert "GetCaseload" in "\n".join(lines) and "2026-11-20 09:30" in "\n".join(lines)


class TestJsonEverywhere:
    def test_every_command_that_prints_something_has_a_json_option(self) -> None:
        missing = [
            name
            for name, parser in leaf_commands(build_parser())
            if name not in SERVERS and not any("--json" in a.option_strings for a in parser._actions)
        ]
        assert missing == []


class TestClosedPipe:
    def test_a_reader_that_went_away_gives_no_traceback(self) -> None:
        read_end, write_end = os.pipe()
        os.close(read_end)  # as `| head -1` after its first line: every write now fails with EPIPE
        env = {**os.environ, "JOBMATCH_TOKEN_SECRET": secrets.token_hex(32)}
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "services.cli",
                    "token",
                    "--role",
                    "client",
                    "--subject",
                    "c-demo-001",
                    "--json",
                ],
                stdout=write_end,
                stderr=subprocess.PIPE,
                env=env,
                timeout=60,
                check=False,
            )
        finally:
            os.close(write_end)
        assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr, done.stderr.decode()
        assert done.returncode == 141
