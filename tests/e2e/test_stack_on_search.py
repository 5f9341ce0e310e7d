"""`jobmatch up --store search` answers the README's demo calls as `jobmatch up` does on SQLite.

Two stacks run side by side from the same sample data: one on the embedded SQLite stores, one
on the search-engine adapters over an embedded OpenSearch-API server (osmem). The feed of
c-demo-001, the caseload of cw-demo and an import give the same answers (ids aside: they are
drawn at random per vacancy).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from test_stack import free_port

from jobmatch.activities.v1 import activities_pb2, activities_pb2_grpc
from jobmatch.matching.v1 import matching_service_pb2, matching_service_pb2_grpc
from services.common.auth import mint_token
from services.common.settings import Settings

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "vacancies" / "werkbank_graph.jsonld"
DEMO_CLIENTS = [f"c-demo-{i:03d}" for i in range(1, 21)]


class Stack:
    def __init__(self, root: Path, *args: str) -> None:
        self.ports = {name: free_port() for name in ("vacancies", "matching", "activities")}
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "JOBMATCH_SEARCH_URL")
        }
        self.env.update(
            {
                "JOBMATCH_DATA_DIR": str(root / "data"),
                "PYTHONUNBUFFERED": "1",
                **{f"JOBMATCH_{name.upper()}_PORT": str(port) for name, port in self.ports.items()},
                # Its own web/API port: stacks on 8080 at once race for it, and the loser stops.
                "JOBMATCH_GATEWAY_PORT": str(free_port()),
            }
        )
        self.log = root / "stack.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "up", *args],
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        self.banner: list[str] = []

    def wait_for_banner(self) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.banner.append(line.rstrip("\n"))
            if "Ctrl-C" in line:
                return
        errors = [line for line in self.log.read_text().splitlines() if not line.startswith("{")]
        raise AssertionError("stack did not come up:\n" + "\n".join(self.banner + errors[-30:]))

    def cli(self, *args: str) -> Any:
        done = subprocess.run(
            [sys.executable, "-m", "services.cli", *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, Stack]]:
    on_sqlite = Stack(tmp_path_factory.mktemp("sqlite"))
    on_search = None
    try:
        on_sqlite.wait_for_banner()  # one at a time: two stacks seeding at once crowd two cores
        on_search = Stack(tmp_path_factory.mktemp("search"), "--store", "search")
        on_search.wait_for_banner()
        yield on_sqlite, on_search
    finally:
        if on_search is not None:
            on_search.stop()
        on_sqlite.stop()


def feed_of(stack: Stack, client: str) -> list[tuple[Any, ...]]:
    """The feed once the matching service has taken in every sample vacancy (it arrives as events):
    two equal answers 2 s apart. Asked over gRPC: through the CLI every poll would start a Python
    process (`test_jobmatch_feed_prints_the_feed_the_api_gives` runs `jobmatch feed` once)."""
    previous: list[tuple[Any, ...]] | None = None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        items = feed_items(stack, client)
        if items and items == previous:
            return items
        previous = items
        time.sleep(2)
    raise AssertionError(f"feed of {client} did not settle: {previous}")


def feed_items(stack: Stack, client: str) -> list[tuple[Any, ...]]:
    """(title, employer, place, score) of the first page of `client`'s feed, asked as `jobmatch feed` does."""
    settings = Settings(data_dir=Path(stack.env["JOBMATCH_DATA_DIR"]))
    token = mint_token(settings, subject="cw-cli", role="caseworker", caseload=[client])
    with grpc.insecure_channel(f"127.0.0.1:{stack.ports['matching']}") as channel:
        reply = matching_service_pb2_grpc.MatchingServiceStub(channel).GetFeed(
            matching_service_pb2.GetFeedRequest(client_id=client, page_size=20),
            metadata=(("authorization", f"Bearer {token}"),),
            timeout=30,
        )
    return [(i.vacancy.title, i.vacancy.employer, i.vacancy.place_name, i.score) for i in reply.items]


def caseload_of(stack: Stack) -> list[tuple[Any, ...]]:
    settings = Settings(data_dir=Path(stack.env["JOBMATCH_DATA_DIR"]))
    token = mint_token(settings, subject="cw-demo", role="caseworker", caseload=DEMO_CLIENTS)
    with grpc.insecure_channel(f"127.0.0.1:{stack.ports['activities']}") as channel:
        reply = activities_pb2_grpc.ActivityServiceStub(channel).GetCaseload(
            activities_pb2.GetCaseloadRequest(caseworker_id="cw-demo"),
            metadata=(("authorization", f"Bearer {token}"),),
            timeout=30,
        )
    return [
        (e.client_id, e.has_policy, e.last_activity_date, e.current.SerializeToString(deterministic=True))
        for e in reply.entries
    ]


def test_the_banner_shows_the_search_engine(stacks: tuple[Stack, Stack]) -> None:
    on_sqlite, on_search = stacks
    assert any(line.strip().startswith("search") and "opensearch" in line for line in on_search.banner)
    assert not any(line.strip().startswith("search ") for line in on_sqlite.banner)


def test_the_demo_feed_is_the_same_on_both_stores(stacks: tuple[Stack, Stack]) -> None:
    """Both matching services take in the 2 000 sample vacancies as events, each at its own pace:
    the search-store feed must come to equal the SQLite one."""
    on_sqlite, on_search = stacks
    feed = feed_of(on_sqlite, "c-demo-001")
    assert feed
    deadline, other = time.monotonic() + 90, feed_of(on_search, "c-demo-001")
    while other != feed and time.monotonic() < deadline:
        time.sleep(2)
        other = feed_of(on_search, "c-demo-001")
    assert other == feed


def test_jobmatch_feed_prints_the_feed_the_api_gives(stacks: tuple[Stack, Stack]) -> None:
    _, on_search = stacks
    feed = feed_of(on_search, "c-demo-001")
    printed = on_search.cli("feed", "--client", "c-demo-001", "--json")
    # The JSON leaves out fields at their default value, as protobuf's JSON mapping does.
    assert [
        (
            i["vacancy"].get("title", ""),
            i["vacancy"].get("employer", ""),
            i["vacancy"].get("place_name", ""),
            i.get("score", 0.0),
        )
        for i in printed.get("items", [])
    ] == feed


def test_the_demo_caseload_is_the_same_on_both_stores(stacks: tuple[Stack, Stack]) -> None:
    on_sqlite, on_search = stacks
    caseload = caseload_of(on_sqlite)
    assert len(caseload) == 20 and caseload == caseload_of(on_search)


def test_an_import_gives_the_same_summary_on_both_stores(stacks: tuple[Stack, Stack]) -> None:
    summaries = [stack.cli("vacancies", "import", str(FIXTURE), "--json") for stack in stacks]
    assert summaries[0] == summaries[1] and summaries[0]["accepted"] > 0
