"""The API's JSON is the protobuf JSON mapping: the gateway's fast converter gives exactly what
the protobuf library gives, for every answer type, with any fields set (defaults, NaN and
infinities, 64-bit integers, unknown enum numbers, timestamps, nested and repeated messages),
and writes it to the very bytes the standard library's JSON encoder writes."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.privacy.v1 import privacy_pb2 as ppb
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vspb
from services.gateway.entrypoints.proto_json import encode, reference_json, to_json

ANSWERS = [
    mpb.GetFeedResponse,
    mpb.SearchProfile,
    mpb.RecordFeedbackResponse,
    vspb.SearchVacanciesResponse,
    apb.LogActivityResponse,
    apb.ListActivitiesResponse,
    apb.GetObligationStatusResponse,
    apb.GetCaseloadResponse,
    ppb.ListProcessingLogResponse,
]
DOUBLES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e308, 0.1]))


def scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    kind = field.type
    if kind == FieldDescriptor.TYPE_STRING:
        return st.text(max_size=8)
    if kind == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=8)
    if kind == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if kind == FieldDescriptor.TYPE_DOUBLE:
        return DOUBLES
    if kind == FieldDescriptor.TYPE_FLOAT:
        return st.floats(width=32, allow_nan=True, allow_infinity=True)
    if kind == FieldDescriptor.TYPE_ENUM:
        return st.one_of(st.sampled_from([v.number for v in field.enum_type.values]), st.integers(50, 60))
    if kind in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64):
        return st.integers(-(2**63), 2**63 - 1)
    if kind in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return st.integers(0, 2**64 - 1)
    if kind in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return st.integers(0, 2**32 - 1)
    return st.integers(-(2**31), 2**31 - 1)


def messages(descriptor: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
    cls = GetMessageClass(descriptor)
    if descriptor.full_name == "google.protobuf.Timestamp":
        return st.builds(
            lambda s, n: cls(seconds=s, nanos=n), st.integers(0, 253402300799), st.integers(0, 999_999_999)
        )
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        if field.message_type is not None and depth >= 3:
            continue
        value = messages(field.message_type, depth + 1) if field.message_type is not None else scalar(field)
        fields[field.name] = st.lists(value, max_size=3) if field.is_repeated else value

    def build(values: dict[str, Any]) -> Message:
        message = cls()
        for name, value in values.items():
            field = descriptor.fields_by_name[name]
            if field.is_repeated:
                getattr(message, name).extend(value)
            elif field.message_type is not None:
                getattr(message, name).CopyFrom(value)
            else:
                setattr(message, name, value)
        return message

    return st.fixed_dictionaries({}, optional=fields).map(build)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ANSWERS).flatmap(lambda cls: messages(cls.DESCRIPTOR)))
def test_any_answer_converts_exactly_as_the_protobuf_library_converts_it(message: Message) -> None:
    assert to_json(message) == reference_json(message)


def test_an_empty_answer_still_has_every_field_without_presence_and_none_with() -> None:
    empty = to_json(vspb.SearchVacanciesRequest())
    assert empty["query"] == "" and empty["pageSize"] == 0 and empty["iscoPrefixes"] == []
    assert "latitude" not in empty and "hoursMin" not in empty  # proto3 optional: absent until set
    assert to_json(vspb.SearchVacanciesResponse(total_count=2**40))["totalCount"] == str(2**40)


def standard_library_bytes(document: dict[str, Any]) -> bytes:
    """What Starlette's JSONResponse writes."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ANSWERS).flatmap(lambda cls: messages(cls.DESCRIPTOR)))
def test_any_answer_is_written_to_the_bytes_the_standard_library_writes(message: Message) -> None:
    document = to_json(message)
    assert encode(document) == standard_library_bytes(document)


def test_floats_in_exponent_form_and_escaped_characters_are_written_as_the_standard_library_writes_them() -> None:
    explanation = mpb.Explanation(explanation_nl='"tab\there"\n\x01 \\ – “ok” \u2028 😀')
    for distance in (1e-05, 2.5e-07, 5e-324, 1e16, 1.7976931348623157e308, 0.0001, 9999999999999998.0, -0.0):
        explanation.distance_km = distance
        document = to_json(mpb.GetFeedResponse(items=[mpb.FeedItem(score=3e-06, explanation=explanation)]))
        assert encode(document) == standard_library_bytes(document)
