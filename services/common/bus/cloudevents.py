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
# A Kafka record as the relay hands it over: topic, key, value, headers.
KafkaRecord = tuple[str, bytes, bytes, Headers]


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
    headers = binary_headers(
        event.id,
        event.source,
        event.type,
        event.subject,
        format_time(event.time),
        event.sequence,
        event.datacontenttype,
        event.dataschema,
        event.traceparent,
        event.tracestate,
    )
    return headers, event.data


# Headers whose value is the same for many events (one source, a few types and schemas): the
# relay encodes each such pair once (services/common/bus/record_batch.py).
REPEATED_HEADERS = frozenset(
    {"ce_specversion", "ce_source", "ce_type", "ce_sequencetype", "ce_dataschema", "content-type"}
)
_SPEC_VERSION = SPEC_VERSION.encode()


def binary_headers(
    event_id: str,
    source: str,
    event_type: str,
    subject: str,
    time_text: str,
    sequence: int,
    datacontenttype: str,
    dataschema: str | None,
    traceparent: str | None,
    tracestate: str | None,
) -> Headers:
    """The `ce_*` headers of an event from its attributes as stored (`time_text` as written by
    format_time): the relay reads outbox rows straight into these, without a CloudEvent."""
    headers: Headers = [
        ("ce_specversion", _SPEC_VERSION),
        ("ce_id", event_id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", event_type.encode()),
        ("ce_subject", subject.encode()),
        ("ce_time", time_text.encode()),
        ("ce_sequence", str(sequence).encode()),
        ("ce_sequencetype", b"Integer"),
    ]
    if dataschema:
        headers.append(("ce_dataschema", dataschema.encode()))
    if traceparent:
        headers.append(("ce_traceparent", traceparent.encode()))
        if tracestate:
            headers.append(("ce_tracestate", tracestate.encode()))
    headers.append(("content-type", datacontenttype.encode()))
    return headers


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
