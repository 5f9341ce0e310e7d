"""`jobmatch up --replicas 2 --store search`: two processes per service behind each port
(SO_REUSEPORT), one broker and one osmem; the demo feed answers; Ctrl-C stops every process.
Without a shared store the stack refuses before starting anything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from test_stack import SERVICES, alive, descendants
from test_stack_on_search import Stack, feed_of

REPLICAS = 2


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("replicas"), "--replicas", str(REPLICAS), "--store", "search")
    try:
        running.wait_for_banner()
        yield running
    finally:
        running.stop()


def service_processes(stack: Stack) -> dict[str, list[int]]:
    """Pids of the stack's service processes (`python -m services.<name>`), per service."""
    found: dict[str, list[int]] = {name: [] for name in SERVICES}
    for pid in descendants(stack.process.pid):
        try:
            argv = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for name in SERVICES:
            if f"services.{name}".encode() in argv:
                found[name].append(pid)
    return found


def test_the_banner_lists_each_service_once_with_its_replicas_and_the_search_url(stack: Stack) -> None:
    for name in SERVICES:
        lines = [line for line in stack.banner if line.strip().startswith(name + " ")]
        assert len(lines) == 1 and f"{REPLICAS} replicas" in lines[0], lines
    assert any(line.strip().startswith("search") and "http" in line for line in stack.banner)


def test_every_service_answers_serving_on_its_one_port(stack: Stack) -> None:
    for name, full_name in SERVICES.items():
        with grpc.insecure_channel(f"127.0.0.1:{stack.ports[name]}") as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=full_name), timeout=10
            )
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_the_process_tree_has_two_processes_per_service(stack: Stack) -> None:
    assert {name: len(pids) for name, pids in service_processes(stack).items()} == dict.fromkeys(SERVICES, REPLICAS)


def test_the_demo_feed_answers(stack: Stack) -> None:
    assert feed_of(stack, "c-demo-001")


def test_each_replica_keeps_its_local_files_in_a_folder_of_its_own(stack: Stack) -> None:
    data = Path(stack.env["JOBMATCH_DATA_DIR"])
    assert sorted(p.name for p in data.glob("replica-*")) == [f"replica-{n}" for n in range(1, REPLICAS + 1)]


def test_ctrl_c_stops_every_process(stack: Stack) -> None:
    pids = [pid for group in service_processes(stack).values() for pid in group]
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=90) == 0
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in pids if alive(pid)]


def test_replicas_without_a_shared_store_are_refused_with_a_message_in_dutch_and_english(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "up", "--replicas", "2"],
        env=_env_without_search(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--store search" in done.stderr and "gedeelde opslag" in done.stderr and "shared store" in done.stderr
    assert not (tmp_path / "data").exists()  # refused before it started or wrote anything


def _env_without_search(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "JOBMATCH_SEARCH_URL")
    }
    env["JOBMATCH_DATA_DIR"] = str(tmp_path / "data")
    return env
