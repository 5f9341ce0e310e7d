"""The one place where the bus creates kafka-python clients, so that every producer, consumer
and admin client connects the same way (TLS, SASL) to a real cluster.

Settings (services/common/settings.py): `KAFKA_SECURITY_PROTOCOL` (PLAINTEXT, SSL,
SASL_PLAINTEXT, SASL_SSL), `KAFKA_SASL_MECHANISM` (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512),
`KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`, `KAFKA_SSL_CAFILE`. A service's bootstrap calls
`configure(settings)`; tools that never built Settings (the CLI's `events tail`, the stack's
topic creation) get them from the environment on first use.
"""

from __future__ import annotations

import threading
from typing import Any

from services.common.settings import Settings

__all__ = ["KafkaSecurityError", "admin", "configure", "consumer", "net_client", "producer", "security_options"]

_lock = threading.Lock()
_configured: dict[str, Any] | None = None


class KafkaSecurityError(ValueError):
    """The Kafka security settings do not fit together (the message says which, NL / EN)."""


def security_options(settings: Settings) -> dict[str, Any]:
    """kafka-python keyword arguments for how to connect, from `settings`."""
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol in ("SSL", "SASL_SSL") and settings.kafka_ssl_cafile is not None:
        options["ssl_cafile"] = str(settings.kafka_ssl_cafile)
    if protocol.startswith("SASL_"):
        password = settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else ""
        if not (settings.kafka_sasl_mechanism and settings.kafka_sasl_username and password):
            raise KafkaSecurityError(
                f"KAFKA_SECURITY_PROTOCOL={protocol} vraagt KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME en "
                f"KAFKA_SASL_PASSWORD. / KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_MECHANISM, "
                "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
            )
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=password,
        )
    elif settings.kafka_sasl_mechanism or settings.kafka_sasl_username:
        # Credentials that would silently go unused hide a misconfiguration: say so at start.
        raise KafkaSecurityError(
            "KAFKA_SASL_* is gezet maar KAFKA_SECURITY_PROTOCOL is geen SASL_PLAINTEXT of SASL_SSL. / "
            "KAFKA_SASL_* is set but KAFKA_SECURITY_PROTOCOL is not SASL_PLAINTEXT or SASL_SSL."
        )
    return options


def configure(settings: Settings) -> None:
    """Use `settings` for every Kafka client this process creates from now on."""
    global _configured
    options = security_options(settings)
    with _lock:
        _configured = options


def _current() -> dict[str, Any]:
    global _configured
    with _lock:
        if _configured is None:
            _configured = security_options(Settings())
        return dict(_configured)


def consumer(bootstrap_servers: str, **config: Any) -> Any:
    from kafka import KafkaConsumer

    return KafkaConsumer(bootstrap_servers=bootstrap_servers, **_current(), **config)


def producer(bootstrap_servers: str, **config: Any) -> Any:
    from kafka import KafkaProducer

    return KafkaProducer(bootstrap_servers=bootstrap_servers, **_current(), **config)


def admin(bootstrap_servers: str, **config: Any) -> Any:
    from kafka import KafkaAdminClient

    return KafkaAdminClient(bootstrap_servers=bootstrap_servers, **_current(), **config)


def net_client(bootstrap_servers: str, **config: Any) -> Any:
    """kafka-python's network client alone (no producer or consumer around it), for the relay's
    own produce requests (services/common/bus/publisher.py). Nothing drives its I/O but the
    caller's poll: no thread of its own."""
    from kafka.net.compat import KafkaNetClient

    return KafkaNetClient(bootstrap_servers=bootstrap_servers, **_current(), **config)
