"""Wires the gateway: gRPC clients of the three services, the `/api/v1` app and the web module."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from services.common.settings import Settings
from services.gateway.adapters.service_clients import ServiceClients
from services.gateway.settings import GatewaySettings


def build_app(settings: Settings | None = None, gateway: GatewaySettings | None = None) -> FastAPI:
    from services.gateway.entrypoints.api_app import create_api
    from services.gateway.entrypoints.web_app import create_web

    settings = settings or Settings()
    gateway = gateway or GatewaySettings()
    service_clients = ServiceClients(settings, gateway)
    api = create_api()
    api.state.clients = service_clients
    app = create_web(settings, gateway, service_clients)
    app.mount("/api/v1", api)
    app.router.on_shutdown.append(service_clients.close)
    return app


def main() -> None:
    import uvicorn

    from services.common.logs import configure_logging
    from services.common.token_secret import startup_refusal

    settings = Settings()
    refusal = startup_refusal(settings)
    if refusal is not None:
        print(refusal, file=sys.stderr, flush=True)
        raise SystemExit(2)
    configure_logging("gateway", settings.log_level)
    gateway = GatewaySettings()
    uvicorn.run(
        build_app(settings, gateway),
        host=settings.bind_host,
        port=gateway.port,
        log_level="warning",
        access_log=False,
        server_header=False,
    )
