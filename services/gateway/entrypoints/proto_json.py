"""The API's JSON is the protobuf JSON mapping of the services' messages (camelCase names,
enums by name, int64 as strings, timestamps as RFC 3339); the OpenAPI schemas are made from
the same message descriptors, so document and answers cannot drift apart."""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

_SCALARS: dict[int, dict[str, Any]] = {
    FieldDescriptor.TYPE_DOUBLE: {"type": "number", "format": "double"},
    FieldDescriptor.TYPE_FLOAT: {"type": "number", "format": "float"},
    FieldDescriptor.TYPE_INT32: {"type": "integer", "format": "int32"},
    FieldDescriptor.TYPE_SINT32: {"type": "integer", "format": "int32"},
    FieldDescriptor.TYPE_SFIXED32: {"type": "integer", "format": "int32"},
    FieldDescriptor.TYPE_UINT32: {"type": "integer", "format": "int64", "minimum": 0},
    FieldDescriptor.TYPE_FIXED32: {"type": "integer", "format": "int64", "minimum": 0},
    # The JSON mapping writes 64-bit integers as strings (JavaScript numbers lose precision).
    FieldDescriptor.TYPE_INT64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_SINT64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_SFIXED64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_UINT64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_FIXED64: {"type": "string", "format": "int64"},
    FieldDescriptor.TYPE_BOOL: {"type": "boolean"},
    FieldDescriptor.TYPE_STRING: {"type": "string"},
    FieldDescriptor.TYPE_BYTES: {"type": "string", "format": "byte"},
}
_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
}


def to_json(message: Message) -> dict[str, Any]:
    """Every field, also those at their default, so each answer has the same shape: what
    `json_format.MessageToDict(message, always_print_fields_with_no_presence=True)` gives, made
    by a plan per message type (MessageToDict spends ~1 ms per feed item on reflection)."""
    return _convert(message, _plan(message.DESCRIPTOR))


def reference_json(message: Message) -> dict[str, Any]:
    """The protobuf library's own mapping, which `to_json` must equal (tests)."""
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)


_INT64 = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_SFIXED64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_FIXED64,
}
Step = tuple[str, str, Any, bool, bool]  # field name, JSON name, converter (None: as it is), repeated, has presence
_plans: dict[str, list[Step]] = {}


def _plan(descriptor: Any) -> list[Step]:  # a Descriptor (python or upb)
    plan = _plans.get(descriptor.full_name)
    if plan is None:
        plan = [(f.name, f.json_name, _converter(f), f.is_repeated, f.has_presence) for f in descriptor.fields]
        _plans[descriptor.full_name] = plan
    return plan


def _float(value: float) -> Any:
    if value != value:  # NaN is the one value unequal to itself
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _converter(field: FieldDescriptor) -> Any:
    if field.message_type is not None:
        if field.message_type.GetOptions().map_entry:
            key, value = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
            convert = _converter(value) or (lambda v: v)
            return ("map", key, convert)
        if field.message_type.full_name in _WELL_KNOWN:
            return lambda value: value.ToJsonString()
        nested = field.message_type
        return lambda value: _convert(value, _plan(nested))
    if field.enum_type is not None:
        names = {v.number: v.name for v in field.enum_type.values}
        return lambda value: names.get(value, value)
    if field.type in _INT64:
        return str
    if field.type == FieldDescriptor.TYPE_BYTES:
        import base64

        return lambda value: base64.b64encode(value).decode()
    if field.type == FieldDescriptor.TYPE_FLOAT:
        from google.protobuf.internal import type_checkers

        return lambda value: _float(type_checkers.ToShortestFloat(value))
    if field.type == FieldDescriptor.TYPE_DOUBLE:
        return _float
    return None


def _convert(message: Message, plan: list[Step]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, json_name, convert, repeated, presence in plan:
        if presence and not repeated and not message.HasField(name):
            continue
        value = getattr(message, name)
        if isinstance(convert, tuple):  # a map
            out[json_name] = {
                str(k) if not isinstance(k, bool) else ("true" if k else "false"): convert[2](v)
                for k, v in value.items()
            }
        elif repeated:
            out[json_name] = [convert(v) for v in value] if convert else list(value)
        else:
            out[json_name] = convert(value) if convert else value
    return out


class SchemaSet:
    """OpenAPI component schemas for messages, each message once, named by its short name
    (prefixed with its package where two packages use the same name)."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}
        self._names: dict[str, str] = {}  # full name -> component name

    def ref(self, descriptor: Any, *, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{self._register(descriptor, leave_out)}"}

    def _register(self, descriptor: Any, leave_out: frozenset[str] = frozenset()) -> str:
        key = descriptor.full_name + ("-" + "-".join(sorted(leave_out)) if leave_out else "")
        if key in self._names:
            return self._names[key]
        name = descriptor.name + ("Body" if leave_out else "")
        if name in self.schemas:
            name = descriptor.full_name.split(".")[1].title() + name
        self._names[key] = name
        self.schemas[name] = {}  # reserved before the fields: messages may refer to themselves
        properties = {f.json_name: self._field(f) for f in descriptor.fields if f.name not in leave_out}
        self.schemas[name] = {"type": "object", "properties": properties}
        return name

    def _field(self, field: FieldDescriptor) -> dict[str, Any]:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self._single(value)}
        single = self._single(field)
        if field.is_repeated:
            return {"type": "array", "items": single}
        return single

    def _single(self, field: FieldDescriptor) -> dict[str, Any]:
        if field.enum_type is not None:
            return {"type": "string", "enum": [value.name for value in field.enum_type.values]}
        if field.message_type is not None:
            known = _WELL_KNOWN.get(field.message_type.full_name)
            return dict(known) if known else self.ref(field.message_type)
        return dict(_SCALARS[field.type])
