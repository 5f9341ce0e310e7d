"""CloudEvents 1.0 (NL GOV profile) and their Kafka binary-mode binding.

Binary mode: the event attributes travel as `ce_*` headers, the payload (protobuf bytes)
is the record value and the record key is the aggregate id (vacancy_id, client_id, ...).
The trace context of the work that decided an event travels with it as the CloudEvents
distributed-tracing extension: `ce_traceparent` and `ce_tracestate` (W3C Trace Context).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

SPEC_VERSION = "1.0"
PROTOBUF_CONTENT_TYPE = "application/protobuf"
DEAD_LETTER_REASON_HEADER = "ce_deadletterreason"

Headers = list[tuple[str, bytes]]


class InvalidEvent(ValueError):
    """A Kafka record that is not a valid binary-mode CloudEvent; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CloudEvent:
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    sequence: int
    data: bytes
    datacontenttype: str = PROTOBUF_CONTENT_TYPE
    dataschema: str | None = None
    # Distributed-tracing extension attributes; None when the event was decided outside a trace.
    traceparent: str | None = None
    tracestate: str | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is None:
            raise ValueError("CloudEvent.time must be timezone-aware (UTC)")


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z` suffix and microseconds, e.g. 2026-11-25T07:40:25.123456Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (`Z` or offset) into an aware UTC datetime."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("timestamp has no timezone")
    return moment.astimezone(UTC)


def to_kafka(event: CloudEvent) -> tuple[Headers, bytes]:
    """Headers and value of the Kafka record carrying `event` (the key is the caller's)."""
    headers: Headers = [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", event.id.encode()),
        ("ce_source", event.source.encode()),
        ("ce_type", event.type.encode()),
        ("ce_subject", event.subject.encode()),
        ("ce_time", format_time(event.time).encode()),
        ("ce_sequence", str(event.sequence).encode()),
        ("ce_sequencetype", b"Integer"),
    ]
    if event.dataschema:
        headers.append(("ce_dataschema", event.dataschema.encode()))
    if event.traceparent:
        headers.append(("ce_traceparent", event.traceparent.encode()))
        if event.tracestate:
            headers.append(("ce_tracestate", event.tracestate.encode()))
    headers.append(("content-type", event.datacontenttype.encode()))
    return headers, event.data


def header_map(headers: Iterable[tuple[str, bytes | None]] | None) -> dict[str, str]:
    """Headers as str -> str (last one wins); raises InvalidEvent on non-UTF-8 values."""
    result: dict[str, str] = {}
    for name, raw in headers or ():
        try:
            result[name] = (raw or b"").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidEvent(f"header {name} is not UTF-8") from exc
    return result


_REQUIRED = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_sequence")


def from_kafka(headers: Sequence[tuple[str, bytes | None]] | None, value: bytes | None) -> CloudEvent:
    """Rebuild the CloudEvent of a Kafka record; raises InvalidEvent with a reason."""
    found = header_map(headers)
    missing = [name for name in _REQUIRED if not found.get(name)]
    if missing:
        raise InvalidEvent(f"missing header(s): {', '.join(missing)}")
    if found["ce_specversion"] != SPEC_VERSION:
        raise InvalidEvent(f"unsupported ce_specversion {found['ce_specversion']!r}")
    try:
        moment = parse_time(found["ce_time"])
    except ValueError as exc:
        raise InvalidEvent(f"ce_time is not RFC 3339: {found['ce_time']!r}") from exc
    raw_sequence = found["ce_sequence"]
    if not raw_sequence.isdigit() or int(raw_sequence) < 1:
        raise InvalidEvent(f"ce_sequence is not a positive integer: {raw_sequence!r}")
    sequence_type = found.get("ce_sequencetype", "Integer")
    if sequence_type != "Integer":
        raise InvalidEvent(f"unsupported ce_sequencetype {sequence_type!r}")
    return CloudEvent(
        id=found["ce_id"],
        source=found["ce_source"],
        type=found["ce_type"],
        subject=found.get("ce_subject", ""),
        time=moment,
        sequence=int(raw_sequence),
        data=value or b"",
        datacontenttype=found.get("content-type") or PROTOBUF_CONTENT_TYPE,
        dataschema=found.get("ce_dataschema") or None,
        traceparent=found.get("ce_traceparent") or None,
        tracestate=found.get("ce_tracestate") or None,
    )
