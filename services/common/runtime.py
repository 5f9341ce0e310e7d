"""What every service runs beside its gRPC server, and how a service process starts.

`BackgroundWork` holds the outbox relay, the event consumers and periodic sweeps of one
service and stops them in reverse order; `run_service` is the body of each service's
`main()`: JSON logs, the app, sample data on first start, background work, serve until
SIGTERM/SIGINT, then close. Settings that would let anyone mint tokens (no token secret, a
short or public one, and no OIDC provider) end the process with exit code 2 before anything
starts, as do settings that do not validate. A search engine that cannot be used at start (unreachable, wrong
credentials or kind, indices not migrated) ends the process with exit code 2 and the message.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import grpc

from services.common.settings import Settings

log = logging.getLogger("jobmatch.runtime")

T = TypeVar("T")


class BackgroundWork:
    def __init__(self, service: str) -> None:
        self.service = service
        self.parts: list[Any] = []
        self._stop = threading.Event()

    def start(self, part: T) -> T:
        part.start()  # type: ignore[attr-defined]
        self.parts.append(part)
        return part

    def every(self, interval: float, name: str, task: Callable[[], object]) -> None:
        """Run `task` now and then every `interval` seconds until stopped; a failing round
        is logged and retried next time."""

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    task()
                except Exception:  # the next round tries again
                    log.exception("%s failed", name, extra={"service": self.service})
                self._stop.wait(interval)

        threading.Thread(target=loop, name=f"{self.service}-{name}", daemon=True).start()

    def find(self, kind: type[T]) -> T | None:
        return next((p for p in self.parts if isinstance(p, kind)), None)

    def stop(self) -> None:
        self._stop.set()
        for part in reversed(self.parts):
            try:
                part.stop()
            except Exception:  # keep stopping the rest
                log.exception("error while stopping %s", part, extra={"service": self.service})
        self.parts.clear()


class ServiceApp(Protocol):
    def start_background(self) -> None: ...

    def close(self) -> None: ...


A = TypeVar("A", bound=ServiceApp)


def settings_or_exit(name: str) -> Settings:
    """The service's settings, or exit 2 with the reason (NL / EN) when it may not start."""
    from pydantic import ValidationError

    from services.common.token_secret import startup_refusal

    try:
        settings = Settings()
    except ValidationError as invalid:
        print(f"{name}: ongeldige instellingen / invalid settings:\n{invalid}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    refusal = startup_refusal(settings)
    if refusal is not None:
        print(f"{name}: {refusal}", file=sys.stderr, flush=True)
        raise SystemExit(2)
    return settings


def run_service(
    name: str,
    build_app: Callable[[Settings], A],
    create_server: Callable[[Settings, str, A], tuple[grpc.Server, int, A]],
    seed: Callable[[A], None],
) -> None:
    from services.common.grpc_server import serve_forever
    from services.common.logs import configure_logging, mark_shutting_down
    from services.common.search.engine import SearchEngineStartupError

    settings = settings_or_exit(name)
    configure_logging(name, settings.log_level)
    from services.common.observability.process import observe_process

    observe_process(settings, name)
    try:
        app = build_app(settings)
    except SearchEngineStartupError as refused:
        # A setting or a migration to fix, not a bug: the message alone (NL / EN), no traceback.
        print(f"{name}: {refused}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if settings.seed_sample_data:
        seed(app)
    app.start_background()
    server, port, _ = create_server(settings, f"{settings.bind_host}:{settings.port_of(name)}", app)
    serve_forever(server, port, name, grace=settings.grace_seconds, on_stop=[mark_shutting_down, app.close])
