"""Optional TLS and mutual TLS on the shared server, with a CA made in the test."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.grpc_server import create_grpc_server, open_channel, shutdown
from services.common.processing_log import SqliteProcessingLog
from services.common.settings import Settings

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pki")
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=jobmatch test CA",
        cwd=d,
    )
    (d / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for name in ("server", "client"):
        _openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            f"/CN={name}",
            cwd=d,
        )
        _openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            f"{name}.pem",
            "-days",
            "2",
            "-extfile",
            "san.cnf",
            cwd=d,
        )
    return d


def _serve(settings: Settings, tmp_path: Path) -> tuple[grpc.Server, int]:
    return create_grpc_server(
        "127.0.0.1:0",
        settings=settings,
        service_names=["jobmatch.probe.v1.ProbeService"],
        register=lambda s: None,
        access={},
        processing_log=SqliteProcessingLog(tmp_path / "plog.sqlite"),
    )


def _health(settings: Settings, port: int) -> int:
    with open_channel(settings, f"localhost:{port}") as channel:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status


class TestTls:
    def test_tls_server_answers_a_client_that_trusts_its_ca_and_refuses_plaintext(
        self, pki: Path, tmp_path: Path
    ) -> None:
        server_settings = Settings(data_dir=tmp_path, tls_cert_file=pki / "server.pem", tls_key_file=pki / "server.key")
        server, port = _serve(server_settings, tmp_path)
        try:
            assert _health(Settings(tls_ca_file=pki / "ca.pem"), port) == health_pb2.HealthCheckResponse.SERVING
            with pytest.raises(grpc.RpcError):
                _health(Settings(), port)
        finally:
            shutdown(server, 0)

    def test_mutual_tls_requires_a_client_certificate_from_the_ca(self, pki: Path, tmp_path: Path) -> None:
        server_settings = Settings(
            data_dir=tmp_path,
            tls_cert_file=pki / "server.pem",
            tls_key_file=pki / "server.key",
            tls_client_ca_file=pki / "ca.pem",
        )
        server, port = _serve(server_settings, tmp_path)
        try:
            with_cert = Settings(
                tls_ca_file=pki / "ca.pem",
                tls_client_cert_file=pki / "client.pem",
                tls_client_key_file=pki / "client.key",
            )
            assert _health(with_cert, port) == health_pb2.HealthCheckResponse.SERVING
            with pytest.raises(grpc.RpcError):
                _health(Settings(tls_ca_file=pki / "ca.pem"), port)
        finally:
            shutdown(server, 0)
