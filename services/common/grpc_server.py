"""The gRPC server every service runs: health, reflection and the platform interceptor.

`create_grpc_server` builds and starts a server (tests bind port 0); `serve_forever`
blocks until SIGTERM/SIGINT and then shuts down gracefully.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from jobmatch.privacy.v1 import privacy_pb2_grpc
from services.common import privacy as privacy_module
from services.common.auth import CaseloadLookup
from services.common.interceptor import MethodPolicy, server_interceptors
from services.common.observability.grpc_interceptors import observed_channel, server_observability
from services.common.privacy import PrivacyServicer
from services.common.processing_log import ProcessingLog
from services.common.settings import Settings

__all__ = ["MAX_MESSAGE_BYTES", "MethodPolicy", "create_grpc_server", "open_channel", "serve_forever"]

log = logging.getLogger("jobmatch.server")

# Large enough for an ingest batch of a few thousand vacancies, small enough to refuse abuse.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024

_health_of: dict[int, health.HealthServicer] = {}


def create_grpc_server(
    address: str,
    *,
    settings: Settings,
    service_names: Iterable[str],
    register: Callable[[grpc.Server], None],
    access: dict[str, MethodPolicy],
    processing_log: ProcessingLog,
    max_workers: int = 32,
    privacy: PrivacyServicer | None = None,
    caseload: CaseloadLookup | None = None,
) -> tuple[grpc.Server, int]:
    """Build and start a server; with `privacy`, it also serves jobmatch.privacy.v1; with
    `caseload`, the access rule asks it whether a caseworker is assigned a client."""
    names = list(service_names)
    if privacy is not None:
        names.append(privacy_module.SERVICE_NAME)
        access = {**access, **privacy_module.ACCESS}
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="rpc"),
        # Metrics and the trace span first: they must see every call and its final status.
        interceptors=[
            *server_observability(settings, _short_name(names)),
            *server_interceptors(settings, access, processing_log, _short_name(names), caseload),
        ],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            # Off unless N replicas share the port on purpose (JOBMATCH_SO_REUSEPORT, set by
            # `jobmatch up --replicas N`): otherwise a taken port must be an error.
            ("grpc.so_reuseport", 1 if settings.so_reuseport else 0),
        ],
        maximum_concurrent_rpcs=max_workers * 8,
    )
    register(server)
    if privacy is not None:
        privacy_pb2_grpc.add_PrivacyServiceServicer_to_server(privacy, server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ["", *names]:
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        [*names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server,
    )
    port = _add_port(server, address, settings)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    server.start()
    _health_of[id(server)] = health_servicer
    log.info("listening", extra={"address": address, "port": port, "services": names})
    return server, port


def _add_port(server: grpc.Server, address: str, settings: Settings) -> int:
    if settings.tls_cert_file is None or settings.tls_key_file is None:
        return server.add_insecure_port(address)
    client_ca = settings.tls_client_ca_file.read_bytes() if settings.tls_client_ca_file else None
    credentials = grpc.ssl_server_credentials(
        [(settings.tls_key_file.read_bytes(), settings.tls_cert_file.read_bytes())],
        root_certificates=client_ca,
        require_client_auth=client_ca is not None,
    )
    return server.add_secure_port(address, credentials)


def open_channel(settings: Settings, address: str) -> grpc.Channel:
    """A client channel to one of our services, with TLS/mTLS when configured."""
    options = [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ]
    if settings.tls_ca_file is None:
        return observed_channel(grpc.insecure_channel(address, options=options))
    credentials = grpc.ssl_channel_credentials(
        root_certificates=settings.tls_ca_file.read_bytes(),
        private_key=settings.tls_client_key_file.read_bytes() if settings.tls_client_key_file else None,
        certificate_chain=settings.tls_client_cert_file.read_bytes() if settings.tls_client_cert_file else None,
    )
    return observed_channel(grpc.secure_channel(address, credentials, options=options))


def _short_name(names: list[str]) -> str:
    # "jobmatch.vacancies.v1.VacancyService" -> "vacancies"
    parts = names[0].split(".") if names else ["jobmatch"]
    return parts[1] if len(parts) > 2 else parts[0]


def shutdown(server: grpc.Server, grace: float) -> None:
    """Report NOT_SERVING, let running calls finish within `grace`, then stop."""
    health_servicer = _health_of.pop(id(server), None)
    if health_servicer is not None:
        health_servicer.enter_graceful_shutdown()
    server.stop(grace).wait()


def serve_forever(
    server: grpc.Server,
    port: int,
    name: str,
    *,
    grace: float = 5.0,
    on_stop: Iterable[Callable[[], None]] = (),
) -> None:
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("stopping", extra={"signal": signal.Signals(signum).name, "service": name})
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    log.info("serving", extra={"service": name, "port": port})
    while not stop.wait(0.5):
        pass
    shutdown(server, grace)
    for callback in on_stop:
        try:
            callback()
        except Exception:  # keep shutting the rest down
            log.exception("error while stopping", extra={"service": name})
    log.info("stopped", extra={"service": name})
