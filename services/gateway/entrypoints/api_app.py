"""The `/api/v1` application: routes, problem+json for every error, the API-Version header
and the OpenAPI document (`/api/v1/openapi.json`, committed as services/gateway/openapi.json)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.i18n import Text, language_from_header
from services.gateway.domain.calls import ServiceError
from services.gateway.domain.problems import MEDIA_TYPE, problem
from services.gateway.entrypoints.api_routes import router
from services.gateway.entrypoints.api_support import API_VERSION, PROBLEM_SCHEMA, SCHEMAS, BodyError

DESCRIPTION = (
    "Het eigen kanaal van werkzoekenden: vacatures op maat, sollicitaties en de sollicitatieplicht, over de "
    "gRPC-diensten vacancies, matching en activities. The job seeker's own channel over the three gRPC services. "
    "Send the same bearer token as to the services (`Authorization: Bearer …`); the same access rule applies. "
    "Errors are `application/problem+json` (RFC 9457) in the language of `Accept-Language` (Dutch by default) "
    "with both languages in `localized` and the fields to fix in `invalidParams`."
)
_HTTP_CODES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "FAILED_PRECONDITION",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
}
_NO_ROUTE = Text("Dit adres bestaat niet in deze API.", "This address does not exist in this API.")
_BAD_BODY = Text(
    "De inhoud van het verzoek is geen geldige JSON voor deze bewerking.",
    "The request body is not valid JSON for this operation.",
)
_BAD_VALUE = Text("Deze waarde klopt niet", "This value is not valid")


def _language(request: Request) -> str:
    return language_from_header(request.headers.get("accept-language"))


def problem_response(request: Request, document: dict[str, Any]) -> JSONResponse:
    headers = {"Content-Language": "en-GB" if _language(request) == "en" else "nl-NL"}
    if document["status"] == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="jobmatch"'
    return JSONResponse(document, status_code=document["status"], media_type=MEDIA_TYPE, headers=headers)


def _instance(request: Request) -> str:
    return request.scope.get("root_path", "") + request.url.path.removeprefix(request.scope.get("root_path", ""))


async def _service_error(request: Request, error: ServiceError) -> JSONResponse:
    return problem_response(
        request,
        problem(
            error.code,
            language=_language(request),
            instance=_instance(request),
            localized=error.localized,
            violations=error.violations,
        ),
    )


async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    language = _language(request)
    params = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "header", "body")]
        params.append((".".join(location) or "body", f"{_BAD_VALUE.in_language(language)}: {item.get('msg', '')}"))
    return problem_response(
        request, problem("INVALID_ARGUMENT", language=language, instance=_instance(request), violations=params)
    )


async def _bad_body(request: Request, error: BodyError) -> JSONResponse:
    texts = {"nl-NL": f"{_BAD_BODY.nl} ({error})", "en-GB": f"{_BAD_BODY.en} ({error})"}
    return problem_response(
        request,
        problem(
            "INVALID_ARGUMENT",
            language=_language(request),
            instance=_instance(request),
            localized=texts,
            violations=[("body", str(error))],
        ),
    )


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(error.status_code, "UNKNOWN")
    texts = {"nl-NL": _NO_ROUTE.nl, "en-GB": _NO_ROUTE.en} if error.status_code == 404 else None
    return problem_response(
        request,
        problem(
            code, language=_language(request), instance=_instance(request), localized=texts, status=error.status_code
        ),
    )


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # A bug of ours: still problem+json, and nothing of the error's text leaves the gateway.
    return problem_response(request, problem("INTERNAL", language=_language(request), instance=_instance(request)))


class ApiVersionHeader:
    """API-Version on every answer (API Design Rules /core/version-header); plain ASGI, no extra task."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"api-version", API_VERSION.encode())]
            await send(message)

        await self.app(scope, receive, with_header)


def openapi_document(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title="jobmatch API",
        version=API_VERSION,
        description=DESCRIPTION,
        routes=app.routes,
        servers=[{"url": "/api/v1"}],
        contact={"name": "jobmatch", "url": "https://example.org/jobmatch"},
    )
    document["components"]["schemas"].update(SCHEMAS.schemas)
    document["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
    document["security"] = [{"bearer": []}]
    for schema in ("HTTPValidationError", "ValidationError"):  # we answer problem+json instead
        document["components"]["schemas"].pop(schema, None)
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["responses"].pop("422", None)
            for parameter in operation.get("parameters", ()):
                parameter["schema"].pop("title", None)  # "Clientid": FastAPI's guess from the name says nothing
    return document


def _operation_id(route: Any) -> str:
    head, *rest = route.name.split("_")
    return head + "".join(part.title() for part in rest)


def create_api() -> FastAPI:
    api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, generate_unique_id_function=_operation_id)
    api.include_router(router)
    api.add_exception_handler(ServiceError, _service_error)  # type: ignore[arg-type]
    api.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    api.add_exception_handler(BodyError, _bad_body)  # type: ignore[arg-type]
    api.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, _unexpected)
    document = openapi_document(api)

    @api.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(document, media_type="application/json")

    api.add_middleware(ApiVersionHeader)
    return api
