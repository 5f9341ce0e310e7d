"""A free TCP port to hand to a process that will listen on it (a broker, a service, /metrics).

Asking the OS for port 0 and passing the number on leaves a gap between the probe and the
child's bind. The OS takes port-0 numbers from the ephemeral range, the range it also takes
the source ports of outgoing connections from. So a busy test run (Kafka and search clients
open connections all the time) can take the port first. One run failed that way: "matching:
OSError: [Errno 98] Address already in use" on a /metrics port. Ports below the ephemeral
range are never given to outgoing connections. There, only another explicit bind can take the
port, and that is what the probe checks.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_FIRST_CANDIDATE = 10_000  # above the well-known and most registered service ports
_TRIES = 200


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return low, high
    except (OSError, ValueError):
        return 32_768, 60_999  # Linux's default


def _bindable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_loopback_port(host: str = "127.0.0.1") -> int:
    """A port on `host` that nothing listens on now, outside the ephemeral range where there is
    room below it (otherwise the OS's choice)."""
    low, _high = _ephemeral_range()
    if low - _FIRST_CANDIDATE >= 1_000:
        for _ in range(_TRIES):
            port = random.randrange(_FIRST_CANDIDATE, low)
            if _bindable(host, port):
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
