"""Errors the gateway answers itself are problem+json in the API (a wrong method, a service that
cannot be reached, a bug of ours) and a plain page in the web module."""

from __future__ import annotations

import socket
import warnings
from collections.abc import Iterator

import pytest

from services.common.settings import Settings
from services.gateway.bootstrap import build_app
from services.gateway.settings import GatewaySettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the socket is


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    nowhere = f"127.0.0.1:{closed_port()}"
    app = build_app(
        Settings(token_secret="x" * 40),
        GatewaySettings(
            vacancies_target=nowhere, matching_target=nowhere, activities_target=nowhere, call_timeout_seconds=2
        ),
    )
    api = next(route.app for route in app.routes if getattr(route, "path", "") == "/api/v1")

    @api.get("/broken", include_in_schema=False)
    def broken() -> None:
        raise RuntimeError("secret internals")

    @app.get("/kapot", include_in_schema=False)
    def broken_page() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_service_that_cannot_be_reached_is_a_503_saying_nothing_was_changed(client: TestClient) -> None:
    reply = client.get("/api/v1/clients/c-1/feed", headers={"Accept-Language": "en"})
    assert reply.status_code == 503 and reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["detail"] == "Nothing was saved or changed. Try again in a minute."


def test_a_wrong_method_is_a_405_problem(client: TestClient) -> None:
    reply = client.delete("/api/v1/vacancies")
    assert reply.status_code == 405 and reply.headers["content-type"] == "application/problem+json"


def test_a_bug_is_a_500_problem_that_does_not_show_the_error(client: TestClient) -> None:
    reply = client.get("/api/v1/broken")
    assert reply.status_code == 500 and reply.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in reply.text and reply.json()["code"] == "internal"


def test_a_page_whose_service_cannot_be_reached_says_so_in_plain_words(client: TestClient) -> None:
    from services.common.auth import mint_token

    token = mint_token(Settings(token_secret="x" * 40), subject="c-1", role="client")
    client.cookies.set("jobmatch_sessie", token)
    try:
        page = client.get("/vacatures")
    finally:
        client.cookies.clear()
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "Dit lukt nu even niet" in page.text and "niets opgeslagen" in page.text


def test_a_bug_behind_a_page_is_a_plain_error_page_without_the_error(client: TestClient) -> None:
    page = client.get("/kapot")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "Er ging bij ons iets mis" in page.text and "secret internals" not in page.text
