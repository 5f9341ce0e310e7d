"""The scale suite's stack: N replica processes per service on one broker and one osmem clone.

Replicas are started as `jobmatch up --replicas N` starts them (`services.replicas.replica_env`:
SO_REUSEPORT on the service's one port, JOBMATCH_REPLICA_ID, a data folder per replica), but by
the test itself, so that it can SIGKILL and restart one replica while the others keep running
(the `jobmatch up` supervisor stops the whole stack when a child dies). Topic readers and the
ingest batches come from the fault tests' helpers (tests/faults/faults_support.py).
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
from faults_support import FULL_NAMES, REPO  # tests/faults, on the path by conftest.py
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.bus import free_loopback_port
from services.replicas import replica_env, wait_until_listening

SERVICES = tuple(FULL_NAMES)
# The consumer groups of the services, each with the topics its members split.
GROUPS = {
    "jobmatch-matching": "matching",
    "jobmatch-activities-vacancies": "activities",
    "jobmatch-vacancies-jobs": "vacancies",  # a lease: assigned the vacancies topic, reads nothing
}
# A call that fails because its replica died (or the connection went with it) is sent again
# on a new connection, which the kernel gives to a live replica of the port.
REPLICA_GONE = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.CANCELLED,
    grpc.StatusCode.UNKNOWN,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.DEADLINE_EXCEEDED,
)
T = TypeVar("T")
# `python -m services.<name>` that first asks Linux to SIGKILL it when the test dies
# (PR_SET_PDEATHSIG). Set in the child itself rather than in a preexec_fn: without one, Popen
# starts the child with vfork, so grpc's fork handlers never run in it. (With preexec_fn, fork
# from a test process with gRPC calls in flight left children that died before exec.)
_LAUNCH = (
    "import ctypes, runpy, signal, sys; ctypes.CDLL('libc.so.6').prctl(1, signal.SIGKILL, 0, 0, 0); "
    "runpy.run_module(sys.argv[1], run_name='__main__', alter_sys=True)"
)


@dataclass
class Replica:
    service: str
    number: int
    port: int
    env: dict[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{self.service}-{self.number}-{self.starts}.log", "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _LAUNCH, f"services.{self.service}"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_listening(self, timeout: float = 120.0) -> None:
        assert self.process is not None
        if not wait_until_listening(self.process.pid, self.port, timeout, self.alive):
            raise AssertionError(f"{self.service} replica {self.number} does not listen; log:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, chars: int = 3000) -> str:
        path = self.log_dir / f"{self.service}-{self.number}-{self.starts}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"

    def error_lines(self) -> list[str]:
        """Errors our own code logged (kafka-python's connection errors under load are its own)."""
        lines = []
        for start in range(1, self.starts + 1):
            path = self.log_dir / f"{self.service}-{self.number}-{start}.log"
            for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
                try:
                    record = json.loads(line)
                except ValueError:
                    if "Traceback" in line:
                        lines.append(line)
                    continue
                if record.get("level") in ("error", "critical") and str(record.get("logger", "")).startswith(
                    ("jobmatch", "services")
                ):
                    lines.append(line)
        return lines


@dataclass
class ScaleStack:
    """N replicas of each service; `bootstrap` and `search_url` are shared by all of them."""

    root: Path
    bootstrap: str
    search_url: str
    replicas: int
    ports: dict[str, int] = field(default_factory=lambda: {name: free_loopback_port() for name in SERVICES})
    processes: dict[str, list[Replica]] = field(default_factory=dict)
    killed: list[Replica] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Every JOBMATCH_/KAFKA_ setting is the stack's own. Also the group timing: the session's
        # 1.5 s (tests/conftest.py, for in-process consumers) got 9 replicas on 2 busy cores
        # kicked out of their groups again and again; these run with the default, as deployed.
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("JOBMATCH_", "KAFKA_")) and k != "ELASTICSEARCH_URL"
        }
        base.update(
            {
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                "JOBMATCH_SEARCH_URL": self.search_url,
                "JOBMATCH_SEARCH_ENGINE": "opensearch",
                "JOBMATCH_TOKEN_SECRET": os.environ["JOBMATCH_TOKEN_SECRET"],  # the session's (tests/conftest.py)
                "JOBMATCH_GRACE_SECONDS": "1",
                "PYTHONUNBUFFERED": "1",
                **{f"JOBMATCH_{name.upper()}_PORT": str(port) for name, port in self.ports.items()},
            }
        )
        data_dir = self.root / "data"
        for name in SERVICES:
            self.processes[name] = [
                Replica(
                    name,
                    n,
                    self.ports[name],
                    replica_env(base, data_dir, n, self.replicas, seed=False),
                    self.root / "logs",
                )
                for n in range(1, self.replicas + 1)
            ]

    def all(self) -> list[Replica]:
        return [replica for group in self.processes.values() for replica in group]

    def start(self) -> None:
        for replica in self.all():
            replica.start()
        for replica in self.all():
            replica.wait_listening()
        for name in SERVICES:
            wait_serving(self.address(name), FULL_NAMES[name])

    def stop(self) -> None:
        for replica in reversed(self.all()):
            if replica.alive():
                assert replica.process is not None
                replica.process.send_signal(signal.SIGTERM)
        for replica in self.all():
            replica.stop()

    def address(self, name: str) -> str:
        return f"127.0.0.1:{self.ports[name]}"

    def kill_one_of_each(self, victim: int) -> None:
        """kill -9 replica `victim` of every service, once the replicas restarted after the
        previous round listen again (a round takes one replica of N away, not all of them)."""
        self.wait_listening()
        for name in SERVICES:
            replica = self.processes[name][victim - 1]
            replica.kill()
            self.killed.append(replica)

    def restart_the_killed(self) -> None:
        """Start the replicas killed since the last call again (same replica id, same data
        folder), as a supervisor would, without waiting for them (`wait_listening` does). From
        the test's main thread: a child dies with the thread that started it. A replica that
        died by itself is not started again: the tests see it dead."""
        while self.killed:
            self.killed.pop().start()

    def wait_listening(self) -> None:
        for replica in self.all():
            replica.wait_listening()


