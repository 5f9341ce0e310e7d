"""The embedded stack pieces the benchmarks share: a Tansu broker, settings on a temp dir, tokens."""

from __future__ import annotations

import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from services.common.auth import mint_token
from services.common.bus.broker import EmbeddedBroker, ensure_topics
from services.common.bus.topics import ALL_TOPICS
from services.common.settings import Settings

GRPC_OPTIONS = [("grpc.max_send_message_length", 32 << 20), ("grpc.max_receive_message_length", 32 << 20)]


@contextmanager
def embedded_broker() -> Iterator[str]:
    """A Tansu broker with the project's topics; yields its bootstrap address.

    Started from a helper thread that lives as long as the broker: the broker dies with the
    thread that spawned it (PR_SET_PDEATHSIG), so a killed bench leaves nothing behind."""
    broker = EmbeddedBroker()
    started = threading.Event()
    release = threading.Event()
    failure: list[BaseException] = []

    def keeper() -> None:
        try:
            broker.start()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            failure.append(exc)
        started.set()
        release.wait()
        broker.stop()

    thread = threading.Thread(target=keeper, name="bench-broker", daemon=True)
    thread.start()
    started.wait()
    if failure:
        raise failure[0]
    try:
        ensure_topics(broker.bootstrap, ALL_TOPICS)
        yield broker.bootstrap
    finally:
        release.set()
        thread.join(10)


@contextmanager
def temp_settings(bootstrap: str | None = None) -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="jobmatch-bench-") as tmp:
        yield Settings(data_dir=Path(tmp), kafka_bootstrap_servers=bootstrap, token_secret=secrets.token_urlsafe(48))


def service_metadata(settings: Settings, subject: str = "bench") -> tuple[tuple[str, str], ...]:
    """Call metadata with a service token: people's writes are rate limited, which we do not measure."""
    return (("authorization", f"Bearer {mint_token(settings, subject=subject, role='service')}"),)
