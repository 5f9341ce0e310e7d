"""The state of one RPC as it passes the interceptor, and the method policy it is checked against."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.common import auth, i18n
from services.common.processing_log import parse_traceparent


@dataclass(frozen=True)
class MethodPolicy:
    """Who may call a method, and which processing activity a call on a client's data is."""

    roles: frozenset[str]
    activity: str | None = None


class RpcCall:
    """What the interceptor learns about one call: ids from the metadata, then the principal
    and the clients the call touched."""

    def __init__(self, method: str, metadata: tuple[Any, ...] | None, service: str) -> None:
        md = {k.lower(): v for k, v in metadata or ()}
        self.method = method
        self.metadata = metadata or ()
        self.request_id = str(md.get("x-request-id") or uuid.uuid4())
        self.language = i18n.language_from_metadata(self.metadata)  # accept-language; Dutch by default
        self.trace_id, self.span_id = parse_traceparent(md.get("traceparent"))
        self.service = service
        self.started = time.perf_counter()
        self.start_time = datetime.now(UTC)
        self.principal: auth.Principal | None = None
        self.subjects: set[str] = set()
        self.logged = False


class Undecodable:
    """Stands in for a request message that could not be decoded (invalid UTF-8 in a string,
    a broken wire format). grpc-python would answer those with INTERNAL before any
    interceptor runs; the access rule answers INVALID_ARGUMENT instead, after authentication."""


UNDECODABLE = Undecodable()


def tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The handler's deserializer, returning UNDECODABLE instead of raising."""
    if deserializer is None:
        return None

    def decode(data: bytes) -> Any:
        try:
            return deserializer(data)
        except Exception:  # noqa: BLE001 - DecodeError and friends; reported by the access rule
            return UNDECODABLE

    return decode


def has_field(message: Any, name: str) -> bool:
    return name in getattr(getattr(message, "DESCRIPTOR", None), "fields_by_name", {})
