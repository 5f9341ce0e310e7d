"""The client web module (server-rendered, no JavaScript): sign-in, language switch, error
pages, static styles; the four pages are in `web_pages.py`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from services.common.auth import mint_token
from services.common.i18n import Text
from services.common.settings import Settings
from services.gateway.domain.calls import ServiceError, Services
from services.gateway.domain.problems import DETAILS, HTTP_STATUS, TITLES
from services.gateway.entrypoints import session
from services.gateway.entrypoints.web_texts import words
from services.gateway.settings import GatewaySettings

HERE = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = session.language(request)
    token = session.session_token(request)
    context.update(
        lang=lang,
        w=words(lang),
        signed_in=token is not None,
        csrf=session.form_token(token),
        here=request.url.path,
        dev_sign_in=request.app.state.gateway.dev_sign_in,
    )
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status_code,
        headers={"Content-Language": "en-GB" if lang == "en" else "nl-NL", "Cache-Control": "no-store"},
    )


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)  # after a form post: GET the next page


async def _service_error(request: Request, error: ServiceError) -> Any:
    if error.code == "UNAUTHENTICATED":
        response = redirect("/inloggen")
        session.end_session(response)
        return response
    lang = session.language(request)
    locale = "en-GB" if lang == "en" else "nl-NL"
    fallback = DETAILS.get(error.code)
    detail = error.localized.get(locale) or (fallback.in_language(lang) if fallback else error.message)
    title = TITLES.get(error.code)
    return render(
        request,
        "error.html",
        HTTP_STATUS.get(error.code, 500),
        title=title.in_language(lang) if title else words(lang)["error_title"],
        detail=detail,
    )


async def _http_error(request: Request, error: HTTPException) -> Any:
    lang = session.language(request)
    title = TITLES["NOT_FOUND" if error.status_code == 404 else "INVALID_ARGUMENT"].in_language(lang)
    return render(request, "error.html", error.status_code, title=title, detail=str(error.detail or ""))


async def _unexpected(request: Request, error: Exception) -> Any:
    lang = session.language(request)
    title = Text("Er ging bij ons iets mis", "Something went wrong on our side").in_language(lang)
    detail = Text("Probeer het later opnieuw.", "Try again later.").in_language(lang)
    return render(request, "error.html", 500, title=title, detail=detail)


def create_web(settings: Settings, gateway: GatewaySettings, clients: Services) -> FastAPI:
    from services.gateway.entrypoints.web_pages import router

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.settings, app.state.gateway, app.state.clients = settings, gateway, clients
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(ServiceError, _service_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
    app.include_router(router)

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> RedirectResponse:
        return redirect("/vacatures" if session.session_token(request) else "/inloggen")

    @app.get("/inloggen", response_class=HTMLResponse, include_in_schema=False)
    def sign_in_page(request: Request) -> HTMLResponse:
        return render(
            request,
            "sign_in.html",
            demo_clients=gateway.dev_sign_in_clients if gateway.dev_sign_in else (),
            oidc=gateway.oidc_web_sign_in,
        )

    @app.post("/inloggen", include_in_schema=False)
    def sign_in(request: Request, client: Annotated[str, Form(max_length=64)] = "") -> Any:
        if not gateway.dev_sign_in or client not in gateway.dev_sign_in_clients:
            # Only the embedded stack's demo clients, and only where the stack turned this on.
            return render(
                request,
                "sign_in.html",
                400,
                demo_clients=gateway.dev_sign_in_clients if gateway.dev_sign_in else (),
                oidc=gateway.oidc_web_sign_in,
                error=words(session.language(request))["sign_in_off"],
            )
        response = redirect("/vacatures")
        session.start_session(
            response, mint_token(settings, subject=client, role="client"), secure=gateway.cookie_secure
        )
        return response

    @app.post("/uitloggen", include_in_schema=False)
    def sign_out() -> RedirectResponse:
        response = redirect("/inloggen")
        session.end_session(response)
        return response

    @app.get("/taal/{chosen}", include_in_schema=False)
    def switch_language(chosen: str, terug: str | None = None) -> RedirectResponse:
        response = redirect(session.local_path(terug))
        session.set_language(response, "en" if chosen == "en" else "nl", secure=gateway.cookie_secure)
        return response

    if gateway.oidc_web_sign_in:
        from services.gateway.entrypoints.oidc_sign_in import add_oidc_routes

        add_oidc_routes(app, settings, gateway)
    return app
