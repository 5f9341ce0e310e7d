"""`jobmatch events tail`: print events from Kafka as JSON lines (headers + decoded payload)."""

from __future__ import annotations

import base64
import importlib
import json
import pkgutil
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from google.protobuf import descriptor_pool, json_format, message_factory
from google.protobuf.message import Message

from .cloudevents import CloudEvent, InvalidEvent, from_kafka, header_map

_IMPORTED_PACKAGES: set[str] = set()


def _import_generated_modules(full_name: str) -> None:
    """Import the generated `*_pb2` modules of the message's package so the default
    descriptor pool knows its type (e.g. jobmatch.vacancies.v1.Vacancy)."""
    package = full_name.rsplit(".", 1)[0]
    while package and package not in _IMPORTED_PACKAGES:
        _IMPORTED_PACKAGES.add(package)
        try:
            module = importlib.import_module(package)
        except ImportError:
            package = package.rsplit(".", 1)[0] if "." in package else ""
            continue
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            if info.name.endswith("_pb2"):
                try:
                    importlib.import_module(f"{package}.{info.name}")
                except Exception:  # noqa: BLE001 - a broken generated module must not stop the tail
                    continue
        return


def message_class(full_name: str, decoders: dict[str, type[Message]] | None = None) -> type[Message] | None:
    """The protobuf class for a full message name, or None when it is not importable."""
    if decoders and full_name in decoders:
        return decoders[full_name]
    pool = descriptor_pool.Default()
    for attempt in range(2):
        try:
            return message_factory.GetMessageClass(pool.FindMessageTypeByName(full_name))
        except KeyError:
            if attempt == 0:
                _import_generated_modules(full_name)
    return None


def describe_record(record: Any, decoders: dict[str, type[Message]] | None = None) -> dict[str, Any]:
    """One Kafka record as a JSON-ready dict: position, key, ce headers, payload."""
    line: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key.decode("utf-8", "replace") if record.key is not None else None,
    }
    try:
        line["headers"] = header_map(record.headers)
    except InvalidEvent as exc:
        line["headers"] = {}
        line["error"] = exc.reason
    value: bytes = record.value or b""
    try:
        event = from_kafka(record.headers, value)
    except InvalidEvent as exc:
        line.setdefault("error", exc.reason)
        line["data_base64"] = base64.b64encode(value).decode()
        return line
    cls = None
    if decoders and event.type in decoders:
        cls = decoders[event.type]
    elif event.dataschema and event.dataschema.startswith("proto:"):
        cls = message_class(event.dataschema.removeprefix("proto:"), decoders)
    if cls is not None:
        try:
            payload = cls.FromString(value)
            line["data"] = json_format.MessageToDict(payload, preserving_proto_field_name=True)
            return line
        except Exception as exc:  # noqa: BLE001 - wrong schema or corrupt bytes: still show the bytes
            line["error"] = f"payload does not parse as {cls.DESCRIPTOR.full_name}: {exc}"
    line["data_base64"] = base64.b64encode(value).decode()
    return line


def tail_events(
    bootstrap: str,
    topics: Sequence[str],
    *,
    from_beginning: bool = True,
    out: TextIO = sys.stdout,
    decoders: dict[str, type[Message]] | None = None,
    max_events: int | None = None,
    idle_timeout: float | None = None,
) -> int:
    """Print each event as one JSON line until interrupted, `max_events` were printed or
    nothing arrived for `idle_timeout` seconds. Returns the number printed.

    `decoders` maps a CloudEvent type or a protobuf full name to a message class.
    """
    from . import kafka_clients

    consumer = kafka_clients.consumer(
        bootstrap,
        group_id=None,  # a tail is a reader, not a member: it must not move anyone's offsets
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        metadata_max_age_ms=2000,
        fetch_max_wait_ms=200,
    )
    consumer.subscribe(list(topics))
    printed = 0
    last_seen = time.monotonic()
    try:
        while max_events is None or printed < max_events:
            batches = consumer.poll(timeout_ms=200)
            for record in [r for records in batches.values() for r in records]:
                if max_events is not None and printed >= max_events:
                    break
                out.write(json.dumps(describe_record(record, decoders), ensure_ascii=False) + "\n")
                printed += 1
                last_seen = time.monotonic()
            out.flush()
            if idle_timeout is not None and time.monotonic() - last_seen > idle_timeout:
                break
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close(autocommit=False)
    return printed


def read_topic_events(
    bootstrap: str, topic: str, *, quiet_seconds: float = 0.5, timeout: float = 30.0
) -> list[tuple[str, CloudEvent]]:
    """(Kafka key, CloudEvent) of every record on `topic`, from the beginning.

    Tansu reports an end offset that can be lower than the real end (the base of the last
    batch + 1), so the reported end is only a lower bound: read past it until the topic has
    been quiet for `quiet_seconds`.
    """
    from kafka import TopicPartition

    from . import kafka_clients

    consumer = kafka_clients.consumer(
        bootstrap, group_id=None, enable_auto_commit=False, auto_offset_reset="earliest", fetch_max_wait_ms=100
    )
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        at_least = consumer.end_offsets(partitions)
        found: list[tuple[str, CloudEvent]] = []
        deadline = time.monotonic() + timeout
        last_record = time.monotonic()
        while True:
            for records in consumer.poll(timeout_ms=100).values():
                for record in records:
                    found.append((record.key.decode() if record.key else "", from_kafka(record.headers, record.value)))
                    last_record = time.monotonic()
            reached = all(consumer.position(p) >= at_least[p] for p in partitions)
            if reached and time.monotonic() - last_record >= quiet_seconds:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout:.0f} s")
    finally:
        consumer.close()
