"""Ports handed to child processes are taken below the ephemeral range, where outgoing
connections never get their source ports (services/common/ports.py says why)."""

from __future__ import annotations

import socket

from services.common import ports


def test_a_free_port_is_below_the_ephemeral_range_and_can_be_listened_on() -> None:
    low, _high = ports._ephemeral_range()
    for _ in range(20):
        port = ports.free_loopback_port()
        assert port < low
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", port))
            listener.listen()


def test_a_port_something_listens_on_is_never_given(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        picks = iter([busy, busy, busy, 12_345])
        monkeypatch.setattr(ports.random, "randrange", lambda low, high: next(picks))
        monkeypatch.setattr(
            ports, "_ephemeral_range", lambda: (busy + 1, busy + 2) if busy >= 11_000 else (32_768, 60_999)
        )
        assert ports.free_loopback_port() != busy