def wait_serving(address: str, full_name: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if (
                    stub.Check(health_pb2.HealthCheckRequest(service=full_name), timeout=2).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise AssertionError(f"{full_name} at {address} never answered SERVING")


class Channels:
    """A few connections to one port (each sticks to the replica the kernel gave it), used in
    turn; a call whose replica died is sent again on a fresh connection."""

    def __init__(self, address: str, stub: Callable[[grpc.Channel], Any], count: int) -> None:
        self._address, self._stub = address, stub
        self._channels: list[grpc.Channel] = [grpc.insecure_channel(address) for _ in range(count)]
        self._next = 0
        self._lock = threading.Lock()
        self.resent = 0

    def call(self, send: Callable[[Any], T]) -> T:
        """`send(stub)` on the next connection; sent again on a fresh one if its replica died."""
        deadline = time.monotonic() + 90
        while True:
            with self._lock:
                index = self._next % len(self._channels)
                self._next += 1
                channel = self._channels[index]
            try:
                return send(self._stub(channel))
            except grpc.RpcError as error:
                if error.code() not in REPLICA_GONE or time.monotonic() > deadline:
                    raise
                with self._lock:
                    self.resent += 1
                    if self._channels[index] is channel:  # not replaced by another thread yet
                        channel.close()
                        self._channels[index] = grpc.insecure_channel(self._address)
                time.sleep(0.2)

    def close(self) -> None:
        for channel in self._channels:
            channel.close()


@contextmanager
def channels(address: str, stub: Callable[[grpc.Channel], Any], count: int) -> Iterator[Channels]:
    pool = Channels(address, stub, count)
    try:
        yield pool
    finally:
        pool.close()


def group_members(bootstrap: str, groups: list[str]) -> dict[str, int]:
    """How many members each consumer group has, as the broker's group coordinator says."""
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="scale-describe-groups")
    # Tansu answers authorized_operations with bits kafka-python 3.0 has no enum member for
    # (ValueError: 15 is not a valid ACLOperation); the ACLs are not what we ask about.
    admin._process_acl_operations = lambda description: description  # type: ignore[method-assign]
    try:
        return {group: len(d.get("members", [])) for group, d in admin.describe_groups(groups).items()}
    finally:
        admin.close()


def last_assignment(replica: Replica, group: str) -> set[str]:
    """The partitions the replica's running process last logged as assigned in `group`
    ("topic[p]"). Tansu's DescribeGroups leaves member_assignment empty, so the members say it."""
    path = replica.log_dir / f"{replica.service}-{replica.number}-{replica.starts}.log"
    marker = f"consumer {group} was assigned "
    found: set[str] = set()
    for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
        try:
            message = json.loads(line).get("message", "")
        except ValueError:
            continue
        if message.startswith(marker):
            found = set(ast.literal_eval(message[len(marker) :]))
    return found
