"""What a service process switches on at start: its /metrics endpoint and its tracer."""

from __future__ import annotations

from services.common.settings import Settings

from .metrics import start_metrics_endpoint
from .tracing import enable_tracing


def observe_process(settings: Settings, service: str) -> int | None:
    """Start the metrics endpoint (when a port is set) and tracing (unless switched off);
    returns the metrics port or None."""
    if settings.tracing:
        enable_tracing(service, settings.otlp_endpoint)
    return start_metrics_endpoint(settings.metrics_port_of(service), settings.bind_host)
