"""How `jobmatch up` runs the gateway: it starts, answers and stops as a process of its own;
when its port is taken the stack goes on without it and says why in both languages."""

from __future__ import annotations

import os
import socket

import httpx
import pytest

from services.common.ports import free_loopback_port as free_port
from services.gateway.launch import launch_gateway, stop_gateway


def test_the_gateway_starts_answers_with_its_api_document_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv("JOBMATCH_GATEWAY_PORT", str(port))
    process, answered_port = launch_gateway(dict(os.environ), "127.0.0.1", 60)
    try:
        assert process is not None and answered_port == port
        reply = httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10)
        assert reply.json()["info"]["title"] == "jobmatch API"
        assert "Proefpersoon" in httpx.get(f"http://127.0.0.1:{port}/inloggen", timeout=10).text  # dev sign-in on
    finally:
        stop_gateway(process, 5)
    assert process.poll() is not None


def test_a_taken_port_leaves_the_gateway_out_with_a_message_in_dutch_and_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("JOBMATCH_GATEWAY_PORT", str(taken.getsockname()[1]))
        assert launch_gateway(dict(os.environ), "127.0.0.1", 60) == (None, None)
    said = capsys.readouterr().err
    assert "is in gebruik" in said and "is in use" in said and "JOBMATCH_GATEWAY_PORT" in said
