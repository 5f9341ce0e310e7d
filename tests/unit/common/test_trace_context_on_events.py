"""The trace context travels with an event as the CloudEvents distributed-tracing extension,
and the extension's headers obey the rules for attribute names."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from services.common.bus.cloudevents import CloudEvent, from_kafka, to_kafka

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
# CloudEvents 1.0: attribute names are lower-case a-z and 0-9 only, at most 20 characters advised.
ATTRIBUTE_NAME = re.compile(r"^[a-z0-9]{1,20}$")


def event(**trace: str) -> CloudEvent:
    return CloudEvent(
        id="e-1",
        source="urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies",
        type="nl.werk.vacancy-published.v1",
        subject="vac-1",
        time=datetime(2026, 11, 25, tzinfo=UTC),
        sequence=1,
        data=b"x",
        **trace,
    )


def test_traceparent_and_tracestate_become_ce_headers_with_valid_attribute_names() -> None:
    headers, _ = to_kafka(event(traceparent=TRACEPARENT, tracestate="jobmatch=1"))
    found = dict(headers)
    assert found["ce_traceparent"] == TRACEPARENT.encode() and found["ce_tracestate"] == b"jobmatch=1"
    attributes = [name.removeprefix("ce_") for name, _ in headers if name.startswith("ce_")]
    assert [name for name in attributes if not ATTRIBUTE_NAME.match(name)] == []


def test_the_trace_context_survives_the_round_trip() -> None:
    original = event(traceparent=TRACEPARENT, tracestate="jobmatch=1")
    assert from_kafka(*to_kafka(original)) == original


def test_an_event_decided_outside_a_trace_has_no_trace_headers() -> None:
    headers, _ = to_kafka(event())
    assert not [name for name, _ in headers if "trace" in name]
    assert from_kafka(headers, b"x").traceparent is None
