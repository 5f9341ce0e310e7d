"""The API's JSON is the protobuf JSON mapping of the services' messages (camelCase names,
enums by name, int64 as strings, timestamps as RFC 3339); the OpenAPI schemas are made from
the same message descriptors, so document and answers cannot drift apart."""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any

import orjson
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
    by a function per message type (MessageToDict spends ~1 ms per feed item on reflection)."""
    return _converter_of(message.DESCRIPTOR)(message)


def encode(document: dict[str, Any]) -> bytes:
    """`document` (from `to_json`) as the bytes Starlette's JSONResponse writes, i.e.
    `json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))` in UTF-8,
    but by orjson: the standard library took ~1.5 ms for a feed page of 50 items, orjson ~0.1 ms.
    The two write every string, integer and float alike except floats in exponent form ("1e-05"
    against orjson's "1e-5"): `_float` hands those over as `_ExponentFloat`, written here by `repr`."""
    return orjson.dumps(document, default=_as_json_writes_it)


class _ExponentFloat(float):
    """A float that `repr` writes in exponent form (below 1e-4 or from 1e16 on, in magnitude)."""


def _as_json_writes_it(value: Any) -> orjson.Fragment:
    if isinstance(value, _ExponentFloat):
        return orjson.Fragment(float.__repr__(value).encode())
    raise TypeError(f"not JSON: {type(value).__name__}")


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
_compiled: dict[str, Callable[[Any], dict[str, Any]]] = {}


def _converter_of(descriptor: Any) -> Callable[[Any], dict[str, Any]]:  # a Descriptor (python or upb)
    """One message type's conversion as a function of straight-line Python, made once per type:
    a loop over a plan of the fields cost ~45 us per feed item, mostly in the loop itself."""
    convert = _compiled.get(descriptor.full_name)
    if convert is not None:
        return convert
    names: dict[str, Any] = {"_map": _map}
    lines = ["def convert(m):", "    out = {}"]
    converters: dict[str, Any] = {}
    for i, field in enumerate(descriptor.fields):
        name = field.name
        value = f"m.{name}" if name.isidentifier() and not keyword.iskeyword(name) else f"getattr(m, {name!r})"
        key = repr(field.json_name)
        indent = "    "
        if field.has_presence and not field.is_repeated:
            lines.append(f"    if m.HasField({name!r}):")
            indent = "        "
        converters[f"c{i}"] = field
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            lines.append(f"{indent}out[{key}] = _map({value}, c{i})")
        elif field.enum_type is not None:
            names[f"n{i}"] = {v.number: v.name for v in field.enum_type.values}
            if field.is_repeated:
                lines.append(f"{indent}out[{key}] = [n{i}.get(v, v) for v in {value}]")
            else:
                lines.append(f"{indent}v = {value}")
                lines.append(f"{indent}out[{key}] = n{i}.get(v, v)")
        elif _converter(field) is None:
            lines.append(f"{indent}out[{key}] = {'list(' + value + ')' if field.is_repeated else value}")
        elif field.is_repeated:
            lines.append(f"{indent}out[{key}] = [c{i}(v) for v in {value}]")
        else:
            lines.append(f"{indent}out[{key}] = c{i}({value})")
    lines.append("    return out")
    exec("\n".join(lines), names)  # our own source, from the descriptors' field names only
    convert = names["convert"]
    _compiled[descriptor.full_name] = convert  # before the fields' converters: a type may contain itself
    for slot, field in converters.items():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            names[slot] = _converter(value_field) or (lambda v: v)
        elif field.enum_type is None:
            names[slot] = _converter(field)
    return convert


def _map(value: Any, convert: Callable[[Any], Any]) -> dict[str, Any]:
    return {str(k) if not isinstance(k, bool) else ("true" if k else "false"): convert(v) for k, v in value.items()}


def _float(value: float) -> Any:
    if value != value:  # NaN is the one value unequal to itself
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value and not 1e-4 <= abs(value) < 1e16:
        return _ExponentFloat(value)
    return value


def _converter(field: FieldDescriptor) -> Any:
    if field.message_type is not None:
        if field.message_type.full_name in _WELL_KNOWN:
            return lambda value: value.ToJsonString()
        return _converter_of(field.message_type)
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
