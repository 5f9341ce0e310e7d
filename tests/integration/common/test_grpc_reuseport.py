"""SO_REUSEPORT only by setting: replicas of `jobmatch up --replicas N` share a port on purpose;
without JOBMATCH_SO_REUSEPORT a port that is taken stays an error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from services.common.grpc_server import create_grpc_server
from services.common.ports import free_loopback_port as free_port
from services.common.processing_log import SqliteProcessingLog
from services.common.settings import Settings


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[grpc.Server]]:
    servers: list[grpc.Server] = []
    yield servers
    for server in servers:
        server.stop(0).wait()


def serve(settings: Settings, port: int, tmp_path: Path, servers: list[grpc.Server]) -> int:
    log = SqliteProcessingLog(tmp_path / f"log-{len(servers)}.db")
    server, bound = create_grpc_server(
        f"127.0.0.1:{port}",
        settings=settings,
        service_names=["test.v1.Nothing"],
        register=lambda _: None,
        access={},
        processing_log=log,
    )
    servers.append(server)
    return bound


class TestSharedPort:
    def test_two_servers_share_a_port_when_the_setting_says_so(
        self, tmp_path: Path, started: list[grpc.Server]
    ) -> None:
        settings = Settings(data_dir=tmp_path, so_reuseport=True)
        port = free_port()
        assert serve(settings, port, tmp_path, started) == serve(settings, port, tmp_path, started) == port

    def test_a_taken_port_is_an_error_by_default(self, tmp_path: Path, started: list[grpc.Server]) -> None:
        settings = Settings(data_dir=tmp_path)
        port = free_port()
        serve(settings, port, tmp_path, started)
        with pytest.raises(RuntimeError):
            serve(settings, port, tmp_path, started)
