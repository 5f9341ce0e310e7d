"""Hypothesis strategies that build any protobuf request from its message descriptor.

Strings include unicode, control characters and the values the seeded stack knows (ids,
dates, place names), integers sit at their boundaries, enums include unknown numbers,
doubles include NaN and infinities, repeated fields are short lists, nested messages are
built the same way up to a small depth.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st
from reliability_support import SOFTWARE_DEVELOPER, message_class

# Long texts (up to 300 000 characters) make a run several times slower as the stores fill:
# on for a bug hunt only (RELIABILITY_LONG_TEXT=1); the corpus covers 1 MB values per field.
LONG_TEXT = os.environ.get("RELIABILITY_LONG_TEXT") == "1"
MAX_DEPTH = 3
MAX_REPEATED = 4
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# Timestamps must stay within what protobuf can serialize (years 1..9999).
TIMESTAMP_SECONDS = (-62135596800, 253402300799)

KNOWN_STRINGS = [
    "",
    " ",
    "c-1",
    "c-2",
    "cw-1",
    "2026-11-23",
    "2026-11-02",
    "2026-02-30",
    "2099-01-01",
    "0001-01-01",
    "Utrecht",
    "Amersfoort",
    "'s-Hertogenbosch",
    "uwv-ww",
    "weekly",
    "custom",
    "werkbank",
    "nl",
    "EUR",
    "2512",
    "25",
    SOFTWARE_DEVELOPER,
    "https://example.org/v/1",
    "\x00",
    "\u202e",
    "\ufeff",
    "\U0001f600",
    "-1",
    "999999999999999999999",
    "NaN",
    "MQ==",
    "eyJvIjogMX0=",
]


def _text(known: Sequence[str]) -> st.SearchStrategy[str]:
    # Any code point except lone surrogates (protobuf strings must be valid UTF-8).
    characters = st.characters(exclude_categories=("Cs",))
    free = st.text(characters, max_size=40)
    # Long texts (up to ~1 MB) are cheap as one repeated piece: they reach the length checks.
    long = st.builds(
        lambda piece, times: piece * times,
        st.text(characters, min_size=1, max_size=3),
        st.sampled_from([101, 201, 301, 2_001, 70_000, 300_000]),
    )
    if not LONG_TEXT:
        return st.one_of(st.sampled_from(list(known)), free)
    # Short texts most of the time (one_of picks its branches about evenly).
    return st.one_of(st.sampled_from(list(known)), free, st.sampled_from(list(known)), free, long)


def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    edges = sorted(v for v in (low, high, high - 1, 0, 1, -1, 7, 52, 100, 1000, 10**6) if low <= v <= high)
    return st.one_of(st.sampled_from(edges), st.integers(low, high))


def scalar(field: FieldDescriptor, known: Sequence[str]) -> st.SearchStrategy[Any]:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:
        return _text(known)
    if t == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=40)
    if t == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return st.one_of(
            st.sampled_from([0.0, -1.0, 1e308, -1e308, float("nan"), float("inf"), float("-inf"), 52.09, 5.12, 36.0]),
            st.floats(allow_nan=True, allow_infinity=True, width=64 if t == FieldDescriptor.TYPE_DOUBLE else 32),
        )
    if t == FieldDescriptor.TYPE_ENUM:
        numbers = [v.number for v in field.enum_type.values]
        return st.one_of(st.sampled_from(numbers), st.integers(-3, 1000), st.sampled_from([INT32[1], INT32[0]]))
    if t in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32):
        return _integers(*INT32)
    if t in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return _integers(0, 2**32 - 1)
    if t in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64):
        return _integers(*INT64)
    if t in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return _integers(0, 2**64 - 1)
    raise NotImplementedError(f"field type {t} of {field.full_name}")


def messages(descriptor: Descriptor, known: Sequence[str], depth: int = 0) -> st.SearchStrategy[Message]:
    """Messages of this type with any subset of their fields set."""
    cls = message_class(descriptor)
    if descriptor.full_name == "google.protobuf.Timestamp":
        return st.builds(
            lambda s, n: cls(seconds=s, nanos=n), st.integers(*TIMESTAMP_SECONDS), st.integers(0, 999_999_999)
        )
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth >= MAX_DEPTH:
                continue
            value = st.deferred(lambda f=field: messages(f.message_type, known, depth + 1))
        else:
            value = scalar(field, known)
        repeated = field.is_repeated
        optional[field.name] = st.lists(value, max_size=MAX_REPEATED) if repeated else value

    def build(values: dict[str, Any]) -> Message:
        message = cls()
        for name, value in values.items():
            target = descriptor.fields_by_name[name]
            if target.is_repeated:
                getattr(message, name).extend(value)
            elif target.type == FieldDescriptor.TYPE_MESSAGE:
                getattr(message, name).CopyFrom(value)
            else:
                setattr(message, name, value)
        return message

    return st.fixed_dictionaries({}, optional=optional).map(build)
