"""The one-command stack: `jobmatch up` brings up broker and three services, answers health
and reflection on every port, mints working development tokens with a secret it generated for
its data dir (as for a new user: no JOBMATCH_TOKEN_SECRET), and Ctrl-C leaves no process behind."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from services.common.ports import free_loopback_port as free_port

SERVICES = {
    "vacancies": "jobmatch.vacancies.v1.VacancyService",
    "matching": "jobmatch.matching.v1.MatchingService",
    "activities": "jobmatch.activities.v1.ActivityService",
}


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def stack_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack") / "data"


def new_user_env(data_dir: Path) -> dict[str, str]:
    """The environment of someone who just cloned the repository: no token secret set."""
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "JOBMATCH_TOKEN_SECRET")}
    env["JOBMATCH_DATA_DIR"] = str(data_dir)
    return env


def stderr_file(data_dir: Path) -> Path:
    return data_dir.parent / "stack.stderr"


@pytest.fixture(scope="module")
def stack(stack_data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, int], list[str]]]:
    ports = {name: free_port() for name in SERVICES}
    env = new_user_env(stack_data_dir)
    env.update(
        {
            "JOBMATCH_VACANCIES_PORT": str(ports["vacancies"]),
            "JOBMATCH_MATCHING_PORT": str(ports["matching"]),
            "JOBMATCH_ACTIVITIES_PORT": str(ports["activities"]),
            # Its own web/API port: two stacks on 8080 at once (test files run side by side)
            # race for it, and the stack whose gateway loses stops.
            "JOBMATCH_GATEWAY_PORT": str(free_port()),
            "PYTHONUNBUFFERED": "1",
        }
    )
    stderr_file(stack_data_dir).parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr_file(stack_data_dir).open("wb"),
        text=True,
        start_new_session=True,  # its own process group, as in a terminal: Ctrl-C goes to the group
    )
    banner: list[str] = []
    deadline = time.monotonic() + 180
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line.rstrip("\n"))
        if "Ctrl-C" in line:
            break
    try:
        yield process, ports, banner
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class TestDevelopmentTokens:
    def test_the_stack_generated_a_secret_for_its_data_dir_that_only_its_owner_can_read(
        self, stack, stack_data_dir: Path
    ) -> None:
        secret_file = stack_data_dir / "token-secret"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert len(secret_file.read_text().strip()) >= 32

    def test_the_banners_token_is_accepted(self, stack) -> None:
        from jobmatch.matching.v1 import matching_service_pb2 as mpb
        from jobmatch.matching.v1 import matching_service_pb2_grpc

        _, ports, banner = stack
        token = re.search(r"authorization: Bearer ([\w.-]+)", "\n".join(banner)).group(1)  # type: ignore[union-attr]
        with grpc.insecure_channel(f"localhost:{ports['matching']}") as channel:
            matching_service_pb2_grpc.MatchingServiceStub(channel).GetFeed(
                mpb.GetFeedRequest(client_id="c-demo-001", page_size=1),
                metadata=(("authorization", f"Bearer {token}"),),
                timeout=30,
            )

    def test_jobmatch_token_reads_the_data_dirs_secret_and_its_token_is_accepted(
        self, stack, stack_data_dir: Path
    ) -> None:
        from jobmatch.activities.v1 import activities_pb2 as apb
        from jobmatch.activities.v1 import activities_pb2_grpc

        _, ports, _ = stack
        minted = subprocess.run(
            [
                sys.executable,
                "-m",
                "services.cli",
                "token",
                "--role",
                "caseworker",
                "--subject",
                "cw-demo",
                "--caseload",
                "c-demo-001",
            ],
            env=new_user_env(stack_data_dir),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        with grpc.insecure_channel(f"localhost:{ports['activities']}") as channel:
            activities_pb2_grpc.ActivityServiceStub(channel).GetCaseload(
                apb.GetCaseloadRequest(caseworker_id="cw-demo"),
                metadata=(("authorization", f"Bearer {minted.stdout.strip()}"),),
                timeout=60,
            )


class TestStack:
    def test_banner_names_every_endpoint_and_a_grpcurl_call(self, stack) -> None:
        process, ports, banner = stack
        text = "\n".join(banner)
        assert process.poll() is None, text
        for port in ports.values():
            assert f"localhost:{port}" in text
        assert "grpcurl -plaintext" in text and "authorization: Bearer" in text

    @pytest.mark.parametrize("name", list(SERVICES))
    def test_every_service_is_serving_and_lists_itself_by_reflection(self, stack, name: str) -> None:
        _, ports, _ = stack
        with grpc.insecure_channel(f"localhost:{ports[name]}") as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=SERVICES[name]), timeout=10
            )
            assert health.status == health_pb2.HealthCheckResponse.SERVING
            replies = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10
            )
            names = {s.name for reply in replies for s in reply.list_services_response.service}
        assert {SERVICES[name], "grpc.health.v1.Health"} <= names

    def test_ctrl_c_stops_the_services_then_the_broker_within_5_seconds_without_error_lines(
        self, stack, stack_data_dir: Path
    ) -> None:
        process, _, _ = stack
        children = descendants(process.pid)
        assert len(children) >= 4, "broker and three services run as child processes"
        log = stderr_file(stack_data_dir)
        before = log.stat().st_size
        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does: the whole group
        assert process.wait(timeout=60) == 0
        took = time.monotonic() - started
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if alive(pid)]
        lines = log.read_bytes()[before:].decode(errors="replace").splitlines()
        assert took <= 5.0, f"stopping took {took:.1f} s"
        assert not [
            line
            for line in lines
            if not line.startswith("{")
            or '"level": "error"' in line
            or '"level": "warning"' in line
            or '"level": "critical"' in line
        ], "\n".join(lines)
        stopped = {json.loads(line)["service"] for line in lines if '"message": "stopped"' in line}
        assert stopped == set(SERVICES)
