"""What every API route shares: the caller from the request, JSON answers with paging links,
request bodies parsed into the services' messages, and the OpenAPI response declarations."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from google.protobuf.message import Message

from services.common.i18n import language_from_header
from services.gateway.domain.calls import Caller, Services
from services.gateway.domain.problems import MEDIA_TYPE
from services.gateway.entrypoints.proto_json import SchemaSet, encode, to_json

M = TypeVar("M", bound=Message)
API_VERSION = "1.0.0"
SCHEMAS = SchemaSet()  # filled while the routes are declared; merged into the OpenAPI document


class BodyError(ValueError):
    """A request body that is not the JSON the operation takes (the parser's words, English)."""


# The two dependencies are coroutines because they never wait: FastAPI runs a plain function
# dependency in the worker threads, a round trip between threads per dependency per request.
async def caller(request: Request) -> Caller:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return Caller(bearer, language_from_header(request.headers.get("accept-language")))


async def clients(request: Request) -> Services:
    clients: Services = request.app.state.clients
    return clients


def parse_body(body: Any, message: M) -> M:
    if not isinstance(body, dict):
        raise BodyError("The body must be a JSON object, sent as Content-Type: application/json.")
    try:
        json_format.ParseDict(body, message)
    except json_format.ParseError as error:
        raise BodyError(str(error)) from None
    return message


def answer(
    message: Message,
    request: Request,
    *,
    status_code: int = 200,
    next_page_token: str = "",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """`message` as JSON; a paged answer gets HAL `_links` to itself and to the next page."""
    document = to_json(message)
    if "pageSize" in request.query_params or next_page_token or hasattr(message, "next_page_token"):
        links = {"self": {"href": str(request.url.path) + _query(request, None)}}
        if next_page_token:
            links["next"] = {"href": str(request.url.path) + _query(request, next_page_token)}
        document["_links"] = links
    return ProtoJSONResponse(document, status_code=status_code, headers=headers)


class ProtoJSONResponse(JSONResponse):
    """A `to_json` document, written by `proto_json.encode` (the same bytes, ~15x faster)."""

    def render(self, content: Any) -> bytes:
        return encode(content)


def _query(request: Request, page_token: str | None) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "pageToken"]
    if page_token:
        params.append(("pageToken", page_token))
    return "?" + urlencode(params) if params else ""


_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_ERRORS = {
    "400": "Niet alle gegevens kloppen / invalid input (invalidParams names the fields)",
    "401": "Niet ingelogd / not signed in (missing, expired or invalid bearer token)",
    "403": "Geen toegang / no access to this client or caseload",
    "404": "Niet gevonden / not found",
    "429": "Te veel verzoeken / too many requests",
    "503": "Een dienst is even niet bereikbaar / a service is unavailable; nothing was changed",
}


def responses(
    ok: Message | None,
    *,
    status: int = 200,
    description: str = "OK",
    leave_out: frozenset[str] = frozenset(),
    errors: tuple[str, ...] = ("400", "401", "403", "404", "429", "503"),
) -> dict[int | str, Any]:
    declared: dict[int | str, Any] = {}
    if ok is not None:
        declared[status] = {
            "description": description,
            "content": {"application/json": {"schema": SCHEMAS.ref(ok.DESCRIPTOR, leave_out=leave_out)}},
        }
    for code in errors:
        declared[code] = {"description": _ERRORS[code], "content": {MEDIA_TYPE: {"schema": _PROBLEM}}}
    return declared


def request_body(message: Message, leave_out: frozenset[str], description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": SCHEMAS.ref(message.DESCRIPTOR, leave_out=leave_out)}},
        }
    }


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details; title and detail in the language asked for (Accept-Language), "
    "both languages in `localized`.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "format": "int32"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "localized": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "locale": {"type": "string", "enum": ["nl-NL", "en-GB"]},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "reason"],
                "properties": {
                    "name": {"type": "string", "description": "the field, as the JSON names it (dotted path)"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
